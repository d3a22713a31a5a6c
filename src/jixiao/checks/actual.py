"""JX6xx: the actual values (实际完成值).

The actual is the evidence of every score: a measured number in the unit of
the target for quantitative rows, a result word (达成指标 / 部分达成 / 未达成)
for qualitative ones. These checks report actuals that cannot serve as
evidence: a result word where a number is due, the target copied over, a
different unit, nothing at all; and (info) targets the actual shows were set
too low. The engine decides what it can read (``ctx.score.indicators``:
``not_computable`` rows and their reasons); units are compared with the
engine's own rule and the rulebook's unit equivalences.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

# The engine's own unit rule (rulebook indicators.units), so both agree on what a unit mismatch is.
from ..scoring import units_match
from .arithmetic import fmt, not_computable_rows, short
from .base import Hit, check
from .context import FormContext
from .design import enabled

# A comparison written as a word after the unit ("100%以上", "2个工作日内"):
# not a unit mismatch, a missing sign (indicator design); left out of JX603.
_QUALIFIER_RE = re.compile(r"(?:及|或)?(?:以上|以下|以内|之内|内|左右)$")
_SPACES = str.maketrans("", "", " \t\u3000")
_ONE = Decimal(1)


@check("JX601", "text-actual-for-numeric-target", title="数值目标的实际完成值不是数值", severity="warning",
       category="actual",
       basis="domain.md §4.8：定量指标填“达成指标”等用语而非实际数值；财预〔2020〕10号 自评表：填写全年实际值",
       hint="填写与年度指标值同单位的实际数值（如 1200人、97%），而不是“达成指标”等文字。")
def text_actual_for_numeric_target(ctx: FormContext, s) -> Iterator[Hit] | None:
    """A row whose target is a number (≥95%, =30人) and whose actual is text:
    a result word (达成指标, 已完成) or any other words.

    Why: a numeric target is met or missed by a number; "达成指标" claims the
    result without the evidence, and the score cannot be recomputed.

    Fails: 服务质量抽查合格率 ≥95(%), actual 达成指标.
    Passes: actual 97(%); or target 及时, actual 达成指标 (a qualitative row).

    Settings: none; the result words are the rulebook's ``qualitative.words``.
    Limits: an empty actual is JX604 / JX204.
    """
    nc = not_computable_rows(ctx)
    if not nc:
        return
    return _text_actual_for_numeric_target_rest(ctx, s, nc)


def _text_actual_for_numeric_target_rest(ctx, s, nc):
    """The hits of :func:`text_actual_for_numeric_target` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i in nc:
        ind = ctx.indicators[i]
        tp, ap = ind.target_parsed, ind.actual_parsed
        if tp.kind != "number" or ap.kind != "text":
            continue
        word = ind.actual.strip()
        band = ctx.rb.word_band(ap.word or word)
        what = "达成情况用语" if band is not None else "文字"
        yield Hit(f"indicators[{i}].actual",
                  f"“{ind.name}”目标为数值 {ind.target.strip()}，实际完成值却是{what}“{word}”，没有实际数值，得分无法复算",
                  {"name": ind.name, "target": ind.target, "actual": ind.actual, "result_word": band is not None})


@check("JX602", "target-copied-as-actual", title="实际完成值照抄年度指标值", severity="warning",
       category="actual",
       basis="domain.md §4.8：把年度指标值（连同比较符号）照抄为实际完成值",
       hint="填写实际测得的数值（如 97%），不要照抄目标（≥95%）。")
def target_copied_as_actual(ctx: FormContext, s) -> Iterator[Hit] | None:
    """The actual repeats the target together with its comparison sign:
    target ≥95(%), actual ≥95(%).

    Why: a value with "≥" is a target, not a measurement; copied over, it
    reports nothing that happened, yet it scores as met.

    Fails: ≥95(%) / ≥95%; =30(人) / =30(人).
    Passes: ≥95(%) / 97(%); =30(人) / 30(人) (the number reached, no sign);
    及时 / 及时 (a repeated qualitative word is governed by the rulebook's
    ``qualitative.repeated_target_word``).

    Settings: none.
    Limits: an actual with a sign and another number (≥96%) is not reported.
    """
    inds = ctx.indicators
    signed = ctx.rows.signed_actual
    if not signed:
        return
    return _target_copied_as_actual_rest(ctx, s, inds, signed)


