"""Codes of the reading warnings (JX0xx). Stable: never reuse a retired code.

The review engine shows these as findings of the reading family; the check
catalogue in docs/ lists them with the checks.
"""

READ_CODES: dict[str, tuple[str, str]] = {
    "JX002": ("unassigned-text", "读到但无法归属到任何字段的文字（已在警告中保留原文）"),
    "JX003": ("missing-field", "缺少必填内容：项目名称、主管部门、实施单位、年度、资金栏、总体目标或指标表"),
    "JX004": ("truncated", "表格不完整：没有“总分”行，文件可能被截断"),
    "JX005": ("funds-columns", "资金行的数字个数与表头列数不符"),
    "JX006": ("goal-split", "预期目标与实际完成情况的分界不确定"),
    "JX007": ("row-incomplete", "指标行缺列、缺名称，或分值/得分不是数字"),
    "JX008": ("level-unknown", "无法确定指标所属的一级/二级指标"),
    "JX009": ("ambiguous-lines", "几行文字可能属于上一行的偏差说明，也可能属于本行的指标名称"),
}
