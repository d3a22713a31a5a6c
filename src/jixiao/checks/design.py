"""JX5xx: indicator design (指标设置).

Whether the indicator table is built so that it can be measured at all: a
quantitative target needs a direction and a unit, a percentage cannot pass
100%, a count is not a percentage, a cost has an upper bound, paying out the
money is not an output, each row sits in the level-2 block it belongs to,
nothing is counted twice, the three level-1 blocks are there, and a
qualitative target says what "achieved" means.

Keyword tables are data (``rules/design.toml``, each with its source). Names
and targets are normalized once (full-width to half-width, spaces removed)
and every keyword table is compiled once per settings object into a regular
expression; classifications of a name are cached, since the same names recur
across a batch (长效管理机制健全性, 群众满意度 ...).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from ..model.framework import LEVEL1_NAMES, LEVEL2_BY_LEVEL1, LEVEL2_NAMES
from .base import Hit, check
from .context import FormContext

_HUNDRED = Decimal(100)
_ZERO = Decimal(0)
_GE = frozenset({"≥", ">"})

# ---------------------------------------------------------------------------
# Text handling

_NONWORD_RE = re.compile(r"[\W_]+")  # CJK characters are word characters: only punctuation goes
_DIGIT_RE = re.compile(r"\d")


@lru_cache(maxsize=1 << 16)
def norm(text: str) -> str:
    """Compare-ready text: NFKC (full-width letters, digits, ％ and （） to
    half-width), no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).split())  # split() drops exactly what \s matches


def squeeze(text: str) -> str:
    """``text`` without whitespace (for long texts: no NFKC, no cache)."""
    return "".join(text.split())


def name_key(name: str) -> str:
    """A name as compared for duplicates: normalized, punctuation removed."""
    return _NONWORD_RE.sub("", norm(name))


class Words:
    """A keyword table compiled into one alternation (longest word first)."""

    __slots__ = ("words", "_rx", "_end_rx", "_ends")

    def __init__(self, words: Iterable[str]):
        self.words = tuple(dict.fromkeys(norm(w) for w in words if w and norm(w)))
        pattern = "|".join(re.escape(w) for w in sorted(self.words, key=len, reverse=True))
        self._rx = re.compile(pattern) if pattern else None
        # For endswith: the words that end a text are all suffixes of the
        # longest of them (which the search for an ending finds: leftmost), so
        # the answer, the first in table order, depends on that one only.
        self._end_rx = re.compile(f"(?:{pattern})\\Z") if pattern else None
        self._ends = {w: next(v for v in self.words if w.endswith(v)) for w in self.words}

    def find(self, text: str) -> str | None:
        """The first keyword found in ``text`` (already normalized), or None."""
        if self._rx is None:
            return None
        m = self._rx.search(text)
        return m.group() if m else None

    def find_plain(self, text: str) -> str | None:
        """Like :meth:`find`, by substring search: faster on long texts."""
        for w in self.words:
            if w in text:
                return w
        return None

    def endswith(self, text: str) -> str | None:
        """The first keyword (in table order) that ``text`` ends with, or None.
        One search, not a loop of ``str.endswith`` (which builds an argument
        tuple per call on CPython 3.11)."""
        if self._end_rx is None:
            return None
        m = self._end_rx.search(text)
        return self._ends[m.group()] if m else None


def PerRun(build: Callable[[Any], Any]) -> Callable[[Any], Any]:  # noqa: N802 (was a class; same use)
    """A value built from one object (a check's settings, a run's config),
    rebuilt only when a different object is passed: settings are frozen for a
    run, so keyword tables compile once per run, not once per form.

    A closure rather than an object with ``__call__``: the checks ask about
    twenty of these a form, and calling a plain function costs half."""
    cell: list[tuple[Any, Any]] = [(None, None)]  # one item: (key, value) swapped atomically

    def get(key: Any) -> Any:
        kv = cell[0]
        if kv[0] is not key:
            kv = cell[0] = (key, build(key))
        return kv[1]

    return get


