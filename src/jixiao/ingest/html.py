"""HTML tables → :class:`~.grid.Grid` (stdlib ``html.parser``).

Each ``<table>`` becomes a dense grid named ``table1``, ``table2``, ...;
``rowspan``/``colspan`` are honoured, so merged level-1/level-2 cells cover
the rows below them. A cell's location is its reference (``table1!R3C2``)
and the source line of its ``<td>``. The encoding comes from a BOM, then the
``<meta charset>``, then UTF-8, then GB18030 (GBK pages are common).
Nested tables are read as their own tables; ``<br>``/``<p>`` inside a cell
are line breaks, glued back as the text reader glues wrapped lines.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

from ..model import Form, Location
from .errors import EncodingError
from .grid import Grid, cell_ref, place_cells
from .gridform import forms_from_grids
from .textutil import join_wrapped

_META_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)


def decode_html(path: Path, data: bytes) -> tuple[str, str]:
    """(text, encoding) of an HTML file."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    m = _META_RE.search(data[:4096])
    declared = m.group(1).decode("ascii").lower() if m else None
    if declared in ("gbk", "gb2312", "gb_2312-80", "x-gbk"):
        declared = "gb18030"
    candidates = [c for c in (declared, "utf-8", "gb18030") if c]
    for enc in candidates:
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    raise EncodingError(path, "无法识别网页的文本编码（声明为 " + (declared or "无") + "）")


class _TableParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[tuple[list[str], int, int, int]]]] = []  # finished tables
        self._stack: list[list[list[tuple[list[str], int, int, int]]]] = []
        self._cell: list[tuple[list[str], int, int, int] | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._stack.append([])
            self._cell.append(None)
        elif not self._stack:
            return
        elif tag == "tr":
            self._stack[-1].append([])
        elif tag in ("td", "th"):
            if not self._stack[-1]:
                self._stack[-1].append([])

            def span(name: str) -> int:
                try:
                    return max(1, int((a.get(name) or "1").strip()))
                except ValueError:
                    return 1
            cell = ([], span("rowspan"), span("colspan"), self.getpos()[0])
            self._stack[-1][-1].append(cell)
            self._cell[-1] = cell
        elif tag in ("br", "p", "div") and self._cell and self._cell[-1] is not None:
            self._cell[-1][0].append("\n")

    def handle_endtag(self, tag: str) -> None:
        if not self._stack:
            return
        if tag == "table":
            self.tables.append(self._stack.pop())
            self._cell.pop()
        elif tag in ("td", "th"):
            self._cell[-1] = None

    def handle_data(self, data: str) -> None:
        if self._cell and self._cell[-1] is not None:
            self._cell[-1][0].append(data)


def _cell_text(parts: list[str]) -> str:
    raw = "".join(parts).replace("\u00a0", " ")
    return join_wrapped(ln for ln in raw.split("\n"))


def html_to_grids(text: str, *, file: str = "", encoding: str | None = None) -> list[Grid]:
    parser = _TableParser()
    parser.feed(text)
    parser.close()
    grids = []
    for t, table in enumerate(parser.tables, 1):
        name = f"table{t}"
        raw_rows = [[(_cell_text(parts), rs, cs, Location(line=line, sheet=name)) for parts, rs, cs, line in row]
                    for row in table]
        g = place_cells(raw_rows, file=file, format="html", name=name, dense=True, encoding=encoding)
        for c in g.cells():
            c.location = Location(line=c.location.line, sheet=name, cell=cell_ref(name, c.row, c.col))
        grids.append(g)
    return grids


def read_html(path: str | Path) -> Iterator[Form]:
    """Read the forms in the tables of an HTML file."""
    p = Path(path)
    text, encoding = decode_html(p, p.read_bytes())
    yield from forms_from_grids(p, html_to_grids(text, file=str(p), encoding=encoding), "网页")
