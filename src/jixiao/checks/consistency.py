"""JX4xx: spending against results, budget changes, perfect scores.

The funds block and the indicator table describe the same project; when the
money was not spent, the results cannot all be complete. These checks set
the execution rate (and the budget change between 年初 and 全年) against the
indicators and the notes, as a finance reviewer does (domain.md §4.4-4.6).

The execution rate used for judgements is the engine's recomputed rate (the
printed one when it cannot be recomputed): a wrongly printed rate is JX101's,
and must not hide low spending.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from .arithmetic import execution_rate_of, fmt, short
from .base import Hit, check
from .context import FormContext
from .design import NameCache, PerRun, enabled

_NUM = Decimal("0.01")
_HUNDRED = Decimal(100)
_OUTPUT = "产出指标"


_RE_CACHE: dict[int, tuple[Any, re.Pattern[str]]] = {}


def _words_re(words: tuple[str, ...]) -> re.Pattern[str]:
    """One compiled alternation per keyword table. Settings are fixed for a run,
    so the table object itself is the key (kept alive by the cache entry, so
    its id cannot be reused while cached)."""
    hit = _RE_CACHE.get(id(words))
    if hit is not None and hit[0] is words:
        return hit[1]
    if len(_RE_CACHE) > 256:
        _RE_CACHE.clear()
    rx = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True) if w) or r"(?!)")
    _RE_CACHE[id(words)] = (words, rx)
    return rx


_no_newline = PerRun(lambda words: not any("\n" in w for w in words))  # keyword table -> bool, per run


def _build_payment_names(s: Any) -> NameCache:
    pay, skip = _words_re(s.payment_words), _words_re(s.exclude_words)
    return NameCache(lambda name: pay.search(name) is not None and skip.search(name) is None)


_payment_names = PerRun(_build_payment_names)  # name -> about paying out the money (JX402's tables), per run
# JX402's settings -> the search for a payment word over the names joined by
# newlines (None when a payment word holds a newline: then no such search).
_payment_prefilter = PerRun(lambda s: _words_re(s.payment_words).search if _no_newline(s.payment_words) else None)


def _all_full(inds: list[Any]) -> bool:
    """Every row has a score at (or above) its weight; False for no rows or a missing value."""
    if not inds:
        return False
    try:
        for ind in inds:  # a loop, not all() over a generator: half the cost
            if not ind.score >= ind.weight:
                return False
    except TypeError:  # a missing weight or score
        return False
    return True


def _is_percent(ctx: FormContext, unit: str) -> bool:
    u = unit.strip()
    return ctx.rb.unit_canonical.get(u, u) == ctx.rb.unit_canonical.get("%", "%")


def _payment_rows(ctx: FormContext, s) -> list[tuple[int, Decimal]]:
    """Rows about paying out the money that report 100% (JX402), once per form."""
    v = ctx.memoized.get("consistency.payment_rows")
    return v if v is not None else ctx.memo("consistency.payment_rows", _find_payment_rows, ctx, s)


def _find_payment_rows(ctx: FormContext, s) -> list[tuple[int, Decimal]]:
    rate = execution_rate_of(ctx)
    if rate is None or rate >= s.rate_below:
        return []
    inds = ctx.indicators
    # One search over all the names, joined by newlines, rules out the common
    # form with no payment row (exact unless a payment word holds a newline).
    prefilter = _payment_prefilter(s)
    if prefilter is not None and not prefilter("\n".join([ind.name for ind in inds])):
        return []
    is_payment = _payment_names(s)
    out = []
    for i, ind in enumerate(inds):
        if not is_payment[ind.name]:
            continue
        a = ind.actual_parsed
        if a.kind != "number" or a.number is None or a.number < s.reported_at_least:
            continue
        if _is_percent(ctx, a.unit) or (not a.unit.strip() and _is_percent(ctx, ind.target_parsed.unit)):
            out.append((i, a.number))
    return out


@check("JX402", "payment-indicator-full-while-unspent", title="资金拨付类指标报100%但预算未执行完",
       severity="warning", category="consistency",
       basis="domain.md §4.4：执行率明显低于100%而资金拨付完成率等指标为100%，为自评表最突出的矛盾；财政复核实务",
       hint="核对资金拨付（支付、到位）情况：执行率未达标时，拨付类指标的完成值应如实填报并相应扣分，或说明口径差异。")
def payment_indicator_full_while_unspent(ctx: FormContext, s) -> Iterator[Hit] | None:
    """An indicator about paying out the money (资金拨付完成率, 支付率, 到位率,
    发放率 … keyword table) reports 100% while the execution rate is below
    ``rate_below`` (90%).

    Why: the funds block says part of the money was not spent; an indicator
    that says all of it was paid out contradicts it directly. Domain §4.4
    calls it the worst case of "low spending, everything achieved".

    Fails: 执行率 64.84%, 区内扣资金拨付完成率 =100% actual 100%.
    Passes: the same row at a rate of 95%; 资金拨付及时率 100% (timeliness,
    excluded by ``exclude_words``); 资金拨付完成率 actual 64.84%.

    Settings: ``rate_below`` (percent, 90), ``reported_at_least`` (percent,
    100), ``payment_words`` and ``exclude_words`` (keyword tables).
    Limits: keyword matching on the indicator name; an indicator measuring
    payment of approved claims rather than of the budget is reported too
    (the reviewer asks which it is).
    """
    rows = _payment_rows(ctx, s)
    if not rows:
        return
    rate = execution_rate_of(ctx)
    unit = ctx.form.funds_unit
    return _payment_indicator_full_while_unspent_rest(ctx, s, rows, rate, unit)


def _payment_indicator_full_while_unspent_rest(ctx, s, rows, rate, unit):
    """The hits of :func:`payment_indicator_full_while_unspent` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i, number in rows:
        ind = ctx.indicators[i]
        yield Hit(f"indicators[{i}].actual",
                  f"“{ind.name}”完成 {ind.actual.strip()}，但执行率只有 {fmt(rate)}%（低于 {short(s.rate_below)}%；"
                  f"预算 {fmt(ctx.score.funds.budget)}，执行 {fmt(ctx.score.funds.executed)}，单位{unit}）",
                  {"name": ind.name, "actual": number, "rate": rate, "threshold": s.rate_below,
                   "budget": ctx.score.funds.budget, "executed": ctx.score.funds.executed})


