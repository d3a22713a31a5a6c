"""JX1xx: arithmetic. Every figure the form computes, recomputed.

The execution rate, the budget score, each indicator score, the sum of the
weights, the total, the grade, the fund sub-rows, and the limits a score must
keep (never above its weight). The formulas are the scoring engine's
(``ctx.score`` and the helpers of :mod:`jixiao.scoring`); these checks decide
which difference is which problem, so that one mistake is reported once:

* a rate computed wrongly and a budget score computed from that wrong rate
  is one JX101, not JX101 + JX102;
* a score above its weight is JX109, not also a formula difference;
* an indicator with full points although its target was missed is JX201
  (score family), one that lost points although met is JX203; JX103 keeps
  the rest of the formula differences of quantitative rows; a qualitative
  score outside its band is JX202;
* a total that differs from the recomputed one only because a part score is
  wrong is reported at that part, not again at the total (JX105 is the
  addition as printed, JX106 the rate cap).

Checks that need the whole form (sums over all rows) are skipped when the
reader could not read the whole form (``form.complete`` is False): a missed
row would look like a wrong sum.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from operator import attrgetter
from typing import Any

from ..scoring import Difference, score_funds
from ..scoring.engine import fixed, score_at_rate  # fixed: also imported from here by the other families
from .base import Hit, check
from .context import FormContext

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_NO_ROWS: dict = {}  # shared, never modified
_NONE = object()  # not memoized yet (a memoized sum may be None)
_NO_NC: list[int] = []  # shared, never modified
QUANTITATIVE = frozenset(("positive", "reverse", "zero", "two_sided"))
# (field, label, its getter: ``map(getter, rows)`` reads a column without a
# comprehension's function call; the getter of its total on the context)
_COLUMNS = tuple((col, label, attrgetter(col), attrgetter(total)) for col, label, total in (
    ("initial_budget", "年初预算数", "funds_initial"), ("adjusted_budget", "全年预算数", "funds_adjusted"),
    ("executed", "全年执行数", "funds_executed")))
_SOURCE = attrgetter("source")


# --------------------------------------------------------------------------
# Shared helpers (also used by the score, consistency and actual families)


def fmt(d: Decimal | None) -> str:
    """A printed value as printed (no exponent); ``None`` as "（空）"."""
    return "（空）" if d is None else fixed(d)


def short(d: Decimal) -> str:
    """A computed value without needless trailing zeros (4.000 -> 4)."""
    s = fixed(d)
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


# The memoized values below are stored in ``ctx.memoized`` directly (what
# ``ctx.memo`` does, without its call): each is asked for by several checks
# of every form.

def differences(ctx: FormContext) -> dict[str, Difference]:
    """The engine's differences by field path, computed once per form."""
    m = ctx.memoized
    d = m.get("arith.diffs")
    if d is None:
        d = m["arith.diffs"] = {x.field: x for x in ctx.score.differences}
    return d


def row_differences(ctx: FormContext) -> dict[int, Difference]:
    """The engine's indicator score differences by row index (often empty)."""
    sr = ctx.score
    diffs = sr.differences
    # indicators_sum: every printed score equals the recomputed one, so no row differs
    if not diffs or sr.indicators_sum is not None:
        return _NO_ROWS
    m = ctx.memoized
    d = m.get("arith.row_diffs")
    if d is None:
        d = m["arith.row_diffs"] = _row_differences(diffs)
    return d


def _row_differences(diffs: list[Difference]) -> dict[int, Difference]:
    out: dict[int, Difference] = {}
    for d in diffs:
        f = d.field
        if f.startswith("indicators["):
            out[int(f[11:f.index("]")])] = d
    return out or _NO_ROWS


def not_computable_rows(ctx: FormContext) -> list[int]:
    """Rows the engine could not recompute (empty, unreadable or unit-mismatched actuals …)."""
    sr = ctx.score
    if sr.indicators_sum is not None:  # every row's part is a recomputed score: none is not computable
        return _NO_NC
    m = ctx.memoized
    rows = m.get("arith.nc_rows")
    if rows is None:
        rows = m["arith.nc_rows"] = [d.index for d in sr.indicators if d.rule == "not_computable"]
    return rows


def sums(ctx: FormContext) -> tuple[Decimal | None, Decimal | None]:
    """(sum of indicator weights, sum of indicator scores) as printed; None when a value is missing."""
    return weight_sum(ctx), score_sum(ctx)


