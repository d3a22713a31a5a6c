"""Text copies of web tables, as pipe rows → :class:`~.grid.Grid`.

Three shapes are met:

* a markdown table (a ``|---|---|`` rule under the first row): every row has
  all its cells, merged cells are empty → a *dense* grid;
* a web copy where every row starts with ``|`` and a cell may hold line breaks
  (``|\\n项目资金 (万元) |\\n年初预算数 | ...``): a line not starting with ``|``
  continues the row above → a *compacted* grid (empty cells were dropped or
  pushed to the end as ``||||``);
* a web copy with one row per line (``年度资金总额: | 9.48 | 9.48 | ... |||``),
  merged cells printed alone on their line → a *compacted* grid;
* a web copy with one cell per line (a table inside a report page): a row's
  first cell at the margin, each further cell on an indented line opening with
  ``|`` (``        | 数量指标``), a cell's own line breaks as indented lines
  without a pipe (``社会效益`` then ``       指标``) → a *compacted* grid.

Damage met in copies of every shape: a doc site's page markers (``1、`` before
the form, ``2、`` … where a page was cut, at any character) are removed and the
cut row glued back (JX002); a copy that ends inside its last row leaves that
row's last cell marked cut (never read as a value; the row is not read) or,
when it ends on a cell boundary of a row shorter than the table, the form
marked incomplete (JX004).

Each cell's location is its line range in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..model import Form, Location, ReadWarning
from .decode import detect_encoding, SAMPLE_BYTES
from .errors import NoFormFoundError
from .grid import Cell, Grid
from .gridform import grid_to_forms
from .textutil import DOCSITE_MARK_RE

_RULE_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")
_CELL_LINE_RE = re.compile(r"^[ \t]{2,}\|")  # an indented line opening with a pipe: the row's next cell


def _row_width(lines: list[str]) -> int | None:
    """The pipes of a whole row when the copy pads its rows to the table's width
    with empty cells (``|||``): the count most piped lines share (three in five)."""
    counts = [ln.count("|") for ln in lines if "|" in ln and ln.strip()]
    if len(counts) < 5:
        return None
    width = max(set(counts), key=counts.count)
    return width if counts.count(width) * 5 >= len(counts) * 3 else None


def _page_marks(lines: list[str]) -> dict[int, tuple[int, bool]]:
    """Doc-site page markers: line index -> (page number, glued to the row above).

    A doc site prints a copy page by page, each page a paragraph opening ``1、``
    ``2、`` … and cut at any character, even inside a cell. Page 1 opens before
    the form (before 项目名称) and declares the numbering: page N then follows
    page N - 1. Without a page 1 before the form, ``N、`` is a page only where it
    must be: the row above is unfinished (it does not end with a pipe), or the
    page opens on a cell boundary; a numbered row (``3、施用配方肥 | …``) after a
    finished row is not a marker. A page continues the row above unless that
    row is whole (it ends with a pipe and, in a copy padded to the table's
    width, has all its pipes): then the page broke between two rows."""
    marks: dict[int, tuple[int, bool]] = {}
    width = _row_width(lines)
    expect, seen_name, prev = 1, False, ""
    for k, ln in enumerate(lines):
        if not ln.strip():
            continue
        m = DOCSITE_MARK_RE.match(ln)
        rest = ln[m.end():] if m else ln
        if m and int(m.group(1)) == expect:
            finished = prev.rstrip().endswith("|")
            if expect == 1 and not seen_name:
                marks[k] = (expect, False)
                expect += 1
            elif expect > 1 and (any(p == 1 for p, _ in marks.values()) or not finished
                                 or rest[:1] in (" ", "\t", "|")):
                whole = finished and width is not None and prev.count("|") >= width
                marks[k] = (expect, not whole)
                expect += 1
                if not whole:
                    prev += rest
                    continue
        seen_name = seen_name or "项目名称" in ln
        prev = rest if k in marks else ln
    return marks


def _cell_per_line(lines: list[str]) -> bool:
    """Most piped lines are indented and open with the pipe (one cell per line)."""
    piped = [ln for ln in lines if "|" in ln]
    lead = sum(1 for ln in piped if _CELL_LINE_RE.match(ln))
    return lead >= 3 and lead * 4 >= len(piped) * 3


def looks_like_pipe_table(text: str) -> bool:
    """At least three lines with two or more pipes, and they are a good share
    of the non-blank lines (a stray ``|`` in prose does not count)."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    piped = sum(1 for ln in lines if ln.count("|") >= 2)
    if piped >= 3 and piped * 3 >= len(lines):
        return True
    return _cell_per_line(lines) and sum(1 for ln in lines if _CELL_LINE_RE.match(ln)) * 2 >= len(lines)


def _split(row: str) -> list[str]:
    s = row.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return s.split("|")


