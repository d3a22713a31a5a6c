"""PDF files with a text layer → :class:`~.grid.Grid` → forms.

Read from coordinates, not from extracted plain text. :mod:`.pdfium` gives,
per page, the characters with their boxes and the ruling lines (strokes,
rectangles, thin filled rectangles), in the upright view of the text (a
``/Rotate`` page or a table printed sideways is turned first).

**Tables from lines.** Collinear pieces of rules are joined; rules that touch
form one table. The distinct x positions of a table's vertical rules (and its
outer extent, so a table without an outer border still closes) are its column
boundaries, the y positions of its horizontal rules its row boundaries. Two
neighbouring grid units belong to the same cell unless a rule separates them,
so a merged cell (rowspan/colspan) is the units no rule divides.

**Tables from text.** A stack of horizontal rules with no vertical ones (only
horizontal borders drawn) is a table whose columns come from the rule pieces'
ends (rules drawn cell by cell) or else from the text: the gaps between the
text blocks of its fullest rows. Two units of a row are one merged cell when a
rule piece of the row runs across their boundary (rules drawn cell by cell;
at a rule shared by two rows the far rule of the other row tells whose piece
it is), or when a printed line runs on across it (a character straddles it,
or the gap there is no wider than a space or the letter spacing around it):
two centred labels wrapped in narrow neighbouring cells (满意度指 / 标 beside
服务对象满 / 意度指标) leave the cells' padding between them and stay apart.
Rules drawn column by column (Chromium) end at every boundary and say nothing
about merged cells: the text alone decides. A stack that runs on from one
form into the next is cut above the row starting with 项目名称 (the title
lines between are text above the next table).

A cell's text is made of the characters whose centre lies in its box,
grouped into printed lines and glued back with :func:`~.textutil.join_wrapped`.
Each cell's location is ``Location(page=N, cell="p3!R2C5")`` (row/column in
that page's table). Text printed above a table and outside any table on the
page (the form's title and ``（2023年度）``) becomes full-width one-cell rows at
the top of the grid (location: the page and the line's box
``p1@x0,top,x1,bottom``); a page number (``- 3 -``, ``第 3 页``) is not text
of the form.

**Forms over pages.** A table that does not show a form header (no 项目名称)
continues the grid of the table before it:

* rows at its top that repeat the first rows of a table already in the grid
  (a header row that Word repeats on every page) are dropped;
* a merged cell cut by the page break (its part on the new page is empty) is
  extended rather than repeated;
* a row split by the page break (its new-page part holds only the rest of
  the long cells, the other cells are empty, or every cell is a wrapped
  text that goes on) is joined to its first part.

A row that continues alone on a new page has too few rules to be a table of
its own: two horizontal rules, or, in a table without outer border, only the
rules between its cells. Above the page's other tables it is read with the
columns of the grid in progress; a first row alone at the foot of a page
(项目名称 | name, no outer border) within its text's extent. A form's title
left at the foot of a page goes with the form whose table begins the next page.

A table showing 项目名称 starts a new grid — unless it repeats the first rows
of the grid in progress and goes on with other rows (a repeated header) — so
one PDF can hold many forms.

Refused with a typed error: a PDF with no text layer at all
(:class:`NeedsOCRError`, a scan), one that cannot be opened without a
password (:class:`EncryptedFileError`), and a damaged one
(:class:`CorruptFileError`).

**Pages in parallel.** Everything up to a page's tables is read from the
page alone (:func:`page_tables`); a large PDF's pages are read so by worker
processes (:mod:`.pdfpool`), the joining into grids stays here, in page
order, and each grid's forms are read as soon as it is complete. The result
and the errors are those of one process.
"""

from __future__ import annotations

import bisect
import gc
import re
import threading
from operator import itemgetter, sub
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..model import Form, Location, ReadWarning
from .errors import (
    CorruptFileError, EmptyFileError, EncryptedFileError, NeedsOCRError, NoFormFoundError, ReadError,
)
from .grid import Cell, Grid
from .gridform import forms_from_grids
from . import pdfpool
from .pdfium import FULL_WIDTH_PUNCT, Char, Document, HSeg, PageContent, PdfOpenError, VSeg
from .textutil import join_wrapped

# Rules closer than this (points) are one boundary; pieces of a rule closer
# than this along it are one rule.
EDGE_TOL = 2.0
JOIN_TOL = 3.0
FORM_HEADER = "项目名称"
# Horizontal rules without vertical ones: stacked rules belong to one table
# when they overlap this much and are at most this far apart.
RULE_OVERLAP = 0.8
RULE_GAP = 320.0
# Text blocks further apart than this many character heights are in different cells.
CELL_GAP = 1.2
# What the rule pieces at a row boundary do at a column boundary (bits).
_ACROSS, _STOP = 1, 2
# A gap (in ems) a line's text runs on across: a space.
RUN_GAP = 0.45
_BOTH = _ACROSS | _STOP
_PAGE_NUMBER = re.compile(r"^(?:[-—–·\s]*\d+[-—–·\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"
                          r"|\d+\s*/\s*\d+|(?:page|p\.)\s*\d+(?:\s*(?:of|/)\s*\d+)?)$", re.I)
_SENTENCE_END = "。；;！!？?"
# A form's title or year line (printed above its table).
_TITLE_LINE = re.compile(r"自评表|\d{4}\s*年度")

X0, TOP, X1, BOTTOM = 1, 2, 3, 4
_by_x0 = itemgetter(X0)
_by_x1 = itemgetter(X1)
_by_text = itemgetter(0)


def _mid2(c: Char) -> float:
    """Twice the vertical middle (the sort key of lines)."""
    return c[TOP] + c[BOTTOM]
_by_start = itemgetter(1)


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


