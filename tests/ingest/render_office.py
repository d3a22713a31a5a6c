"""Fixture generator: seed forms as the official table in Excel and Word.

``to_xlsx(forms, path)`` writes one sheet per form (or all forms stacked on
one sheet) with the official merged cells; amounts, 分值/得分 and 执行率 are
written as numbers the way a budget system exports them (执行率 as a fraction
with a percent format), text as text. ``to_docx(forms, path)`` writes one
Word table per form, merged cells merged.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from jixiao.model import Form

from .render import N_COLS, form_table


def _placed(form: Form):
    """(row, col, text, rowspan, colspan) for each cell of the official table."""
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(form_table(form)):
        col = 0
        for text, rs, cs in row:
            while (r, col) in taken:
                col += 1
            yield r, col, text, rs, cs
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, col + dc))
            col += cs


def _number(text: str):
    try:
        return float(Decimal(text.replace(",", "")))
    except InvalidOperation:
        return None


def to_xlsx(forms: list[Form], path: Path, *, one_sheet: bool = False) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    ws = None
    offset = 0
    for i, form in enumerate(forms):
        if ws is None or not one_sheet:
            ws = wb.create_sheet(f"表{i + 1}" if not one_sheet else "自评表")
            offset = 0
        rate_col = None  # the 执行率 column while in the funds block
        in_funds = False
        n_rows = 0
        for r, c, text, rs, cs in _placed(form):
            n_rows = max(n_rows, r + rs)
            cell = ws.cell(row=offset + r + 1, column=c + 1)
            if text.startswith("执行率"):
                rate_col, in_funds = c, True
            elif text == "年度总体目标":
                rate_col, in_funds = None, False
            num = _number(text) if text and text != "-" else None
            if num is not None and in_funds and c == rate_col:
                cell.value = num / 100  # a fraction shown as a percentage
                cell.number_format = "0.00%"
            elif num is not None and (in_funds or c in (5, 6)):
                cell.value = num  # amounts, 分值, 得分
                cell.number_format = "#,##0.00"
            else:
                cell.value = text
                if text.startswith("="):
                    cell.data_type = "s"  # "=30.00(人)" is text, not a formula (Excel stores it as text too)
            if rs > 1 or cs > 1:
                ws.merge_cells(start_row=offset + r + 1, start_column=c + 1,
                               end_row=offset + r + rs, end_column=c + cs)
        offset += n_rows + 2
    wb.save(path)
    return path


def to_docx(forms: list[Form], path: Path) -> Path:
    import docx

    doc = docx.Document()
    for form in forms:
        cells = list(_placed(form))
        n_rows = max(r + rs for r, _, _, rs, _ in cells)
        table = doc.add_table(rows=n_rows, cols=N_COLS)
        for r, c, text, rs, cs in cells:
            top = table.cell(r, c)
            if rs > 1 or cs > 1:
                top = top.merge(table.cell(r + rs - 1, c + cs - 1))
            top.text = text
        doc.add_paragraph("")
    doc.save(str(path))
    return path


def to_xls(forms: list[Form], path: Path) -> Path:
    """Legacy .xls (xlwt), one sheet per form, merged cells merged, 执行率 as a
    percent-formatted fraction."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    pct = xlwt.easyxf(num_format_str="0.00%")
    amount = xlwt.easyxf(num_format_str="#,##0.00")
    for i, form in enumerate(forms):
        ws = wb.add_sheet(f"表{i + 1}")
        rate_col, in_funds = None, False
        for r, c, text, rs, cs in _placed(form):
            if text.startswith("执行率"):
                rate_col, in_funds = c, True
            elif text == "年度总体目标":
                rate_col, in_funds = None, False
            num = _number(text) if text and text != "-" else None
            if num is not None and in_funds and c == rate_col:
                value, style = num / 100, pct
            elif num is not None and (in_funds or c in (5, 6)):
                value, style = num, amount
            else:
                value, style = text, xlwt.Style.default_style
            if rs > 1 or cs > 1:
                ws.write_merge(r, r + rs - 1, c, c + cs - 1, value, style)
            else:
                ws.write(r, c, value, style)
    wb.save(str(path))
    return path
