"""JX2xx: scores that contradict the values next to them.

A score must follow from the row's target and actual: full points when the
target is met, proportional points when it is missed, a qualitative score
inside the band of its result word, no points for a row with nothing in it.
The engine (``ctx.score.indicators``) says what the values earn; these checks
name the contradiction. Plain formula differences of rows that were missed
and lost points are JX103 (arithmetic); scores above their weight are JX109.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..scoring.rulebook import BAND_NAMES_ZH
from .arithmetic import QUANTITATIVE, fmt, not_computable_rows, row_differences, short
from .base import Hit, check
from .context import FormContext


@check("JX201", "full-points-target-missed", title="未完成目标却得满分", severity="error", category="score",
       basis="财预〔2020〕10号《项目支出绩效自评表》填表说明：未完成目标的按完成比例计分（domain.md §4.2）",
       hint="按完成比例重算该指标得分，并在偏差原因分析中说明未完成的原因。",
       quiet_if_rows_agree=True)
def full_points_target_missed(ctx: FormContext, s) -> Iterator[Hit] | None:
    """A quantitative row whose actual misses its target, printed with full points
    where the formula gives fewer.

    Why: the most common score error in published forms: the target was not
    reached and the row still gets everything. It inflates the total and hides
    the shortfall.

    Fails: 居家养老服务人数 ≥1200人, actual 1080人, 分值 20, 得分 20 (formula: 18.00).
    Passes: 得分 18.00; or actual 1200人 with 20.

    Settings: none; what "met" means (``=`` read as ``≥`` or two-sided, the
    reverse formula, zero targets) is the rulebook's ``indicators``.
    Limits: a strict sign (``>90``, actual 90) is missed but the formula still
    gives full points: not reported. A missing reason is JX303's (deviation).
    """
    rd = row_differences(ctx)
    if not rd:
        return
    details = ctx.score.indicators
    return _full_points_target_missed_rest(ctx, s, rd, details)


def _full_points_target_missed_rest(ctx, s, rd, details):
    """The hits of :func:`full_points_target_missed` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i in rd:
        d = details[i]
        if d.rule not in QUANTITATIVE or d.met is not False or d.reported is None or d.weight is None:
            continue
        if d.reported != d.weight:
            continue  # above the weight: JX109; below: JX103
        ind = ctx.indicators[i]
        yield Hit(f"indicators[{i}].score",
                  f"“{ind.name}”目标 {ind.target.strip()}，完成 {ind.actual.strip()}，未达到目标却得满分 "
                  f"{fmt(d.reported)}；按计分规则应得 {fmt(d.score)}（{d.explain()}）",
                  {"name": ind.name, "target": ind.target, "actual": ind.actual, "weight": d.weight,
                   "reported": d.reported, "recomputed": d.score, "rule": d.rule, "formula": d.formula})


@check("JX203", "points-lost-target-met", title="已完成目标却被扣分", severity="error", category="score",
       basis="财预〔2020〕10号《项目支出绩效自评表》填表说明：完成目标的指标得满分",
       hint="完成值已达到目标，应得满分；若另有扣分理由，应调整完成值如实反映。",
       quiet_if_rows_agree=True)
def points_lost_target_met(ctx: FormContext, s) -> Iterator[Hit] | None:
    """A quantitative row whose actual meets its target, printed with fewer
    points than its weight.

    Why: the score must follow the values: a met target earns full points.
    A deduction that the values do not show is either a wrong score or a
    wrong actual; either way the form contradicts itself.

    Fails: 服务质量抽查合格率 ≥95%, actual 97%, 分值 10, 得分 8.
    Passes: 得分 10; or actual 90% with 得分 9.47.

    Settings: ``allow_with_note`` (default false): when true, a deduction
    explained in the row's deviation note is accepted (some regions let the
    evaluator deduct for problems the figures do not show, e.g. complaints).
    Limits: by default a deduction explained in the note is still reported:
    the actual value should show what the note says.
    """
    rd = row_differences(ctx)
    if not rd:
        return
    details = ctx.score.indicators
    return _points_lost_target_met_rest(ctx, s, rd, details)