def weight_sum(ctx: FormContext) -> Decimal | None:
    """The sum of the indicator weights as printed; None when one is missing.

    It fails (an odd value such as sNaN) wherever the pair of sums did, so it
    also adds the scores (:func:`score_sum`) unless the engine's parts show
    that they add up without error (``ScoreResult.indicators_sum``: the same
    values, already added)."""
    m = ctx.memoized
    v = m.get("arith.wsum", _NONE)
    if v is _NONE:
        v = _total([i.weight for i in ctx.indicators])
        if ctx.score.indicators_sum is None:
            score_sum(ctx)
        m["arith.wsum"] = v
    return v


def _weights_are_parts(ctx: FormContext) -> bool:
    """True when each weight equals its row's part of the engine's total, so
    that the weights add up to ``ScoreResult.indicators_sum`` by value (the
    same values added in the same order, without error): the engine scored
    these very rows (``row_facts``), every printed score equals its
    recomputed one (``indicators_sum``: finite Decimals) and its weight (no
    row in RowFacts' ``lost`` or ``above``, which lists every pair of
    values that are not equal finite Decimals)."""
    sr = ctx.score
    f = sr.row_facts
    return sr.indicators_sum is not None and f is not None and f[0] is ctx.indicators and not f[1] and not f[2]


def score_sum(ctx: FormContext) -> Decimal | None:
    """The sum of the indicator scores as printed; None when one is missing."""
    m = ctx.memoized
    v = m.get("arith.ssum", _NONE)
    if v is _NONE:
        v = m["arith.ssum"] = _total([i.score for i in ctx.indicators])
    return v


def _total(values: list[Decimal | None]) -> Decimal | None:
    try:
        return sum(values, _ZERO)  # type: ignore[arg-type, type-var]
    except TypeError:  # a missing value
        return None


def execution_rate_of(ctx: FormContext) -> Decimal | None:
    """The execution rate (percent) for judgements: recomputed by the engine, else as printed."""
    r = ctx.score.recomputed.rate
    return r if r is not None else ctx.funds_rate


# The printed rate, budget score, total and grade are read from the engine's
# ``ctx.score.reported`` (the same values, read from the form by score_form):
# a slot there is cheaper to read than a field of the pydantic form.


def _is_above(score: Decimal | None, weight: Decimal | None) -> bool:
    return score is not None and weight is not None and score > weight


def _score_at_printed_rate(ctx: FormContext) -> Decimal | None:
    """The budget score the engine gives at the *printed* rate (and printed weight)."""
    rate = ctx.score.reported.rate
    if rate is None:
        return None
    return score_at_rate(rate, ctx.rb, ctx.funds_weight)  # score_funds(rate, 100, …).score


def _score_follows_wrong_rate(ctx: FormContext) -> bool:
    """True when the rate is wrong and the printed budget score is right *for that rate*."""
    m = ctx.memoized
    v = m.get("arith.score_follows_rate")
    if v is None:
        v = m["arith.score_follows_rate"] = _follows_wrong_rate(ctx)
    return v


def _follows_wrong_rate(ctx: FormContext) -> bool:
    diffs = differences(ctx)
    if "funds.rate" not in diffs or "funds.score" not in diffs:
        return False
    s = _score_at_printed_rate(ctx)
    rep = ctx.score.reported.budget_score
    q = ctx.rb.compare  # Rounding.apply, without its call
    return s is not None and rep is not None and s.quantize(q.exp, q.rounding) == rep.quantize(q.exp, q.rounding)


# --------------------------------------------------------------------------
# Funds block


@check("JX101", "rate-mismatch", title="执行率计算有误", severity="error", category="arithmetic",
       basis="财预〔2020〕10号《项目支出绩效自评表》：预算执行率 = 全年执行数 / 全年预算数；取舍位数按规则库",
       hint="按 全年执行数 ÷ 全年预算数 重算执行率，并按规定位数取舍；预算执行得分随之更正。")
