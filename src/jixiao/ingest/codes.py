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
    # Grid readers (HTML, pipe text) and normalisation: every repair is recorded.
    "JX010": ("sign-normalised", "比较符号写法不规范（≧ ═ ﹦ ＞＝ >= 等），已统一为 ≥ ≤ = > <"),
    "JX011": ("fullwidth-normalised", "全角数字或标点，已转为半角"),
    "JX012": ("traditional-converted", "繁体字或转换乱码（如“預(yù)覽”），已删除拼音括注并转为简体"),
    "JX013": ("ocr-repaired", "识别错误（如 ≥ 读成 2、≤ 读成 W、10 读成 IO），已按同行内容修正"),
    "JX014": ("ocr-suspect", "疑似识别错误，但上下文不足以确定，未修正"),
    "JX015": ("unit-in-cell", "金额单元格自带单位且与表头单位不同，未换算"),
    "JX016": ("row-aligned-by-type", "网页复制丢失了空单元格，本行的值按顺序和类型对齐，可能错位"),
    "JX017": ("sub-row-skipped", "“其中”明细行没有分值和得分，未计为指标（原文保留在警告中）"),
    "JX018": ("number-format", "数字的千分位分隔符不规范，已按去掉分隔符读取"),
    "JX019": ("header-unmapped", "表头中有无法识别的列，该列内容未读取"),
    "JX020": ("pages-without-text", "PDF 中有的页没有文字层（扫描件），这些页未读取"),
    "JX022": ("cells-unsplit", "单元格连在一起（网页复制丢失了分隔符），无法唯一拆分，未读取（原文保留在警告中）"),
    "JX023": ("run-together-text", "表格的单元格连在一起，各单元格的边界是按表头、数值格式和合计推断的"),
    "JX024": ("rate-as-fraction", "执行率印作比值（1 表示 100%），经金额核对后按百分数读取"),
    "JX025": ("digits-lost", "复制的文本丢失了全部数字（如“预算数()”“(分)”中只剩空括号），金额、指标值和分数无法读取"),
    "JX021": ("sub-rows-folded", "编号明细行（“一、”下的“1、2、”）得分合计等于上一行，作为明细未计为指标"),
}
