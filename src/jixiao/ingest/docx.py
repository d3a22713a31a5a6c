"""Word documents → :class:`~.grid.Grid` (one per table) → forms.

``.docx`` is read with python-docx. Each top-level table becomes a dense grid
named ``table1``, ``table2``, ... (in document order). python-docx gives one
cell per layout-grid position and repeats a merged cell across the positions
it covers (``gridSpan`` across, ``vMerge`` down); the spans are found from the
identity of the underlying ``<w:tc>`` element. A cell's location is its
reference (``table1!R3C2``); its paragraphs are glued back like wrapped lines.

``.doc`` (Word 97–2003) is converted to .docx with LibreOffice headless
(``soffice --headless --convert-to docx``) into a temporary folder when
LibreOffice is installed; without it the file is refused with a clear
:class:`UnsupportedFormatError`.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..model import Form, Location
from .errors import CorruptFileError, FormatMismatchError, NoFormFoundError, ReadError, UnsupportedFormatError
from .grid import Cell, Grid, cell_ref
from .gridform import forms_from_grids
from .office import KIND_NAMES, check_office_zip, sniff_kind
from .textutil import join_wrapped

# A .doc conversion that takes longer than this is abandoned.
CONVERT_TIMEOUT_S = 120


def table_to_grid(table, *, name: str, file: str = "", fmt: str = "docx") -> Grid:
    """A python-docx ``Table`` as a dense grid."""
    first: dict[int, tuple[int, int]] = {}  # id(tc) -> top-left (row, col)
    extent: dict[int, tuple[int, int]] = {}  # id(tc) -> bottom-right (row, col)
    cells: dict[int, object] = {}
    order: list[int] = []
    for r, row in enumerate(table.rows):
        col = row.grid_cols_before
        for c in row.cells:
            key = id(c._tc)
            if key not in first:
                first[key] = (r, col)
                cells[key] = c
                order.append(key)
            r0, c0 = first[key]
            r1, c1 = extent.get(key, (r0, c0))
            extent[key] = (max(r1, r), max(c1, col))
            col += 1
    n_rows = len(table.rows)
    rows: list[list[Cell]] = [[] for _ in range(n_rows)]
    for key in order:
        r0, c0 = first[key]
        r1, c1 = extent[key]
        text = join_wrapped(cells[key].text.replace("\u00a0", " ").split("\n"))
        rows[r0].append(Cell(text, r0, c0, r1 - r0 + 1, c1 - c0 + 1,
                             Location(sheet=name, cell=cell_ref(name, r0, c0))))
    for row in rows:
        row.sort(key=lambda c: c.col)
    return Grid(rows, file=file, format=fmt, name=name, dense=True)


def docx_to_grids(path: Path, *, fmt: str = "docx", shown: Path | None = None) -> list[Grid]:
    """One grid per top-level table of a .docx file (checked first).
    ``shown`` is the file named in errors and sources (the .doc a
    conversion came from)."""
    import docx

    shown = shown or path
    check_office_zip(path, "docx")
    try:
        doc = docx.Document(str(path))
        tables = list(doc.tables)
        return [table_to_grid(t, name=f"table{i}", file=str(shown), fmt=fmt) for i, t in enumerate(tables, 1)]
    except ReadError:
        raise
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors ... on damaged parts
        raise CorruptFileError(shown, f"Word 文档已损坏，无法打开（{type(exc).__name__}: {exc}）") from None


def _forms(path: Path, grids: list[Grid]) -> Iterator[Form]:
    if not grids:
        raise NoFormFoundError(path, "Word 文档中没有表格，没有找到项目支出绩效自评表")
    yield from forms_from_grids(path, grids, "Word 文档")


def read_docx(path: str | Path) -> Iterator[Form]:
    """Read the forms in the tables of a .docx document."""
    p = Path(path)
    yield from _forms(p, docx_to_grids(p))


def soffice() -> str | None:
    """The LibreOffice command, when installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_doc(path: str | Path) -> Iterator[Form]:
    """Read a Word 97–2003 ``.doc`` by converting it with LibreOffice.

    A ``.doc`` that is really a .docx package is read directly, and a web page
    saved as ``.doc`` is read as HTML."""
    p = Path(path)
    kind = sniff_kind(p)
    if kind == "docx":
        yield from read_docx(p)
        return
    if kind == "html":
        from .html import read_html

        yield from read_html(p)
        return
    if kind != "ole":
        raise FormatMismatchError(p, f"文件内容与扩展名“{p.suffix}”不符：这是{KIND_NAMES[kind]}，不是 Word 文档（.doc）")
    exe = soffice()
    if exe is None:
        raise UnsupportedFormatError(p, "读取旧版 Word 文档（.doc）需要安装 LibreOffice（soffice），本机未找到；"
                                        "请安装 LibreOffice，或在 Word 中另存为 .docx 后再读取")
    with tempfile.TemporaryDirectory(prefix="jixiao-doc-") as tmp:
        try:
            proc = subprocess.run([exe, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                                   "--convert-to", "docx", "--outdir", tmp, str(p)],
                                  capture_output=True, timeout=CONVERT_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise CorruptFileError(p, f"LibreOffice 转换 .doc 超时（{CONVERT_TIMEOUT_S} 秒），未读取") from None
        except OSError as exc:
            raise UnsupportedFormatError(p, f"无法运行 LibreOffice 转换 .doc（{exc}）") from None
        out = Path(tmp) / (p.stem + ".docx")
        if not out.exists():
            detail = (proc.stderr or proc.stdout).decode("utf-8", errors="replace").strip()[:200]
            raise CorruptFileError(p, "LibreOffice 无法把该 .doc 转换为 .docx，文件可能已损坏或已加密"
                                      + (f"（{detail}）" if detail else ""))
        grids = docx_to_grids(out, fmt="doc", shown=p)
    yield from _forms(p, grids)
