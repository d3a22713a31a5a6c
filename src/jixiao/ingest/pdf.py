"""PDF files with a text layer → :class:`~.grid.Grid` → forms.

Read with pdfplumber from coordinates, not from extracted plain text: on each
page the ruled tables are found from their drawn lines
(``page.find_tables`` with the ``lines`` strategies). pdfplumber gives every
cell's box; the distinct x edges of a table's cells are its column
boundaries, the distinct y edges its row boundaries, so a cell covering
several boundaries is a merged cell (rowspan/colspan). A cell's text is made
of the characters whose centre lies in its box, grouped into printed lines
and glued back with :func:`~.textutil.join_wrapped`. Each cell's location is
``Location(page=N, cell="p3!R2C5")`` (row/column in that page's table).

Text printed above a table and outside any table on the page (the form's
title and ``（2023年度）``) becomes full-width one-cell rows at the top of the
grid (location: the page and the line's box ``p1@x0,top,x1,bottom``).

A form running over several pages: a table that does not show a form header
(no 项目名称) is appended to the grid of the table before it; a merged cell
cut by the page break (its part on the new page is empty) is extended rather
than repeated. Each table showing 项目名称 starts a new grid, so one PDF can
hold many forms.

Refused with a typed error: a PDF with no text layer at all
(:class:`NeedsOCRError`, a scan), one that cannot be opened without a
password (:class:`EncryptedFileError`), and a damaged one
(:class:`CorruptFileError`).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from pathlib import Path

from ..model import Form, Location, ReadWarning
from .errors import (
    CorruptFileError, EmptyFileError, EncryptedFileError, NeedsOCRError, NoFormFoundError, ReadError,
)
from .grid import Cell, Grid
from .gridform import forms_from_grids
from .textutil import join_wrapped

TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
# Edges closer than this (points) are one boundary.
EDGE_TOL = 2.0
FORM_HEADER = "项目名称"


def _cluster(values: list[float], tol: float = EDGE_TOL) -> list[float]:
    """Sorted distinct values, those within ``tol`` of the previous merged."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _index(bounds: list[float], v: float) -> int:
    """The boundary nearest to ``v``."""
    i = bisect.bisect_left(bounds, v)
    if i == 0:
        return 0
    if i == len(bounds):
        return len(bounds) - 1
    return i if bounds[i] - v < v - bounds[i - 1] else i - 1


def _line_text(chars: list[dict]) -> str:
    """One printed line: characters left to right, a space where the gap is wide."""
    chars = sorted(chars, key=lambda ch: ch["x0"])
    out = ""
    prev = None
    for ch in chars:
        t = ch["text"]
        if prev is not None and out and not out.endswith(" ") and t != " ":
            gap = ch["x0"] - prev["x1"]
            if gap > 0.3 * max(ch.get("size") or 0.0, 1.0):
                out += " "
        out += t
        prev = ch
    return out


def _lines(chars: list[dict]) -> list[list[dict]]:
    """Characters grouped into printed lines (by their vertical middle), top to bottom."""
    lines: list[tuple[float, list[dict]]] = []
    for ch in sorted(chars, key=lambda c: ((c["top"] + c["bottom"]) / 2, c["x0"])):
        mid = (ch["top"] + ch["bottom"]) / 2
        half = max((ch["bottom"] - ch["top"]) / 2, 1.0)
        if lines and abs(mid - lines[-1][0]) <= half:
            lines[-1][1].append(ch)
        else:
            lines.append((mid, [ch]))
    return [ln for _, ln in lines]


def _cell_text(chars: list[dict]) -> str:
    """The lines of a cell glued back; a space printed at a line's end or
    start (a wrap at a word gap) is kept as one space."""
    out = ""
    space = False
    for raw in (_line_text(ln) for ln in _lines(chars)):
        part = raw.strip()
        if not part:
            continue
        out = (out + " " + part) if out and (space or raw[0] == " ") else join_wrapped([out, part])
        space = raw.endswith(" ")
    return out