class NameCache(dict):
    """``fn(text)`` remembered per text, bounded: names recur across a batch.
    A dict, so a hit is a C-level look-up: ``cache[name]`` (``cache(name)``
    too, at twice the cost: a call goes through the type's ``__call__``)."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[[str], Any]):
        super().__init__()
        self.fn = fn

    def __missing__(self, text: str) -> Any:
        if len(self) > 1 << 16:
            self.clear()
        v = self[text] = self.fn(text)
        return v

    __call__ = dict.__getitem__


_ENABLED = PerRun(lambda config: frozenset(config.enabled))


def enabled(ctx: FormContext, code: str) -> bool:
    """True when check ``code`` runs in this review (for checks that defer to another)."""
    return ctx.config is not None and code in _ENABLED(ctx.config)


_FMT: dict[Decimal, str] = {}


def fmt(d: Decimal | None) -> str:
    """A number as a reviewer writes it: 60.00 -> 60, 95.50 -> 95.5."""
    if d is None:
        return "—"
    s = _FMT.get(d)
    if s is None:
        if len(_FMT) > 4096:
            _FMT.clear()
        s = _FMT[d] = _plain(d.normalize())
    return s


def _plain(n: Decimal) -> str:
    """``format(n, "f")`` for a normalized ``n``: ``str(n)`` when it has no
    exponent (the same text), the integer for a positive exponent (5E+1 -> 50).
    ``format`` with a spec costs a Decimal several times more."""
    s = str(n)
    if "E" in s:
        return str(int(n)) if "E+" in s else format(n, "f")
    return s


# ---------------------------------------------------------------------------
# Targets: the parsed value plus comparisons written in words

# Value grammar, not a review judgment: how a direction is spelled in words
# ("95%以上", "不低于95%", "2个工作日内"). The model's parser keeps these as
# a unit tail or as text; this reads them back.
_TAIL_CMP: tuple[tuple[str, str], ...] = (
    ("及以上", "≥"), ("以上", "≥"), ("及以下", "≤"), ("以下", "≤"), ("以内", "≤"), ("之内", "≤"), ("内", "≤"),
)
_HEAD_CMP: tuple[tuple[str, str], ...] = (
    ("不低于", "≥"), ("不少于", "≥"), ("大于等于", "≥"), ("至少", "≥"), ("达到", "≥"), ("大于", ">"),
    ("高于", ">"), ("超过", ">"), ("多于", ">"), ("不超过", "≤"), ("不高于", "≤"), ("不大于", "≤"),
    ("小于等于", "≤"), ("控制在", "≤"), ("小于", "<"), ("低于", "<"), ("少于", "<"),
)
_HEAD_RE = re.compile(
    r"^(" + "|".join(re.escape(h) for h, _ in sorted(_HEAD_CMP, key=lambda x: -len(x[0]))) + r")"
    r"(\d+(?:\.\d+)?)(.*)$")
_HEAD = dict(_HEAD_CMP)
# A date read as a number and a unit: "2024年12月底前" -> 2024, "年12月底前";
# "12月前" -> 12, "月前". A deadline, not a quantity ("3年", "12个月" are).
_DATE_UNIT_RE = re.compile(r"^[年月](?:\d|[月日号底前内末初中旬])")


class Target:
    """A target cell reduced to what the design checks ask about (immutable, shared)."""

    __slots__ = ("number", "cmp", "signed", "unit", "word", "ge", "over100", "ge100", "plain")

    def __init__(self, number: Decimal | None, cmp: str | None, signed: bool, unit: str, word: str | None):
        self.number = number  # None for a qualitative or empty target
        self.cmp = cmp  # ≥ ≤ = > <, printed or written in words
        self.signed = signed  # a direction is given (sign or words)
        self.unit = unit  # normalized, without the direction words, "(...)" stripped
        self.word = word  # normalized text of a qualitative target
        self.ge = cmp in _GE and number is not None  # a floor
        self.over100 = number is not None and number > _HUNDRED
        self.ge100 = self.ge and number == _HUNDRED
        # The usual target: a quantity with a direction and a unit, neither
        # above 100 nor a floor of 100 (Facts then only asks "%?" and "≥?").
        self.plain = number is not None and signed and bool(unit) and not self.over100 and not self.ge100


_EMPTY_TARGET = Target(None, None, False, "", None)
_DATE_TARGET = Target(None, None, True, "", None)  # a deadline: neither a quantity nor a vague word


_TAILS = Words(t for t, _ in _TAIL_CMP)  # endswith: the first tail of _TAIL_CMP that ends a unit
_TAIL = dict(_TAIL_CMP)


def _split_unit(unit: str) -> tuple[str, str | None]:
    """``unit`` (normalized) without "(...)", and the comparison written as its tail."""
    u = unit.strip("()")
    tail = _TAILS.endswith(u)
    if tail is not None:
        return u[: -len(tail)].strip("()"), _TAIL[tail]
    return u, None


def _make_target(tp: Any) -> Target:
    kind = tp.kind
    if kind == "number" and _DATE_UNIT_RE.match(u := norm(tp.unit)):
        t = _DATE_TARGET
    elif kind == "number":
        unit, tail_cmp = _split_unit(u)
        cmp = tp.comparison or tail_cmp
        t = Target(tp.number, cmp, cmp is not None, unit, None)
    elif kind == "text":
        w = norm(tp.word or tp.raw)
        m = _HEAD_RE.match(w)
        if m is not None:  # "不低于95%": a quantity with its direction in words
            unit, _tail = _split_unit(norm(m.group(3)))
            t = Target(Decimal(m.group(2)), _HEAD[m.group(1)], True, unit, None)
        else:
            t = Target(None, tp.comparison, tp.comparison is not None, "", w)
    else:
        t = _EMPTY_TARGET
    if len(_TARGETS) > 1 << 16:
        _TARGETS.clear()
    _TARGETS[tp.raw] = t
    return t


_TARGETS: dict[str, Target] = {}


def target_of(ind: Any) -> Target:
    """The :class:`Target` of a row (cached by the printed cell)."""
    tp = ind.target_parsed
    return _TARGETS.get(tp.raw) or _make_target(tp)


def _percent_units(rb: Any) -> frozenset[str]:
    canon = rb.unit_canonical
    pct = canon.get("%", "%")
    return frozenset({"%"} | {norm(u) for u, c in canon.items() if c == pct})


percent_units = PerRun(_percent_units)  # rulebook -> spellings of "%" in its unit table (normalized)

_NAMES: dict[str, tuple[str, str]] = {}


def _name_info(name: str) -> tuple[str, str]:
    if len(_NAMES) > 1 << 16:
        _NAMES.clear()
    n = norm(name)
    # name_key(name); most names are letters only (\W is "not alphanumeric, not _", as for isalnum)
    v = _NAMES[name] = (n, n if n.isalnum() else _NONWORD_RE.sub("", n))
    return v


_L1 = frozenset(LEVEL1_NAMES)
_L2 = frozenset(LEVEL2_NAMES)
_LEVEL1_OF: dict[str, tuple[str, ...]] = {
    l2: tuple(l1 for l1, l2s in LEVEL2_BY_LEVEL1.items() if l2 in l2s) for l2 in LEVEL2_NAMES}
_LEVEL1S_OF = {l2: frozenset(l1s) for l2, l1s in _LEVEL1_OF.items()}


class Facts:
    """Per-form derived values shared by the JX5xx checks, computed in one
    pass (``ctx.memo``): normalized names, targets, and the rows each check
    looks at, so that a check on a clean form costs a list test."""

    __slots__ = ("names", "keys", "targets", "unsigned", "unitless", "pct", "pct_over", "pct_ge100", "ge",
                 "words", "level1s", "bad_pairs")

    def __init__(self, ctx: FormContext):
        pu = percent_units(ctx.rb)
        self.names = names = []
        self.keys = keys = []
        self.targets = targets = []
        self.unsigned = unsigned = []  # quantitative, no direction
        self.unitless = unitless = []
        self.pct = pct = []  # target in %
        self.pct_over = pct_over = []  # ... above 100
        self.pct_ge100 = pct_ge100 = []  # ... ≥100 / >100
        self.ge = ge = []  # quantitative floor (≥, >)
        self.words = words = []  # qualitative target
        self.bad_pairs = bad = []  # level 2 outside its level 1
        self.level1s = l1s = set()
        targets_get, names_get = _TARGETS.get, _NAMES.get
        l1 = l2 = ok = _UNSET
        for i, ind in enumerate(ctx.indicators):
            nm = names_get(ind.name) or _name_info(ind.name)
            names.append(nm[0])
            keys.append(nm[1])
            tp = ind.target_parsed
            t = targets_get(tp.raw) or _make_target(tp)
            targets.append(t)
            if t.number is not None:
                if t.plain:  # the usual quantity: only "%" and a floor to look at
                    if t.unit in pu:
                        pct.append(i)
                else:
                    if not t.signed:
                        unsigned.append(i)
                    if not t.unit:
                        unitless.append(i)
                    elif t.unit in pu:
                        pct.append(i)
                        if t.over100:
                            pct_over.append(i)
                        elif t.ge100:
                            pct_ge100.append(i)
                if t.ge:
                    ge.append(i)
            elif t.word is not None:
                words.append(i)
            # The rows of a block share its levels: judged once per block.
            if ind.level1 != l1 or ind.level2 != l2:
                l1, l2 = ind.level1, ind.level2
                l1s.add(l1)
                ok = _LEVEL1S_OF.get(l2)
                ok = ok is None or l1 in ok or l1 not in _L1
            if not ok:
                bad.append(i)


_UNSET = object()  # Facts: no block yet


_FACTS = "design.facts"  # the key of Facts in ctx.memoized


def facts(ctx: FormContext) -> Facts:
    """The form's :class:`Facts`. The checks look in ``ctx.memoized`` first
    (``ctx.memoized.get(_FACTS) or facts(ctx)``: a Facts is true): a dict
    look-up instead of a call, a dozen checks a form."""
    fx = ctx.memoized.get(_FACTS)
    return fx if fx is not None else ctx.memo(_FACTS, Facts, ctx)


# ---------------------------------------------------------------------------
# JX501-JX507: the target value


@check("JX501", "target-without-comparison", title="定量指标值没有比较符号", severity="warning",
       category="design", basis="财预〔2020〕10号 自评表“年度指标值”；domain.md §4.7",
       hint="在指标值前写明方向：下限用“≥”，上限用“≤”，定值用“=”，如“≥95%”“≤2小时”“=30人”。")
def target_without_comparison(ctx: FormContext, s):
    """A quantitative target printed as a bare number (``30(人)``), with no
    ≥ / ≤ / = and no direction in words (以上, 以内, 不低于 …).

    Why: without a direction the target does not say whether 30 is a floor,
    a ceiling or an exact figure, so the score depends on a reader's guess
    (the rulebook's ``no_comparison`` default).

    Fails: 居家养老服务人数 ``1200(人)``.
    Passes: ``≥1200(人)``; ``95%以上``; ``不低于95%``; a bare ``0`` (only "=0" makes sense);
    a date ``2024年12月底前`` (a deadline, not a quantity).

    Settings: ``skip_zero`` (default true).
    Limits: looks at the target only; an actual without a sign is normal.
    """
    fx = ctx.memoized.get(_FACTS) or facts(ctx)
    if not fx.unsigned:
        return
    return _target_without_comparison_rest(ctx, s, fx)


def _target_without_comparison_rest(ctx, s, fx):
    """The hits of :func:`target_without_comparison` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i in fx.unsigned:
        t = fx.targets[i]
        if s.skip_zero and t.number == _ZERO:
            continue
        ind = ctx.indicators[i]
        yield Hit(f"indicators[{i}].target",
                  f"“{ind.name}”的指标值“{ind.target}”没有比较符号（≥、≤、=），看不出{fmt(t.number)}是下限、上限还是定值",
                  {"name": ind.name, "target": ind.target})


_unitless_names = PerRun(lambda s: NameCache(Words(s.unitless_names).endswith))


@check("JX502", "target-without-unit", title="定量指标值没有计量单位", severity="warning",
       category="design", basis="复核实务；domain.md §4.7",
       hint="写明计量单位，如“个”“人次”“%”“小时”“万元”。")
def target_without_unit(ctx: FormContext, s):
    """A quantitative target with no unit (``≥95``, ``=30``).

    Why: 95 what: percent, points, people? Without a unit the target cannot
    be compared with the actual value and the score cannot be checked.

    Fails: 服务质量抽查合格率 ``≥95``.
    Passes: ``≥95(%)``; ``=0`` (zero needs no unit, with the default setting);
    投入产出比 ``≥1.5`` (a ratio, index or score has no unit).

    Settings: ``skip_zero`` (default true), ``unitless_names`` (name endings
    whose values have no unit: 比, 系数, 指数 …).
    Limits: a unit printed in a separate column is seen only if the reader
    joined it to the value.
    """
    fx = ctx.memoized.get(_FACTS) or facts(ctx)
    if not fx.unitless:
        return
    ratio = _unitless_names(s)
    return _target_without_unit_rest(ctx, s, fx, ratio)


def _target_without_unit_rest(ctx, s, fx, ratio):
    """The hits of :func:`target_without_unit` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i in fx.unitless:
        t = fx.targets[i]
        if (s.skip_zero and t.number == _ZERO) or ratio[fx.names[i]]:
            continue
        ind = ctx.indicators[i]
        yield Hit(f"indicators[{i}].target", f"“{ind.name}”的指标值“{ind.target}”没有计量单位",
                  {"name": ind.name, "target": ind.target, "number": t.number})


def _build_count(s: Any) -> NameCache:
    suffixes, exempt = Words(s.count_suffixes), Words(s.exempt_suffixes)
    return NameCache(lambda name: None if exempt.endswith(name) else suffixes.endswith(name))


_count = PerRun(_build_count)  # name -> count suffix (None: not a count), per JX504's settings


@check("JX503", "percent-over-100", title="百分比指标值超过100%", severity="warning",
       category="design", basis="domain.md §4.7",
       hint="比率不能超过100%：核对是否把数量写成了百分比，或改用正确的口径。")
def percent_over_100(ctx: FormContext, s):
    """A target in % above 100 (``=309.00(%)``), except growth-type names (增长率, 同比 …).

    Why: a share or a rate cannot pass 100%; a figure like 309% is almost
    always a count typed into a % cell, and the score computed on it is
    meaningless.

    Fails: 设施设备完好率 ``=120(%)``.
    Passes: ``=100(%)``; 服务人次同比增长率 ``≥120(%)`` (growth can exceed 100%).

    Settings: ``exempt_words`` (names that may exceed 100%).
    Limits: when the name is a count (JX504 reports it, and is enabled) the
    row is JX504's: the cause is the unit, one finding says both.
    """
    fx = ctx.memoized.get(_FACTS) or facts(ctx)
    if not fx.pct_over:
        return
    exempt = _exempt503(s)
    count = _count(ctx.config.settings["JX504"]) if enabled(ctx, "JX504") else None
    return _percent_over_100_rest(ctx, s, fx, exempt, count)


def _percent_over_100_rest(ctx, s, fx, exempt, count):
    """The hits of :func:`percent_over_100` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i in fx.pct_over:
        name = fx.names[i]
        if exempt.find(name) or (count is not None and count[name]):
            continue
        ind = ctx.indicators[i]
        yield Hit(f"indicators[{i}].target",
                  f"“{ind.name}”的指标值“{ind.target}”为{fmt(fx.targets[i].number)}%，百分比超过100%",
                  {"name": ind.name, "target": ind.target, "number": fx.targets[i].number})


_exempt503 = PerRun(lambda s: Words(s.exempt_words))


@check("JX504", "count-in-percent", title="数量指标的单位写成了%", severity="warning",
       category="design", basis="domain.md §4.7",
       hint="计数类指标（点位数、发生数、人数）用计数单位（个、起、人、点位），比率类指标改名为“…率”。")
def count_in_percent(ctx: FormContext, s):
    """A name that counts (ends with 数, 数量, 人次 …) with a target in %.

    Why: "摄像机点位覆盖数 309%" and "安全事故发生数 0%" mix a count with a
    rate; either the unit or the name is wrong, and the value cannot be
    compared with anything.

    Fails: 摄像机点位覆盖数 ``=309.00(%)``; 安全事故发生数 ``=0.00(%)``.
    Passes: 摄像机点位覆盖数 ``=309(个)``; 摄像机点位覆盖率 ``=100(%)``; 满意指数 ``≥90(%)``.

    Settings: ``count_suffixes``, ``exempt_suffixes`` (指数, 系数, 分数 …).
    Limits: judged from the end of the name; "覆盖数占比" style names are not counts.
    """
    fx = ctx.memoized.get(_FACTS) or facts(ctx)
    if not fx.pct:
        return
    count = _count(s)
    names = fx.names
    rows = []  # usually none, and then no generator
    for i in fx.pct:
        if count[names[i]] is not None:
            rows.append(i)
    if not rows:
        return
    return _count_in_percent_rest(ctx, s, fx, count, rows)


def _count_in_percent_rest(ctx, s, fx, count, rows):
    """The hits of :func:`count_in_percent` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i in rows:
        suffix = count[fx.names[i]]
        ind = ctx.indicators[i]
        t = fx.targets[i]
        extra = f"，且{fmt(t.number)}%超过100%" if t.over100 else ""
        yield Hit(f"indicators[{i}].target",
                  f"“{ind.name}”是计数指标（以“{suffix}”结尾），指标值“{ind.target}”却以%为单位{extra}",
                  {"name": ind.name, "target": ind.target, "suffix": suffix, "number": t.number,
                   "over_100": t.over100})


_exempt505 = PerRun(lambda s: Words(s.exempt_words))


@check("JX505", "ge-100-percent", title="指标值为“≥100%”", severity="warning",
       category="design", basis="domain.md §4.7",
       hint="百分比最多为100%：写为“=100%”，或设定可衡量、有挑战的目标（如“≥98%”）。")
def ge_100_percent(ctx: FormContext, s):
    """A percentage target ``≥100%`` (or ``>100%``, ``100%以上``).

    Why: a rate cannot exceed 100%, so "at least 100%" can only be met
    exactly; the sign pretends to a direction the target does not have (and
    "> 100%" cannot be met at all).

    Fails: 交通设施完好率 ``≥100.00(%)``.
    Passes: ``=100.00(%)``; ``≥98(%)``; 收入增长率 ``≥100(%)`` (growth, exempt).

    Settings: ``exempt_words``.
    Limits: above 100 is JX503's.
    """
    fx = ctx.memoized.get(_FACTS) or facts(ctx)
    if not fx.pct_ge100:
        return
    exempt = _exempt505(s)
    return _ge_100_percent_rest(ctx, s, fx, exempt)


def _ge_100_percent_rest(ctx, s, fx, exempt):
    """The hits of :func:`ge_100_percent` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i in fx.pct_ge100:
        if exempt.find(fx.names[i]):
            continue
        ind = ctx.indicators[i]
        cmp = fx.targets[i].cmp
        yield Hit(f"indicators[{i}].target",
                  f"“{ind.name}”的指标值“{ind.target}”：百分比最多为100%，“{cmp}100%”无法超额，实际等同于“=100%”",
                  {"name": ind.name, "target": ind.target, "comparison": cmp})


_cost = PerRun(lambda s: (frozenset(s.cost_levels), NameCache(Words(s.cost_words).find),
                          NameCache(Words(s.money_unit_words).find), NameCache(Words(s.exempt_words).find)))


@check("JX506", "cost-with-lower-bound", title="成本指标用了“≥”", severity="warning",
       category="design", basis="domain.md §4.7；财预〔2020〕10号 反向指标计分",
       hint="成本是反向指标，应写上限，如“≤800元/人”；要鼓励节约时写“成本节约率≥5%”。")
def cost_with_lower_bound(ctx: FormContext, s):
    """A cost indicator whose target is a floor (≥ or >): under a cost block
    (成本指标 / 经济成本指标 …) with a money unit or a cost word, or anywhere
    with a cost word (成本, 单价, 造价 …) and a money unit (元, 万元).

    Why: a cost target is a ceiling; "≥800元" rewards spending more and
    scores the row as if overspending were an achievement.

    Fails: 人均服务成本 ``≥800(元)``.
    Passes: ``≤800(元)``; 成本节约率 ``≥5(%)`` (节约: exempt); 带动投资额 ``≥500(万元)`` (not a cost).

    Settings: ``cost_levels``, ``cost_words``, ``money_unit_words``, ``exempt_words``.
    Limits: keyword matching on the name and unit.
    """
    fx = ctx.memoized.get(_FACTS) or facts(ctx)
    if not fx.ge:
        return
    levels, cost_words, money, exempt = _cost(s)
    inds, names, targets = ctx.indicators, fx.names, fx.targets
    rows = []  # (row, cost word): usually none, and then no generator
    for i in fx.ge:
        ind = inds[i]
        name = names[i]
        in_block = ind.level2 in levels or ind.level1 in levels
        word = cost_words[name]
        if not (in_block or word):
            continue
        is_money = money[targets[i].unit] is not None
        if not ((in_block and (is_money or word)) or (word and is_money)) or exempt[name]:
            continue
        rows.append((i, word))
    if not rows:
        return
    return _cost_with_lower_bound_rest(ctx, s, fx, rows)


def _cost_with_lower_bound_rest(ctx, s, fx, rows):
    """The hits of :func:`cost_with_lower_bound` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i, word in rows:
        ind = ctx.indicators[i]
        t = fx.targets[i]
        yield Hit(f"indicators[{i}].target",
                  f"“{ind.name}”是成本指标，指标值“{ind.target}”却用“{t.cmp}”：成本应设上限（≤）",
                  {"name": ind.name, "target": ind.target, "level2": ind.level2, "cost_word": word})


_payment = PerRun(lambda s: (frozenset(s.level2), NameCache(Words(s.payment_words).find)))


@check("JX507", "payment-as-output", title="资金拨付或预算执行被当作数量指标", severity="warning",
       category="design", basis="domain.md §4.4、§4.7；复核实务",
       hint="预算执行已由执行率计分；数量指标应写项目提供的产品或服务（如“维护点位数”“服务人次”）。")
def payment_as_output(ctx: FormContext, s):
    """A 数量指标 row that measures paying out the money (拨付, 支付, 尾款,
    应付尽付, 执行率, 资金到位 …).

    Why: paying the contractor is budget execution, already scored by the
    execution rate; as an output it earns the points twice and says nothing
    about what the project delivered. It is how low-spending projects still
    show every output met.

    Fails: 数量指标 尾款支付率 ``=100.00(%)``; 区内扣资金拨付完成率.
    Passes: 时效指标 资金拨付及时率 (not an output quantity); 数量指标 监控视频维护覆盖数.

    Settings: ``level2`` (blocks where payment is not an output, default 数量指标), ``payment_words``.
    Limits: keyword matching; a subsidy project whose output is the money
    reaching people (补贴发放人数) does not use these words and passes.
    """
    levels, find = _payment(s)
    names = None
    for i, ind in enumerate(ctx.indicators):
        if ind.level2 not in levels:
            continue
        if names is None:
            names = (ctx.memoized.get(_FACTS) or facts(ctx)).names
        w = find[names[i]]
        if w is None:
            continue
        yield Hit(f"indicators[{i}].name",
                  f"“{ind.name}”衡量的是资金支付（含“{w}”），却放在{ind.level1}·{ind.level2}下："
                  f"资金拨付、支付属于预算执行（已由执行率计分），不是项目产出",
                  {"name": ind.name, "level2": ind.level2, "word": w, "target": ind.target})


# ---------------------------------------------------------------------------
# JX508-JX510, JX514: where rows sit in the framework


_NEVER = re.compile(r"(?!)")  # matches nothing: an empty keyword table


class _PlacementRule:
    __slots__ = ("label", "words", "unless", "has_word", "has_unless", "allowed", "suggest", "blocks")

    def __init__(self, d: dict):
        self.label = d["label"]
        self.words = Words(d["words"])
        self.unless = Words(d.get("unless", ()))
        # Words.find(name) is not None, without its call and group().
        self.has_word = (self.words._rx or _NEVER).search
        self.has_unless = (self.unless._rx or _NEVER).search
        self.allowed = frozenset(d["allowed"])
        self.suggest = d.get("suggest") or "、".join(d["allowed"])
        # Level-1 blocks holding every allowed level 2 (a rule that points at one block).
        l1s = {l1 for l2 in self.allowed for l1 in _LEVEL1_OF.get(l2, ())}
        self.blocks = tuple(l1 for l1 in l1s if all(l1 in _LEVEL1_OF.get(l2, ()) for l2 in self.allowed))


def _build_placement(s: Any) -> NameCache:
    rules = tuple(_PlacementRule(dict(r)) for r in s.rules)
    # Most names have no rule's word: one search over all the words rules them out.
    anyword = (Words(w for r in rules for w in r.words.words)._rx or _NEVER).search

    def rules_for(name: str) -> tuple[_PlacementRule, ...]:
        if anyword(name) is None:
            return ()
        return tuple([r for r in rules if r.has_word(name) and not r.has_unless(name)])

    return NameCache(rules_for)


_placement = PerRun(_build_placement)  # name -> the rules whose words it has


def misplaced(ctx: FormContext, s: Any) -> list[tuple[int, _PlacementRule, str]]:
    """Rows under an implausible level 2 per JX508's table: (row, rule, word)."""
    v = ctx.memoized.get("design.misplaced")
    return v if v is not None else ctx.memo("design.misplaced", _find_misplaced, ctx, s)


def _find_misplaced(ctx: FormContext, s: Any) -> list[tuple[int, _PlacementRule, str]]:
    rules_for = _placement(s)
    names = (ctx.memoized.get(_FACTS) or facts(ctx)).names
    inds = ctx.indicators
    out = []
    for i, rules in enumerate(map(rules_for.__getitem__, names)):  # most names match no rule
        if not rules:
            continue
        ind = inds[i]
        if ind.level2 not in _L2:
            continue
        for r in rules:
            if ind.level2 not in r.allowed:
                out.append((i, r, r.words.find(names[i]) or ""))
                break
    return out


@check("JX508", "implausible-level2", title="指标放在了不相符的二级指标下", severity="warning",
       category="design", basis="domain.md §4.7；财预〔2020〕10号 指标框架各二级指标的含义",
       hint="把该指标移到相应的二级指标下（如投诉、安全事故放社会效益指标，满意度放服务对象满意度指标，及时性放时效指标）。")
def implausible_level2(ctx: FormContext, s):
    """A row whose name has a keyword of the table (投诉, 事故, 满意, 及时 …)
    under a level 2 that the table does not allow for it.

    Why: the level 2 says what kind of result a row is; complaints under
    生态效益指标 or satisfaction under 社会效益指标 show the block was filled
    to make up the numbers, and the row is judged against the wrong purpose.

    Fails: 生态效益指标 有责投诉发生数; 数量指标 服务响应及时率; 社会效益指标 群众满意度.
    Passes: 社会效益指标 有责投诉发生数; 社会效益指标 设施设备完好率 (no rule: common practice).

    Settings: ``rules`` (a list of {label, words, unless, allowed, suggest}).
    Limits: only framework level-2 names are judged; the first matching rule wins.
    """
    rows = misplaced(ctx, s)
    if not rows:
        return
    return _implausible_level2_rest(ctx, s, rows)


def _implausible_level2_rest(ctx, s, rows):
    """The hits of :func:`implausible_level2` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i, r, w in rows:
        ind = ctx.indicators[i]
        yield Hit(f"indicators[{i}].level2",
                  f"“{ind.name}”是{r.label}类指标（含“{w}”），放在“{ind.level2}”下不相符，应放在{r.suggest}下",
                  {"name": ind.name, "level2": ind.level2, "kind": r.label, "word": w,
                   "allowed": sorted(r.allowed)})


@check("JX509", "duplicate-indicator", title="同一指标重复设置", severity="warning",
       category="design", basis="domain.md §4.7",
       hint="删除重复的指标，或改写名称使每个指标衡量不同的内容，分值合并到保留的指标上。")
def duplicate_indicator(ctx: FormContext, s):
    """The same indicator name twice in one form (compared without spaces,
    punctuation and full-width forms). One finding per repeated name, on its
    second row.

    Why: a repeated row counts the same result twice and inflates the score.

    Fails: 有效投诉处置率 under 质量指标 and again under 社会效益指标.
    Passes: 有效投诉处置率 and 有效投诉处置及时率.

    Limits: exact match after normalizing; near-duplicates are not judged.
    """
    keys = (ctx.memoized.get(_FACTS) or facts(ctx)).keys
    if len(set(keys)) == len(keys):
        return
    seen: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        seen.setdefault(k, []).append(i)
    return _duplicate_indicator_rest(ctx, s, seen)


def _duplicate_indicator_rest(ctx, s, seen):
    """The hits of :func:`duplicate_indicator` past its early returns (a generator: built
    only for the forms that get that far)."""
    for key, rows in seen.items():
        if len(rows) < 2 or not key:
            continue
        ind = ctx.indicators[rows[1]]
        where = "、".join(f"第{r + 1}行" for r in rows)
        yield Hit(f"indicators[{rows[1]}].name",
                  f"指标“{ind.name}”出现了{len(rows)}次（{where}）",
                  {"name": ind.name, "rows": [r + 1 for r in rows],
                   "level2": [ctx.indicators[r].level2 for r in rows]})


_required = PerRun(lambda s: tuple(s.required_level1))


@check("JX510", "missing-level1", title="缺少一级指标", severity="warning",
       category="design", basis="财预〔2020〕10号 自评表指标框架；domain.md §4.7",
       hint="补设缺少的一级指标及其三级指标（效益指标写项目带来的效果，满意度指标写服务对象的满意度）。")
def missing_level1(ctx: FormContext, s):
    """A form without any row under a required level 1 (产出指标, 效益指标, 满意度指标).

    Why: the framework asks for outputs, outcomes and satisfaction; a form
    without 效益 or 满意度 scores only what was done, not what it achieved
    or how it was received.

    Fails: a form whose rows are all 产出指标 and 效益指标.
    Passes: the same form with one 满意度指标 row.

    Settings: ``required_level1``.
    Limits: a form with no rows at all is the reader's problem, not reported.
    A block whose rows are present but filed elsewhere is reported once, by
    JX514 (its level 2 under another level 1) or JX508 (a satisfaction row
    under 社会效益指标), when those are enabled.
    """
    inds = ctx.indicators
    if not inds:
        return
    fx = ctx.memoized.get(_FACTS) or facts(ctx)
    required = _required(s)
    if fx.level1s.issuperset(required):
        return
    missing = [b for b in required if b not in fx.level1s]
    elsewhere: set[str] = set()  # blocks whose rows are filed under another level 1
    if enabled(ctx, "JX514"):
        for i in fx.bad_pairs:
            elsewhere.update(_LEVEL1_OF.get(inds[i].level2, ()))
    if enabled(ctx, "JX508"):
        for _i, r, _w in misplaced(ctx, ctx.config.settings["JX508"]):
            elsewhere.update(r.blocks)
    return _missing_level1_rest(ctx, s, inds, fx, missing, elsewhere)


def _missing_level1_rest(ctx, s, inds, fx, missing, elsewhere):
    """The hits of :func:`missing_level1` past its early returns (a generator: built
    only for the forms that get that far)."""
    for block in missing:
        if block in elsewhere:
            continue
        have = "、".join(dict.fromkeys(ind.level1 for ind in inds))
        yield Hit("indicators", f"指标表缺少“{block}”一级指标（只有{have}）",
                  {"missing": block, "present": sorted(fx.level1s)})


@check("JX514", "level2-outside-level1", title="二级指标不属于其一级指标", severity="warning",
       category="design", basis="财预〔2020〕10号 及2021年共性指标框架（model/framework.py）",
       hint="按指标框架归类：数量、质量、时效、成本指标属产出指标；经济、社会、生态效益和可持续影响指标属效益指标。")
def level2_outside_level1(ctx: FormContext, s):
    """A framework level 2 under a framework level 1 it does not belong to
    (社会效益指标 under 产出指标). One finding per wrong pair, on its first row.

    Why: the level-1 weights and the review of outputs vs outcomes depend on
    the tree; a mislabelled block moves points between them.

    Fails: 产出指标 / 社会效益指标 / 有效投诉处置率.
    Passes: 效益指标 / 社会效益指标; 成本指标 / 经济成本指标 (2021 framework).

    Limits: names outside the framework (unread labels) are not judged here.
    """
    fx = ctx.memoized.get(_FACTS) or facts(ctx)
    if not fx.bad_pairs:
        return
    inds = ctx.indicators
    seen: set[tuple[str, str]] = set()
    return _level2_outside_level1_rest(ctx, s, fx, inds, seen)


def _level2_outside_level1_rest(ctx, s, fx, inds, seen):
    """The hits of :func:`level2_outside_level1` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i in fx.bad_pairs:
        ind = inds[i]
        pair = (ind.level1, ind.level2)
        if pair in seen:
            continue
        seen.add(pair)
        n = sum(1 for j in fx.bad_pairs if (inds[j].level1, inds[j].level2) == pair)
        belongs = "或".join(_LEVEL1_OF[ind.level2])
        yield Hit(f"indicators[{i}].level2",
                  f"二级指标“{ind.level2}”不属于一级指标“{ind.level1}”（应属“{belongs}”），涉及{n}个指标，如“{ind.name}”",
                  {"level1": ind.level1, "level2": ind.level2, "belongs_to": list(_LEVEL1_OF[ind.level2]),
                   "rows": n})


# ---------------------------------------------------------------------------
# JX511-JX512: qualitative targets


def _build_vague(s: Any) -> NameCache:
    vague, markers = Words(s.vague_words), Words(s.standard_markers)
    return NameCache(lambda w: None if _DIGIT_RE.search(w) or markers.find(w) else vague.find(w))


_vague = PerRun(_build_vague)  # target word -> the vague word it is built on (None: has a standard)


@check("JX511", "vague-targets", title="定性指标目标没有衡量标准", severity="info",
       category="design", basis="domain.md §4.7；复核实务",
       hint="为定性指标写明可判断的标准，如“及时”写成“≤2个工作日”，“健全”写明建立哪些制度，“提升”写明提升到多少。")
def vague_targets(ctx: FormContext, s):
    """Qualitative targets that are only a word such as 提升, 健全, 及时,
    有效保障, 促进, 推动, 加强 — no number, no standard, no reference.
    One note per form, listing the rows.

    Why: "及时" or "提升" can always be declared achieved; a reviewer cannot
    tell a met target from a missed one, which is why these rows all score
    full points.

    Fails: 人员考核及时性 ``及时``; 长效管理机制健全性 ``健全``.
    Passes: 人员考核及时性 ``≤5个工作日``; ``符合《消防设施维护保养规程》`` (a standard named).

    Settings: ``vague_words``, ``standard_markers`` (words that name a standard), ``max_listed``.
    Limits: keyword matching; a precise target phrased without digits or
    markers ("按合同约定的节点") is still listed.
    """
    fx = ctx.memoized.get(_FACTS) or facts(ctx)
    if not fx.words:
        return
    vague = _vague(s)
    targets = fx.targets
    rows = []  # a loop, not a comprehension (a call of its own) over the few qualitative rows
    for i in fx.words:
        if vague[targets[i].word] is not None:
            rows.append(i)
    if not rows:
        return
    inds = ctx.indicators
    limit = int(s.max_listed)
    n_listed = len(rows[:limit])  # a slice: a negative limit counts from the end
    listed = []
    words: dict[str, None] = {}  # the targets, once each, in order
    evidence = []
    for k, i in enumerate(rows):  # one loop, not a generator per part of the message
        ind = inds[i]
        name, target = ind.name, ind.target
        if k < n_listed:
            listed.append(f"“{name}”（{target}）")
        words[target] = None
        evidence.append({"row": i + 1, "name": name, "target": target})
    more = f"等{len(rows)}个" if len(rows) > limit else ""
    try:  # each target quoted, joined by 、 (words is not empty)
        quoted = "“" + "”、“".join(words) + "”"
    except TypeError:  # a target that is not a str (a form built without validation)
        quoted = "、".join([f"“{w}”" for w in words])
    return Hit(f"indicators[{rows[0]}].target",
               f"{len(rows)}个定性指标的目标只写了{quoted}，没有可衡量的标准：{'、'.join(listed)}{more}",
               {"rows": evidence})


class _WordRule:
    __slots__ = ("label", "targets", "name_words", "name_word")

    def __init__(self, d: dict):
        self.label = d["label"]
        self.targets = frozenset(norm(w) for w in d["targets"])
        self.name_words = Words(d["name_words"])
        self.name_word = NameCache(self.name_words.find)  # name -> its first name word (None: none)


def _build_fit(s: Any) -> dict[str, _WordRule]:
    out: dict[str, _WordRule] = {}
    for d in s.rules:
        r = _WordRule(dict(d))
        for w in r.targets:
            out.setdefault(w, r)  # the first rule naming a word wins
    return out


_fit = PerRun(_build_fit)


@check("JX512", "target-word-misfit", title="目标用语与指标名称不对应", severity="warning",
       category="design", basis="domain.md §4.7；复核实务",
       hint="目标值应回答指标名称提出的问题：能力、水平类写提升到什么程度；时效类才写“及时”（并写明时限）。")
def target_word_misfit(ctx: FormContext, s):
    """A qualitative target that is only a word that does not fit the
    indicator's name: 及时 for a name that is not about time, 健全 for a name
    that is not about a mechanism, system or institution, 安全稳定 for a name
    that is not about safety or operation.

    Why: a target copied from another row ("街面治理能力提升情况: 及时")
    measures nothing about the indicator; it is a sign the table was filled
    from a template.

    Fails: 街面治理能力提升情况 ``及时``.
    Passes: 故障响应处置及时性 ``及时``; 长效管理机制健全性 ``健全``; 系统建设完成情况 ``按时完成验收``
    (a phrase, not a template word).

    Settings: ``rules`` (a list of {label, targets, name_words}).
    Limits: only whole-cell words of the table are judged (提升, 良好 fit too
    many names to judge).
    """
    fx = ctx.memoized.get(_FACTS) or facts(ctx)
    if not fx.words:
        return
    rule_of = _fit(s)
    names, targets = fx.names, fx.targets
    rows = []  # (row, rule): usually none, and then no generator
    for i in fx.words:
        r = rule_of.get(targets[i].word or "")
        if r is not None and r.name_word[names[i]] is None:
            rows.append((i, r))
    if not rows:
        return
    return _target_word_misfit_rest(ctx, s, fx, rows)


def _target_word_misfit_rest(ctx, s, fx, rows):
    """The hits of :func:`target_word_misfit` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i, r in rows:
        w = fx.targets[i].word
        ind = ctx.indicators[i]
        yield Hit(f"indicators[{i}].target",
                  f"“{ind.name}”的目标值为“{ind.target}”，是{r.label}类用语，但指标名称不是{r.label}类（不含"
                  f"{'、'.join(r.name_words.words[:4])}等词），目标与指标不对应",
                  {"name": ind.name, "target": ind.target, "kind": r.label, "word": w})


# ---------------------------------------------------------------------------
# JX513: level-1 weights


@check("JX513", "level1-weights-off-guideline", title="一级指标分值与指引不同", severity="info",
       category="design", basis="财预〔2020〕10号 自评表填表说明（产出50、效益30、满意度10）；domain.md §3",
       hint="一级指标分值原则上按 产出50、效益30、满意度10 设置；确需调整的，在绩效目标中说明理由。")
def level1_weights_off_guideline(ctx: FormContext, s):
    """Level-1 weights (the sum of the 分值 of each block) that differ from
    the rulebook's guideline (``guideline.level1``: 产出50、效益30、满意度10)
    by more than ``tolerance`` points. One note per form.

    Why: the guideline is "in principle"; shifting points from outcomes to
    outputs (60/20/10) makes the total easier to earn, since outputs are
    usually counted and met.

    Fails: 产出60、效益20、满意度10.
    Passes: 产出50、效益30、满意度10.

    Severity: info, not a warning: the rule says "原则上", and 15 of the 16
    seed forms (55/25/10, 60/20/10, 65/20/5 …) differ; a warning on nearly
    every form would drown the warnings that matter. Raise it with
    ``[checks.severity] JX513 = "warning"`` where the guideline is binding.

    Settings: ``tolerance`` (points, default 0).
    Limits: not judged when a weight is missing, when the weights do not add
    up to the rulebook's ``indicators_total`` (the arithmetic checks report
    that), when a guideline block is missing (JX510) or when the form has a
    level 1 the guideline does not cover (e.g. the 2021 成本指标 block).
    """
    inds = ctx.indicators
    if not inds or not ctx.rb.level1_weights:
        return
    sums: dict[str, Decimal] = {}  # level 1 -> sum of its weights, in the order of the form
    # Each weight added to its block's sum in row order (the sum starts at
    # zero), the sum kept in a local while the rows stay in one block (they
    # usually do) and stored when the block ends.
    l1 = acc = _UNSET
    for ind in inds:
        w = ind.weight
        if w is None:
            return
        if ind.level1 != l1:
            if l1 is not _UNSET:
                sums[l1] = acc
            l1 = ind.level1
            acc = sums.get(l1, _ZERO)
        acc = acc + w
    sums[l1] = acc
    # The verdict (and its message) depends only on the blocks' sums, which
    # repeat across a run's forms (50/30/10, 60/20/10 …): remembered per run,
    # by the sums as printed (a Decimal's str is exact, and hashing a new
    # Decimal costs several times more than printing it).
    cache = _weights_cache(ctx.rb, s)
    vals = tuple(sums.values())
    for v in vals:
        if type(v) is not Decimal:  # not a sum of Decimals (a form built without validation)
            sig = tuple(sums.items())
            break
    else:
        sig = (tuple(sums), tuple(map(str, vals)))
    try:
        verdict = cache[sig]
    except KeyError:
        if len(cache) > 4096:
            cache.clear()
        verdict = cache[sig] = _weights_verdict(sums, ctx.rb, s)
    if verdict is not None:
        message, guide, off = verdict
        # sums is this call's own dict: the evidence takes it (the guideline and the blocks are the
        # cached verdict's, copied)
        return Hit("indicators", message, {"weights": sums, "guideline": dict(guide), "differs": list(off)})


class _RunCache:
    """A dict for one (rulebook, settings) pair; emptied when either changes."""

    __slots__ = ("key",)

    def __init__(self) -> None:
        self.key: tuple[Any, Any, dict] = (None, None, {})

    def __call__(self, rb: Any, s: Any) -> dict:
        key = self.key
        if key[0] is not rb or key[1] is not s:
            key = self.key = (rb, s, {})
        return key[2]


_weights_cache = _RunCache()


def _weights_verdict(sums: dict[str, Decimal], rb: Any, s: Any) -> tuple[str, dict, list] | None:
    """JX513's (message, guideline, blocks off) for the level-1 sums of a form, or None."""
    guide = rb.level1_weights
    if sums.keys() != guide.keys() or sum(sums.values()) != rb.indicators_total:
        return None
    off = [b for b, w in guide.items() if abs(sums[b] - w) > s.tolerance]
    if not off:
        return None
    # The sums are new Decimals: printed directly (fmt's look-up would hash them).
    have = "、".join(f"{b.removesuffix('指标')}{_plain(sums[b].normalize())}" for b in guide)
    want = "、".join(f"{b.removesuffix('指标')}{fmt(w)}" for b, w in guide.items())
    return f"一级指标分值为{have}，与指引的{want}不同（规则库 {rb.name}）", dict(guide), off