@check("JX401", "low-spending-full-outputs", title="执行率偏低而产出指标全部满分", severity="warning",
       category="consistency",
       basis="domain.md §4.4：执行率明显低于100%而产出指标全部满分；财政复核实务",
       hint="核对产出指标的完成值：资金未执行完，产出是否确已全部完成？如是，说明资金结余的原因。")
def low_spending_full_outputs(ctx: FormContext, s) -> Hit | None:
    """The execution rate is below ``rate_below`` (80%) and every 产出指标 row has full points.

    Why: outputs are what the money buys; a fifth or more of the budget
    unspent with every output complete means either the outputs are
    overstated or the budget was far too large. A reviewer must ask which.

    Fails: 执行率 56.06%, three output rows, all with full points.
    Passes: the same at 86%; or one output row scored 16/20.
    When an indicator about paying out the money reports 100% (JX402, the
    sharper finding), this check defers to it.

    Settings: ``rate_below`` (percent, 80).
    Limits: skipped for forms not read completely (a missed row could have lost points).
    """
    rate = execution_rate_of(ctx)
    if rate is None or rate >= s.rate_below or not ctx.complete:
        return
    outputs = [ind for ind in ctx.indicators if ind.level1 == _OUTPUT]
    if not _all_full(outputs):
        return
    if enabled(ctx, "JX402") and _payment_rows(ctx, ctx.config.settings["JX402"]):  # type: ignore[union-attr]
        return
    return Hit("funds.rate", f"执行率 {fmt(rate)}%，低于 {short(s.rate_below)}%，但 {len(outputs)} 项产出指标全部得满分",
               {"rate": rate, "threshold": s.rate_below, "outputs": len(outputs)})


@check("JX403", "budget-adjusted-unexplained", title="预算大幅调整但没有说明", severity="warning",
       category="consistency",
       basis="domain.md §4.5：年初预算数与全年预算数差异较大而无说明；财政复核实务",
       hint="在偏差原因分析或完成情况中说明预算调整（调减、追加）的原因和依据。")
def budget_adjusted_unexplained(ctx: FormContext, s) -> Hit | None:
    """全年预算数 differs from 年初预算数 by ``change_at_least`` (20%) of 年初 or
    more, and no deviation note nor the 实际完成情况 text mentions an
    adjustment (``note_words``: 调整, 调减, 追加 …).

    Why: the execution rate is measured on the adjusted budget, so a large
    cut makes a high rate easy; a reviewer needs to know why the budget
    changed (project cancelled, scope cut, funds recalled) before trusting it.

    Fails: 年初 2,060.00 → 全年 167.24 (−91.88%), no word about it.
    Passes: 727.77 → 595.89 (−18.12%); or the cut with a note "因工程量调减，预算相应调减".
    With ``include_zero_initial``, a budget added during the year (年初 0)
    is reported too.

    Settings: ``change_at_least`` (percent, 20), ``include_zero_initial`` (true), ``note_words``.
    Limits: keyword matching; a note explaining something else with the word
    调整 counts as an explanation.
    """
    ini, adj = ctx.funds_initial, ctx.funds_adjusted
    if ini == adj or ini is None or adj is None or ini < 0 or adj < 0:
        return
    if ini == 0:
        if adj == 0 or not s.include_zero_initial:
            return
        change = None
    else:
        change = (adj - ini) / ini * _HUNDRED
        if abs(change) < s.change_at_least:
            return
    words = _words_re(s.note_words)
    if words.search(ctx.goal_actual) or any(words.search(ind.deviation) for ind in ctx.indicators):
        return
    if change is None:
        what = f"年初预算数为 0，全年预算数 {fmt(adj)}（年中追加）"
    else:
        how = "调减" if change < 0 else "调增"
        what = (f"全年预算数 {fmt(adj)} 较年初预算数 {fmt(ini)} {how} {fmt(abs(change).quantize(_NUM))}%"
                f"（{fmt(adj - ini)}）")
    return Hit("funds.adjusted_budget", f"{what}，但偏差说明和完成情况中没有说明预算调整",
               {"initial_budget": ini, "adjusted_budget": adj, "change_percent": change})