class _Table:
    """One ruled table on a page, as cells placed on its own boundaries."""

    def __init__(self, page_no: int, bbox: tuple, cells: list[tuple], chars: list[dict]) -> None:
        self.page_no = page_no
        self.bbox = bbox
        xs = _cluster([c[0] for c in cells] + [c[2] for c in cells])
        ys = _cluster([c[1] for c in cells] + [c[3] for c in cells])
        self.n_rows = max(len(ys) - 1, 0)
        self.n_cols = max(len(xs) - 1, 0)
        placed: dict[tuple[int, int], tuple[int, int, tuple]] = {}
        for c in cells:
            r0, r1 = _index(ys, c[1]), _index(ys, c[3])
            c0, c1 = _index(xs, c[0]), _index(xs, c[2])
            if r1 > r0 and c1 > c0:
                placed.setdefault((r0, c0), (r1 - r0, c1 - c0, c))
        # characters → the cell whose box holds their centre
        owner: dict[tuple[int, int], tuple[int, int]] = {}
        for (r0, c0), (rs, cs, _) in placed.items():
            for r in range(r0, r0 + rs):
                for k in range(c0, c0 + cs):
                    owner[(r, k)] = (r0, c0)
        texts: dict[tuple[int, int], list[dict]] = {}
        for ch in chars:
            x = (ch["x0"] + ch["x1"]) / 2
            y = (ch["top"] + ch["bottom"]) / 2
            if not (xs[0] <= x <= xs[-1] and ys[0] <= y <= ys[-1]):
                continue
            k = bisect.bisect_right(xs, x) - 1
            r = bisect.bisect_right(ys, y) - 1
            key = owner.get((min(r, self.n_rows - 1), min(k, self.n_cols - 1)))
            if key is not None:
                texts.setdefault(key, []).append(ch)
        self.cells: list[tuple[int, int, int, int, str, tuple]] = [
            (r0, c0, rs, cs, _cell_text(texts.get((r0, c0), [])), box)
            for (r0, c0), (rs, cs, box) in sorted(placed.items())
        ]

    @property
    def has_form_header(self) -> bool:
        return any(FORM_HEADER in t.replace(" ", "") for *_, t, _ in self.cells)


def _bbox_ref(page_no: int, box: tuple) -> str:
    return f"p{page_no}@" + ",".join(f"{v:.0f}" for v in box)


class _GridBuilder:
    """Collects the rows of one grid, across tables and pages."""

    def __init__(self, file: str, name: str) -> None:
        self.file = file
        self.name = name
        self.cells: list[Cell] = []
        self.n_rows = 0
        self.n_cols = 0

    def add_lines(self, page_no: int, lines: list[list[dict]], n_cols: int) -> None:
        for ln in lines:
            text = _line_text(ln).strip()
            if not text:
                continue
            box = (min(c["x0"] for c in ln), min(c["top"] for c in ln),
                   max(c["x1"] for c in ln), max(c["bottom"] for c in ln))
            self.cells.append(Cell(text, self.n_rows, 0, 1, max(n_cols, 1),
                                   Location(page=page_no, cell=_bbox_ref(page_no, box))))
            self.n_rows += 1

    def add_table(self, t: _Table, *, continued: bool) -> None:
        base = self.n_rows
        last: dict[int, Cell] = {}  # column → the cell reaching the last row so far
        if continued:
            for c in self.cells:
                if c.row + c.rowspan == base:
                    last[c.col] = c
        for r0, c0, rs, cs, text, _box in t.cells:
            prev = last.get(c0) if continued and r0 == 0 else None
            if prev is not None and not text.strip() and prev.colspan == cs and prev.rowspan > 1:
                prev.rowspan += rs  # a merged cell cut by the page break
                continue
            self.cells.append(Cell(text, base + r0, c0, rs, cs,
                                   Location(page=t.page_no, cell=f"p{t.page_no}!R{r0 + 1}C{c0 + 1}")))
        self.n_rows = base + t.n_rows
        self.n_cols = max(self.n_cols, t.n_cols)

    def grid(self) -> Grid:
        rows: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for c in self.cells:
            rows[c.row].append(c)
        for row in rows:
            row.sort(key=lambda c: c.col)
        return Grid(rows, file=self.file, format="pdf", name=self.name, dense=True)