def _target_copied_as_actual_rest(ctx, s, inds, signed):
    """The hits of :func:`target_copied_as_actual` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i in signed:
        ind = inds[i]
        ap = ind.actual_parsed
        if ap.comparison is None:
            continue
        tp = ind.target_parsed
        if ap.comparison != tp.comparison:
            continue
        if tp.kind == "number":
            same = (ap.kind == "number" and ap.number == tp.number
                    and units_match(tp.unit.strip(), ap.unit.strip(), ctx.rb))
        else:
            same = ind.actual.translate(_SPACES) == ind.target.translate(_SPACES)
        if same:
            yield Hit(f"indicators[{i}].actual",
                      f"“{ind.name}”实际完成值“{ind.actual.strip()}”照抄了年度指标值“{ind.target.strip()}”（带比较符号），"
                      f"不是实际测得的数值",
                      {"name": ind.name, "target": ind.target, "actual": ind.actual})


@check("JX603", "unit-mismatch", title="实际完成值与年度指标值单位不一致", severity="warning", category="actual",
       basis="domain.md §4.8：目标与完成值单位不同；计分要求同口径比较（规则库 indicators.units）",
       hint="按年度指标值的单位填写实际完成值（如目标为“人”，完成值也用“人”）。")
def unit_mismatch(ctx: FormContext, s) -> Iterator[Hit] | None:
    """Target and actual are numbers in different units (=30(人) / 30(个),
    ≤90(万元) / 850000(元)), after the rulebook's unit equivalences
    (% = ％ = 百分比, 小时 = h, 天 = 日).

    Why: numbers in different units cannot be compared: the score cannot be
    recomputed, and often the actual measures something else (人 / 人次).

    Fails: =6(个) / 6(处).
    Passes: =6(个) / 6(个); ≥95(%) / 97(％); ≥90 / 95% (one side without a
    unit matches any, per ``indicators.units.missing_matches_any``).

    Settings: none; the equivalences are the rulebook's.
    Limits: units differing only by a trailing 以上 / 以下 / 以内 (a comparison
    written as a word) are not reported here: that is a missing sign, not
    another unit. Convertible units (万元 / 元) are reported.
    """
    nc = not_computable_rows(ctx)
    if not nc:
        return
    rb = ctx.rb
    return _unit_mismatch_rest(ctx, s, nc, rb)


def _unit_mismatch_rest(ctx, s, nc, rb):
    """The hits of :func:`unit_mismatch` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i in nc:
        ind = ctx.indicators[i]
        tp, ap = ind.target_parsed, ind.actual_parsed
        if tp.kind != "number" or ap.kind != "number":
            continue
        tu, au = tp.unit.strip(), ap.unit.strip()
        if units_match(tu, au, rb):
            continue
        if units_match(_QUALIFIER_RE.sub("", tu), _QUALIFIER_RE.sub("", au), rb):
            continue
        yield Hit(f"indicators[{i}].actual",
                  f"“{ind.name}”年度指标值单位“{tu}”与实际完成值单位“{au}”不一致（{ind.target.strip()} / "
                  f"{ind.actual.strip()}），无法比较",
                  {"name": ind.name, "target_unit": tu, "actual_unit": au, "target": ind.target,
                   "actual": ind.actual})


@check("JX604", "empty-actual", title="实际完成值为空", severity="warning", category="actual",
       basis="财预〔2020〕10号《项目支出绩效自评表》：逐项填写全年实际完成值",
       hint="填写该指标的实际完成值；确未开展的，如实填写并说明原因。")
