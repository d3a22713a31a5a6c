"""The review as a workbook: 摘要, 自评表, 指标, 问题 (summary, forms, indicators, findings)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..checks import CATEGORIES, SEVERITY_ZH, Review
from .tabular import FINDING_COLUMNS, finding_rows

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


def write_xlsx(review: Review, path: str | Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
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

    _sheet(wb, "自评表", [h for _, h in FORM_COLUMNS], form_rows(), {2: 36, 3: 30, 4: 30, 23: 40})
    if review.indicator_rows is not None:
        _sheet(wb, "指标", [h for _, h in INDICATOR_COLUMNS],
               ([r.get(k) for k, _ in INDICATOR_COLUMNS] for r in review.indicator_rows), {2: 30, 6: 30, 13: 40})
    sev_i, cat_i = FINDING_COLUMNS.index("severity"), FINDING_COLUMNS.index("category")

    def zh_rows():  # people read this sheet: severity and category in Chinese
        for row in finding_rows(review):
            row[sev_i] = SEVERITY_ZH.get(row[sev_i], row[sev_i])
            row[cat_i] = CATEGORIES.get(row[cat_i], row[cat_i])
            yield row

    _sheet(wb, "问题", [FINDING_HEADERS[c] for c in FINDING_COLUMNS], zh_rows(),
           {5: 30, 6: 30, 7: 26, 11: 14, 12: 60, 13: 50, 14: 40})
    wb.save(path)
