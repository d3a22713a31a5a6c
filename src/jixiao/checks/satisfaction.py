"""JX7xx: satisfaction (满意度指标).

The 服务对象满意度指标 block is meant to say how the people a project serves
received it, and its figure is meant to come from asking them. Reviewers
see the same patterns again and again: the supervising department rating
its own project (主管部门满意度), 100% satisfaction that nobody surveyed,
results that land exactly on the target, or no satisfaction row at all.

A satisfaction row is a row of the 满意度指标 block (or of the level 2
服务对象满意度指标), or any row whose name contains 满意. Text handling
(normalizing, keyword tables compiled once) is shared with the design
family (:mod:`jixiao.checks.design`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .base import Hit, check
from .chinese import has_phrase
from .context import FormContext
from .design import NameCache, PerRun, Words, enabled, fmt, norm, percent_units, squeeze, target_of

_BLOCK_L1 = "满意度指标"
_BLOCK_L2 = "服务对象满意度指标"
_WORD = "满意"


class SatFacts:
    """Per-form: which rows are satisfaction rows (``ctx.memo``), and their
    actual values as rates, read once for JX703 and JX704 (``rates``)."""

    __slots__ = ("rows", "block", "rates")

    def __init__(self, ctx: FormContext):
        self.rates: dict[int, tuple[Decimal, str] | None] = {}  # row -> _actual_rate, for the rows read so far
        self.rows: list[int] = []  # every satisfaction row
        self.block: list[int] = []  # rows of the satisfaction block
        for i, ind in enumerate(ctx.indicators):
            if ind.level1 == _BLOCK_L1 or ind.level2 == _BLOCK_L2:
                self.block.append(i)
                self.rows.append(i)
            elif _WORD in ind.name:
                self.rows.append(i)


def sat_facts(ctx: FormContext) -> SatFacts:
    sf = ctx.memoized.get("satisfaction.rows")
    return sf if sf is not None else ctx.memo("satisfaction.rows", SatFacts, ctx)


def _build_supervisor(s: Any) -> NameCache:
    words = Words(s.supervisor_words)
    return NameCache(lambda name: words.find(norm(name)))


_supervisor = PerRun(_build_supervisor)  # name -> the supervisor word it contains (None: the people served)


def _split_block(ctx: FormContext, s: Any) -> tuple[list[tuple[int, str]], list[int]]:
    """Block rows measuring the supervising side (row, word), and the others
    (``s``: JX701's settings; computed once per form)."""
    v = ctx.memoized.get("satisfaction.supervisor")
    return v if v is not None else ctx.memo("satisfaction.supervisor", _find_supervisor, ctx, s)


def _find_supervisor(ctx: FormContext, s: Any) -> tuple[list[tuple[int, str]], list[int]]:
    find = _supervisor(s)
    sup: list[tuple[int, str]] = []
    served: list[int] = []
    inds = ctx.indicators
    for i in sat_facts(ctx).block:
        w = find[inds[i].name]
        if w is None:
            served.append(i)
        else:
            sup.append((i, w))
    return sup, served


_survey_words = PerRun(lambda s: Words(s.survey_words))


def survey_word(ctx: FormContext, s: Any) -> str | None:
    """A survey word (JX703's ``survey_words``) found in the goal's actual text,
    the deviation notes, or the satisfaction rows' names and actual values."""
    return ctx.memo("satisfaction.survey", _find_survey_word, ctx, s)


def _find_survey_word(ctx: FormContext, s: Any) -> str | None:
    inds = ctx.indicators
    parts = [ctx.goal_actual]
    parts += [ind.deviation for ind in inds if ind.deviation]
    for i in sat_facts(ctx).rows:
        parts.append(inds[i].name)
        parts.append(inds[i].actual)
    # Survey words are Chinese: removing spaces ("问 卷") is the only
    # normalizing they need; "|" keeps the parts from running together.
    text = squeeze("|".join(parts))
    words = _survey_words(s)
    # Most forms describe no survey: one scan for any word (in C) says so;
    # the word reported, when there is one, is still the first in table order.
    return words.find_plain(text) if has_phrase(text, words.words) else None


def _jx703(ctx: FormContext) -> Any:
    return ctx.config.settings["JX703"]


def _names(ctx: FormContext, rows: list[int]) -> str:
    inds = ctx.indicators
    return "".join([f"“{inds[i].name}”" for i in rows])


@check("JX701", "supervisor-satisfaction", title="服务对象满意度衡量的是主管部门", severity="warning",
       category="satisfaction",
       basis="财预〔2020〕10号 指标框架：服务对象满意度指标反映服务对象的满意程度；domain.md §4.9",
       hint="满意度应调查项目的服务对象（群众、使用者、受益人）；主管部门的评价属于考核，不应计入服务对象满意度。")
def supervisor_satisfaction(ctx: FormContext, s):
    """A row of the satisfaction block that measures the supervising or
    managing side (主管部门, 主管单位, 管理部门, 上级, 领导 …) while the form
    also has a service-object satisfaction row. One finding per row.

    Why: the department that runs or funds a project rating it is not the
    people it serves rating it; the row takes satisfaction points for a
    self-assessment.

    Fails: 群众满意度 ≥85% and 主管单位满意度 ≥90% (the second row).
    Passes: 群众满意度 and 使用者满意度; 楼内单位满意度 (the units served).

    Settings: ``supervisor_words``.
    Limits: when the supervising side is the only satisfaction measured,
    JX702 reports it instead (when enabled). Keyword matching on the name.
    """
    sup, served = _split_block(ctx, s)
    if not sup or (not served and enabled(ctx, "JX702")):
        return
    others = _names(ctx, served)
    return _supervisor_satisfaction_rest(ctx, s, sup, served, others)


def _supervisor_satisfaction_rest(ctx, s, sup, served, others):
    """The hits of :func:`supervisor_satisfaction` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i, w in sup:
        ind = ctx.indicators[i]
        tail = f"；本表的服务对象满意度是{others}" if others else ""
        yield Hit(f"indicators[{i}].name",
                  f"“{ind.name}”衡量的是{w}（管理方）的满意度，不是服务对象满意度{tail}",
                  {"name": ind.name, "word": w, "served": [ctx.indicators[j].name for j in served]})


@check("JX702", "only-supervisor-satisfaction", title="满意度指标只有主管部门满意度", severity="error",
       category="satisfaction", basis="财预〔2020〕10号 指标框架；domain.md §4.9",
       hint="增设服务对象（群众、使用者、受益人）满意度，并说明调查方式；主管部门满意度不计入满意度指标。")
def only_supervisor_satisfaction(ctx: FormContext, s):
    """Every row of the satisfaction block measures the supervising side:
    the form has no service-object satisfaction at all, yet scores the block.
    One finding per form.

    Why: the satisfaction points are earned for the supervisor's opinion of
    its own project; the people served were never asked. Error, not
    warning: the points are claimed for something the block does not measure.

    Fails: the only satisfaction row is 主管部门满意度 ≥90%, actual 100%, 5/5 points.
    Passes: 主管部门满意度 plus 群众满意度 (JX701 then reports the first); 群众满意度 alone.

    Settings: none of its own; the words are JX701's ``supervisor_words``.
    Limits: keyword matching on the name.
    """
    s701 = ctx.config.settings["JX701"] if ctx.config is not None else s
    sup, served = _split_block(ctx, s701)
    if not sup or served:
        return
    rows = [i for i, _w in sup]
    inds = ctx.indicators
    weights = [w for i in rows if (w := inds[i].weight) is not None]
    weight = sum(weights, Decimal(0)) if len(weights) == len(rows) else None
    points = f"，却计了满意度分值{fmt(weight)}分" if weight is not None else ""
    who = "、".join(dict.fromkeys(w for _i, w in sup))
    return Hit(f"indicators[{rows[0]}].name",
               f"满意度指标只有{_names(ctx, rows)}，衡量的是{who}（管理方）而不是服务对象；"
               f"本表没有服务对象满意度{points}",
               {"names": [inds[i].name for i in rows], "words": [w for _i, w in sup],
                "weight": weight})


def _actual_rate(ctx: FormContext, sf: SatFacts, i: int) -> tuple[Decimal, str] | None:
    """Row ``i``'s actual as (number, normalized unit), None when it is not a
    number; read on the first request (a row that cannot be read fails in
    the check that first asks, and again in the next)."""
    r = sf.rates.get(i, _UNREAD)
    if r is _UNREAD:
        a = ctx.indicators[i].actual_parsed
        if a.kind != "number":
            r = None
        else:
            n = a.number  # each field of the model read once
            r = None if n is None else (n, norm(a.unit))
        sf.rates[i] = r
    return r


_UNREAD = object()


_rate_units = PerRun(lambda s: (frozenset(norm(u) for u in s.units), s.perfect))


@check("JX703", "perfect-satisfaction-no-survey", title="满意度100%且没有说明调查", severity="warning",
       category="satisfaction", basis="domain.md §1、§4.9；复核实务",
       hint="说明满意度是如何得出的：调查方式（问卷、电话回访、第三方测评）、样本量和结果；没有调查的，不应填报100%。")
def perfect_satisfaction_no_survey(ctx: FormContext, s):
    """A satisfaction row reported at 100% (``perfect``) while nothing in the
    form describes a survey: no 问卷, 调查, 抽样, 样本, 测评 … in the goal's
    actual text, the deviation notes, or the satisfaction rows themselves.
    One finding per form.

    Why: 100% of respondents satisfied is rare in a real survey; a 100% with
    no survey described usually means nobody was asked.

    Fails: 群众满意度 ≥85%, actual 100%, no survey mentioned.
    Passes: the same with "经问卷调查（样本300份）…" in 实际完成情况; or actual 96%.

    Settings: ``survey_words``, ``perfect`` (default 100), ``units`` (units
    read as a rate: %, 分, none; the rulebook's spellings of % count too).
    Limits: keyword matching; "调研" is not a survey word (the seed's 需求调研).
    """
    sf = sat_facts(ctx)
    if not sf.rows:
        return
    units, perfect = _rate_units(s)
    rows = []
    for i in sf.rows:
        a = _actual_rate(ctx, sf, i)
        if a is not None and a[0] == perfect and (a[1] in units or a[1] in percent_units(ctx.rb)):
            rows.append(i)
    if not rows or survey_word(ctx, s) is not None:
        return
    inds = ctx.indicators
    return Hit(f"indicators[{rows[0]}].actual",
               f"满意度{_names(ctx, rows)}的实际完成值为{inds[rows[0]].actual}，"
               f"但表中没有说明满意度如何得出（问卷、抽样调查、测评等）",
               {"rows": [{"row": i + 1, "name": inds[i].name, "actual": inds[i].actual} for i in rows]})


@check("JX704", "satisfaction-at-threshold", title="满意度恰好等于目标下限", severity="warning",
       category="satisfaction", basis="domain.md §4.9；复核实务",
       hint="附上满意度调查的方式、样本量和原始结果；恰好等于目标的结果需要有调查依据。")
def satisfaction_at_threshold(ctx: FormContext, s):
    """Satisfaction rows whose actual equals the lower bound of the target
    (≥90% target, 90% actual), with no survey described (JX703's words).
    One finding per form, listing the rows.

    Why: a survey result landing exactly on the threshold, often in every
    satisfaction row of the form, is suspiciously precise: it reads as the
    target copied into the actual column.

    Fails: 管理部门满意度 ≥90% → 90%; 群众满意度 ≥90% → 90%; no survey.
    Passes: ≥90% → 93%; or 90% with "问卷调查样本200份" in the actual text.

    Settings: ``unless_survey`` (default true: a described survey clears it);
    the survey words are JX703's ``survey_words``.
    Limits: only "≥" targets; "=" targets are met exactly by definition.
    A form may also get JX703 for other rows at 100%.
    """
    sf = sat_facts(ctx)
    if not sf.rows:
        return
    pct = percent_units(ctx.rb)
    inds = ctx.indicators
    rows = []
    for i in sf.rows:
        t = target_of(inds[i])
        if t.cmp != "≥" or t.number is None:
            continue
        a = _actual_rate(ctx, sf, i)
        if a is None or a[0] != t.number:
            continue
        same_unit = a[1] == t.unit or not a[1] or not t.unit or (a[1] in pct and t.unit in pct)
        if same_unit:
            rows.append(i)
    if not rows:
        return
    if s.unless_survey and ctx.config is not None and survey_word(ctx, _jx703(ctx)) is not None:
        return
    listed = "；".join(f"“{inds[i].name}”目标{inds[i].target}、实际{inds[i].actual}" for i in rows)
    return Hit(f"indicators[{rows[0]}].actual",
               f"满意度恰好等于目标下限：{listed}，且表中没有说明调查方式和样本",
               {"rows": [{"row": i + 1, "name": inds[i].name, "target": inds[i].target, "actual": inds[i].actual}
                         for i in rows]})


@check("JX705", "no-satisfaction", title="没有满意度指标", severity="warning",
       category="satisfaction", basis="财预〔2020〕10号 指标框架；domain.md §4.7、§4.9",
       hint="增设服务对象满意度指标，写明调查对象和调查方式。")
def no_satisfaction(ctx: FormContext, s):
    """No satisfaction row at all: nothing in the 满意度指标 block and no row
    named …满意….

    Why: the framework asks how the people served received the project.

    Fails: a form with only 产出指标 and 效益指标 rows, run with JX510 off.
    Passes: any form with a satisfaction row; and any form while JX510 is
    enabled and requires 满意度指标 (JX510 reports the missing block: one
    problem, one finding).

    Limits: a form with no rows at all is the reader's problem, not reported.
    """
    if not ctx.indicators or sat_facts(ctx).rows:
        return
    if enabled(ctx, "JX510") and _BLOCK_L1 in ctx.config.settings["JX510"].required_level1:
        return
    return Hit("indicators", f"指标表没有满意度指标（共{len(ctx.indicators)}个指标，均不涉及满意度）",
               {"indicators": len(ctx.indicators)})