def _open(path: Path):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        return pdfplumber.open(str(path))
    except Exception as exc:  # pdfplumber wraps pdfminer's errors in PdfminerException
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
        if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in str(exc).lower():
            raise EncryptedFileError(path, "PDF 已加密，需要密码才能打开，未读取；请去除密码后再读取") from None
        raise CorruptFileError(path, f"PDF 文件已损坏，无法打开（{type(inner).__name__}: {inner}）") from None


def pdf_to_grids(path: str | Path) -> tuple[list[Grid], list[int]]:
    """The grids of a PDF's forms (see the module docstring), and the pages
    that have no text layer."""
    p = Path(path)
    if p.stat().st_size == 0:
        raise EmptyFileError(p, "文件是空的（0 字节）")
    builders: list[_GridBuilder] = []
    pages_without_text: list[int] = []
    pdf = _open(p)
    try:
        n_pages = len(pdf.pages)
        for page_no, page in enumerate(pdf.pages, 1):
            chars = [c for c in page.chars if c["text"].strip() or c["text"] == " "]
            if not any(c["text"].strip() for c in chars):
                pages_without_text.append(page_no)
                continue
            found = sorted(page.find_tables(TABLE_SETTINGS), key=lambda t: (t.bbox[1], t.bbox[0]))
            tables = [_Table(page_no, t.bbox, [c for c in t.cells if c], chars) for t in found]
            tables = [t for t in tables if t.n_rows and t.n_cols]
            floor = 0.0  # the bottom of the previous table on this page
            for t in tables:
                above = [c for c in chars if floor <= (c["top"] + c["bottom"]) / 2 < t.bbox[1]
                         and c["text"].strip()]
                continued = bool(builders) and not t.has_form_header
                if not continued:  # text above a continued table is a running head: not read
                    builders.append(_GridBuilder(str(p), f"p{page_no}.table{len(builders) + 1}"))
                    builders[-1].add_lines(page_no, _lines(above), t.n_cols)
                builders[-1].add_table(t, continued=continued)
                floor = t.bbox[3]
            page.close()  # frees the page's parsed objects: long PDFs stay small in memory
    except ReadError:
        raise
    except Exception as exc:  # pdfminer raises many kinds of errors on damaged content streams
        raise CorruptFileError(p, f"PDF 文件已损坏，无法读取（{type(exc).__name__}: {exc}）") from None
    finally:
        pdf.close()
    if n_pages and len(pages_without_text) == n_pages:
        raise NeedsOCRError(p, "PDF 没有文字层（扫描件或图片），需要先做文字识别（OCR）才能读取")
    return [b.grid() for b in builders], pages_without_text


def read_pdf(path: str | Path) -> Iterator[Form]:
    """Read the forms in the ruled tables of a PDF with a text layer."""
    p = Path(path)
    grids, no_text = pdf_to_grids(p)
    try:
        forms = forms_from_grids(p, grids, "PDF 文件")
    except NoFormFoundError:
        if no_text:  # the form may be on the scanned pages
            pages = "、".join(map(str, no_text[:10])) + ("等" if len(no_text) > 10 else "")
            raise NeedsOCRError(p, f"PDF 中没有找到可读的自评表，第 {pages} 页没有文字层（扫描件或图片），"
                                   "需要先做文字识别（OCR）") from None
        raise
    if no_text:  # forms were found elsewhere: the scanned pages are not silently skipped
        pages = "、".join(map(str, no_text[:10])) + ("等" if len(no_text) > 10 else "")
        for form in forms:
            form.warnings.insert(0, ReadWarning(
                code="JX020", page=no_text[0],
                message=f"第 {pages} 页没有文字层（扫描件或图片），未读取；这些页上的内容需要先做文字识别（OCR）"))
    yield from forms