def _points_lost_target_met_rest(ctx, s, rd, details):
    """The hits of :func:`points_lost_target_met` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i in rd:
        d = details[i]
        if d.rule not in QUANTITATIVE or d.met is not True or d.reported is None or d.weight is None:
            continue
        if d.reported >= d.weight:
            continue  # above the weight: JX109
        if s.allow_with_note and ctx.has_note(i):
            continue
        ind = ctx.indicators[i]
        yield Hit(f"indicators[{i}].score",
                  f"“{ind.name}”完成 {ind.actual.strip()}，已达到目标 {ind.target.strip()}，应得满分 "
                  f"{fmt(d.weight)}，填报 {fmt(d.reported)}",
                  {"name": ind.name, "target": ind.target, "actual": ind.actual, "weight": d.weight,
                   "reported": d.reported})


@check("JX202", "qualitative-out-of-band", title="定性指标得分不在档次区间内", severity="error", category="score",
       basis="财预〔2020〕10号《项目支出绩效自评表》填表说明：定性指标按 达成 100-80%（含80%）、部分达成 80-60%（含60%）、未达成 60-0% 计分（规则库 qualitative.bands）",
       hint="按完成情况所属档次，在该档的分值区间内给分；或更正完成情况用语。",
       quiet_if_rows_agree=True)
def qualitative_out_of_band(ctx: FormContext, s) -> Iterator[Hit] | None:
    """A qualitative row whose score lies outside the band of its result word
    (the engine's ``in_band`` is False).

    Why: the band is the only rule a qualitative score has; 部分达成 with
    full points, or 达成 with half of them, contradicts the row itself.

    Fails: 及时 / 部分达成, 分值 5, 得分 5.00 (band 3.00 to under 4.00).
    Passes: 得分 3.50; or 达成指标 with 4.50.

    Settings: none; bands, their shared edges and the words are the rulebook's ``qualitative``.
    Limits: an unknown result word has no band (JX205); a score above the weight is JX109.
    """
    rd = row_differences(ctx)
    if not rd:
        return
    details = ctx.score.indicators
    return _qualitative_out_of_band_rest(ctx, s, rd, details)


def _qualitative_out_of_band_rest(ctx, s, rd, details):
    """The hits of :func:`qualitative_out_of_band` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i in rd:
        d = details[i]
        if d.rule != "qualitative" or d.in_band is not False or d.band_range is None or d.reported is None:
            continue
        if d.weight is not None and d.reported > d.weight:
            continue  # JX109
        ind = ctx.indicators[i]
        lo, hi = d.band_range
        b = ctx.rb.bands[d.band]  # type: ignore[index]
        edge = "（不含上限）" if b.hi_open else ""
        name = BAND_NAMES_ZH.get(d.band or "", d.band)
        yield Hit(f"indicators[{i}].score",
                  f"“{ind.name}”完成情况“{ind.actual.strip()}”属{name}档，得分应在 {short(lo)}–{short(hi)} 之间"
                  f"{edge}（分值 {fmt(d.weight)} 的 {short(b.lo * 100)}%–{short(b.hi * 100)}%），填报 "
                  f"{fmt(d.reported)}",
                  {"name": ind.name, "actual": ind.actual, "band": d.band, "low": lo, "high": hi,
                   "reported": d.reported, "weight": d.weight})


@check("JX204", "points-for-empty-actual", title="实际完成值为空却得分", severity="error", category="score",
       basis="财预〔2020〕10号《项目支出绩效自评表》：得分依据实际完成值确定；没有完成值不能得分",
       hint="填写实际完成值；确实无法提供的，该指标不应得分。",
       quiet_if_rows_agree=True)
def points_for_empty_actual(ctx: FormContext, s) -> Iterator[Hit] | None:
    """A row whose 实际完成值 is empty (or a placeholder: "/", "-", "无") that still has points.

    Why: the score is earned by what was achieved; a row that reports
    nothing cannot earn anything, and the points are unverifiable.

    Fails: 服务对象满意度 ≥90%, actual "/", 得分 10.
    Passes: actual "93%" with 10; or actual "/" with 得分 0 (JX604 then asks for the value).

    Settings: none.
    Limits: what counts as empty is the value grammar's (jixiao.model.values).
    """
    nc = not_computable_rows(ctx)
    if not nc:
        return
    return _points_for_empty_actual_rest(ctx, s, nc)


def _points_for_empty_actual_rest(ctx, s, nc):
    """The hits of :func:`points_for_empty_actual` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i in nc:
        ind = ctx.indicators[i]
        if ind.actual_parsed.kind != "empty" or ind.score is None or ind.score <= 0:
            continue
        shown = f"“{ind.actual.strip()}”" if ind.actual.strip() else "为空"
        yield Hit(f"indicators[{i}].actual",
                  f"“{ind.name}”实际完成值{shown}，却得分 {fmt(ind.score)}（分值 {fmt(ind.weight)}）",
                  {"name": ind.name, "actual": ind.actual, "score": ind.score, "weight": ind.weight})


@check("JX205", "unknown-result-word", title="定性完成情况用语无法判定档次", severity="info", category="score",
       basis="财预〔2020〕10号《项目支出绩效自评表》填表说明：定性指标按 达成 / 部分达成 / 未达成 三档计分（规则库 qualitative.words）",
       hint="定性指标的实际完成值请使用“达成指标”“部分达成指标”“未达成指标”等标准用语，以便核对得分。",
       quiet_if_rows_agree=True)
def unknown_result_word(ctx: FormContext, s) -> Iterator[Hit] | None:
    """A qualitative row (word target) whose actual is a word the rulebook does
    not place in any band, with points given; the score cannot be checked.

    Why: the three bands are fixed by the rules, and each needs its word;
    "较好" or "按计划推进" does not say which band, so any score goes. Weak
    practice rather than an error, since the word may well mean 达成.

    Fails: 及时 / "较好", 得分 5.
    Passes: 及时 / 达成指标; 及时 / 及时 (the repeated target word, see the
    rulebook's ``qualitative.repeated_target_word``).

    Settings: none; the words are the rulebook's ``qualitative.words``.
    Limits: numeric actuals for word targets are not reported (they say more, not less).
    """
    nc = not_computable_rows(ctx)
    if not nc:
        return
    return _unknown_result_word_rest(ctx, s, nc)


def _unknown_result_word_rest(ctx, s, nc):
    """The hits of :func:`unknown_result_word` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i in nc:
        ind = ctx.indicators[i]
        tp, ap = ind.target_parsed, ind.actual_parsed
        if tp.kind != "text" or ap.kind != "text" or ind.score is None or ind.score <= 0:
            continue
        if ctx.rb.word_band(ap.word or ap.raw, tp.word or tp.raw) is not None:
            continue  # a known word; the row is not computable for another reason (no weight)
        yield Hit(f"indicators[{i}].actual",
                  f"“{ind.name}”完成情况“{ind.actual.strip()}”不是可识别的达成情况用语（达成指标/部分达成指标/"
                  f"未达成指标 等），得分 {fmt(ind.score)} 无法核对档次",
                  {"name": ind.name, "target": ind.target, "actual": ind.actual, "score": ind.score})
