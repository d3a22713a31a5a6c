"""Excel workbooks → :class:`~.grid.Grid` (one per sheet) → forms.

``.xlsx``/``.xlsm`` are read with openpyxl (read-only streaming mode, merged
ranges from each sheet's ``<mergeCells>``; ``data_only=True``, so a formula gives its cached value — a
workbook written by a program and never opened in Excel has no cached values,
and its formula cells read as empty). Legacy ``.xls`` is read with xlrd.

* Every non-empty sheet becomes a dense grid named after the sheet; merged
  ranges become rowspan/colspan at their top-left cell. Rows and columns keep
  their sheet positions, so a cell's location is ``Location(sheet=..., cell="B7")``.
* Numbers keep their exact value: a float is written with ``repr`` (after
  rounding to 10 decimals, which removes binary noise such as
  0.30000000000000004) and parsed by the model, so 676.4 stays 676.4 whatever
  the cell's display format. A cell with a percent format holds a fraction
  (0.93) and is read as the percentage the sheet shows (``93%``).
* A ``.xls`` that is really an .xlsx package or a web page (budget systems
  often export HTML tables under ``.xls``) is read as what it is.
"""

from __future__ import annotations

import datetime as _dt
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from ..model import Form, Location
from .errors import CorruptFileError, EmptyFileError, FormatMismatchError
from .grid import Cell, Grid
from .gridform import forms_from_grids
from .office import KIND_NAMES, check_office_zip, sniff_kind
from .textutil import join_wrapped