def rate_mismatch(ctx: FormContext, s) -> Hit | None:
    """The printed 执行率 differs from 全年执行数 / 全年预算数 under the rulebook's rounding.

    Why: the rate drives the budget score and every judgement about spending;
    a wrong rate is the first arithmetic error a reviewer looks for.

    Fails: 46.46 / 49.00 printed 94.82 under ``shanghai`` (cut to two places: 94.81).
    Passes: 94.81 under ``shanghai``; 94.82 under ``national`` (rounded half up).

    When the budget score was computed from the wrong rate (and is right for
    it), this one finding says so and JX102 stays silent. When the printed
    rate is the one of 年初预算数, the message says that too.

    Settings: none; the rounding is the rulebook's ``funds.rate``.
    Limits: compared at the rulebook's ``differences.places``; a form whose
    rate cannot be recomputed (no budget) is left to JX405.
    """
    if not ctx.score.differences:
        return
    d = differences(ctx).get("funds.rate")
    if d is None:
        return
    fs, rb, printed = ctx.score.funds, ctx.rb, ctx.score.reported
    msg = d.message
    ev: dict[str, Any] = {"reported": d.reported, "recomputed": d.recomputed, "executed": fs.executed,
                          "budget": fs.budget, "rounding": rb.rate_rounding.describe_zh()}
    if rb.budget_base == "adjusted":
        initial = ctx.funds_initial
        if initial is not None and initial != ctx.funds_adjusted and printed.rate is not None:
            on_initial = score_funds(ctx.funds_executed, initial, rb).rate
            if on_initial is not None and rb.compare.apply(on_initial) == rb.compare.apply(printed.rate):
                msg += f"；填报值是按年初预算数 {fmt(initial)} 计算的"
                ev["computed_on"] = "initial_budget"
    if _score_follows_wrong_rate(ctx):
        msg += (f"；预算执行得分 {fmt(printed.budget_score)} 按填报执行率计算，应随之改为 "
                f"{fmt(ctx.score.recomputed.budget_score)}")
        ev["score_reported"] = printed.budget_score
        ev["score_recomputed"] = ctx.score.recomputed.budget_score
    return Hit("funds.rate", msg, ev)


@check("JX102", "budget-score-mismatch", title="预算执行得分计算有误", severity="error", category="arithmetic",
       basis="财预〔2020〕10号《项目支出绩效自评表》：预算执行得分 = 分值 × 执行率，不超过分值；取舍位数按规则库",
       hint="按 分值 × 执行率 重算预算执行得分（不超过分值），并更正总分。")
def budget_score_mismatch(ctx: FormContext, s) -> Hit | None:
    """The printed budget score (预算执行 得分) differs from weight × rate under the rulebook.

    Why: the budget score is a tenth of the total; it must follow the rate.

    Fails: 执行率 64.84%, 分值 10, 得分 7.00 (recomputed 6.48).
    Passes: 得分 6.48; or 10.00 at a rate of 100%.

    Not reported here (one problem, one finding): a score above its weight
    (JX109); a score that is right for a wrongly computed rate (JX101); a
    score that is right for the weight printed on the form when that weight
    differs from the rulebook's (JX112). When the printed weight differs and
    the score is wrong even for it, the message recomputes with the printed
    weight.

    Settings: none; the rulebook's ``funds.score`` and ``funds.weight``.
    Limits: compared at the rulebook's ``differences.places``.
    """
    if not ctx.score.differences:
        return
    d = differences(ctx).get("funds.score")
    if d is None:
        return
    f, rb = ctx.funds, ctx.rb
    fw = ctx.funds_weight
    if _is_above(ctx.score.reported.budget_score, fw if fw is not None else rb.funds_weight):
        return
    if _score_follows_wrong_rate(ctx):
        return
    q = rb.compare.apply
    if fw is not None and fw != rb.funds_weight:
        fs = ctx.score.funds
        own = score_funds(fs.executed, fs.budget, rb, fw).score
        if own is None or f.score is None or q(own) == q(f.score):
            return
        return Hit("funds.score",
                   f"预算执行得分：填报 {fmt(f.score)}，按表上分值 {fmt(fw)} 复算 {fmt(q(own))}"
                   f"（{fmt(fw)}×执行率，{rb.score_rounding.describe_zh()}）",
                   {"reported": f.score, "recomputed": own, "weight": fw})
    return Hit("funds.score", d.message, {"reported": d.reported, "recomputed": d.recomputed,
                                           "weight": ctx.score.funds.weight, "rate": ctx.score.funds.rate})


@check("JX112", "funds-weight-differs", title="预算执行分值与规则库不符", severity="warning", category="arithmetic",
       basis="财预〔2020〕10号：预算执行率分值 10 分（部分地区 20 分），以所选规则库为准",
       hint="确认表格适用的评分办法：若本地区预算执行分值确为该数，请选用相应规则库；否则更正分值。")
