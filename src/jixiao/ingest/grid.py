"""The grid: a table as rows of cells, the shape every tabular source shares.

HTML tables, pipe-text copies of web tables (and later Excel, Word and PDF
tables) are all turned into a :class:`Grid` first; :mod:`.gridform` then reads
forms out of a grid without knowing where it came from.

A cell keeps its text, its top-left row/column, its spans and where it was read
(:class:`~jixiao.model.Location`: a line for text, a cell reference such as
``table1!R3C2`` for HTML). Merged cells are stored once, at their top-left
position; :meth:`Grid.cell_at` answers for any covered position.

Two kinds of grids exist because copies of web tables lose their layout:

* ``dense``: columns are meaningful (an HTML table, a markdown table with a
  ``|---|`` rule). A value is read by the column of its header.
* not dense ("compacted"): the copy dropped empty and merged cells, so a row
  is only the sequence of its non-empty cells. A value is read by its order
  and its type (a number, a percentage, a comparison sign ...).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..model import Location, ReadWarning


@dataclass(slots=True)
class Cell:
    """One (possibly merged) cell. ``row``/``col`` are 0-based, top-left."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    location: Location = field(default_factory=Location)
    # the copy ends inside this cell (a text copy cut mid-row): its text is a prefix
    cut: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()


@dataclass(slots=True)
class Grid:
    """A table: ``rows[r]`` lists the cells whose top-left lies in row ``r``."""

    rows: list[list[Cell]]
    file: str = ""
    format: str = "html"
    name: str = "table1"
    dense: bool = True
    encoding: str | None = None
    warnings: list[ReadWarning] = field(default_factory=list)
    # a text copy that ends after a whole cell of this row, the row shorter than the table
    short_row: int | None = None
    _cover: dict[tuple[int, int], Cell] = field(default_factory=dict, repr=False)
    _n_cols: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        self._index()

    def _index(self) -> None:
        cover: dict[tuple[int, int], Cell] = {}
        put = cover.setdefault
        n_cols = 0
        for row in self.rows:
            for c in row:
                if c.rowspan == 1 and c.colspan == 1:
                    put((c.row, c.col), c)
                else:
                    for r in range(c.row, c.row + c.rowspan):
                        for k in range(c.col, c.col + c.colspan):
                            put((r, k), c)
                if c.col + c.colspan > n_cols and c.rowspan > 0 and c.colspan > 0:
                    n_cols = c.col + c.colspan  # the last column a cell covers
        self._cover = cover
        self._n_cols = n_cols

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_cols(self) -> int:
        return self._n_cols

    def cell_at(self, row: int, col: int) -> Cell | None:
        """The cell covering (row, col), merged cells included."""
        return self._cover.get((row, col))

    def texts(self, row: int) -> list[str]:
        """The non-empty texts that start in ``row``, left to right."""
        return [c.text for c in self.rows[row] if not c.is_empty]

    def cells(self) -> Iterator[Cell]:
        for row in self.rows:
            yield from row


def place_cells(raw_rows: Iterable[list[tuple[str, int, int, Location]]], **grid_kw) -> Grid:
    """Build a grid from rows of ``(text, rowspan, colspan, location)`` as a
    table markup lists them: a cell is placed in the first column of its row
    not already covered by a rowspan from above (the HTML table model)."""
    taken: set[tuple[int, int]] = set()
    rows: list[list[Cell]] = []
    for r, raw in enumerate(raw_rows):
        out: list[Cell] = []
        col = 0
        for text, rowspan, colspan, loc in raw:
            while (r, col) in taken:
                col += 1
            rowspan, colspan = max(1, rowspan), max(1, colspan)
            out.append(Cell(text, r, col, rowspan, colspan, loc))
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, col + dc))
            col += colspan
        rows.append(out)
    return Grid(rows, **grid_kw)


def cell_ref(table: str, row: int, col: int) -> str:
    """``table1!R3C2`` (1-based), the reference shown to users for HTML cells."""
    return f"{table}!R{row + 1}C{col + 1}"
