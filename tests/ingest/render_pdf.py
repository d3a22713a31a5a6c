"""Fixture generator: the seed forms as ruled tables in a PDF (reportlab).

Each form is printed as the official layout of :func:`.render.form_table`: the
title and ``（2023年度）`` as centred text above the table, then the table with
every cell drawn as its own rectangle (a merged cell is one rectangle), long
text wrapped inside its cell. Text uses reportlab's built-in CID font
``STSong-Light`` (no font file needed). Forms follow each other down the page;
a form that does not fit continues on the next page (a merged cell cut by the
break is drawn as two rectangles, the text in the first), and a new form
starts on a new page only when fewer than ``min_rows`` rows still fit.
"""

from __future__ import annotations

from pathlib import Path

from jixiao.model import Form

from .render import N_COLS, form_table

FONT = "STSong-Light"
SIZE = 7.5
LEADING = 9.5
PAD = 2.5
WIDTHS = [62, 62, 88, 66, 66, 40, 40, 91]  # 515 pt: an A4 page less 40 pt margins


def _font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def wrap(text: str, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (character by character)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    cur = ""
    for ch in text:
        if cur and stringWidth(cur + ch, FONT, SIZE) > width:
            lines.append(cur)
            cur = ""
        cur += ch
    if cur:
        lines.append(cur)
    return lines


def _placed(rows: list[list[tuple[str, int, int]]]) -> list[tuple[str, int, int, int, int]]:
    """(text, row, col, rowspan, colspan) with columns placed as in HTML."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(rows):
        col = 0
        for text, rs, cs in row:
            while (r, col) in taken:
                col += 1
            out.append((text, r, col, rs, cs))
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, col + dc))
            col += cs
    return out


def _heights(cells, n_rows: int) -> list[float]:
    xs = [sum(WIDTHS[:k]) for k in range(N_COLS + 1)]
    need = [LEADING + 2 * PAD] * n_rows
    for text, r, c, rs, cs in sorted(cells, key=lambda t: t[3]):
        h = len(wrap(text, xs[c + cs] - xs[c] - 2 * PAD)) * LEADING + 2 * PAD
        have = sum(need[r:r + rs])
        if h > have:
            need[r + rs - 1] += h - have
    return need


def to_pdf(forms: list[Form], path: Path, *, page_size: tuple[float, float] | None = None,
           min_rows: int = 6, scanned_first_page: bool = False, borders: str = "all",
           repeat_header: int = 0, rotate: int = 0, page_numbers: bool = False) -> Path:
    """Write ``forms`` into one PDF at ``path``; ``page_size`` (points)
    defaults to A4 (a small page forces forms across pages).
    ``scanned_first_page`` adds a page with no text layer in front.

    As published PDFs come: ``borders`` is ``all`` (each cell its rectangle),
    ``inner`` (lines between cells, no outer border) or ``horizontal`` (only the
    top and bottom rules of each cell, no vertical lines); ``repeat_header=k``
    repeats a form's first ``k`` rows at the top of each page it continues on
    (Word's repeated header rows); ``rotate=90`` writes pages with ``/Rotate
    90`` whose content is drawn turned so that they display upright (the page
    size given is then the displayed, landscape one); ``page_numbers`` prints
    ``- N -`` at the foot of each page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    _font()
    pw, ph = page_size or A4
    margin = 40.0
    left = (pw - sum(WIDTHS)) / 2
    xs = [left + sum(WIDTHS[:k]) for k in range(N_COLS + 1)]
    # with /Rotate 90 the page is stored portrait (ph × pw) and displayed turned clockwise
    c = canvas.Canvas(str(path), pagesize=(ph, pw) if rotate else (pw, ph))
    page_no = 1

    def begin_page() -> None:
        c.setLineWidth(0.6)
        if rotate:
            c.setPageRotation(rotate)
            c.translate(ph, 0)
            c.rotate(90)  # logical landscape (X, Y) → stored (ph - Y, X)

    def end_page() -> None:
        nonlocal page_no
        if page_numbers:
            c.setFont(FONT, SIZE)
            c.drawCentredString(pw / 2, margin / 2, f"- {page_no} -")
        page_no += 1
        c.showPage()

    if scanned_first_page:  # an "image" of a page: shapes, no characters
        c.rect(50, 50, pw - 100, ph - 100, stroke=1, fill=1)
        c.showPage()
    begin_page()
    y = ph - margin  # the current top, in reportlab's bottom-up coordinates

    def new_page() -> None:
        nonlocal y
        end_page()
        begin_page()
        y = ph - margin

    def text_lines(lines: list[str], x: float, top: float) -> None:
        c.setFont(FONT, SIZE)
        for i, ln in enumerate(lines):
            c.drawString(x, top - PAD - SIZE - i * LEADING, ln)

    def draw_cell(col: int, cs: int, top: float, bottom: float, outer: tuple[bool, bool, bool, bool]) -> None:
        x0, x1 = xs[col], xs[col + cs]
        if borders == "all":
            c.rect(x0, bottom, x1 - x0, top - bottom, stroke=1, fill=0)
            return
        left, right, is_top, is_bottom = outer
        inner = borders == "inner"
        if not (inner and is_top):
            c.line(x0, top, x1, top)
        if not (inner and is_bottom):
            c.line(x0, bottom, x1, bottom)
        if borders == "inner":
            if not left:
                c.line(x0, bottom, x0, top)
            if not right:
                c.line(x1, bottom, x1, top)

    started = False
    for form in forms:
        rows = form_table(form)
        title, year, body = rows[0][0][0], rows[1][0][0], rows[2:]
        cells = _placed(body)
        heights = _heights(cells, len(body))
        head = 2 * (LEADING + 4)
        if started and y - head - sum(heights[:min_rows]) < margin:
            new_page()
        started = True
        for t in (title, year):
            c.setFont(FONT, SIZE + 2)
            c.drawCentredString(pw / 2, y - SIZE - 2, t)
            y -= LEADING + 4
        y -= 4
        # row tops, page by page (a continued page starts with the repeated header rows)
        head_h = sum(heights[:repeat_header])
        tops: list[tuple[int, float]] = []  # (page, top y) per row
        page = 0
        for h in heights:
            if y - h < margin:
                page += 1
                y = ph - margin - head_h
            tops.append((page, y))
            y -= h
        pages: dict[int, list] = {}
        for text, r, col, rs, cs in cells:
            # split a merged cell at page breaks: one rectangle per page
            first = True
            r0 = r
            while r0 < r + rs:
                pg = tops[r0][0]
                r1 = r0
                while r1 + 1 < r + rs and tops[r1 + 1][0] == pg:
                    r1 += 1
                top = tops[r0][1]
                bottom = tops[r1][1] - heights[r1]
                pages.setdefault(pg, []).append((text if first else "", col, cs, top, bottom, r0, r1))
                first = False
                r0 = r1 + 1
        for pg in sorted(pages):
            if pg > 0:
                new_page()
                if repeat_header:  # the form's first rows again, above the rest
                    shift = ph - margin - tops[0][1]
                    for text, r, col, rs, cs in cells:
                        if r + rs <= repeat_header:
                            top, bottom = tops[r][1] + shift, tops[r + rs - 1][1] - heights[r + rs - 1] + shift
                            draw_cell(col, cs, top, bottom, (col == 0, col + cs == N_COLS, r == 0, False))
                            text_lines(wrap(text, xs[col + cs] - xs[col] - 2 * PAD), xs[col] + PAD, top)
            on_page = [r for r in range(len(heights)) if tops[r][0] == pg]
            first_row, last_row = on_page[0], on_page[-1]
            for text, col, cs, top, bottom, r0, r1 in pages[pg]:
                outer = (col == 0, col + cs == N_COLS, r0 == first_row and not (pg and repeat_header), r1 == last_row)
                draw_cell(col, cs, top, bottom, outer)
                if text:
                    text_lines(wrap(text, xs[col + cs] - xs[col] - 2 * PAD), xs[col] + PAD, top)
        y = tops[-1][1] - heights[-1] - 18
    end_page()
    c.save()
    return path
