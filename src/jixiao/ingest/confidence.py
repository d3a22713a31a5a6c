"""How far a form's reading can be trusted: one assessment for every reader.

``read_forms`` calls :func:`assess_confidence` on each form after its reader
is done, so the verdict is the same whatever the format. The assessment looks
only at what the reader left on the form:

* its reading warnings (JX0xx): a truncated table or a row that was not read
  is *low*; cells left unread, OCR repairs, values aligned by type, unknown
  levels, an uncertain goal split are *medium*; harmless normalisation
  (signs, full-width digits, traditional characters, thousands separators,
  skipped 其中 sub-rows) is noted but keeps the form *high*;
* the form's own sums, which a misread column breaks first: the funds
  sub-rows against the 年度资金总额 row, the indicator weights against the
  block totals printed in the headings (产出指标(50分)) and against the 总分
  分值 minus the funds weight.

The level is the lowest level among the reasons. The review checks report the
same inconsistencies as findings (JX1xx); here they only say "check the
reading before trusting the figures".
"""

from __future__ import annotations

from decimal import Decimal

from ..model import Confidence, ConfidenceReason, Form

_RANK = {"high": 0, "medium": 1, "low": 2}

# code -> (kind, level, Chinese label used with the count)
_BY_CODE: dict[str, tuple[str, str, str]] = {
    "JX002": ("cells_unread", "medium", "处文字无法归属、未读取"),
    "JX005": ("cells_unread", "medium", "处资金栏数字无法对应到列"),
    "JX019": ("cells_unread", "medium", "列表头无法识别、未读取"),
    "JX006": ("goal_split", "medium", "处总体目标的预期/实际分界不确定"),
    "JX008": ("levels_unknown", "medium", "行的一级/二级指标无法确定"),
    "JX009": ("rows_ambiguous", "medium", "处文字归属不确定（偏差说明或指标名称）"),
    "JX013": ("ocr", "medium", "处识别错误已按上下文修正"),
    "JX014": ("ocr", "medium", "处疑似识别错误未修正"),
    "JX015": ("units", "medium", "处金额自带单位与表头不同、未换算"),
    "JX016": ("aligned_by_type", "medium", "行的值按顺序和类型对齐，可能错位"),
    "JX021": ("sub_rows", "medium", "组编号明细行按合计行计分、未计为指标"),
    "JX020": ("pages_unread", "low", "处页面没有文字层、未读取"),
    "JX022": ("cells_unsplit", "low", "处连在一起的单元格无法拆分、未读取"),
    "JX024": ("repairs", "medium", "处执行率印作比值、已按百分数读取"),
    "JX025": ("digits_lost", "low", "处复制丢失了全部数字，金额和指标值无法读取"),
    "JX023": ("run_together", "medium", "处单元格边界系推断（原文单元格连在一起）"),
    "JX010": ("repairs", "high", "处符号写法已统一"),
    "JX011": ("repairs", "high", "处全角字符已转半角"),
    "JX012": ("repairs", "high", "处繁体或转换乱码已转简体"),
    "JX018": ("repairs", "high", "处数字分隔符已规范"),
    "JX017": ("sub_rows", "high", "行“其中”明细未计为指标"),
}

_CENT = Decimal("0.01")


