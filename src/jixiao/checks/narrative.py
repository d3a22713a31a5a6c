"""JX8xx: the narrative, 年度总体目标 (预期目标 / 实际完成情况).

The goal text should state measurable results, the indicators should measure
them, and the completion text should report what was actually done. Common
faults: a completion text that rewrites the goal in the perfect tense
("根据文件要求，已…"), numbers in the goal (30人, 107家企业, 七个片区) that no
indicator measures or that an indicator contradicts, empty texts, goals made
only of aspirations (提升, 加强).

Text handling (normalization, n-gram profiles, quantities with Chinese
numerals) is in :mod:`jixiao.checks.chinese`; its tables are settings of
JX801 (stop phrases) and JX802 (units, excluded phrases). Each form's
profiles and quantities are computed once, in ``ctx.memo``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from operator import add
from typing import TypeVar

from .arithmetic import fixed
from .base import Hit, check
from .chinese import (
    GENERIC,
    Quantity,
    UnitTable,
    bigram_overlap,
    clause_around,
    decimal_numbers,
    extract_quantities,
    normalize,
    normalized_goal,
    phrase_stripper,
    stop_phrase_order,
)
from .config import Settings, default_settings
from .context import EMPTY_NOTES, FormContext

P = TypeVar("P")

# -- settings, prepared once per run ---------------------------------------------


def _settings(ctx: FormContext, code: str) -> Settings:
    """Another check's settings (JX803 and JX805 read the quantities found
    with JX802's table): from the run's config, else the shipped defaults."""
    if ctx.config is not None:
        return ctx.config.settings[code]
    return _default(code)


@lru_cache(maxsize=16)
def _default(code: str) -> Settings:
    # Only for a context built without a run's config; the checks convert
    # their settings (int, float, frozenset) when preparing them.
    d = default_settings()[code]
    return Settings({k: v for k, v in d.items() if k != "source"}, d.get("source", ""))


def _prepared(build: Callable[[Settings], P]) -> Callable[[Settings], P]:
    """What a check derives from its settings (compiled regexes, the unit
    table, plain numbers), built once per settings object, i.e. once per run.
    A closure, not an object with ``__call__``: a plain function call costs
    half, and the narrative checks ask for these several times a form."""
    cache: dict[int, tuple[Settings, P]] = {}

    def get(s: Settings) -> P:
        hit = cache.get(id(s))
        if hit is not None and hit[0] is s:
            return hit[1]
        v = build(s)
        if len(cache) > 32:
            cache.clear()
        cache[id(s)] = (s, v)  # holding ``s`` keeps its id from being reused
        return v

    return get


@dataclass(frozen=True, slots=True)
class _Goal802:
    table: UnitTable
    min_chinese: int
    kinds: frozenset[str]
    sum_runs: bool


_prep802 = _prepared(lambda s: _Goal802(UnitTable(s.unit_groups, s.exclude_phrases), int(s.min_chinese_value),
                                        frozenset(s.kinds), bool(s.sum_runs)))
_prep803 = _prepared(lambda s: frozenset(s.quantity_level2))


def _table(s: Settings) -> UnitTable:
    """The unit table of JX802's settings."""
    return _prep802(s).table


def _blank(text: str) -> bool:
    return text.strip() in EMPTY_NOTES


def _fmt(d: Decimal) -> str:
    s = fixed(d)
    return s.rstrip("0").rstrip(".") if "." in s else s


def _goal_quantities(ctx: FormContext) -> list[Quantity]:
    """Quantities of the goal text (every target kind), with JX802's table."""
    qs = ctx.memoized.get("narrative.goal_quantities")
    return qs if qs is not None else ctx.memo("narrative.goal_quantities", _find_goal_quantities, ctx)


def _find_goal_quantities(ctx: FormContext, p: _Goal802 | None = None) -> list[Quantity]:
    if p is None:
        p = _prep802(_settings(ctx, "JX802"))
    exp, _ = normalized_goal(ctx)
    return extract_quantities(exp, p.table, min_chinese=p.min_chinese, normalized=True)


# -- goal numbers vs indicators ---------------------------------------------