@check("JX404", "perfect-score-suspicion", title="执行率未达100%而指标全部满分", severity="info",
       category="consistency",
       basis="domain.md §4.6：各指标全部满分、总分 99 分以上而执行率低于 100%",
       hint="核对是否确实所有目标都已完成；资金结余的原因宜在偏差说明中写明。")
def perfect_score_suspicion(ctx: FormContext, s) -> Hit | None:
    """Every indicator has full points and the total is ``total_at_least`` (99)
    or more, while the execution rate is below ``rate_below`` (100%).

    Why: a near-perfect self-evaluation of a project that did not spend its
    budget is the commonest pattern of a form filled in by habit. Common and
    often harmless (savings), hence info: it tells the reviewer where a
    second look is cheap.

    Fails: 执行率 93.00%, all 12 indicators full, 总分 99.30.
    Passes: 执行率 100%, 总分 100; or one indicator 4/5, 总分 98.30.
    Below JX401's threshold JX401 reports instead.

    Settings: ``rate_below`` (percent, 100), ``total_at_least`` (99).
    Limits: uses the printed total; skipped for forms not read completely.
    """
    rate = execution_rate_of(ctx)
    t = ctx.score.reported.total  # the printed total, as score_form read it (slots)
    if rate is None or rate >= s.rate_below or t is None or t < s.total_at_least or not ctx.complete:
        return
    inds = ctx.indicators
    facts = ctx._rows  # RowFacts, when a check has asked for it (JX109 does): not computed here
    if facts is not None and ctx.score.indicators_sum is not None and inds:
        # Every row was scored and printed as recomputed (ScoreResult.indicators_sum),
        # so every weight and score is there, a finite Decimal: the rows below
        # their weight are among RowFacts' lost (a superset), in order; the
        # others are full.
        lost = facts.lost
        if lost and not _all_full([inds[i] for i in lost]):
            return
    elif not _all_full(inds):
        return
    if enabled(ctx, "JX401") and rate < ctx.config.settings["JX401"].rate_below:  # type: ignore[union-attr]
        for ind in inds:
            if ind.level1 == _OUTPUT:
                return  # JX401 reports it (every output is full, as every row is)
    fs = ctx.score.funds
    left = ""
    unspent = None
    if fs.budget is not None and fs.executed is not None:
        unspent = fs.budget - fs.executed
        left = f"（未执行 {fmt(unspent)}{ctx.form.funds_unit}）"
    return Hit("total", f"全部 {len(inds)} 项指标满分，总分 {fmt(t)}，但执行率 {fmt(rate)}% 未达 "
               f"{short(s.rate_below)}%{left}",
               {"rate": rate, "total": t, "indicators": len(inds), "unspent": unspent})


@check("JX405", "spending-without-budget", title="预算数为零或未填却有执行数", severity="error",
       category="consistency",
       basis="《中华人民共和国预算法》第十三条：未列入预算的不得支出",
       hint="填写全年预算数；若预算确为零，执行数应为零或说明资金来源。")
def spending_without_budget(ctx: FormContext, s) -> Hit | None:
    """全年执行数 above zero while 全年预算数 is zero, negative or empty (no
    execution rate can be computed).

    Why: spending needs a budget; without one the rate, the budget score and
    every judgement on spending are impossible, and the figures are wrong.

    Fails: 全年预算数 0.00, 全年执行数 50.00.
    Passes: 100.00 / 50.00; or 0.00 / 0.00.

    Settings: none.
    Limits: an empty budget on a form not read completely is left to the
    reading warnings (JX0xx). The base is the rulebook's ``funds.budget_base``.
    """
    fs = ctx.score.funds
    ex, budget = fs.executed, fs.budget
    if ex is None or ex <= 0:
        return
    if budget is None and not ctx.complete:
        return
    if budget is not None and budget > 0:
        return
    which = "全年预算数" if ctx.rb.budget_base == "adjusted" else "年初预算数"
    shown = "未填" if budget is None else f"为 {fmt(budget)}"
    return Hit("funds.adjusted_budget" if ctx.rb.budget_base == "adjusted" else "funds.initial_budget",
               f"全年执行数 {fmt(ex)}，但{which}{shown}，无法计算执行率", {"executed": ex, "budget": budget})