def funds_weight_differs(ctx: FormContext, s) -> Hit | None:
    """The printed weight of the funds block (分值) is not the rulebook's ``funds.weight``.

    Why: the weight of budget execution is fixed by the region's rules (10,
    or 20 in Hubei-style forms). A different weight means the form uses
    another scoring scheme or the wrong rulebook was chosen; either way the
    reviewer must decide which, so this is a warning.

    Fails: 分值 20 under ``national`` (10).
    Passes: 分值 10 under ``national``; 分值 20 under a rulebook with ``funds.weight = 20``.

    Settings: none. Limits: a missing printed weight is not reported.
    """
    if not ctx.score.differences:
        return
    d = differences(ctx).get("funds.weight")
    if d is None:
        return
    return Hit("funds.weight", d.message + "（表格可能适用其他评分办法，或选错了规则库）",
               {"reported": d.reported, "rulebook": d.recomputed, "rulebook_name": ctx.rb.name})


@check("JX111", "executed-over-budget", title="执行数超过预算数", severity="error", category="arithmetic",
       basis="《预算法》：无预算不得支出；执行数不得超过全年（调整后）预算数",
       hint="核对全年执行数与全年预算数：执行数应不超过预算数；若确有追加，应先调整预算。")
def executed_over_budget(ctx: FormContext, s) -> Iterator[Hit] | None:
    """全年执行数 above 全年预算数 on the 年度资金总额 row, or, when the total row
    is fine, on a sub-row (当年财政拨款 / 上年结转资金 / 其他资金).

    Why: spending cannot exceed the adjusted budget (payments go through the
    treasury against the budget); a rate above 100% almost always means a
    wrong figure, e.g. 执行数 including funds outside the budget.

    Fails: 全年预算数 100.00, 全年执行数 105.00.
    Passes: 全年执行数 100.00; a sub-row 0.00 / 0.00.

    Settings: none.
    Limits: the base is the rulebook's ``funds.budget_base`` for the total row
    and 全年预算数 for sub-rows; a zero or missing budget is JX405's.
    """
    # The tests of the generator below, without making it (the common form
    # has no finding); the first row that has one (or a total that has one)
    # hands over to it, which tests from the start again (the tests are pure).
    fs = ctx.score.funds
    ex, budget = fs.executed, fs.budget
    if ex is not None and budget is not None and budget > 0 and ex > budget:
        return _executed_over_budget_rest(ctx, s)
    rows = ctx.funds_rows
    if type(rows) is not list:  # read once (an iterator would be used up)
        return _executed_over_budget_rest(ctx, s)
    for r in rows:
        rex, rbudget = r.executed, r.adjusted_budget
        if rex is not None and rbudget is not None and rex > rbudget:
            return _executed_over_budget_rest(ctx, s)
    return None


def _executed_over_budget_rest(ctx, s):
    """The hits of :func:`executed_over_budget` (a generator: built only for the forms that have one)."""
    fs = ctx.score.funds
    ex, budget = fs.executed, fs.budget
    if ex is not None and budget is not None and budget > 0 and ex > budget:
        which = "全年预算数" if ctx.rb.budget_base == "adjusted" else "年初预算数"
        rate = f"（执行率 {fmt(fs.rate)}%）" if fs.rate is not None else ""
        yield Hit("funds.executed", f"全年执行数 {fmt(ex)} 超过{which} {fmt(budget)}{rate}",
                  {"executed": ex, "budget": budget, "rate": fs.rate})
        return
    for i, r in enumerate(ctx.funds_rows):
        rex, rbudget = r.executed, r.adjusted_budget  # each model attribute read once
        if rex is not None and rbudget is not None and rex > rbudget:
            yield Hit(f"funds.rows[{i}]", f"{r.source}：全年执行数 {fmt(rex)} 超过全年预算数 "
                      f"{fmt(rbudget)}", {"source": r.source, "executed": rex, "budget": rbudget})


@check("JX108", "fund-rows-sum", title="资金来源分项与年度资金总额不符", severity="error", category="arithmetic",
       basis="财预〔2020〕10号《项目支出绩效自评表》：年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金",
       hint="核对各资金来源分项与年度资金总额，使每一栏（年初预算数、全年预算数、全年执行数）分项之和等于总额。")
def fund_rows_sum(ctx: FormContext, s) -> Iterator[Hit] | None:
    """In a column (年初预算数, 全年预算数, 全年执行数), the sub-rows do not add up to
    the 年度资金总额 row. One finding per column.

    Why: the total row is what the rate and score use; sub-rows that do not
    add up mean one of them is wrong (a typo, or money put in the wrong row).

    Fails: 全年预算数 100.00 but 当年财政拨款 95.00 + 上年结转资金 0.00 + 其他资金 0.00.
    Passes: 100.00 = 100.00 + 0.00 + 0.00.

    Settings: none.
    Limits: a sub-row left blank counts as 0 (forms often leave 0 rows empty);
    a column with no sub-row values at all, or no total, is not checked;
    compared at the rulebook's ``differences.places``.
    """
    rows = ctx.funds_rows
    if not rows:
        return
    return _fund_rows_sum_rest(ctx, s, rows, ctx.rb.compare)