# An indicator's target as a quantity: (index, kind, group, unit, base,
# comparison, level2, name); kind None: a bare number. A plain tuple, unpacked
# where it is read: a form builds one per numeric target, and a tuple costs
# about half an object with named fields.
_IndQ = tuple[int, str | None, str, str, Decimal, str | None, str, str]


@dataclass(slots=True)
class GoalNumber:
    """A quantity of the goal text and what the indicators make of it."""

    q: Quantity  # its first occurrence
    status: str  # measured | sum | named | disagree | unmeasured
    indicator: int | None = None
    members: list[Quantity] = field(default_factory=list)  # for a sum: the quantities added up
    others: list[Quantity] = field(default_factory=list)  # later spellings of the same number (七大片区, 七个片区)

    @property
    def labels(self) -> list[str]:
        return list(dict.fromkeys([self.q.label] + [o.label for o in self.others]))

    def clauses(self, text: str) -> list[str]:
        """The clause around each occurrence in the (normalized) goal text."""
        return [clause_around(text, q.start, q.end) for q in [self.q, *self.others]]

    def quoted(self, clauses: list[str]) -> str:
        """The number for a message: with its clause when written once."""
        if len(clauses) == 1:
            return f"“{clauses[0]}”中的{self.q.text}"
        return "、".join(self.labels)


def _indicator_quantities(ctx: FormContext, table: UnitTable) -> list[_IndQ]:
    out: list[_IndQ] = []
    classified = table._classified  # classify()'s cache, looked up first: a method call costs more
    for i, ind in enumerate(ctx.indicators):
        tp = ind.target_parsed
        # Each field of the parsed value read once (a pydantic attribute read
        # costs several dict look-ups), in the order the checks always read them.
        if tp.kind != "number":
            continue
        number = tp.number
        if number is None:
            continue
        text = tp.unit
        if not text:
            out.append((i, None, "", "", number, tp.comparison, ind.level2, ind.name))
            continue
        unit, mult = classified.get(text) or table.classify(text)
        if unit is not None:
            out.append((i, unit.kind, unit.group, unit.text, number * mult * unit.factor, tp.comparison,
                        ind.level2, ind.name))
        else:  # a noun used as unit (点位 is in the table; 户次, 路段 may not be)
            u = normalize(text)
            out.append((i, "count", u, u, number * mult, tp.comparison, ind.level2, ind.name))
    return out


def _measures(kind: str | None, group: str, base: Decimal, q: Quantity) -> bool:
    """The indicator's target (its kind, group and base value) is the goal's
    quantity: same value, same kind (any two count units: an equal number is
    strong evidence), same group for measures and durations; a bare number
    matches by value."""
    if base != q.base:
        return False
    if kind is None:
        return True
    if kind != q.kind:
        return False
    return q.kind in ("count", "percent", "money") or group == q.group


def _bigrams(short: str) -> set[str]:
    """Character bigrams of a short text (an indicator name, a noun), spaces removed."""
    t = "".join(short.split())
    return set(map(add, t, t[1:]))


def _related(kind: str | None, group: str, unit: str, q: Quantity, name_bigrams: set[str]) -> bool:
    """The indicator (its kind, unit group and unit) counts the same kind of
    thing as the goal quantity: same unit group (两个 generic classifiers count
    alike), or a generic classifier against a specific unit when the counted
    noun is linked to the indicator (its unit ends the noun, or they share a
    bigram with its name)."""
    if kind != q.kind:
        return False
    if group == q.group:
        return True
    if q.kind != "count" or (group != GENERIC and q.group != GENERIC):
        return False
    noun = q.noun
    if not noun:
        return False
    return noun.endswith(unit) or bool(_bigrams(noun) & name_bigrams)