def _cell_lines_to_grid(lines: list[str], file: str, encoding: str | None) -> Grid:
    """One cell per line: a line at the margin starts a row, an indented ``|`` line
    adds a cell (``| ||`` adds empty ones, dropped: the grid is compacted), an
    indented line without a pipe continues the last cell."""
    rows: list[list[list]] = []  # per row: [text, first line, last line] per cell
    for no, ln in enumerate(lines, 1):
        if not ln.strip():
            continue
        if _CELL_LINE_RE.match(ln) and rows:
            for part in ln.strip()[1:].split("|"):
                rows[-1].append([part.strip(), no, no])
        elif ln[:1] in (" ", "\t") and rows and rows[-1]:
            cell = rows[-1][-1]
            cell[0] = (cell[0] + " " + ln.strip()).strip()
            cell[2] = no
        else:
            rows.append([[ln.strip().strip("|").strip(), no, no]])
    grid_rows: list[list[Cell]] = []
    for r, cells in enumerate(rows):
        out: list[Cell] = []
        for t, first, last in cells:
            if t:
                out.append(Cell(t, r, len(out), location=Location(line=first, end_line=last if last != first else None)))
        grid_rows.append(out)
    return Grid(grid_rows, file=file, format="text", name="", dense=False, encoding=encoding)


def _copy_end(bodies: list[str]) -> str | None:
    """How a copy with one table row per line (pages glued back) ends inside its
    last row: ``"cut"`` when the rows end with a pipe (nine in ten) and the last
    one does not, so its last cell may be cut short; ``"short"`` when it ends on
    a cell boundary but the copy pads its rows to the table's width (``|||``,
    most rows have the same number of pipes) and this one has fewer: its cells
    are whole, the form is not. Rows that open with a pipe may span lines (a
    line's end says nothing): ``None``."""
    piped = [b for b in bodies if "|" in b]
    if len(piped) < 5 or sum(1 for b in piped if b.lstrip().startswith("|")) * 2 >= len(piped):
        return None
    last = bodies[-1].rstrip()
    closed = sum(1 for b in piped if b.rstrip().endswith("|"))
    if closed * 10 >= len(piped) * 9 and not last.endswith("|"):
        return "cut"
    width = _row_width(bodies)
    if width is not None and 0 < last.count("|") < width and last.endswith("|"):
        return "short"
    return None


def text_to_grid(text: str, *, file: str = "", encoding: str | None = None) -> Grid:
    lines = text.split("\n")
    if not any(_RULE_RE.match(ln) for ln in lines) and _cell_per_line(lines):
        return _cell_lines_to_grid(lines, file, encoding)
    marks = _page_marks(lines)
    notes: list[ReadWarning] = []
    dense = any(_RULE_RE.match(ln) for ln in lines)
    piped = [ln for ln in lines if ln.count("|") >= 1 and ln.strip()]
    line_start = sum(1 for ln in piped if ln.lstrip().startswith("|")) * 2 >= len(piped) and not dense
    # (first line, last line, text) per row
    rows: list[tuple[int, int, str]] = []
    for no, ln in enumerate(lines, 1):
        if not ln.strip() or _RULE_RE.match(ln):
            continue
        mark = marks.get(no - 1)
        if mark is not None:
            page, glued = mark
            ln = ln[len(f"{page}、"):]
            glued = glued and bool(rows)
            notes.append(ReadWarning(
                code="JX002", line=no,
                message=f"第{no}行：文档网站的分页标记“{page}、”"
                        + ("插在表格行中间，已删除，本行接回上一行" if glued else "已删除")))
            if glued:
                first, _, body = rows[-1]
                rows[-1] = (first, no, body + ln)
                continue
            if not ln.strip():
                continue  # the page broke between two rows
        if line_start and not ln.lstrip().startswith("|") and rows:
            first, _, body = rows[-1]
            rows[-1] = (first, no, body + "\n" + ln)
        else:
            rows.append((no, no, ln))
    end = _copy_end([body for _, _, body in rows]) if rows and not dense else None
    cut_row = len(rows) - 1 if end == "cut" else None
    short_row = len(rows) - 1 if end == "short" else None
    grid_rows: list[list[Cell]] = []
    for r, (first, last, body) in enumerate(rows):
        parts = _split(body) if "|" in body else [body]
        cells: list[Cell] = []
        col = 0
        for part in parts:
            t = " ".join(p.strip() for p in part.split("\n") if p.strip()) if "\n" in part else part.strip()
            if dense or t:
                cells.append(Cell(t, r, col, location=Location(line=first, end_line=last if last != first else None)))
                col += 1
        if r == cut_row and cells:
            cells[-1].cut = True
        grid_rows.append(cells)
    return Grid(grid_rows, file=file, format="text", name="", dense=dense, encoding=encoding, warnings=notes,
                short_row=short_row)


def read_pipetext(path: str | Path) -> Iterator[Form]:
    """Read the forms of a pipe-table text file."""
    p = Path(path)
    data = p.read_bytes()
    encoding = detect_encoding(p, data[:SAMPLE_BYTES])
    text = data.decode(encoding, errors="replace").replace("\r\n", "\n")
    grid = text_to_grid(text, file=str(p), encoding=encoding)
    forms = [fr.form for fr in grid_to_forms(grid)]
    if not forms:
        raise NoFormFoundError(p, "表格中没有找到项目支出绩效自评表（缺少“项目名称”和指标表）")
    yield from forms
