"""The official table as HTML (rowspan/colspan), with print CSS for A4 portrait.

``form_html(form)`` gives a standalone page; ``form_html(form, standalone=False)``
only the ``<table class="jx-form">`` fragment, for pages that embed forms (the
review report) together with ``FORM_CSS``. With ``findings`` (review findings
of this form, ``jixiao.checks.base.Finding`` or anything with ``field``,
``code``, ``severity``, ``message``), each row that has findings gets a class
by its worst severity, and a note row right under it lists code, severity and
message; findings whose field is not in the table are listed under the title.

Every cell carries ``data-field`` (its field path) and a class by role
(``jx-label``, ``jx-input``, ``jx-computed``). All text is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Any, Protocol

from ..model import Form
from ..scoring import Rulebook
from .layout import N_COLS, Cell, Layout, form_layout

__all__ = ["FORM_CSS", "PAGE_CSS", "FindingLike", "form_html", "forms_html", "table_html"]

FONT_STACK = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
#: column widths in percent: 一级, 二级, 三级, 年度指标值, 实际完成值, 分值, 得分, 偏差原因分析
COLUMN_WIDTHS = (9, 11, 17, 12, 12, 8, 8, 23)
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
_RANK = {"info": 1, "warning": 2, "error": 3}

#: The CSS of the table (and of the finding notes); embed it with the fragment.
FORM_CSS = f"""
table.jx-form {{
  border-collapse: collapse; width: 100%; table-layout: fixed;
  font-family: {FONT_STACK};
  font-size: 9pt; line-height: 1.4; color: #000;
  margin: 0 auto 12pt auto;
}}
table.jx-form td {{
  border: 0.75pt solid #000; padding: 2.5pt 3pt; vertical-align: middle; text-align: center;
  white-space: pre-wrap; overflow-wrap: anywhere; word-break: break-word;
}}
table.jx-form td.jx-title {{ border: none; font-size: 15pt; font-weight: bold; padding: 2pt 0 1pt 0; }}
table.jx-form td.jx-subtitle {{ border: none; font-size: 10.5pt; padding: 0 0 5pt 0; }}
table.jx-form td.jx-heading {{ font-weight: bold; }}
table.jx-form td.jx-long {{ vertical-align: top; text-align: left; }}
table.jx-form td.jx-text-left {{ text-align: left; }}
table.jx-form td.jx-number, table.jx-form td.jx-percent {{
  font-variant-numeric: tabular-nums; white-space: nowrap;
}}
table.jx-form tr {{ break-inside: avoid; page-break-inside: avoid; }}
table.jx-form tr.jx-flag-error > td:not(.jx-span) {{ background: #fde8e8; }}
table.jx-form tr.jx-flag-warning > td:not(.jx-span) {{ background: #fff4d6; }}
table.jx-form tr.jx-flag-info > td:not(.jx-span) {{ background: #e8f1fb; }}
table.jx-form td.jx-notes {{ text-align: left; font-size: 8pt; padding: 2pt 4pt; background: #fafafa; }}
table.jx-form .jx-note {{ display: block; margin: 1pt 0; }}
table.jx-form .jx-note .jx-code {{ font-weight: bold; font-family: monospace, {FONT_STACK}; }}
table.jx-form .jx-note .jx-sev {{ display: inline-block; padding: 0 3pt; border-radius: 2pt; color: #fff; }}
table.jx-form .jx-sev-error .jx-sev {{ background: #c62828; }}
table.jx-form .jx-sev-warning .jx-sev {{ background: #b26a00; }}
table.jx-form .jx-sev-info .jx-sev {{ background: #1565c0; }}
"""

#: The page CSS of a standalone document: A4 portrait, margins, no browser headers.
PAGE_CSS = f"""
@page {{ size: A4 portrait; margin: 12mm 10mm 12mm 10mm; }}
html, body {{ margin: 0; padding: 0; }}
body {{ font-family: {FONT_STACK}; -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
.jx-page {{ max-width: 190mm; margin: 0 auto; }}
.jx-page + .jx-page {{ break-before: page; page-break-before: always; }}
@media screen {{ body {{ padding: 8mm 0; background: #eee; }} .jx-page {{ background: #fff; padding: 6mm; }} }}
"""


class FindingLike(Protocol):
    field: str
    code: str
    severity: str
    message: str


def _classes(cell: Cell) -> str:
    cls = [f"jx-{cell.role}"]
    if cell.kind == "title":
        cls.append("jx-title")
    elif cell.kind == "subtitle":
        cls.append("jx-subtitle")
    elif cell.kind == "heading":
        cls.append("jx-heading")
    elif cell.kind == "long_text":
        cls.append("jx-long")
    elif cell.kind in ("number", "percent"):
        cls.append(f"jx-{cell.kind}")
    if cell.rowspan > 1:
        cls.append("jx-span")
    return " ".join(cls)


def _td(cell: Cell, rowspan: int, colspan: int) -> str:
    attrs = f' class="{_classes(cell)}"'
    if rowspan > 1:
        attrs += f' rowspan="{rowspan}"'
    if colspan > 1:
        attrs += f' colspan="{colspan}"'
    if cell.field:
        attrs += f' data-field="{escape(cell.field)}"'
    return f"<td{attrs}>{escape(cell.text)}</td>"


def _note_html(findings: Sequence[Any]) -> str:
    out = []
    for f in sorted(findings, key=lambda f: -_RANK.get(str(f.severity), 0)):
        sev = str(f.severity)
        out.append(
            f'<span class="jx-note jx-sev-{escape(sev)}"><span class="jx-code">{escape(str(f.code))}</span> '
            f'<span class="jx-sev">{escape(SEVERITY_ZH.get(sev, sev))}</span> {escape(str(f.message))}</span>'
        )
    return "".join(out)


def _worst(findings: Sequence[Any]) -> str:
    return max((str(f.severity) for f in findings), key=lambda s: _RANK.get(s, 0))


def table_html(layout: Layout, findings: Iterable[Any] | None = None) -> str:
    """The ``<table class="jx-form">`` of a laid-out form, findings marked at their rows."""
    n_rows = len(layout.rows)
    by_row: dict[int, list[Any]] = {}
    for f in findings or ():
        r = layout.row_of(getattr(f, "field", None))
        if r is None or r < 2:  # not in the table, or about the title: list under the title
            r = 1
        by_row.setdefault(r, []).append(f)

    placed = list(layout.placed())
    # A note row inserted under row r lengthens every cell spanning across r -> r+1.
    extra_span = {id(p): 0 for p in placed}
    for r in by_row:
        for p in placed:
            if p.row <= r < p.row + p.cell.rowspan - 1:
                extra_span[id(p)] += 1
    starts: dict[int, list[Any]] = {}
    for p in placed:
        starts.setdefault(p.row, []).append(p)

    cols = "".join(f'<col style="width:{w}%">' for w in COLUMN_WIDTHS)
    out = [f'<table class="jx-form"><colgroup>{cols}</colgroup>']
    for r in range(n_rows):
        row_f = by_row.get(r)
        cls = f' class="jx-flag jx-flag-{escape(_worst(row_f))}"' if row_f else ""
        tds = "".join(_td(p.cell, p.cell.rowspan + extra_span[id(p)], p.cell.colspan)
                      for p in starts.get(r, ()))
        out.append(f"<tr{cls}>{tds}</tr>")
        if row_f:
            # columns still covered by cells spanning past this row (the labels on the left)
            covered = {p.col + dc for p in placed if p.row <= r < p.row + p.cell.rowspan - 1
                       for dc in range(p.cell.colspan)}
            first = next((c for c in range(N_COLS) if c not in covered), 0)
            span = N_COLS - first
            out.append(f'<tr class="jx-note-row"><td class="jx-notes" colspan="{span}">{_note_html(row_f)}</td></tr>')
    out.append("</table>")
    return "\n".join(out)


def _document(body: str, title: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{PAGE_CSS}{FORM_CSS}</style></head>\n"
        f"<body>\n{body}\n</body></html>\n"
    )


def form_html(form: Form, *, findings: Iterable[Any] | None = None, standalone: bool = True,
              rulebook: Rulebook | None = None) -> str:
    """The form as the official HTML table; a whole page unless ``standalone=False``."""
    table = table_html(form_layout(form, rulebook), findings)
    if not standalone:
        return table
    title = f"{form.project_name} — 项目支出绩效自评表" if form.project_name else "项目支出绩效自评表"
    return _document(f'<div class="jx-page">{table}</div>', title)


def forms_html(forms: Iterable[Form], *, findings: Iterable[Any] | None = None,
               rulebook: Rulebook | None = None) -> str:
    """Several forms in one page, each starting on a new printed page.

    ``findings`` are matched to forms by ``form_index`` (position in ``forms``)."""
    forms = list(forms)
    per_form: dict[int, list[Any]] = {}
    for f in findings or ():
        idx = getattr(f, "form_index", None)
        if idx is not None:
            per_form.setdefault(idx, []).append(f)
    body = "\n".join(
        f'<div class="jx-page">{table_html(form_layout(form, rulebook), per_form.get(i))}</div>'
        for i, form in enumerate(forms)
    )
    return _document(body, "项目支出绩效自评表")