def _fund_rows_sum_rest(ctx, s, rows, rounding):
    """The hits of :func:`fund_rows_sum` past its early returns (a generator: built
    only for the forms that get that far)."""
    # Each sub-row's values read once from its __dict__ (a model's attribute
    # costs about twice a dict look-up). Rows that are not all models with
    # every field (or not a list) are read as before, column by column and
    # their sources only for a finding, so that they fail where they did:
    # the reads are pure, so reading them twice changes nothing else.
    sources = cols = None
    if type(rows) is list:
        try:
            srcs: list[Any] = []
            ib: list[Any] = []
            ab: list[Any] = []
            ex: list[Any] = []
            for r in rows:
                d = r.__dict__
                srcs.append(d["source"])
                ib.append(d["initial_budget"])
                ab.append(d["adjusted_budget"])
                ex.append(d["executed"])
            sources, cols = srcs, (ib, ab, ex)
        except (AttributeError, KeyError, TypeError):
            pass
    qe, qr = rounding.exp, rounding.rounding  # Rounding.apply without its call
    for k, (col, label, get, total_of) in enumerate(_COLUMNS):
        total = total_of(ctx)
        if total is None:
            continue
        vals = list(map(get, rows)) if cols is None else cols[k]
        sub = _ZERO
        seen = False
        for v in vals:
            if v is not None:
                sub += v
                seen = True
        if not seen or sub == total:
            continue
        qsub = sub.quantize(qe, qr)
        if qsub == total.quantize(qe, qr):
            continue
        if sources is None:
            sources = list(map(_SOURCE, rows))
        parts = " + ".join([f"{src} {fmt(v)}" for src, v in zip(sources, vals)])
        yield Hit(f"funds.{col}", f"{label}：年度资金总额 {fmt(total)}，其中各项合计 {fmt(qsub)}（{parts}）",
                  {"column": col, "total": total, "sum": sub, "rows": dict(zip(sources, vals))})


# --------------------------------------------------------------------------
# Indicator scores and weights


@check("JX103", "indicator-score-formula", title="定量指标得分不符合计分公式", severity="error",
       category="arithmetic",
       basis="财预〔2020〕10号《项目支出绩效自评表》填表说明：正向 得分 = 实际值/指标值 × 分值，反向 得分 = 指标值/实际值 × 分值；规则库 indicators.*",
       hint="按计分公式重算该指标得分（未完成目标时按完成比例计分）。",
       quiet_if_rows_agree=True)
def indicator_score_formula(ctx: FormContext, s) -> Iterator[Hit] | None:
    """A quantitative row (positive, reverse, zero target, two-sided) whose
    printed score differs from the engine's formula, when the target was
    missed and the row still lost points, just not the right number of them.

    Why: a missed target scores in proportion (B/A × 分值, or A/B for reverse
    rows); any other deduction is arithmetic the reviewer must correct.

    Fails: 居家养老服务人数 ≥1200人, actual 1080人, 分值 20, 得分 16.00 (formula: 18.00).
    Passes: 得分 18.00.

    Not reported here: full points although missed (JX201), points lost
    although met (JX203), a score above its weight (JX109), a qualitative
    score outside its band (JX202). Each is its own, clearer finding.

    Settings: none; formulas, rounding and reverse/zero rules are the rulebook's ``indicators``.
    Limits: rows the engine cannot recompute (units differ, text actual …)
    are left to the actual family (JX6xx) and JX204/JX205.
    """
    rd = row_differences(ctx)
    if not rd:
        return
    details = ctx.score.indicators
    return _indicator_score_formula_rest(ctx, s, rd, details)