def _line_text(chars: list[Char]) -> str:
    """One printed line: characters left to right, a space where the gap is wide."""
    if not chars:
        return ""
    chars = sorted(chars, key=_by_x0)
    # the widest gap between neighbours (and the first character's own width, negated)
    widest = max(0.0, chars[0][X0] - chars[0][X1], *map(sub, map(_by_x0, chars[1:]), map(_by_x1, chars)))
    if widest <= 0.3:  # no gap can be a space (the least wide one, below)
        return "".join(map(_by_text, chars))
    # The line's type size: the median character height. A glyph's own box can be
    # flat (一, —: PDFium's boxes follow the outline), and a gap measured against
    # it would put a space inside a word (进 一步).
    heights = sorted([c[BOTTOM] - c[TOP] for c in chars])
    wide = 0.3 * max(heights[len(heights) // 2], 1.0)
    if widest <= wide:
        return "".join(map(_by_text, chars))  # no gap wide enough for a space
    parts: list[str] = []
    prev_x1 = 0.0
    spaced = True  # the text so far is empty or ends with a space
    prev_t = ""
    for t, x0, _top, x1, _bottom, _size in chars:
        if (not spaced and t != " " and x0 - prev_x1 > wide
                and t not in FULL_WIDTH_PUNCT and prev_t not in FULL_WIDTH_PUNCT):
            parts.append(" ")
        parts.append(t)
        spaced = t == " "
        prev_x1 = x1
        prev_t = t
    return "".join(parts)


def _lines(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into printed lines (by their vertical middle), top to bottom."""
    lines: list[tuple[float, list[Char]]] = []
    # by (middle, x0): two stable sorts, the cheaper keys
    for ch in sorted(sorted(chars, key=_by_x0), key=_mid2):
        mid = (ch[TOP] + ch[BOTTOM]) / 2
        half = max((ch[BOTTOM] - ch[TOP]) / 2, 1.0)
        if lines and abs(mid - lines[-1][0]) <= half:
            lines[-1][1].append(ch)
        else:
            lines.append((mid, [ch]))
    return [ln for _, ln in lines]


def _cell_text(chars: list[Char]) -> tuple[str, int]:
    """The lines of a cell glued back, and how many printed lines it has; a
    space printed at a line's end or start (a wrap at a word gap) is kept as one space."""
    first, last = chars[0], chars[-1]  # in the order of their vertical middle (see _Band)
    if last[TOP] + last[BOTTOM] - first[TOP] - first[BOTTOM] <= max(first[BOTTOM] - first[TOP], 2.0):
        # one printed line
        text = _line_text(chars).strip()
        return text, 1 if text else 0
    out = ""
    space = False
    n = 0
    for raw in (_line_text(ln) for ln in _lines(chars)):
        part = raw.strip()
        if not part:
            continue
        n += 1
        out = (out + " " + part) if out and (space or raw[0] == " ") else join_wrapped([out, part])
        space = raw.endswith(" ")
    return out, n


# --- rules → tables -------------------------------------------------------------


def _join(segs: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Collinear pieces (positions within EDGE_TOL of each other) joined where
    they touch or overlap: ``(position, start, end)``."""
    out: list[tuple[float, float, float]] = []
    add = out.append
    segs = sorted(segs)
    n = len(segs)
    i = 0
    while i < n:
        j = i + 1
        prev = segs[i][0]
        while j < n and segs[j][0] - prev <= EDGE_TOL:
            prev = segs[j][0]
            j += 1
        group = segs[i:j]
        pos = sum([g[0] for g in group]) / (j - i)
        group.sort(key=_by_start)
        _, lo, hi = group[0]
        for _, a, b in group:
            if a <= hi + JOIN_TOL:
                if b > hi:
                    hi = b
            else:
                add((pos, lo, hi))
                lo, hi = a, b
        add((pos, lo, hi))
        i = j
    return out


class _Table:
    """One table on a page, as cells placed on its own boundaries."""

    def __init__(self, page_no: int, xs: list[float], ys: list[float],
                 cells: list[tuple[int, int, int, int]], chars: list[Char]) -> None:
        self.page_no = page_no
        self.xs = xs
        self.bbox = (xs[0], ys[0], xs[-1], ys[-1])
        self.n_rows = len(ys) - 1
        self.n_cols = len(xs) - 1
        n_cols = self.n_cols
        owner: list[tuple[int, int] | None] = [None] * (self.n_rows * n_cols)  # unit r * n_cols + c → its cell
        placed: dict[tuple[int, int], tuple[int, int]] = {}
        shared: set[tuple[int, int]] = set()  # cells whose box holds units of another
        for r0, c0, rs, cs in cells:
            key = (r0, c0)
            placed[key] = (rs, cs)
            for r in range(r0, r0 + rs):
                for i in range(r * n_cols + c0, r * n_cols + c0 + cs):
                    got = owner[i]
                    if got is None:
                        owner[i] = key
                    elif got != key:
                        shared.add(got)
                        shared.add(key)
        # characters → the cell whose box holds their centre; a line's characters
        # come one after the other, so the cell of the previous one is tried first
        texts: dict[tuple[int, int], list[Char]] = {}
        x_lo, x_hi, y_lo, y_hi = xs[0], xs[-1], ys[0], ys[-1]
        last_r, last_c = self.n_rows - 1, self.n_cols - 1
        cur: list[Char] | None = None
        bx0 = bx1 = by0 = by1 = 0.0
        right = bisect.bisect_right
        for ch in chars:
            x = (ch[1] + ch[3]) * 0.5
            y = (ch[2] + ch[4]) * 0.5
            if cur is not None and bx0 <= x < bx1 and by0 <= y < by1:
                cur.append(ch)
                continue
            if not (x_lo <= x <= x_hi and y_lo <= y <= y_hi):
                continue
            k = min(right(xs, x) - 1, last_c)
            r = min(right(ys, y) - 1, last_r)
            key = owner[r * n_cols + k]
            if key is None:
                cur = None
                continue
            cur = texts.get(key)
            if cur is None:
                cur = texts[key] = []
            cur.append(ch)
            if key in shared:
                bx0, bx1, by0, by1 = xs[k], xs[k + 1], ys[r], ys[r + 1]
            else:  # the whole box of the (merged) cell is its own
                r0, c0 = key
                rs, cs = placed[key]
                bx0, bx1, by0, by1 = xs[c0], xs[c0 + cs], ys[r0], ys[r0 + rs]
        self.cells: list[tuple[int, int, int, int, str, int]] = []
        for (r0, c0), (rs, cs) in sorted(placed.items()):
            got = texts.get((r0, c0))
            text, n_lines = _cell_text(got) if got else ("", 0)
            self.cells.append((r0, c0, rs, cs, text, n_lines))
        self.own_cells = list(self.cells)

    def remap(self, bounds: list[int]) -> None:
        """Renumber columns: boundary ``k`` of this table is boundary ``bounds[k]``."""
        self.cells = [(r0, bounds[c0], rs, bounds[c0 + cs] - bounds[c0], text, n)
                      for r0, c0, rs, cs, text, n in self.own_cells]
        self.n_cols = bounds[-1]

    @property
    def has_form_header(self) -> bool:
        return any(FORM_HEADER in t.replace(" ", "") for *_, t, _ in self.cells)

    def row_keys(self) -> list[tuple]:
        """Per row, what it shows: the cells starting in it (column, spans, text)."""
        rows: list[list] = [[] for _ in range(self.n_rows)]
        for r0, c0, rs, cs, text, _ in self.cells:
            rows[r0].append((c0, rs, cs, text))
        return [tuple(r) for r in rows]


class _Band:
    """A page's characters sorted by their vertical middle, to take those of a
    table's height without looking at every character for every table."""

    def __init__(self, chars: list[Char]) -> None:
        keys = [c[TOP] + c[BOTTOM] for c in chars]
        order = sorted(range(len(chars)), key=keys.__getitem__)
        self.chars = [chars[i] for i in order]
        self.keys = [keys[i] for i in order]

    def between(self, y0: float, y1: float) -> list[Char]:
        return self.chars[bisect.bisect_left(self.keys, 2 * y0):bisect.bisect_right(self.keys, 2 * y1)]


def _units_to_cells(n_rows: int, n_cols: int, right: list[list[bool]],
                    down: list[list[bool]]) -> list[tuple[int, int, int, int]]:
    """Cells (row, col, rowspan, colspan) from grid units: unit (r, c) joins its
    right neighbour when ``right[r][c]``, the one below when ``down[r][c]``."""
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:  # the root stays the component's first unit
            parent[max(a, b)] = min(a, b)

    for r in range(n_rows):
        base = r * n_cols
        for c, joined in enumerate(right[r]):
            if joined:
                union(base + c, base + c + 1)
        if r + 1 < n_rows:
            for c, joined in enumerate(down[r]):
                if joined:
                    union(base + c, base + c + n_cols)
    boxes: dict[int, list[int]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            root = find(r * n_cols + c)
            b = boxes.get(root)
            if b is None:
                boxes[root] = [r, c, r, c]
            else:
                b[0], b[1] = min(b[0], r), min(b[1], c)
                b[2], b[3] = max(b[2], r), max(b[3], c)
    return [(r0, c0, r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in boxes.values()]


def _crossed(lines: list[tuple[float, float, float]], pos: float, mids: list[float]) -> list[bool]:
    """For each of ``mids``: whether some rule at ``pos`` runs across it (:func:`_covers`)."""
    spans = [(a - EDGE_TOL, b + EDGE_TOL) for p, a, b in lines if abs(p - pos) <= EDGE_TOL]
    if not spans:
        return [False] * len(mids)
    if len(spans) == 1:
        a, b = spans[0]
        return [a <= m <= b for m in mids]
    return [any(a <= m <= b for a, b in spans) for m in mids]


def _covers(lines: list[tuple[float, float, float]], pos: float, mid: float) -> bool:
    """Some rule at ``pos`` runs across ``mid``."""
    for p, a, b in lines:
        if abs(p - pos) <= EDGE_TOL and a - EDGE_TOL <= mid <= b + EDGE_TOL:
            return True
    return False


def _ruled_table(page_no: int, hs: list[HSeg], vs: list[VSeg], band: _Band) -> _Table | None:
    x_lo = min([a for _, a, _ in hs] + [p for p, _, _ in vs])
    x_hi = max([b for _, _, b in hs] + [p for p, _, _ in vs])
    y_lo = min([p for p, _, _ in hs] + [a for _, a, _ in vs])
    y_hi = max([p for p, _, _ in hs] + [b for _, _, b in vs])
    xs = _cluster([p for p, _, _ in vs] + [x_lo, x_hi])
    ys = _cluster([p for p, _, _ in hs] + [y_lo, y_hi])
    if len(xs) < 2 or len(ys) < 2:
        return None
    xs[0], xs[-1], ys[0], ys[-1] = x_lo, x_hi, y_lo, y_hi
    by_x: dict[int, list] = {}
    for v in vs:
        by_x.setdefault(_index(xs, v[0]), []).append(v)
    by_y: dict[int, list] = {}
    for h in hs:
        by_y.setdefault(_index(ys, h[0]), []).append(h)

    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    ymids = [(ys[r] + ys[r + 1]) / 2 for r in range(n_rows)]
    xmids = [(xs[c] + xs[c + 1]) / 2 for c in range(n_cols)]
    # a unit is open to the right (down) where no rule runs across the middle of its side
    ruled_v = [_crossed(by_x.get(c + 1, []), xs[c + 1], ymids) for c in range(n_cols - 1)]
    right = [[not ruled_v[c][r] for c in range(n_cols - 1)] for r in range(n_rows)]
    down = [[not x for x in _crossed(by_y.get(r + 1, []), ys[r + 1], xmids)] for r in range(n_rows - 1)]
    cells = _units_to_cells(n_rows, n_cols, right, down)
    return _Table(page_no, xs, ys, cells, band.between(ys[0], ys[-1]))


def _blocks(chars: list[Char]) -> list[tuple[float, float]]:
    """The x extents of a row's text blocks: printed lines cut where the gap
    between characters is wider than CELL_GAP character heights, then blocks
    overlapping across lines merged."""
    spans: list[tuple[float, float]] = []
    for ln in _lines(chars):
        ln.sort(key=lambda c: c[X0])
        s, e = ln[0][X0], ln[0][X1]
        for ch in ln[1:]:
            if ch[X0] - e > CELL_GAP * max(ch[5], 1.0):
                spans.append((s, e))
                s = ch[X0]
            e = max(e, ch[X1])
        spans.append((s, e))
    out: list[list[float]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _runs_across(line: list[Char], x: float) -> bool:
    """Whether a printed line (characters left to right) runs on across ``x``:
    a character straddles it, or the gap holding it is no wider than a space
    (RUN_GAP) or than the letter spacing on both sides of it. The texts of two
    neighbouring cells are apart by the cells' padding at least."""
    if len(line) < 2 or x <= line[0][X0] or x >= line[-1][X1]:
        return False
    for k, (a, b) in enumerate(zip(line, line[1:])):
        em = max(a[5], b[5], 1.0)
        if a[X0] + 0.1 * em < x < a[X1] - 0.1 * em or b[X0] + 0.1 * em < x < b[X1] - 0.1 * em:
            return True
        if a[X1] - 0.1 * em <= x <= b[X0] + 0.1 * em:
            gap = b[X0] - a[X1]
            if gap <= RUN_GAP * em:
                return True
            before = a[X0] - line[k - 1][X1] if k > 0 else None
            after = line[k + 2][X0] - b[X1] if k + 2 < len(line) else None
            if before is None or after is None:
                return False
            return gap <= 1.2 * min(before, after)
    return False


def _text_table(page_no: int, hs: list[HSeg], band: _Band, pieces: list[HSeg],
                grid_xs: list[float] | None = None) -> list[_Table]:
    """A table drawn with horizontal rules only: rows from the rules, columns
    from the gaps between text blocks (see the module docstring), or
    ``grid_xs`` when given (a row continuing a grid)."""
    x_lo = min(a for _, a, _ in hs)
    x_hi = max(b for _, _, b in hs)
    ys = _cluster([p for p, _, _ in hs])
    if len(ys) < 2:
        return []
    chars = band.between(ys[0], ys[-1])
    inside = [c for c in chars if x_lo <= (c[X0] + c[X1]) / 2 <= x_hi]
    rows: list[list[Char]] = [[] for _ in range(len(ys) - 1)]
    for ch in inside:
        r = bisect.bisect_right(ys, (ch[TOP] + ch[BOTTOM]) / 2) - 1
        rows[min(r, len(rows) - 1)].append(ch)
    blocks = [_blocks(r) if r else [] for r in rows]
    row_lines = [[sorted(ln, key=_by_x0) for ln in _lines(r)] if r else [] for r in rows]
    most = max((len(b) for b in blocks), default=0)
    # column boundaries: gaps shared by the fullest rows, and the ends of rule pieces
    gaps: list[tuple[float, float]] | None = None
    for b in blocks:
        if len(b) != most or most < 2:
            continue
        row_gaps = [(b[k][1], b[k + 1][0]) for k in range(len(b) - 1)]
        if gaps is None:
            gaps = row_gaps
        else:
            gaps = [(max(g[0], h[0]), min(g[1], h[1])) for g, h in zip(gaps, row_gaps)]
            gaps = [g if g[0] < g[1] else ((g[0] + g[1]) / 2, (g[0] + g[1]) / 2) for g in gaps]
    # rules drawn cell by cell end at the column boundaries: those are exact;
    # rules drawn across the table leave only the gaps between the text
    ends = [v for y, a, b in pieces if ys[0] - EDGE_TOL <= y <= ys[-1] + EDGE_TOL
            for v in (a, b) if x_lo + 3 * EDGE_TOL < v < x_hi - 3 * EDGE_TOL]
    cuts = ends or [(a + b) / 2 for a, b in gaps or []]
    if grid_xs is not None:
        cuts = [x for x in grid_xs[1:-1] if x_lo < x < x_hi]
    xs = _cluster([x_lo, x_hi] + cuts, tol=3 * EDGE_TOL)
    xs[0], xs[-1] = x_lo, x_hi
    by_y: dict[int, list] = {}
    for h in hs:
        by_y.setdefault(_index(ys, h[0]), []).append(h)

    near = [(y, a, b) for y, a, b in pieces if ys[0] - EDGE_TOL <= y <= ys[-1] + EDGE_TOL]
    # Piece ends tell merged cells apart only when rules are drawn cell by cell:
    # then some piece runs across a column boundary (a merged cell's rule).
    # Rules drawn column by column (Chromium) stop at every boundary, whatever
    # the cells: their ends say nothing, the text decides.
    per_cell = bool(ends) and any(a + JOIN_TOL < x < b - JOIN_TOL for _, a, b in near for x in xs[1:-1])

    def side(y: float, x: float) -> int:
        """What the rule pieces at ``y`` do at ``x``: ACROSS, STOP, both or nothing (0)."""
        got = 0
        for py, a, b in near:
            if abs(py - y) <= EDGE_TOL and a - JOIN_TOL <= x <= b + JOIN_TOL:
                got |= _ACROSS if a + JOIN_TOL < x < b - JOIN_TOL else _STOP
        return got

    def open_right(r: int, c: int) -> bool:
        x = xs[c + 1]
        if per_cell:
            # a row's cells draw their own top and bottom rules; at a rule shared
            # with the row above (below) that shows both, the other row's far
            # rule tells whose piece runs across
            top, bottom = side(ys[r], x), side(ys[r + 1], x)
            if _STOP in (top, bottom):
                return False
            if _ACROSS in (top, bottom):
                return True
            if bottom == _BOTH and r + 2 < len(ys):
                far = side(ys[r + 2], x)
                if far in (_ACROSS, _STOP):
                    return far == _STOP  # the row below spans x: the stop is this row's
            if top == _BOTH and r >= 1:
                far = side(ys[r - 1], x)
                if far in (_ACROSS, _STOP):
                    return far == _STOP
        return any(_runs_across(ln, x) for ln in row_lines[r])  # a printed line runs on across it

    def open_down(r: int, c: int) -> bool:
        return not _covers(by_y.get(r + 1, []), ys[r + 1], (xs[c] + xs[c + 1]) / 2)

    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    cells = _units_to_cells(n_rows, n_cols, [[open_right(r, c) for c in range(n_cols - 1)] for r in range(n_rows)],
                            [[open_down(r, c) for c in range(n_cols)] for r in range(n_rows - 1)])
    t = _Table(page_no, xs, ys, cells, chars)
    return _split_at_forms(t, ys, cells, chars)


def _split_at_forms(t: _Table, ys: list[float], cells: list[tuple[int, int, int, int]],
                    chars: list[Char]) -> list[_Table]:
    """A stack of horizontal rules can run on from one form's table into the
    next one's (nothing but the gap tells them apart): cut it above each row
    that starts a form (项目名称 first in its row) and below the last row of
    the form before it. The title lines between them (one text each, the
    title or the year) are then text above the next table, as for ruled tables."""
    first_text: dict[int, tuple[int, str]] = {}  # row -> (col, text) of its first non-empty cell
    n_texts = [0] * t.n_rows
    for r0, c0, _rs, _cs, text, _n in t.cells:
        if text:
            n_texts[r0] += 1
            if r0 not in first_text or c0 < first_text[r0][0]:
                first_text[r0] = (c0, text)
    cuts: list[tuple[int, int]] = []  # (end of the rows before, start of the next table)
    for r in range(1, t.n_rows):
        if not first_text.get(r, (0, ""))[1].replace(" ", "").startswith(FORM_HEADER):
            continue
        k = r
        while k > 0 and r - k < 3 and n_texts[k - 1] == 1 and _TITLE_LINE.search(first_text[k - 1][1]):
            k -= 1
        if any(r0 < k < r0 + rs or r0 < r < r0 + rs for r0, _c0, rs, *_ in cells):
            continue  # a merged cell runs across: not two tables
        cuts.append((k, r))
    if not cuts:
        return [t]
    out: list[_Table] = []
    start = 0
    for end, nxt in cuts + [(t.n_rows, t.n_rows)]:
        if end > start:
            part = [(r0 - start, c0, rs, cs) for r0, c0, rs, cs in cells if start <= r0 < end]
            lo, hi = ys[start], ys[end]
            out.append(_Table(t.page_no, t.xs, ys[start:end + 1], part,
                              [c for c in chars if lo <= (c[TOP] + c[BOTTOM]) / 2 <= hi]))
        start = nxt
    return out


def _tables(page: PageContent, band: _Band, grid_xs: list[float] | None = None) -> tuple[list[_Table], bool]:
    """The tables on a page (top to bottom), from its rules; ``grid_xs``: the
    column boundaries of the grid in progress, if any. Also whether they can
    depend on ``grid_xs`` (a lone row or a stack of two rules on the page: the
    rest of the grid in progress); when not, the page is read alone."""
    hs = [h for h in _join(page.hsegs) if h[2] - h[1] > JOIN_TOL]
    vs = [v for v in _join(page.vsegs) if v[2] - v[1] > JOIN_TOL]
    if not hs and not vs:
        return [], False
    n_h = len(hs)
    parent = list(range(n_h + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    tol = EDGE_TOL + 1
    # rules that touch: for each horizontal one, the vertical ones within its
    # x extent (by bisection on their x), then their y extent checked
    by_x = sorted(range(len(vs)), key=lambda j: vs[j][0])
    v_xs = [vs[j][0] for j in by_x]
    for i, (y, a, b) in enumerate(hs):
        for jj in range(bisect.bisect_left(v_xs, a - tol), bisect.bisect_right(v_xs, b + tol)):
            j = by_x[jj]
            _x, c, d = vs[j]
            if c - tol <= y <= d + tol:
                ri, rj = find(i), find(n_h + j)
                if ri != rj:
                    parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, tuple[list, list]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(n_h + j), ([], []))[1].append(v)
    tables: list[_Table] = []
    lone: list[HSeg] = []  # horizontal rules touching no vertical one
    lone_v: list[VSeg] = []  # vertical rules touching no horizontal one
    for g_h, g_v in groups.values():
        if not g_v:
            lone.extend(g_h)
            continue
        if not g_h and len(g_v) == 1:
            lone_v.extend(g_v)
        if len(g_h) + len(g_v) < 3:
            continue
        t = _ruled_table(page.number, g_h, g_v, band)
        if t is not None and t.n_rows and t.n_cols:
            tables.append(t)
    top = min((t.bbox[1] for t in tables), default=float("inf"))
    if lone_v:
        t = _lone_row(page.number, lone_v, grid_xs, band, top=top,
                      bottom=max((t.bbox[3] for t in tables), default=0.0))
        if t is not None:
            tables.append(t)
            top = min(top, t.bbox[1])
    stacks = _rule_stacks(lone)
    uses_grid = bool(lone_v) or any(len({round(s[0]) for s in stack}) < 3 for stack in stacks)
    for stack in stacks:
        if any(_overlaps(t.bbox, stack) for t in tables):
            continue
        xs = None
        if len({round(s[0]) for s in stack}) < 3:
            # Two rules: one row. A table only as the rest of the grid in progress
            # (a row that continues alone on a new page): the first thing on the
            # page, as wide as that grid, cut by its columns.
            y0 = min(s[0] for s in stack)
            if not grid_xs or y0 > top or any(o is not stack and min(h[0] for h in o) < y0 for o in stacks):
                continue
            x0, x1 = min(s[1] for s in stack), max(s[2] for s in stack)
            if abs(x0 - grid_xs[0]) > 3 * EDGE_TOL or abs(x1 - grid_xs[-1]) > 3 * EDGE_TOL:
                continue
            xs = grid_xs
        for t in _text_table(page.number, stack, band, page.hsegs, xs):
            if t.n_rows and t.n_cols and any(text for *_, text, _ in t.cells):
                if xs is not None and t.has_form_header:
                    continue
                tables.append(t)
    return sorted(tables, key=lambda t: (t.bbox[1], t.bbox[0])), uses_grid


def _lone_row(page_no: int, vs: list[VSeg], grid_xs: list[float] | None, band: _Band, *,
              top: float, bottom: float) -> _Table | None:
    """One row of a table drawn without outer border, alone on its page: only
    the rules between its cells are drawn (vertical ones side by side). Above
    the page's other tables, it continues the grid in progress (read with that
    grid's columns); below them, it can only start a form (项目名称 | name),
    read within its text's extent."""
    above = sorted((v for v in vs if v[2] <= top + EDGE_TOL), key=lambda v: v[1])
    below = sorted((v for v in vs if v[1] >= bottom - EDGE_TOL), key=lambda v: -v[1])
    for cont, pool in ((True, above), (False, below)):
        if not pool or (cont and not grid_xs):
            continue
        y0, y1 = pool[0][1], pool[0][2]
        row = [v for v in pool if abs(v[1] - y0) <= EDGE_TOL and abs(v[2] - y1) <= EDGE_TOL]
        if cont:
            x0, x1 = grid_xs[0], grid_xs[-1]
            tol = 3 * EDGE_TOL
            if not all(abs(grid_xs[_index(grid_xs, v[0])] - v[0]) <= tol for v in row):
                continue
        else:
            chars = [c for c in band.between(y0, y1) if c[0].strip()]
            if not chars:
                continue
            x0, x1 = min(c[X0] for c in chars) - EDGE_TOL, max(c[X1] for c in chars) + EDGE_TOL
        if not all(x0 + EDGE_TOL < v[0] < x1 - EDGE_TOL for v in row):
            continue
        t = _ruled_table(page_no, [(y0, x0, x1), (y1, x0, x1)], row, band)
        if t is None or not any(text for *_, text, _ in t.cells) or t.has_form_header == cont:
            continue
        return t
    return None


def _overlaps(box: tuple, stack: list[HSeg]) -> bool:
    y0, y1 = min(h[0] for h in stack), max(h[0] for h in stack)
    return not (y1 < box[1] - EDGE_TOL or y0 > box[3] + EDGE_TOL)


def _rule_stacks(hs: list[HSeg]) -> list[list[HSeg]]:
    """Horizontal rules stacked into tables: at least two rules (see
    :func:`_tables` for a stack of two), each
    overlapping the one above by RULE_OVERLAP of the shorter and not further
    than RULE_GAP below it."""
    stacks: list[list[HSeg]] = []
    for h in sorted(hs):
        for st in stacks:
            y, a, b = max(st, key=lambda s: s[0])
            over = min(b, h[2]) - max(a, h[1])
            if 0 < h[0] - y <= RULE_GAP and over >= RULE_OVERLAP * min(b - a, h[2] - h[1]):
                st.append(h)
                break
            if abs(h[0] - y) <= EDGE_TOL and over > -JOIN_TOL:
                st.append(h)
                break
        else:
            stacks.append([h])
    return [st for st in stacks if len({round(s[0]) for s in st}) >= 2]


# --- tables → grids -------------------------------------------------------------


def _bbox_ref(page_no: int, box: tuple) -> str:
    return f"p{page_no}@" + ",".join(f"{v:.0f}" for v in box)


def _is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


class _GridBuilder:
    """Collects the rows of one grid, across tables and pages."""

    def __init__(self, file: str, name: str) -> None:
        self.file = file
        self.name = name
        self.cells: list[Cell] = []
        self.n_rows = 0
        self.n_cols = 0
        self.starts: list[list[tuple]] = []  # the row keys of each table added, for repeated headers
        self.lines: dict[int, int] = {}  # id(cell) → printed lines, for rows split by a page break
        self.xs: list[float] = []  # the column boundaries of the grid (its first table's)

    def columns(self, t: _Table) -> list[int]:
        """``t``'s column boundaries as the grid's (a continued table drawn
        with fewer vertical rules has fewer columns of its own); its own when
        they do not line up."""
        if not self.xs:
            self.xs = list(t.xs)
        tol = 3 * EDGE_TOL
        out = [_index(self.xs, x) for x in t.xs]
        if all(abs(self.xs[k] - x) <= tol for k, x in zip(out, t.xs)) and out == sorted(set(out)):
            return out
        if len(t.xs) > len(self.xs):  # a fuller table (after a lone first row): its columns are the grid's
            self.xs = list(t.xs)
        return list(range(len(t.xs)))

    def add_lines(self, page_no: int, lines: list[list[Char]], n_cols: int) -> None:
        for ln in lines:
            text = _line_text(ln).strip()
            if not text or _is_page_number(text):
                continue
            box = (min(c[X0] for c in ln), min(c[TOP] for c in ln),
                   max(c[X1] for c in ln), max(c[BOTTOM] for c in ln))
            self.cells.append(Cell(text, self.n_rows, 0, 1, max(n_cols, 1),
                                   Location(page=page_no, cell=_bbox_ref(page_no, box))))
            self.n_rows += 1

    def repeated_rows(self, t: _Table) -> int:
        """How many rows at the top of ``t`` repeat the first rows of a table
        already in this grid (a header row repeated on every page); 0 when the
        whole of ``t`` repeats (a copy of the form, not a header)."""
        keys = t.row_keys()
        best = 0
        for start in self.starts:
            k = 0
            while k < len(keys) and k < len(start) and keys[k] == start[k] and any(x[3] for x in keys[k]):
                k += 1
            best = max(best, k)
        return best if best < len(keys) else 0

    def _last_row(self) -> dict[int, Cell]:
        """Column → the cell reaching the grid's last row."""
        return {c.col: c for c in self.cells if c.row + c.rowspan == self.n_rows}

    def _split_row(self, t: _Table, first: int, last: dict[int, Cell]) -> bool:
        """Whether row ``first`` of ``t`` is the rest of the grid's last row, cut
        by the page break (see the module docstring)."""
        mine = [c for c in t.cells if c[0] == first]
        if not mine:
            return False
        pairs = []
        for _r0, c0, rs, cs, text, n_lines in mine:
            prev = last.get(c0)
            if prev is None or prev.colspan != cs:
                return False
            if prev.rowspan > 1 or rs > 1:
                continue  # a merged cell cut by the break: its text goes on as the row's does
            pairs.append((prev, text, n_lines))
        if not pairs or not any(text for _, text, _ in pairs):
            return False
        if any(text and prev.is_empty for prev, text, _ in pairs):
            return False  # the new part shows text where the row above has none
        before = sum(not prev.is_empty for prev, _, _ in pairs)
        after = sum(bool(text) for _, text, _ in pairs)
        if after * 2 <= before:
            return True  # only the long cells go on
        # every cell goes on: each first part is a wrapped text cut mid-sentence
        return all(self.lines.get(id(prev), 1) >= 2 and prev.text[-1] not in _SENTENCE_END
                   for prev, text, _ in pairs if not prev.is_empty)

    def add_table(self, t: _Table, *, continued: bool, first_on_page: bool) -> None:
        skip = self.repeated_rows(t) if continued and first_on_page else 0
        self.starts.append(t.row_keys())
        last = self._last_row() if continued else {}
        join = continued and first_on_page and skip < t.n_rows and self._split_row(t, skip, last)
        base = self.n_rows - skip - (1 if join else 0)
        for r0, c0, rs, cs, text, n_lines in t.cells:
            if r0 < skip:
                continue
            if r0 == skip and continued:
                prev = last.get(c0)
                if prev is not None and prev.colspan == cs:
                    if not text.strip() and prev.rowspan > 1:
                        prev.rowspan += rs - (1 if join else 0)  # a merged cell cut by the page break
                        continue
                    if join:  # the rest of a row cut by the page break
                        if text:
                            prev.text = join_wrapped([prev.text, text]) if prev.text else text
                        prev.rowspan += rs - 1
                        continue
            cell = Cell(text, base + r0, c0, rs, cs,
                        Location(page=t.page_no, cell=f"p{t.page_no}!R{r0 + 1}C{c0 + 1}"))
            self.cells.append(cell)
            if n_lines > 1:
                self.lines[id(cell)] = n_lines
        self.n_rows = base + t.n_rows
        self.n_cols = max(self.n_cols, t.n_cols)

    def grid(self) -> Grid:
        rows: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for c in self.cells:
            rows[c.row].append(c)
        for row in rows:
            row.sort(key=lambda c: c.col)
        return Grid(rows, file=self.file, format="pdf", name=self.name, dense=True)


class _PageTables:
    """What one page gives the grids, read from the page alone: its tables (top
    to bottom), the printed lines above each table (from the bottom of the
    table before it, or the page's top) and those under its last one. When the
    tables can depend on the grid in progress (:func:`_tables`) the page is
    kept, to be read again with that grid's columns."""

    __slots__ = ("number", "has_text", "tables", "above", "below", "page")

    def __init__(self, page: PageContent, grid_xs: list[float] | None) -> None:
        self.number = page.number
        self.has_text = page.has_text
        self.tables: list[_Table] = []
        self.above: list[list[list[Char]]] = []
        self.below: list[list[Char]] | None = None
        self.page: PageContent | None = None
        if not self.has_text:
            return
        band = _Band(page.chars)
        self.tables, uses_grid = _tables(page, band, grid_xs)
        if uses_grid and not grid_xs:
            self.page = page
        floor = 0.0  # the bottom of the previous table on this page
        for t in self.tables:
            self.above.append(_lines([c for c in band.between(floor, t.bbox[1] - 1e-6) if c[0].strip()]))
            floor = t.bbox[3]
        if self.tables:
            # text under the page's last table: the title of a form whose table
            # begins on the next page (read only if a form does begin there)
            self.below = _lines([c for c in band.between(floor, page.height + 1) if c[0].strip()])


def page_tables(page: PageContent) -> _PageTables:
    """The page read alone (:class:`_PageTables`): what the worker processes
    of :mod:`.pdfpool` compute."""
    return _PageTables(page, None)


def _open(path: Path) -> Document:
    try:
        return Document(path)
    except PdfOpenError as exc:
        if exc.kind == "password":
            raise EncryptedFileError(path, "PDF 已加密，需要密码才能打开，未读取；请去除密码后再读取") from None
        raise CorruptFileError(path, f"PDF 文件已损坏，无法打开（{exc}）") from None


def _page_results(p: Path, doc: Document, workers: int | None) -> Generator[_PageTables, None, None]:
    """Every page read alone, in page order: in worker processes for a large
    PDF (:mod:`.pdfpool`; ``doc`` is closed first), else here."""
    n = pdfpool.worker_count(doc.n_pages, workers)
    if n > 1:
        doc.close()
        return pdfpool.map_pages(p, doc.n_pages, n, page_tables)
    return (page_tables(page) for page in doc.pages())


def _grids(p: Path, pages_without_text: list[int], workers: int | None = None) -> Iterator[Grid]:
    """The grids of a PDF's forms, each yielded once complete (see the module
    docstring); the pages without a text layer are added to
    ``pages_without_text``. A PDF with no text at all is a
    :class:`NeedsOCRError` once every page is read."""
    for b in _builders(p, pages_without_text, workers):
        yield b.grid()


def _builders(p: Path, pages_without_text: list[int], workers: int | None) -> Iterator[_GridBuilder]:
    """The page results joined into grids (see the module docstring): each
    grid's builder once no later page can add to it."""
    if p.stat().st_size == 0:
        raise EmptyFileError(p, "文件是空的（0 字节）")
    builders: list[_GridBuilder] = []  # the grid in progress, last
    n_grids = 0
    tail: tuple[int, list[list[Char]]] | None = None  # the last page's number and lines under its last table
    doc = _open(p)
    n_pages = doc.n_pages
    results: Generator[_PageTables, None, None] | None = None
    try:
        results = _page_results(p, doc, workers)
        for got in results:
            if not got.has_text:
                pages_without_text.append(got.number)
                continue
            grid_xs = builders[-1].xs if builders else None
            if got.page is not None and grid_xs:  # maybe the rest of the grid in progress: read again
                got = _PageTables(got.page, grid_xs)
            for i, t in enumerate(got.tables):
                if builders:
                    t.remap(builders[-1].columns(t))
                continued = bool(builders) and not (
                    t.has_form_header and not (i == 0 and builders[-1].repeated_rows(t)))
                if not continued:  # text above a continued table is a running head: not read
                    t.remap(list(range(len(t.xs))))  # back to its own columns: it starts a grid
                    n_grids += 1
                    builders.append(_GridBuilder(str(p), f"p{got.number}.table{n_grids}"))
                    builders[-1].columns(t)
                    if i == 0 and tail and tail[0] == got.number - 1:
                        # the title left alone at the foot of the page before
                        builders[-1].add_lines(tail[0], tail[1], t.n_cols)
                    builders[-1].add_lines(got.number, got.above[i], t.n_cols)
                builders[-1].add_table(t, continued=continued, first_on_page=i == 0)
            tail = (got.number, got.below) if got.below is not None else None
            if len(builders) > 1:  # the grids started before the last one are complete
                yield from builders[:-1]
                del builders[:-1]
    except ReadError:
        raise
    except pdfpool.WorkerCrash:
        raise CorruptFileError(p, "PDF 文件无法读取：读取页面的子进程意外退出（文件可能已损坏）") from None
    except Exception as exc:  # damaged content streams
        name = getattr(exc, "remote_type", type(exc).__name__)
        raise CorruptFileError(p, f"PDF 文件已损坏，无法读取（{name}: {exc}）") from None
    finally:
        if results is not None:
            results.close()  # the worker processes end
        doc.close()
    if n_pages and len(pages_without_text) == n_pages:
        raise NeedsOCRError(p, "PDF 没有文字层（扫描件或图片），需要先做文字识别（OCR）才能读取")
    yield from builders


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while a PDF is read. Reading builds
    many containers that live on (cells, grids, forms): the collector ran some
    300 times on the benchmark PDF, its full passes walking all the process
    holds, about a fifth of the reading time. Reference counting frees
    nearly all the garbage anyway; the few cycles wait until the end of the
    read. Only when the process runs no other thread (the collector's switch
    is the process's)."""
    pause = gc.isenabled() and threading.active_count() == 1
    if pause:
        gc.disable()
    try:
        yield
    finally:
        if pause:
            gc.enable()


def pdf_to_grids(path: str | Path, *, workers: int | None = None) -> tuple[list[Grid], list[int]]:
    """The grids of a PDF's forms (see the module docstring), and the pages
    that have no text layer. ``workers``: see :func:`read_pdf`."""
    no_text: list[int] = []
    with _gc_paused():
        grids = list(_grids(Path(path), no_text, workers))
    return grids, no_text


def read_pdf(path: str | Path, *, workers: int | None = None) -> Iterator[Form]:
    """Read the forms in the tables of a PDF with a text layer.

    A PDF of many pages is read by several processes (:mod:`.pdfpool`), with
    the same result; ``workers`` caps their number (1: in this process only;
    None: the ``JIXIAO_PDF_WORKERS`` environment variable, else one per CPU)."""
    p = Path(path)
    no_text: list[int] = []
    try:
        # the forms of each grid are read as soon as the grid is complete,
        # while the worker processes read the pages after it
        with _gc_paused():
            forms = forms_from_grids(p, _grids(p, no_text, workers), "PDF 文件")
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
