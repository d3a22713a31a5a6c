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

Each cell's location is its line range in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..model import Form, Location
from .decode import detect_encoding, SAMPLE_BYTES
from .errors import NoFormFoundError
from .grid import Cell, Grid
from .gridform import grid_to_forms

_RULE_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")
_CELL_LINE_RE = re.compile(r"^[ \t]{2,}\|")  # an indented line opening with a pipe: the row's next cell


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


def text_to_grid(text: str, *, file: str = "", encoding: str | None = None) -> Grid:
    lines = text.split("\n")
    if not any(_RULE_RE.match(ln) for ln in lines) and _cell_per_line(lines):
        return _cell_lines_to_grid(lines, file, encoding)
    dense = any(_RULE_RE.match(ln) for ln in lines)
    piped = [ln for ln in lines if ln.count("|") >= 1 and ln.strip()]
    line_start = sum(1 for ln in piped if ln.lstrip().startswith("|")) * 2 >= len(piped) and not dense
    # (first line, last line, text) per row
    rows: list[tuple[int, int, str]] = []
    for no, ln in enumerate(lines, 1):
        if not ln.strip() or _RULE_RE.match(ln):
            continue
        if line_start and not ln.lstrip().startswith("|") and rows:
            first, _, body = rows[-1]
            rows[-1] = (first, no, body + "\n" + ln)
        else:
            rows.append((no, no, ln))
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
        grid_rows.append(cells)
    return Grid(grid_rows, file=file, format="text", name="", dense=dense, encoding=encoding)


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