def _analyse(ctx: FormContext) -> list[GoalNumber]:
    p = _prep802(_settings(ctx, "JX802"))
    table = p.table
    kinds = p.kinds
    seen: dict[tuple[str, str, Decimal], GoalNumber] = {}
    goal: list[GoalNumber] = []
    qs = ctx.memoized.get("narrative.goal_quantities")  # (_goal_quantities, with the settings at hand)
    if qs is None:
        qs = ctx.memo("narrative.goal_quantities", _find_goal_quantities, ctx, p)
    for q in qs:
        if q.kind not in kinds:
            continue
        key = (q.kind, q.group, q.base)
        if key in seen:
            seen[key].others.append(q)
            continue
        gn = seen[key] = GoalNumber(q, "unmeasured")
        goal.append(gn)
    if not goal:
        return goal
    iqs = _indicator_quantities(ctx, table)
    used: set[int] = set()
    for gn in goal:
        q = gn.q
        base = q.base
        for index, kind, group, _unit, ibase, _cmp, _level2, _name in iqs:
            if ibase == base and _measures(kind, group, ibase, q):  # (the cheap test first: values rarely agree)
                gn.status, gn.indicator = "measured", index
                used.add(index)
                break
    open_ = [gn for gn in goal if gn.status == "unmeasured"]
    if p.sum_runs:
        counts = [gn for gn in open_ if gn.q.kind == "count"]
        _sum_runs(counts, iqs, used)
    open_ = [gn for gn in goal if gn.status == "unmeasured"]
    if open_:  # a number written in an indicator's name ("完成3个片区建设") also measures it
        names = "｜".join([normalize(ind.name) for ind in ctx.indicators])
        named = {(q.kind, q.base) for q in extract_quantities(names, table, normalized=True)}
        for gn in open_:
            if (gn.q.kind, gn.q.base) in named:
                gn.status = "named"
    level2 = _prep803(_settings(ctx, "JX803"))
    name_bigrams: dict[int, set[str]] = {}
    for gn in goal:
        if gn.status != "unmeasured" or gn.q.kind not in ("count", "measure"):
            continue
        best: tuple[int, int] | None = None  # (overlap, -index)
        for index, kind, group, unit, base, comparison, ind_level2, name in iqs:
            if index in used or ind_level2 not in level2 or comparison in ("≤", "<") or base <= 0:
                continue
            nb = name_bigrams.get(index)
            if nb is None:
                nb = name_bigrams[index] = _bigrams(name)
            if not _related(kind, group, unit, gn.q, nb):
                continue
            score = (len(_bigrams(gn.q.noun) & nb), -index)
            if best is None or score > best:
                best = score
        if best is not None:
            gn.status, gn.indicator = "disagree", -best[1]
    return goal


def _sum_runs(counts: list[GoalNumber], iqs: list[_IndQ], used: set[int]) -> None:
    """Consecutive goal counts whose sum is an indicator's count target: all
    measured by it (129个 + 19个 + 27个 = 175点位). Runs, not subsets: the
    parts of a total are written one after another."""
    n = len(counts)
    for i in range(n):
        total = counts[i].q.base
        for j in range(i + 1, n):
            total += counts[j].q.base
            for index, kind, _group, _unit, base, _cmp, _level2, _name in iqs:
                if base == total and kind in ("count", None):
                    members = [c.q for c in counts[i:j + 1]]
                    for c in counts[i:j + 1]:
                        if c.status == "unmeasured":
                            c.status, c.indicator, c.members = "sum", index, members
                    used.add(index)
                    break


def goal_numbers(ctx: FormContext) -> list[GoalNumber]:
    """The goal's quantities of the checked kinds, each classified (memoized).
    Empty for a form the reader could not read whole: "no indicator measures
    it" cannot be said of a truncated indicator table."""
    if not ctx.complete:
        return []
    gns = ctx.memoized.get("narrative.goal_numbers")
    return gns if gns is not None else ctx.memo("narrative.goal_numbers", _analyse, ctx)


# -- JX801 ----------------------------------------------------------------------


# Chinese digits that may start a quantity (not 一: nearly always idiom).
_CN_DIGIT = re.compile(r"[两二三四五六七八九十][个项名人家处件次场台辆]")


@dataclass(frozen=True, slots=True)
class _Rewrite801:
    min_chars: int
    threshold: float
    stop: tuple[str, ...]  # normalized, longest first (stop_phrase_order)
    # The openings as one alternation, longest first: match() gives the longest one a text
    # starts with (one match instead of a startswith per opening).
    opening: re.Pattern[str] | None


_prep801 = _prepared(lambda s: _Rewrite801(
    int(s.min_chars), float(s.min_containment), stop_phrase_order(s.stop_phrases), phrase_stripper(s.openings)))