def empty_actual(ctx: FormContext, s) -> Iterator[Hit] | None:
    """A row whose 实际完成值 is empty or a placeholder ("/", "-", "无"), with no points given.

    Why: every indicator must report what was achieved; a blank row leaves
    the reviewer unable to judge it.

    Fails: 服务对象满意度 ≥90%, actual "/", 得分 0.
    Passes: actual 93%. With points given, JX204 (score family) reports the
    row instead: one problem, one finding.

    Settings: none.
    Limits: what counts as empty is the value grammar's (jixiao.model.values).
    """
    nc = not_computable_rows(ctx)
    if not nc:
        return
    return _empty_actual_rest(ctx, s, nc)


def _empty_actual_rest(ctx, s, nc):
    """The hits of :func:`empty_actual` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i in nc:
        ind = ctx.indicators[i]
        if ind.actual_parsed.kind != "empty" or (ind.score is not None and ind.score > 0):
            continue
        shown = f"只写了“{ind.actual.strip()}”" if ind.actual.strip() else "为空"
        yield Hit(f"indicators[{i}].actual", f"“{ind.name}”实际完成值{shown}（年度指标值 {ind.target.strip()}）",
                  {"name": ind.name, "target": ind.target, "actual": ind.actual, "score": ind.score})


@check("JX605", "target-set-too-low", title="目标值可能定得过低", severity="info", category="actual",
       basis="domain.md §3：实际值达到目标 130%（规则库 thresholds.over_achievement）及以上须说明；部分地区对目标定得过低的扣分",
       hint="超额完成幅度较大时，下年度宜参照本年实际完成值调高目标，使目标具有挑战性。")
def target_set_too_low(ctx: FormContext, s) -> Iterator[Hit] | None:
    """A positive quantitative row whose actual reaches the rulebook's
    ``thresholds.over_achievement`` (130%) of its target, when the over-
    achievement is explained in the row's note.

    Why: an actual far beyond the target usually means the target was set
    low to be sure of full points; some rules deduct for it. The reviewer
    should see it even when this year's note explains the excess, so that
    next year's target is raised.

    The choice, against JX303 (deviation family): JX303 reports the same
    over-achievement when it has *no* note (a warning: the form lacks the
    explanation). This check reports only the rows JX303 leaves: those with
    a note (or all of them when JX303 is disabled), as info. One
    over-achievement, one finding.

    Fails: 接待人次 ≥1000人次, actual 2000人次, note "新增两个街道纳入服务范围".
    Passes: actual 1200人次 (120%); or 2000人次 with no note (JX303's).

    Settings: none; the threshold is the rulebook's.
    Limits: reverse rows (≤) and zero targets have no meaningful ratio and are not checked.
    """
    exceeded = ctx.rows.exceeded
    if not exceeded:
        return
    over = ctx.rb.over_achievement
    jx303 = enabled(ctx, "JX303")
    details = ctx.score.indicators
    return _target_set_too_low_rest(ctx, s, exceeded, over, jx303, details)


def _target_set_too_low_rest(ctx, s, exceeded, over, jx303, details):
    """The hits of :func:`target_set_too_low` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i in exceeded:  # an over-achievement needs actual > target
        d = details[i]
        if d.rule != "positive" or d.met is not True:
            continue
        t, a = d.target, d.actual
        if t is None or a is None or a <= t or t <= 0 or a < t * over:
            continue
        if jx303 and not ctx.has_note(i):
            continue  # JX303: over-achievement without a note
        if ctx.lost_points(i):
            continue  # JX203: lost points although met
        ind = ctx.indicators[i]
        ratio = a / t
        yield Hit(f"indicators[{i}].target",
                  f"“{ind.name}”完成值 {ind.actual.strip()} 为目标 {ind.target.strip()} 的 "
                  f"{fmt((ratio * 100).quantize(_ONE))}%（≥{short(over * 100)}%），目标可能定得过低",
                  {"name": ind.name, "target": ind.target, "actual": ind.actual, "ratio": ratio,
                   "threshold": over})