def _indicator_score_formula_rest(ctx, s, rd, details):
    """The hits of :func:`indicator_score_formula` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i, diff in rd.items():
        d = details[i]
        if d.rule not in QUANTITATIVE or d.reported is None or d.weight is None:
            continue
        if d.met is True or d.reported >= d.weight:
            continue  # points lost although met: JX203; full points although missed: JX201; above: JX109
        yield Hit(f"indicators[{i}].score", diff.message,
                  {"name": ctx.indicators[i].name, "reported": d.reported, "recomputed": d.score,
                   "rule": diff.rule, "target": d.target, "actual": d.actual, "weight": d.weight})


@check("JX109", "score-above-weight", title="得分超过分值", severity="error", category="arithmetic",
       basis="财预〔2020〕10号《项目支出绩效自评表》填表说明：各项得分不得突破分值",
       hint="得分最高为该项分值；超额完成不加分。")
def score_above_weight(ctx: FormContext, s) -> Iterator[Hit] | None:
    """An indicator score above its 分值, or the budget score above the funds weight.

    Why: no score may exceed its weight, whatever the over-achievement; a
    score above it inflates the total.

    Fails: 分值 10.00, 得分 12.00; or 执行率 105%, 分值 10, 得分 10.50.
    Passes: 得分 10.00.

    When the engine can recompute the row, the message gives the score the
    formula yields (e.g. the target was also missed).

    Settings: none.
    Limits: the budget block is compared with its printed weight, else the rulebook's.
    """
    fw = ctx.funds_weight
    if fw is None:
        fw = ctx.rb.funds_weight
    if not _is_above(ctx.score.reported.budget_score, fw) and not ctx.rows.above:
        return None  # the common form: no generator made and run
    return _score_above_weight_rest(ctx, s)


def _score_above_weight_rest(ctx, s):
    """The hits of :func:`score_above_weight` (a generator: built only for the
    forms that have one; it reads the values again, in its order)."""
    fw = ctx.funds_weight
    if fw is None:
        fw = ctx.rb.funds_weight
    fscore = ctx.score.reported.budget_score
    if _is_above(fscore, fw):
        rec = ctx.score.recomputed.budget_score
        extra = f"，复算 {fmt(rec)}" if rec is not None and rec != fw else ""
        yield Hit("funds.score", f"预算执行得分 {fmt(fscore)} 超过分值 {fmt(fw)}{extra}",
                  {"score": fscore, "weight": fw, "recomputed": rec})
    details = ctx.score.indicators
    inds = ctx.indicators
    for i in ctx.rows.above:
        ind = inds[i]
        sc, w = ind.score, ind.weight
        if sc is None or w is None or sc <= w:
            continue
        rec = details[i].score
        extra = f"；按计分规则应得 {fmt(rec)}" if rec is not None and rec != w else ""
        yield Hit(f"indicators[{i}].score", f"“{ind.name}”得分 {fmt(sc)} 超过分值 {fmt(w)}{extra}",
                  {"name": ind.name, "score": sc, "weight": w, "recomputed": rec})


@check("JX104", "weights-sum", title="指标分值合计不等于规定值", severity="error", category="arithmetic",
       basis="财预〔2020〕10号《项目支出绩效自评表》：预算执行率 10 分 + 绩效指标 90 分 = 100 分（规则库 guideline.indicators_total）",
       hint="调整各指标分值，使其合计等于规定值（通常为 90 分）。")
def weights_sum(ctx: FormContext, s) -> Hit | None:
    """The indicator weights (分值) do not add up to the rulebook's
    ``guideline.indicators_total`` (90 under ``national``).

    Why: funds 10 + indicators 90 = 100; weights that add up to anything else
    make every total on the form meaningless.

    Fails: eight rows of 分值 summing to 85.
    Passes: summing to 90. Also passes (JX112 reports instead): a form that
    prints its own funds weight, e.g. 20, and indicators summing to 80, so
    that both add up to its 总分 分值 100.

    Settings: none; the target is the rulebook's.
    Limits: skipped when a weight is missing or the form was not read completely.
    """
    if not ctx.complete or not ctx.indicators:
        return
    want = ctx.rb.indicators_total
    if _weights_are_parts(ctx) and ctx.score.indicators_sum == want:
        return  # the weights add up to it (the common case; without adding them again)
    total = weight_sum(ctx)
    if total is None:
        return
    if total == want:
        return
    fw = ctx.funds_weight
    if fw is not None and fw != ctx.rb.funds_weight and fw + total == (ctx.form.total_weight or _HUNDRED):
        return  # consistent with the form's own funds weight: JX112
    by_level: dict[str, Decimal] = {}
    for ind in ctx.indicators:
        by_level[ind.level1] = by_level.get(ind.level1, _ZERO) + (ind.weight or _ZERO)
    split = "，".join(f"{k} {fmt(v)}" for k, v in by_level.items())
    return Hit("indicators", f"指标分值合计 {fmt(total)}，应为 {short(want)}（{split}）",
               {"sum": total, "expected": want, "by_level1": by_level})


@check("JX110", "total-weight-not-100", title="总分分值不是100", severity="error", category="arithmetic",
       basis="财预〔2020〕10号《项目支出绩效自评表》：总分 100 分",
       hint="总分的分值应为 100。")
def total_weight_not_100(ctx: FormContext, s) -> Hit | None:
    """The 分值 printed in the 总分 row is not ``expected`` (100).

    Why: every self-evaluation form is scored out of 100; another figure is a
    typo or a form built on another scheme.

    Fails: 总分 分值 90.00. Passes: 100.00; or a form that prints no 总分 分值.

    Settings: ``expected`` (default 100).
    """
    tw = ctx.form.total_weight
    if tw is None or tw == s.expected:
        return
    return Hit("total_weight", f"总分分值为 {fmt(tw)}，应为 {short(s.expected)}",
               {"reported": tw, "expected": s.expected})


# --------------------------------------------------------------------------
# Total and grade


@check("JX105", "total-not-sum", title="总分不等于各项得分之和", severity="error", category="arithmetic",
       basis="财预〔2020〕10号《项目支出绩效自评表》：总分 = 预算执行得分 + 各指标得分",
       hint="将预算执行得分与各指标得分相加，更正总分（并核对评分等级）。")
def total_not_sum(ctx: FormContext, s) -> Hit | None:
    """The printed total is not the budget score plus the indicator scores, as
    printed (nor, under a rulebook with rate caps, the cap). When the part
    scores are wrong too, the message also gives the recomputed total.

    Why: the addition is the one step a reader can verify with a pencil; a
    total that does not add up is wrong whatever the parts.

    Fails: 6.48 + 90.00 printed as 总分 98.00.
    Passes: 总分 96.48.

    A total that adds up but differs from the recomputed one because a part
    score is wrong is reported at that part (JX102, JX103, JX201 …), not here
    again; the corrected total is in the score report, and a grade that
    changes with it is JX107. Likewise a total that is right (equals the
    recomputed one) next to a wrongly printed part is that part's finding.

    Settings: none.
    Limits: skipped when a part score is missing or the form was not read completely.
    """
    printed = ctx.score.reported
    t, fscore = printed.total, printed.budget_score
    if t is None or not ctx.complete or fscore is None:
        return
    if not _weights_are_parts(ctx):  # else they add up without error
        weight_sum(ctx)  # unused here, but it fails for an odd value as the pair of sums did
    # The engine's parts, when each is the printed score by value: their sum
    # is the printed scores' sum by value, without adding the scores again.
    by_value = ctx.score.indicators_sum
    if by_value is not None and fscore + by_value == t:
        return
    ind_sum = score_sum(ctx)
    if ind_sum is None:
        return
    parts = fscore + ind_sum
    if parts == t:
        return  # the common case; a total above a rate cap is JX106's
    q = ctx.rb.compare.apply
    if q(t) == q(parts):
        return
    cap = ctx.rb.cap_for(execution_rate_of(ctx))
    capped = cap is not None and parts > cap
    if capped and q(t) == q(cap):  # type: ignore[arg-type]
        return
    rec = ctx.score.recomputed.total
    if rec is not None and q(t) == q(rec):
        return  # the total is right; a part score is wrong, and is reported at that part
    cap_text = f"，执行率封顶 {short(cap)}" if capped and cap is not None else ""
    extra = f"；复算总分 {fmt(q(rec))}" if rec is not None and q(rec) != q(parts) else ""
    return Hit("total", f"总分：填报 {fmt(t)}，各项填报得分合计 {fmt(q(parts))}（预算执行 {fmt(fscore)} + "
               f"指标 {fmt(q(ind_sum))}{cap_text}）{extra}",
               {"reported": t, "sum": parts, "budget_score": fscore, "indicator_sum": ind_sum,
                "cap": cap, "recomputed": rec})


@check("JX106", "total-above-cap", title="总分超过执行率对应的上限", severity="error", category="arithmetic",
       basis="部分省份的评分办法：按预算执行率设总分上限（规则库 caps.by_rate）",
       hint="执行率低于规定比例时，总分不得超过对应上限。")
def total_above_cap(ctx: FormContext, s) -> Hit | None:
    """The rulebook caps the total by execution rate, and the printed total is above the cap.

    Why: in provinces with such caps a low-spending project cannot score
    high, whatever its indicators.

    Fails (a rulebook with ``{below = 70, max_total = 79}``): 执行率 64.84%, 总分 96.48.
    Passes: 总分 79.00; or any total when ``caps.enabled`` is false (``national``, ``shanghai``).

    Settings: none; the caps are the rulebook's.
    Limits: the recomputed rate decides the cap (the printed one when it cannot be recomputed).
    """
    if not ctx.rb.caps_enabled or ctx.form.total is None:
        return
    rate = execution_rate_of(ctx)
    cap = ctx.rb.cap_for(rate)
    if cap is None or ctx.form.total <= cap:
        return
    return Hit("total", f"执行率 {fmt(rate)}%，总分上限 {short(cap)}，填报总分 {fmt(ctx.form.total)}",
               {"rate": rate, "cap": cap, "reported": ctx.form.total})


def _grade_ok(printed: str, grade: str | None) -> bool:
    # 优秀 / 良好 / 中等 are common spellings of 优 / 良 / 中.
    return grade is None or printed == grade or printed.startswith(grade)


def _grade_evidence(g: str, t: Decimal | None, by_printed: str | None, rec_total: Decimal | None,
                    by_rec: str | None) -> dict[str, Any]:
    # built only for a finding (most forms that get past JX107's first test have none)
    return {"reported": g, "total": t, "grade_of_total": by_printed, "recomputed_total": rec_total,
            "grade_of_recomputed": by_rec}


def _band_text(ctx: FormContext, grade: str) -> str:
    for b in ctx.rb.grades:
        if b.grade == grade:
            return f"{grade} ≥ {short(b.min)}"
    return grade


@check("JX107", "grade-mismatch", title="评分等级与总分不符", severity="error", category="arithmetic",
       basis="财预〔2020〕10号：90（含）-100 分为优、80（含）-90 分为良、60（含）-80 分为中、60 分以下为差（规则库 grades）",
       hint="按总分所在区间更正评分等级。")
def grade_mismatch(ctx: FormContext, s) -> Hit | None:
    """The printed grade (评分等级) is not the grade of the printed total under
    the rulebook's bands; or (``follow_recomputed``) it is, but the recomputed
    total falls in another band, so the grade must change with the total.

    Why: the grade is what gets published and compared; it must follow the
    total. A part-score error that moves the total across a band edge
    changes the published grade, which is worth its own finding even though
    the part error is reported at the part.

    Fails: 总分 97.50 (recomputed 97.50), 等级 良. Also fails: 总分 100.00
    and 优, but a wrong indicator score makes the recomputed total 88.33 (良).
    Passes: 总分 91.00, 优 (recomputed 91.00); 优秀 is read as 优. Also
    passes (JX105 reports the total): 总分 89.50 printed for parts adding up
    to 100, 等级 优: the grade is right, the total is the typo.

    Settings: ``follow_recomputed`` (default true).
    Limits: silent when the rulebook does not grade (``grades.enabled = false``)
    or the form prints no grade; the recomputed-total case is skipped when the
    form prints another funds weight than the rulebook's (JX112: the
    recomputed total then follows a scheme the form does not use).
    """
    printed = ctx.score.reported
    g = printed.grade
    if not g or not ctx.rb.grades_enabled:
        return
    t = printed.total
    rec_total = ctx.score.recomputed.total
    if g == ctx.score.recomputed.grade and t == rec_total:
        return  # the common case: nothing to compare
    g = g.strip()
    by_printed = ctx.rb.grade_for(t)
    by_rec = ctx.score.recomputed.grade
    comparable = "funds.weight" not in differences(ctx)  # another funds weight: JX112, totals not comparable
    if by_printed is not None and not _grade_ok(g, by_printed):
        if comparable and by_rec is not None and _grade_ok(g, by_rec):
            return  # the grade is right; the total is wrong (JX105 or a part-score check)
        q = ctx.rb.compare.apply
        ev = _grade_evidence(g, t, by_printed, rec_total, by_rec)
        extra = (f"；复算总分 {fmt(q(rec_total))} 对应 {by_rec}"
                 if by_rec is not None and by_rec != by_printed and rec_total is not None else "")
        return Hit("grade", f"评分等级：填报 {g}，按总分 {fmt(t)} 应为 {by_printed}（{_band_text(ctx, by_printed)}）"
                   f"{extra}", ev)
    elif (s.follow_recomputed and comparable and by_rec is not None and rec_total is not None
          and not _grade_ok(g, by_rec)):
        q = ctx.rb.compare.apply
        ev = _grade_evidence(g, t, by_printed, rec_total, by_rec)
        return Hit("grade", f"评分等级：填报 {g} 与填报总分 {fmt(t)} 相符，但复算总分 {fmt(q(rec_total))} 对应 "
                   f"{by_rec}（{_band_text(ctx, by_rec)}），等级应随总分更正", ev)