@check("JX801", "actual-rewrites-goal", title="实际完成情况只是改写预期目标", severity="warning",
       category="narrative", basis="domain.md §4.10；财预〔2020〕10号 自评表：实际完成情况应如实反映年度目标的完成结果",
       hint="写明实际做了什么、完成了多少（数量、时间、质量），与预期目标逐项对照，不要把目标改成“已完成”的句式。")
def actual_rewrites_goal(ctx: FormContext, s):
    """The completion text (实际完成情况) is mostly made of the goal text's own
    words: at least ``min_containment`` of its character bigrams (stop phrases
    such as 根据文件要求, 已经, 得到 removed; punctuation as a boundary mark, see
    :func:`~jixiao.checks.chinese.bigram_codes`) also occur in the goal.

    Why: the completion column should report what was done, with figures a
    reviewer can compare with the goal. "根据文件要求，已完成…" followed by the
    goal in the perfect tense reports nothing.

    Fails: 预期目标 "…聘用政府雇员30人，充实到现有工作中，…"; 实际完成情况
    "根据文件要求，聘用政府雇员30人，充实到现有工作中，…得到解决…" (92% of its
    bigrams come from the goal).
    Passes: 实际完成情况 "全年上门服务高龄独居老人1200名、共计14.4万人次；6个社区
    助餐点均已开业运营。经第三方问卷调查（有效样本600份），满意度为93%。" (34%).

    Settings: ``min_containment`` (0.7; calibrated on the seed: its 16 rewrites
    0.79-0.96, the baseline 0.34), ``min_chars`` (15: shorter completion texts
    are judged only when identical to the goal), ``stop_phrases``, ``openings``.
    Limits: a faithful report of a goal met exactly as planned may reuse its
    words; the message names the share so the reviewer can judge.
    """
    if _blank(ctx.goal_expected) or _blank(ctx.goal_actual):
        return
    p = _prep801(s)
    exp, act = normalized_goal(ctx)
    if act == exp:
        return Hit("goal.actual", "实际完成情况与预期目标一字不差",
                   {"containment": 1.0, "dice": 1.0, "opening": None, "new_quantities": [], "identical": True,
                    "threshold": s.min_containment})
    if len(act) < p.min_chars:
        return
    n_act, n_exp, common = bigram_overlap(act, exp, p.stop)
    if not n_act:
        return
    share = common / n_act
    if share < p.threshold:
        return
    m = p.opening.match(act) if p.opening is not None else None
    opening = m.group() if m is not None else None
    new: list[str] = []
    digits = decimal_numbers(act)
    if (digits and not set(digits) <= set(decimal_numbers(exp))) or _CN_DIGIT.search(act):
        # numbers the goal does not have: name them (the rare, slower path)
        table = _table(_settings(ctx, "JX802"))
        in_goal = {(q.kind, q.base) for q in _goal_quantities(ctx)}
        new = [q.label for q in extract_quantities(act, table, normalized=True) if (q.kind, q.base) not in in_goal]
    pct = round(share * 100)
    lead = f"，并以“{opening}”开头" if opening else ""
    tail = f"，只多出{'、'.join(new[:3])}" if new else "，没有写出目标以外的实际数字"
    return Hit("goal.actual", f"实际完成情况与预期目标雷同：完成情况的字词片段有{pct}%出自预期目标{lead}{tail}",
               {"containment": round(share, 2), "dice": round(2 * common / (n_act + n_exp), 2), "opening": opening,
                "new_quantities": new, "threshold": s.min_containment})


# -- JX802 / JX803 -------------------------------------------------------------


@check("JX802", "goal-number-unmeasured", title="目标中的数量没有指标衡量", severity="warning",
       category="narrative", basis="domain.md §4.10；财预〔2020〕10号：绩效指标应细化量化年度绩效目标",
       hint="为目标中写明的数量设置对应的数量指标（目标值与目标文本一致），或修改目标文本。")