def assess_confidence(form: Form) -> Confidence:
    """The confidence report of ``form`` (also stored on ``form.confidence`` by ``read_forms``)."""
    reasons: list[ConfidenceReason] = []
    counts: dict[tuple[str, str, str], int] = {}
    truncated = rows_dropped = rows_partial = 0
    header_missing: list[str] = []
    for w in form.warnings:
        if w.code == "JX004":
            truncated += 1
        elif w.code == "JX007":
            if any(x in w.message for x in ("未读取", "跳过")):
                rows_dropped += 1
            else:
                rows_partial += 1
        elif w.code == "JX003":
            if w.field == "indicators" or w.field == "funds":
                header_missing.append(w.field)
            else:
                header_missing.append(w.field or "")
        elif w.code in _BY_CODE:
            key = _BY_CODE[w.code]
            counts[key] = counts.get(key, 0) + 1
    if truncated:
        reasons.append(ConfidenceReason(kind="truncated", level="low", message="表格不完整，可能被截断（没有“总分”行）"))
    if rows_dropped:
        reasons.append(ConfidenceReason(kind="rows_unread", level="low", count=rows_dropped,
                                        message=f"{rows_dropped} 行无法与表头的列对应、未读取"))
    if not form.indicators:
        reasons.append(ConfidenceReason(kind="no_indicators", level="low", message="没有读到任何指标行"))
    elif "indicators" in header_missing:
        reasons.append(ConfidenceReason(kind="header_missing", level="low", message="没有读到指标表的表头"))
    if "funds" in header_missing:
        reasons.append(ConfidenceReason(kind="header_missing", level="medium", message="没有读到资金栏"))
    fields = [f for f in header_missing if f not in ("indicators", "funds")]
    if fields:
        reasons.append(ConfidenceReason(kind="header_missing", level="medium", count=len(fields),
                                        message=f"缺少 {len(fields)} 项表头内容（{'、'.join(_FIELD_ZH.get(f, f) for f in fields)}）"))
    if rows_partial:
        reasons.append(ConfidenceReason(kind="rows_partial", level="medium", count=rows_partial,
                                        message=f"{rows_partial} 行缺少名称、分值或得分"))
    for (kind, level, label), n in counts.items():
        reasons.append(ConfidenceReason(kind=kind, level=level, count=n, message=f"{n} {label}"))
    reasons.extend(_funds_sum(form))
    reasons.extend(_weights_sum(form))
    if not form.complete and not any(r.level == "low" for r in reasons):
        reasons.append(ConfidenceReason(kind="incomplete", level="low", message="未能完整读取"))
    level = max((r.level for r in reasons), key=_RANK.__getitem__, default="high")
    return Confidence(level=level, reasons=reasons)


_FIELD_ZH = {"project_name": "项目名称", "department": "主管部门", "implementing_unit": "实施单位",
             "year": "年度", "goal": "总体目标", "grade": "评分等级", "funds_unit": "资金单位", "total": "总分"}


def _funds_sum(form: Form) -> list[ConfidenceReason]:
    """Sub-rows (其中 …) that do not add up to the 年度资金总额 row."""
    f = form.funds
    if not f.rows or any(w.code == "JX015" for w in form.warnings):
        return []
    out = []
    for key, label in (("initial_budget", "年初预算数"), ("adjusted_budget", "全年预算数"), ("executed", "全年执行数")):
        total = getattr(f, key)
        parts = [getattr(r, key) for r in f.rows]
        if total is None or all(p is None for p in parts):
            continue
        s = sum((p for p in parts if p is not None), Decimal(0))
        if abs(s - total) > _CENT * len(parts):
            out.append(ConfidenceReason(kind="funds_sum", level="medium",
                                        message=f"资金明细行的{label}合计 {s} 与总额 {total} 不符"))
    return out


def _weights_sum(form: Form) -> list[ConfidenceReason]:
    """Indicator weights against the block totals printed in the headings and the 总分 分值."""
    inds = form.indicators
    if not inds or any(i.weight is None for i in inds):
        return []
    out = []
    for block, want in form.block_weights.items():
        if block == "indicators":
            got = sum((i.weight for i in inds), Decimal(0))  # type: ignore[misc]
            label = "全部指标"
        else:
            rows = [i.weight for i in inds if i.level1 == block]
            if not rows:
                continue
            got = sum(rows, Decimal(0))  # type: ignore[arg-type]
            label = block
        if got != want:
            out.append(ConfidenceReason(kind="weights_sum", level="medium",
                                        message=f"{label}的分值合计 {_n(got)} 与标题所印 {_n(want)} 分不符"))
    fw, tw = form.funds.weight, form.total_weight
    if fw is not None and tw is not None and not form.block_weights.get("indicators"):
        got = sum((i.weight for i in inds), Decimal(0)) + fw  # type: ignore[misc]
        if got != tw:
            out.append(ConfidenceReason(kind="weights_sum", level="medium",
                                        message=f"资金分值与指标分值合计 {_n(got)}，与总分分值 {_n(tw)} 不符"))
    return out


def _n(d: Decimal) -> str:
    s = format(d, "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


def with_confidence(form: Form) -> Form:
    form.confidence = assess_confidence(form)
    return form
