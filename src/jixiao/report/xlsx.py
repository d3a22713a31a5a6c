"""The review as a workbook: 摘要, 自评表, 指标, 问题 (summary, forms, indicators, findings).

With ``report=`` (a :class:`jixiao.report.build.ReportData`) a first sheet
报告摘要 gives the director's summary of the HTML report (key figures, the
five most serious findings) with two native Excel charts."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..checks import CATEGORIES, SEVERITY_ZH, Review
from .tabular import FINDING_COLUMNS, finding_rows

if TYPE_CHECKING:
    from .build import ReportData

_HEAD = Font(bold=True, color="FFFFFF")
_FILL = PatternFill("solid", fgColor="305496")

FORM_COLUMNS = (
    ("index", "序号"), ("project_name", "项目名称"), ("department", "主管部门"), ("implementing_unit", "实施单位"),
    ("year", "年度"), ("funds_unit", "资金单位"), ("initial_budget", "年初预算数"), ("adjusted_budget", "全年预算数"),
    ("executed", "全年执行数"), ("rate_reported", "执行率（填报）"), ("rate_recomputed", "执行率（复算）"),
    ("budget_score_reported", "预算执行得分（填报）"), ("budget_score_recomputed", "预算执行得分（复算）"),
    ("total_reported", "总分（填报）"), ("total_recomputed", "总分（复算）"), ("grade_reported", "评分等级（填报）"),
    ("grade_recomputed", "评分等级（复算）"), ("complete", "完整读取"), ("n_indicators", "指标数"),
    ("errors", "错误"), ("warnings_n", "警告"), ("infos", "提示"), ("file", "文件"), ("line", "起始行"),
)
INDICATOR_COLUMNS = (
    ("form_index", "表序号"), ("project_name", "项目名称"), ("row", "行"), ("level1", "一级指标"),
    ("level2", "二级指标"), ("name", "三级指标"), ("target", "年度指标值"), ("actual", "实际完成值"),
    ("weight", "分值"), ("score", "得分"), ("recomputed", "复算得分"), ("rule", "复算规则"),
    ("deviation", "偏差原因分析及改进措施"),
)
FINDING_HEADERS = {"code": "代码", "severity": "严重程度", "category": "类别", "name": "检查", "project_name": "项目名称",
                   "file": "文件", "field": "字段", "page": "页", "line": "行", "end_line": "止行", "cell": "单元格",
                   "message": "问题", "hint": "建议", "evidence": "证据"}


def _cell(v):
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return v


def _sheet(wb: Workbook, title: str, headers: list[str], rows, widths: dict[int, int] | None = None):
    ws = wb.create_sheet(title)
    ws.append(headers)
    for c in ws[1]:
        c.font, c.fill = _HEAD, _FILL
        c.alignment = Alignment(vertical="center", wrap_text=True)
    for row in rows:
        ws.append([_cell(v) for v in row])
    ws.freeze_panes = "A2"
    if ws.max_row > 1:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{ws.max_row}"
    for i, h in enumerate(headers, 1):
        ws.column_dimensions[get_column_letter(i)].width = (widths or {}).get(i, max(8, min(40, len(h) * 2 + 2)))
    return ws


def write_xlsx(review: Review, path: str | Path, *, report: ReportData | None = None) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    chart_row = _overview_sheet(wb, report) if report is not None else 0
    s = review.summary()
    summary_rows = [
        ("评分规则", s["rulebook"]), ("自评表数", s["forms"]), ("未能完整读取", s["incomplete_forms"]),
        ("无法读取的文件", s["unreadable_files"]), ("年初预算数（万元）", s["initial_budget"]),
        ("全年预算数（万元）", s["adjusted_budget"]), ("全年执行数（万元）", s["executed"]),
        ("加权执行率（%）", s["weighted_rate"]), ("填报总分平均", s["total_reported_mean"]),
        ("复算总分平均", s["total_recomputed_mean"]), ("总分与复算不一致（张）", s["forms_with_total_difference"]),
        ("问题总数", s["findings"]),
    ]
    summary_rows += [(f"{SEVERITY_ZH[k]}（{k}）", v) for k, v in s["findings_by_severity"].items()]
    summary_rows += [(f"评分等级 {g}", n) for g, n in sorted(s["grades"].items())]
    summary_rows += [(f"问题 {c}", n) for c, n in s["findings_by_code"].items()]
    _sheet(wb, "摘要", ["项目", "数值"], summary_rows, {1: 28, 2: 20})

    def form_rows():
        for r in review.forms:
            d = r.to_json_dict()
            d["errors"], d["warnings_n"], d["infos"] = (r.findings.get(k, 0) for k in ("error", "warning", "info"))
            yield [d.get(k) for k, _ in FORM_COLUMNS]

    forms_ws = _sheet(wb, "自评表", [h for _, h in FORM_COLUMNS], form_rows(), {2: 36, 3: 30, 4: 30, 23: 40})
    if report is not None and review.forms:
        top = max([100.0] + [float(r.rate_recomputed) for r in review.forms if r.rate_recomputed is not None])
        _rate_chart(wb["报告摘要"], forms_ws, len(review.forms), chart_row, top)
    indicator_rows = review.indicator_rows
    if indicator_rows is None and report is not None:
        indicator_rows = report.indicator_rows  # rescored by the report when the review kept none
    if indicator_rows is not None:
        _sheet(wb, "指标", [h for _, h in INDICATOR_COLUMNS],
               ([r.get(k) for k, _ in INDICATOR_COLUMNS] for r in indicator_rows), {2: 30, 6: 30, 13: 40})
    sev_i, cat_i = FINDING_COLUMNS.index("severity"), FINDING_COLUMNS.index("category")

    def zh_rows():  # people read this sheet: severity and category in Chinese
        for row in finding_rows(review):
            row[sev_i] = SEVERITY_ZH.get(row[sev_i], row[sev_i])
            row[cat_i] = CATEGORIES.get(row[cat_i], row[cat_i])
            yield row

    _sheet(wb, "问题", [FINDING_HEADERS[c] for c in FINDING_COLUMNS], zh_rows(),
           {5: 30, 6: 30, 7: 26, 11: 14, 12: 60, 13: 50, 14: 40})
    wb.save(path)


_TITLE = Font(bold=True, size=16)
_BOLD = Font(bold=True)
_SEV_COLOUR = {"error": "C0392B", "warning": "D68910", "info": "5D6D7E"}


def _overview_sheet(wb: Workbook, d: ReportData) -> int:
    """报告摘要: what a director reads first, the same figures as the HTML report's first page.
    Returns the first free row (where the execution-rate chart goes)."""
    from openpyxl.chart import BarChart, Reference

    from .build import field_label, location_label

    ws = wb.create_sheet("报告摘要")
    s = d.summary
    sev = s["findings_by_severity"]
    ws["A1"] = "项目支出绩效自评审核报告"
    ws["A1"].font = _TITLE
    ws["A2"] = "评分规则：" + d.rulebook_title
    thr = f"{d.threshold:g}%" if d.threshold is not None else "—"
    order = [g for g, _ in d.grades] + sorted(set(s["grades"]) - {g for g, _ in d.grades})
    rows: list[tuple[str, object]] = [
        ("自评表（张）", s["forms"]), ("未完整读取（张）", s["incomplete_forms"]),
        ("无法读取的文件（个）", s["unreadable_files"]),
        ("年初预算数（万元）", s["initial_budget"]), ("全年预算数（万元）", s["adjusted_budget"]),
        ("全年执行数（万元）", s["executed"]), ("加权执行率（%）", s["weighted_rate"]),
        (f"执行率低于 {thr} 的项目（个）", d.below_threshold),
        ("自评总分平均", s["total_reported_mean"]), ("复算总分平均", s["total_recomputed_mean"]),
        ("自评总分与复算不一致（张）", s["forms_with_total_difference"]),
        ("评分等级（自评）", "　".join(f"{g} {s['grades'].get(g, 0)}" for g in order)),
        ("评分等级（复算）", "　".join(f"{g} {d.grades_recomputed.get(g, 0)}" for g in order)),
        ("发现问题（条）", s["findings"]),
    ]
    r = 4
    for label, value in rows:
        ws.cell(r, 1, label).font = _BOLD
        ws.cell(r, 2, _cell(value))
        if isinstance(value, Decimal):
            ws.cell(r, 2).number_format = "#,##0.00"
        r += 1
    sev_first = r
    for k in ("error", "warning", "info"):
        ws.cell(r, 1, f"其中{SEVERITY_ZH[k]}（条）").font = _BOLD
        ws.cell(r, 2, sev[k])
        r += 1
    r += 1
    ws.cell(r, 1, f"最需要关注的 {len(d.top_findings)} 个问题").font = _TITLE
    r += 1
    for c, h in enumerate(("严重程度", "代码", "检查", "项目名称", "字段", "位置", "问题"), 1):
        cell = ws.cell(r, c, h)
        cell.font, cell.fill = _HEAD, _FILL
    for f in d.top_findings:
        r += 1
        values = (SEVERITY_ZH.get(f.severity, f.severity), f.code, d.titles.get(f.code, ""),
                  f.project_name or "（全部表格）", field_label(f.field), location_label(f.location), f.message)
        for c, v in enumerate(values, 1):
            cell = ws.cell(r, c, v)
            cell.alignment = Alignment(vertical="top", wrap_text=c == 7)
        ws.cell(r, 1).font = Font(bold=True, color=_SEV_COLOUR.get(f.severity, "000000"))
    for col, w in zip("ABCDEFG", (30, 22, 28, 30, 22, 14, 80)):
        ws.column_dimensions[col].width = w
    # Native charts: findings by severity here (from the table above); the execution
    # rate per project is added by _rate_chart once the 自评表 sheet exists.
    ch = BarChart()
    ch.type, ch.title, ch.legend = "col", "问题按严重程度", None
    ch.add_data(Reference(ws, min_col=2, min_row=sev_first, max_row=sev_first + 2))
    ch.set_categories(Reference(ws, min_col=1, min_row=sev_first, max_row=sev_first + 2))
    ch.x_axis.delete = ch.y_axis.delete = False  # openpyxl hides axes by default in recent Excel
    ch.height, ch.width = 6.5, 11
    ws.add_chart(ch, "D3")
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.sheet_properties.tabColor = "305496"
    ws["A3"] = "金额单位：万元。各项目执行率图见下方（数据取自“自评表”工作表）。"
    ws["A3"].font = Font(italic=True, color="666666")
    return r + 2


def _rate_chart(ws, forms_ws, n: int, row: int, top: float) -> None:
    """A native bar chart of each project's recomputed execution rate, read from the 自评表 sheet."""
    from openpyxl.chart import BarChart, Reference

    rate_col = [k for k, _ in FORM_COLUMNS].index("rate_recomputed") + 1
    ch = BarChart()
    ch.type, ch.title, ch.legend = "bar", "各项目执行率（复算，%）", None
    ch.add_data(Reference(forms_ws, min_col=rate_col, min_row=2, max_row=n + 1))
    ch.set_categories(Reference(forms_ws, min_col=2, min_row=2, max_row=n + 1))
    ch.height, ch.width = max(7.0, min(120.0, 0.45 * n + 2)), 18
    ch.y_axis.scaling.min, ch.y_axis.scaling.max = 0, -(-top // 10) * 10
    ch.x_axis.scaling.orientation = "maxMin"  # first project at the top
    ch.x_axis.delete = ch.y_axis.delete = False
    ws.add_chart(ch, f"A{row}")