def goal_number_unmeasured(ctx: FormContext, s):
    """A quantity in the goal text (30人, 107家企业, 50%, 七个片区) that no
    indicator measures: no indicator target has its value (in a compatible
    unit), no run of consecutive goal counts adds up to one, no indicator name
    contains it, and no quantity indicator of the same kind disagrees with it
    (that is JX803).

    Why: the indicators are the goal made measurable; a number promised in the
    goal and measured by nothing cannot be checked.

    Fails: 预期目标 "…完成对全镇镇属107家企业的安全检查…", indicators only in %.
    Passes: the same goal with an indicator 企业安全检查数 =107(家); or a goal
    "129个居村点位，19个商圈点位，27个街面探头" with an indicator =175(点位)
    (129 + 19 + 27 = 175: a sum of consecutive counts is measured by it).

    Settings: ``kinds`` (count, percent, measure), ``sum_runs``,
    ``min_chinese_value`` (2), ``exclude_phrases`` and ``unit_groups`` (the unit
    table, shared with JX801, JX803 and JX805).
    Limits: quantities need a unit (a bare "12345" is not one); years, dates,
    ordinals (第三方, 八号桥), 15年以上-style descriptors and ranges are left out;
    an enumeration ("视频监控、LED、会议…等系统", 7 items) is not counted;
    percentages match any indicator with the same percentage; forms the
    reader could not read whole (``complete`` false) are not checked.
    """
    gns = goal_numbers(ctx)
    for gn in gns:
        if gn.status == "unmeasured":
            return _unmeasured_hits(ctx, gns)
    return None


def _unmeasured_hits(ctx: FormContext, gns: list[GoalNumber]):
    """The hits of :func:`goal_number_unmeasured` (a generator, built only for
    the forms that have one)."""
    for gn in gns:
        if gn.status != "unmeasured":
            continue
        q = gn.q
        clauses = gn.clauses(normalized_goal(ctx)[0])
        yield Hit("goal.expected",
                  f"预期目标{gn.quoted(clauses)}没有指标衡量：没有目标值为{_fmt(q.value)}{q.unit}的指标",
                  {"quantities": gn.labels, "value": q.value, "unit": q.unit, "kind": q.kind, "clauses": clauses})


@check("JX803", "goal-number-disagrees", title="目标中的数量与指标不一致", severity="warning",
       category="narrative", basis="domain.md §4.10：目标文本与指标目标值应一致",
       hint="核对目标文本与数量指标：若指标只衡量其中一部分，应补充指标或在目标中说明口径。")
def goal_number_disagrees(ctx: FormContext, s):
    """A count in the goal text that no indicator has, while an output
    quantity indicator (``quantity_level2``: 数量指标) counting the same kind of
    thing has another target: the goal says 七个片区, the indicator counts 2项.

    "The same kind": the same unit group (人/名/位; two generic classifiers
    个/项), or a generic classifier and a specific unit when the counted noun
    is linked to the indicator's name or unit. Indicators already measuring
    another goal number, reverse targets (≤) and zero targets are not candidates.

    Why: the goal and the indicator cannot both be right; either the indicator
    measures part of the goal or one of the figures is wrong.

    Fails: 预期目标 "建设七个片区的综合治理平台…", indicator 微脑建设完成数 =2.00(项).
    Passes: the same goal with =7.00(项); or a goal count of 人 while the only
    quantity indicator counts 辆 (unrelated units: JX802's).

    Settings: ``quantity_level2``; the unit table is JX802's.
    Limits: links by units and shared characters, not meaning; two counts of
    generic items (个, 项) are taken to count the same thing; forms the reader
    could not read whole are not checked.
    """
    gns = goal_numbers(ctx)
    for gn in gns:
        if gn.status == "disagree" and gn.indicator is not None:
            return _disagree_hits(ctx, gns)
    return None


def _disagree_hits(ctx: FormContext, gns: list[GoalNumber]):
    """The hits of :func:`goal_number_disagrees` (a generator, built only for
    the forms that have one)."""
    for gn in gns:
        if gn.status != "disagree" or gn.indicator is None:
            continue
        q = gn.q
        ind = ctx.indicators[gn.indicator]
        clauses = gn.clauses(normalized_goal(ctx)[0])
        yield Hit("goal.expected",
                  f"预期目标写的是{gn.quoted(clauses)}（{_fmt(q.value)}），"
                  f"而衡量同类数量的指标“{ind.name}”目标值为{ind.target}",
                  {"quantities": gn.labels, "value": q.value, "unit": q.unit, "clauses": clauses,
                   "indicator": ind.name, "indicator_index": gn.indicator, "target": ind.target})