def number_text(value: float | int | Decimal, *, percent: bool = False) -> str:
    """The exact text of a numeric cell: ``676.4`` → ``"676.4"``; with a
    percent format ``0.93`` → ``"93%"``."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        d = Decimal(repr(round(value, 10)))
    else:
        d = Decimal(value)
    if percent:
        d = (d * 100).normalize()
    text = format(d, "f")
    return text + "%" if percent else text


def value_text(value: object, number_format: str | None = None) -> str:
    """The text of a cell value as openpyxl/xlrd return it."""
    if value is None:
        return ""
    if isinstance(value, str):
        if "\n" in value or "\r" in value:
            return join_wrapped(value.replace("\r", "\n").split("\n"))
        return value.strip()
    if isinstance(value, (int, float, Decimal)):
        return number_text(value, percent=bool(number_format) and "%" in number_format)
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return str(value).strip()


def col_letter(col: int) -> str:
    """0-based column → ``A``, ``B``, ... ``AA``."""
    s = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        s = chr(65 + rem) + s
    return s


def build_grid(cells: dict[tuple[int, int], str], merges: list[tuple[int, int, int, int]], *, sheet: str,
               file: str, fmt: str) -> Grid:
    """A dense grid from ``(row, col) -> text`` (0-based) and merged ranges
    ``(first_row, first_col, last_row, last_col)`` (0-based, inclusive).
    Positions covered by a merge (other than its top-left) are dropped."""
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for r1, c1, r2, c2 in merges:
        spans[(r1, c1)] = (r2 - r1 + 1, c2 - c1 + 1)
        covered.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1) if (r, c) != (r1, c1))
    keys = {k for k, t in cells.items() if t and k not in covered} | set(spans)
    n_rows = max((r + 1 for r, _ in keys), default=0)
    rows: list[list[Cell]] = [[] for _ in range(n_rows)]
    for r, c in sorted(keys):
        rs, cs = spans.get((r, c), (1, 1))
        ref = f"{col_letter(c)}{r + 1}"
        rows[r].append(Cell(cells.get((r, c), ""), r, c, rs, cs, Location(sheet=sheet, cell=ref)))
    return Grid(rows, file=file, format=fmt, name=sheet, dense=True)


# --- .xlsx ---------------------------------------------------------------------


_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _col_index(letters: bytes) -> int:
    """``b"A"`` → 0, ``b"AA"`` → 26."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _merges(archive: zipfile.ZipFile, part: str) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a worksheet part, 0-based inclusive, read from its
    ``<mergeCells>`` (openpyxl's read-only mode does not give them)."""
    out = []
    with archive.open(part.lstrip("/")) as fh:
        data = fh.read()
    start = data.find(b"mergeCells")  # the container comes after the sheet data
    if start < 0:
        return out
    for m in _MERGE_RE.finditer(data, start):
        c1, r1 = _col_index(m.group(1)), int(m.group(2)) - 1
        c2, r2 = (_col_index(m.group(3)), int(m.group(4)) - 1) if m.group(3) else (c1, r1)
        out.append((r1, c1, r2, c2))
    return out


def xlsx_to_grids(path: Path) -> list[Grid]:
    """One grid per non-empty sheet of an .xlsx/.xlsm workbook (checked first).

    openpyxl reads in its read-only (streaming) mode, about twice as fast as
    the full mode on a workbook of many sheets; the merged ranges, which that
    mode does not give, are read from each sheet's ``<mergeCells>``."""
    import openpyxl

    check_office_zip(path, "xlsx")
    try:
        # a file object, so that openpyxl does not judge by the extension (an .xlsx saved as .xls)
        fh = open(path, "rb")
        try:
            wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        except BaseException:
            fh.close()
            raise
    except OSError:
        raise
    except Exception as exc:  # openpyxl raises KeyError, ValueError, lxml errors ... on damaged parts
        raise CorruptFileError(path, f"Excel 工作簿已损坏，无法打开（{type(exc).__name__}: {exc}）") from None
    grids = []
    try:
        archive = zipfile.ZipFile(fh)
        for ws in wb.worksheets:
            part = getattr(ws, "_worksheet_path", None)
            if part is None or not hasattr(ws, "reset_dimensions"):  # a chartsheet, or another openpyxl
                continue
            ws.reset_dimensions()  # the stored dimension may be wrong: read every row
            cells: dict[tuple[int, int], str] = {}
            for row in ws.iter_rows():
                for c in row:
                    v = c.value
                    if v is None:
                        continue
                    t = value_text(v, c.number_format)
                    if t:
                        cells[(c.row - 1, c.column - 1)] = t
            if not cells:
                continue
            try:
                merges = _merges(archive, part)
            except (KeyError, zipfile.BadZipFile, OSError) as exc:
                raise CorruptFileError(path, f"Excel 工作簿已损坏，无法读取（{type(exc).__name__}: {exc}）") from None
            grids.append(build_grid(cells, merges, sheet=ws.title, file=str(path), fmt="xlsx"))
    except CorruptFileError:
        raise
    except Exception as exc:  # damaged sheet XML found while streaming
        raise CorruptFileError(path, f"Excel 工作簿已损坏，无法读取（{type(exc).__name__}: {exc}）") from None
    finally:
        wb.close()
        fh.close()
    return grids


# --- .xls ----------------------------------------------------------------------


def xls_to_grids(path: Path) -> list[Grid]:
    """One grid per non-empty sheet of a legacy .xls workbook (xlrd).

    Merged cells and number formats come from xlrd's ``formatting_info``; a
    file whose formatting xlrd cannot read is opened without it, and then its
    merged cells are read as unmerged (the merged text stays at the top-left
    cell, the covered cells are empty) and percent formats are not seen."""
    import xlrd

    try:
        try:
            book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
        except (NotImplementedError, xlrd.XLRDError):
            book = xlrd.open_workbook(str(path), formatting_info=False, on_demand=True)
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct/assertion errors on damage
        raise CorruptFileError(path, f"Excel 工作簿（.xls）已损坏或已加密，无法打开（{type(exc).__name__}: {exc}）") from None
    grids = []
    try:
        for si in range(book.nsheets):
            sh = book.sheet_by_index(si)
            cells: dict[tuple[int, int], str] = {}
            for r in range(sh.nrows):
                for c in range(sh.ncols):
                    cell = sh.cell(r, c)
                    t = xls_cell_text(book, cell)
                    if t:
                        cells[(r, c)] = t
            if not cells:
                continue
            merges = [(r1, c1, r2 - 1, c2 - 1) for r1, r2, c1, c2 in getattr(sh, "merged_cells", [])]
            grids.append(build_grid(cells, merges, sheet=sh.name, file=str(path), fmt="xls"))
    finally:
        book.release_resources()
    return grids


def xls_cell_text(book, cell) -> str:
    import xlrd

    ct = cell.ctype
    if ct in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if ct == xlrd.XL_CELL_TEXT:
        return value_text(cell.value)
    if ct == xlrd.XL_CELL_NUMBER:
        fmt = None
        if book.formatting_info and cell.xf_index is not None:
            xf = book.xf_list[cell.xf_index]
            f = book.format_map.get(xf.format_key)
            fmt = f.format_str if f is not None else None
        return value_text(cell.value, fmt)
    if ct == xlrd.XL_CELL_DATE:
        try:
            return value_text(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
        except Exception:
            return value_text(cell.value)
    if ct == xlrd.XL_CELL_BOOLEAN:
        return "是" if cell.value else "否"
    if ct == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    return value_text(cell.value)


# --- reading -----------------------------------------------------------------


def read_xlsx(path: str | Path) -> Iterator[Form]:
    """Read the forms on the sheets of an .xlsx/.xlsm workbook."""
    p = Path(path)
    yield from forms_from_grids(p, xlsx_to_grids(p), "工作簿")


def read_xls(path: str | Path) -> Iterator[Form]:
    """Read the forms of a legacy .xls workbook — or of what a ``.xls`` file
    really holds when a system saved an .xlsx package or a web page under that
    name."""
    p = Path(path)
    kind = sniff_kind(p)
    if kind == "xlsx":
        yield from read_xlsx(p)
        return
    if kind == "html":
        from .html import read_html

        yield from read_html(p)
        return
    if kind != "ole":
        if kind == "empty":
            raise EmptyFileError(p, "文件是空的（0 字节）")
        raise FormatMismatchError(p, f"文件内容与扩展名“{p.suffix}”不符：这是{KIND_NAMES[kind]}，不是 Excel 工作簿（.xls）")
    yield from forms_from_grids(p, xls_to_grids(p), "工作簿")