# -- JX804 / JX805 -------------------------------------------------------------


@check("JX804", "goal-text-empty", title="预期目标或实际完成情况为空", severity="warning",
       category="narrative", basis="财预〔2020〕10号 自评表：年度总体目标的预期目标与实际完成情况均须填写",
       hint="填写年度总体目标：预期目标写计划完成的内容和数量，实际完成情况写实际完成的内容和数量。")
def goal_text_empty(ctx: FormContext, s):
    """预期目标 or 实际完成情况 is empty or a placeholder ("无", "/").

    Why: without the completion text nothing in the form says what the money
    achieved beyond the indicator table; without the goal, nothing says what
    it was for.

    Fails: 实际完成情况 "" (or "/"). Passes: any text (its quality is JX801's and JX805's).

    Limits: a form the reader could not read whole (``complete`` false), or
    with a read warning on ``goal``, is left to the reading warnings: the goal
    may be what was not read.
    """
    warnings = ctx.form.warnings
    if not ctx.complete or (warnings and any((w.field or "").startswith("goal") for w in warnings)):
        return
    expected, actual = ctx.goal_expected, ctx.goal_actual
    if not (_blank(expected) or _blank(actual)):  # raises as the generator would, before any hit
        return None
    texts = (("goal.expected", expected, "预期目标"), ("goal.actual", actual, "实际完成情况"))
    return _goal_text_empty_rest(ctx, s, texts)


def _goal_text_empty_rest(ctx, s, texts):
    """The hits of :func:`goal_text_empty` past its early returns (a generator: built
    only for the forms that have one)."""
    for fld, text, label in texts:
        if _blank(text):
            shown = f"（只写了“{text.strip()}”）" if text.strip() else ""
            yield Hit(fld, f"年度总体目标的{label}为空{shown}", {"field": fld, "text": text.strip()})


_prep805 = _prepared(lambda s: (int(s.min_chars), phrase_stripper(s.deliverable_words),
                                phrase_stripper(s.vague_words)))


@check("JX805", "goal-not-measurable", title="预期目标没有可衡量的结果", severity="info",
       category="narrative", basis="财预〔2020〕10号：绩效目标应当指向明确、细化量化、合理可行",
       hint="在预期目标中写明要完成的具体内容和数量（如“为107家企业提供安全检查”），而不只是“提升”“加强”。")
def goal_not_measurable(ctx: FormContext, s):
    """The goal (预期目标) is shorter than ``min_chars``, or has no quantity,
    no deliverable word (完成, 建设, 安装, 采购, 聘用 …) and at least one word
    of aspiration (提升, 减少, 加强 …).

    Why: a goal that only promises improvement cannot be met or missed; the
    indicators then have nothing to make measurable.

    Fails: "通过非机动车安全整治项目的开展，进一步减少电动车火灾的发生，最大限度地
    预防和降低伤害事故，提高居民安全意识和消防安全行为能力。"
    Passes: "为全区1200名高龄独居老人提供居家养老上门服务…" (a quantity);
    "设立避难场所，完成应急物资采购更新…" (deliverables, no number).

    Settings: ``min_chars`` (15), ``deliverable_words``, ``vague_words``.
    Limits: word lists, not meaning; an empty goal is JX804's.
    """
    text = ctx.goal_expected
    if _blank(text):
        return
    min_chars, deliv, vague = _prep805(s)
    exp, _ = normalized_goal(ctx)
    if len(exp) < min_chars:
        return Hit("goal.expected", f"预期目标只有{len(exp)}个字（“{text.strip()}”），没有写明可衡量的结果",
                   {"chars": len(exp), "reason": "short"})
    if _goal_quantities(ctx):
        return
    if deliv is not None and deliv.search(exp):
        return
    words = sorted(set(vague.findall(exp)), key=exp.index) if vague is not None else []
    if not words:
        return
    shown = "、".join(f"“{w}”" for w in words[:4])
    return Hit("goal.expected",
               f"预期目标没有数量，也没有写明要完成的具体内容，只有{shown}等愿景词，无法衡量是否完成",
               {"vague_words": words, "reason": "vague"})
