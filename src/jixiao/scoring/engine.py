"""The scoring engine: recompute a form's scores under a rulebook.

``score_form`` recomputes the execution rate, the budget score, every
indicator score, the total and the grade, and lists where the printed
figures differ. It never raises on odd values: what cannot be recomputed is
``None`` with a Chinese reason, and the total then falls back to the printed
score of that part (and says so in ``notes``).

The formula helpers (``execution_rate``, ``budget_score``,
``quantitative_score``, ``qualitative_score``) work on plain Decimals so that
later stages (the review checks) reuse the engine instead of re-implementing
the formulas.

Results are slotted dataclasses, not pydantic models: scoring is the hot path
(tens of thousands of forms per second on one core).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..model import Form, Funds, Indicator
from .rulebook import BAND_NAMES_ZH, Band, Rulebook

__all__ = [
    "Difference", "FundsScore", "IndicatorScore", "ScoreResult", "ScoreSet", "budget_score",
    "execution_rate", "qualitative_score", "quantitative_score", "score_form", "score_funds",
    "score_indicator",
]

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")
_INF = float("inf")
# Arithmetic on odd inputs (NaN, huge exponents, wrong types from model_construct)
# must not escape: the part becomes "not computable" instead.
_ODD = (ArithmeticError, TypeError, ValueError, AttributeError)

_REVERSE = frozenset(("≤", "<"))
_RATE_PLACES = Decimal("0.0001")  # the unrounded rate shown in a funds.rate difference


# --------------------------------------------------------------------------
# Result records


@dataclass(slots=True)
class ScoreSet:
    """One set of figures: the printed (reported) ones or the recomputed ones."""

    rate: Decimal | None
    budget_score: Decimal | None
    indicator_scores: list[Decimal | None]
    total: Decimal | None
    grade: str | None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "rate": _num(self.rate),
            "budget_score": _num(self.budget_score),
            "indicator_scores": [_num(s) for s in self.indicator_scores],
            "total": _num(self.total),
            "grade": self.grade,
        }


@dataclass(slots=True)
class Difference:
    """A printed figure that differs from the recomputed one at the printed precision."""

    field: str  # funds.rate, funds.score, funds.weight, indicators[3].score, total, grade
    reported: Decimal | str | None
    recomputed: Decimal | str | None
    rule: str  # the rulebook key / rule that produced the recomputed value
    message: str  # Chinese, naming both values

    def to_json_dict(self) -> dict[str, Any]:
        return {"field": self.field, "reported": _val(self.reported), "recomputed": _val(self.recomputed),
                "rule": self.rule, "message": self.message}


@dataclass(slots=True)
class FundsScore:
    """Detail of the funds block: what was divided by what, and why not, if not."""

    executed: Decimal | None
    budget: Decimal | None  # the base the rulebook names (全年预算数 by default)
    weight: Decimal
    ratio: Decimal | None  # executed / budget, unrounded
    rate: Decimal | None  # percent, rounded per funds.rate
    score: Decimal | None  # rounded per funds.score, capped
    reason: str | None = None  # Chinese, when not computable


@dataclass(slots=True)
class IndicatorScore:
    """How one indicator row was (or could not be) recomputed.

    ``rule``: positive | reverse | zero | two_sided | qualitative | not_computable.
    """

    index: int
    rule: str
    score: Decimal | None  # recomputed; None when not computable
    weight: Decimal | None
    reported: Decimal | None
    met: bool | None = None  # quantitative: target met (strict reading of the sign)
    comparison: str | None = None  # the sign applied (after no_comparison)
    target: Decimal | None = None
    actual: Decimal | None = None
    formula: str | None = None  # reverse: ratio | linear
    band: str | None = None  # qualitative: achieved | partial | not_achieved
    band_range: tuple[Decimal, Decimal] | None = None  # qualitative: points (low, high)
    in_band: bool | None = None  # qualitative: reported score inside its band
    reason: str | None = None  # Chinese: why not computable

    @property
    def computable(self) -> bool:
        return self.score is not None

    @property
    def ratio(self) -> Decimal | None:
        """actual / target for quantitative rows (for over-achievement checks)."""
        t, a = self.target, self.actual
        if t is None or a is None or not t:
            return None
        try:
            return a / t
        except _ODD:
            return None

    def explain(self) -> str:
        """Chinese explanation of the recomputed value."""
        return _explain(self)


@dataclass(slots=True)
class ScoreResult:
    project_name: str
    rulebook: str
    reported: ScoreSet
    recomputed: ScoreSet
    differences: list[Difference]
    indicators: list[IndicatorScore]
    funds: FundsScore
    cap: Decimal | None = None  # total cap applied by execution rate, if any
    notes: list[str] = field(default_factory=list)  # Chinese: fallbacks and reasons
    # The indicator parts of the total (unrounded) when every row was
    # recomputed and each part equals the row's printed score, a Decimal, by
    # value: the sum of the printed scores by value; else None. The review
    # tests the printed addition (JX105) with it instead of adding the scores
    # again.
    indicators_sum: Decimal | None = field(default=None, repr=False, compare=False)
    # What the review's RowFacts lists, found while scoring: (the rows scored,
    # lost, above, signed_actual, exceeded); see checks.context.RowFacts.
    # None when an actual could not be read from its model's __dict__.
    row_facts: tuple[Any, list[int], list[int], list[int], list[int]] | None = field(
        default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.differences

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "project_name": self.project_name,
            "rulebook": self.rulebook,
            "reported": self.reported.to_json_dict(),
            "recomputed": self.recomputed.to_json_dict(),
            "differences": [d.to_json_dict() for d in self.differences],
            "notes": list(self.notes),
        }


def _num(d: Decimal | None) -> float | None:
    # JSON has no NaN or infinity: a value that is not a finite number is null.
    if d is None or not d.is_finite():
        return None
    f = float(d)
    return f if f not in (_INF, -_INF) else None


def _val(v: Decimal | str | None) -> float | str | None:
    return _num(v) if isinstance(v, Decimal) else v


def fixed(d: Any) -> str:
    """``format(d, "f")``, faster: for a Decimal that ``str()`` prints without
    exponent (every finite value read from a form), ``str()`` gives the same
    text at a third of the cost of the format-spec machinery."""
    if type(d) is Decimal:
        s = str(d)
        if "E" not in s and s[-1].isdigit():  # not 1E+2, NaN, Infinity
            return s
    return format(d, "f")


# Decimals in messages are written ``{x!s}``: for a Decimal ``format(x, "")``
# is ``str(x)``, and ``!s`` skips the format-spec machinery.


# A Decimal without exponent; values read from a form keep their printed places.
_fmt = fixed  # the function itself: no call in between


def _short(d: Decimal) -> str:
    """A computed Decimal without needless trailing zeros (0.8 x 5.00 = 4.000 -> 4)."""
    s = fixed(d)
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


# --------------------------------------------------------------------------
# Formula helpers on Decimals


def score_funds(executed: Decimal | None, budget: Decimal | None, rb: Rulebook,
                weight: Decimal | None = None) -> FundsScore:
    """Execution rate and budget score of the funds block, with the reason when not computable."""
    w = rb.funds_weight if weight is None else weight
    if executed is None or budget is None:
        which = "全年执行数" if executed is None else _budget_label(rb)
        return FundsScore(executed, budget, w, None, None, None, f"{which}缺失，无法计算执行率")
    try:
        if not (executed.is_finite() and budget.is_finite() and w.is_finite()):
            return FundsScore(executed, budget, w, None, None, None, "资金数不是有限数值")
        if budget <= _ZERO:
            return FundsScore(executed, budget, w, None, None, None,
                              f"{_budget_label(rb)}为 {_fmt(budget)}，无法计算执行率")
        ratio = executed / budget
        rate, score = _rate_and_score(ratio, w, rb)
        return FundsScore(executed, budget, w, ratio, rate, score)
    except _ODD:
        return FundsScore(executed, budget, w, None, None, None, "资金数无法计算")


def _rate_and_score(ratio: Decimal, w: Decimal, rb: Rulebook) -> tuple[Decimal, Decimal]:
    """The funds formula, in one place: the rate in percent (rounded per
    funds.rate) and the budget score (rounded per funds.score, capped) of
    ``ratio`` = executed / budget. Rounding.apply without the method call;
    ratio × 100 and rate × 0.01 are the values of ratio.scaleb(2) and
    rate / 100 (exact: only trailing zeros differ), which the quantize fixes;
    a multiplication costs about half of either."""
    r = rb.rate_rounding
    rate = (ratio * _HUNDRED).quantize(r.exp, r.rounding)
    base = ratio if rb.score_from == "ratio" else rate * _CENT
    r = rb.score_rounding
    score = (w * base).quantize(r.exp, r.rounding)
    if rb.funds_cap_at_weight and score > w:
        score = w
    if score < _ZERO:
        score = _ZERO
    return rate, score


def score_at_rate(rate: Decimal | None, rb: Rulebook, weight: Decimal | None = None) -> Decimal | None:
    """The budget score at an execution rate in percent: ``score_funds(rate,
    100, rb, weight).score``, the same steps without the FundsScore (the
    review asks it of every form whose printed rate is wrong). 100 is a
    finite budget above 0, so only its tests go; rate × 0.01 is the value of
    rate / 100."""
    w = rb.funds_weight if weight is None else weight
    if rate is None:
        return None
    try:
        if not (rate.is_finite() and w.is_finite()):
            return None
        return _rate_and_score(rate * _CENT, w, rb)[1]
    except _ODD:
        return None


def execution_rate(executed: Decimal | None, budget: Decimal | None, rb: Rulebook) -> Decimal | None:
    """执行率 in percent, rounded per the rulebook; None when not computable."""
    return score_funds(executed, budget, rb).rate


def budget_score(executed: Decimal | None, budget: Decimal | None, rb: Rulebook,
                 weight: Decimal | None = None) -> Decimal | None:
    """预算执行得分, rounded and capped per the rulebook; None when not computable."""
    return score_funds(executed, budget, rb, weight).score


def _budget_label(rb: Rulebook) -> str:
    return "全年预算数" if rb.budget_base == "adjusted" else "年初预算数"


_new = object.__new__


def _scored(index: int, rule: str, score: Decimal, weight: Decimal, reported: Decimal | None, met: bool | None,
            comparison: str | None, target: Decimal | None, actual: Decimal | None, formula: str | None,
            band: str | None, band_range: tuple[Decimal, Decimal] | None, in_band: bool | None) -> IndicatorScore:
    """``IndicatorScore(...)`` of a computed row (``reason`` None), made without
    the class call: score_form makes one per row, and calling the class (type
    call, then the generated ``__init__`` with its defaults) costs more than
    the fourteen stores themselves."""
    d = _new(IndicatorScore)
    d.index = index
    d.rule = rule
    d.score = score
    d.weight = weight
    d.reported = reported
    d.met = met
    d.comparison = comparison
    d.target = target
    d.actual = actual
    d.formula = formula
    d.band = band
    d.band_range = band_range
    d.in_band = in_band
    d.reason = None
    return d


def _not_computable(index: int, weight: Decimal | None, reported: Decimal | None, reason: str,
                    comparison: str | None = None, target: Decimal | None = None,
                    actual: Decimal | None = None) -> IndicatorScore:
    return IndicatorScore(index, "not_computable", None, weight, reported, None, comparison, target, actual,
                          reason=reason)


def quantitative_score(weight: Decimal | None, comparison: str | None, target: Decimal | None,
                       actual: Decimal | None, rb: Rulebook, *, index: int = 0,
                       reported: Decimal | None = None) -> IndicatorScore:
    """Score of a quantitative row from Decimals (``.score`` is None when not computable)."""
    return _quantitative(weight, comparison, target, actual, rb, index, reported)


def _quantitative(weight: Decimal | None, comparison: str | None, target: Decimal | None,
                  actual: Decimal | None, rb: Rulebook, index: int,
                  reported: Decimal | None) -> IndicatorScore:
    # quantitative_score with positional arguments: score_form calls it for
    # every row, and keyword arguments cost a little on each call.
    if weight is None:
        return _not_computable(index, weight, reported, "分值缺失", comparison, target, actual)
    if target is None or actual is None:
        return _not_computable(index, weight, reported, "目标值或实际值缺失", comparison, target, actual)
    cmp = comparison
    if cmp is None:
        cmp = rb.no_comparison
        if cmp == "not_computable":
            return _not_computable(index, weight, reported, "年度指标值没有比较符号（=、≥、≤），无法判断方向",
                                   None, target, actual)
    try:
        if not (weight.is_finite() and target.is_finite() and actual.is_finite()):
            return _not_computable(index, weight, reported, "数值不是有限数", cmp, target, actual)
        # Comparisons with the Decimal _ZERO, not the int 0: the same result,
        # without converting the int on every row.
        if weight < _ZERO:
            return _not_computable(index, weight, reported, "分值为负数", cmp, target, actual)
        if target < _ZERO:
            return _not_computable(index, weight, reported, "目标值为负数，无法按比例计分", cmp, target, actual)
        zero_target = not target  # a finite Decimal here: true only for zero
        two_sided = cmp == "=" and not zero_target and rb.equal_positive == "two_sided"
        if two_sided:
            met = actual == target
        elif cmp == "≥":  # the common signs, without a call
            met = actual >= target
        elif cmp == "=":  # as _met: a zero target must be hit exactly
            met = actual == target if zero_target else actual >= target
        else:
            met = _met(cmp, target, actual)
        formula = None
        if zero_target:
            if rb.zero_target == "not_computable":
                return _not_computable(index, weight, reported, "目标值为 0，规则库未规定计分方法",
                                       cmp, target, actual)
            rule = "zero"
            raw = weight if met else _ZERO
        elif met:
            rule = "reverse" if cmp in _REVERSE else ("two_sided" if two_sided else "positive")
            raw = weight
        elif cmp in _REVERSE:
            rule = "reverse"
            formula = rb.reverse_formula
            if formula == "ratio":
                raw = weight * target / actual  # actual > target > 0 here
            else:
                raw = weight * (2 * target - actual) / target
        elif two_sided:
            rule = "two_sided"
            raw = weight * (target - abs(actual - target)) / target
        else:
            rule = "positive"
            raw = weight * actual / target
        # Full points are the weight as printed, whatever the rounding places
        # (the weight is >= 0, so no clamping: the common case). ``raw is
        # weight`` (target met) needs no comparison: the weight is finite.
        if raw is weight or raw >= weight:
            score = weight
        else:
            score = rb.indicator_rounding.apply(raw)
            # No formula exceeds the weight (each factor is <= 1 once missed), but
            # rounding can (5.5 of 5.6 to integers -> 6), and a negative actual can
            # push "positive" below 0.
            if score < _ZERO:
                score = _ZERO
            elif score > weight:
                score = weight
        return _scored(index, rule, score, weight, reported, met, cmp, target, actual, formula, None, None, None)
    except _ODD:
        return _not_computable(index, weight, reported, "数值无法计算", cmp, target, actual)


def _met(cmp: str, t: Decimal, a: Decimal) -> bool:
    if cmp == "≥":
        return a >= t
    if cmp == ">":
        return a > t
    if cmp == "≤":
        return a <= t
    if cmp == "<":
        return a < t
    # "=": a zero target must be hit exactly; a positive one reads as "≥".
    return a == t if t == 0 else a >= t


def _band_edge(band: Band, weight: Decimal, rb: Rulebook, upper: bool) -> Decimal:
    """The printable score inside the band nearest to its upper or lower edge.

    Rounded inward (floor at the top, ceiling at the bottom) so the result
    stays in the band; an open upper edge is excluded. A band too narrow to
    hold any printable value (tiny weights) gives the exact edge instead.
    """
    r = rb.indicator_rounding
    lo, hi = band.lo * weight, band.hi * weight
    top = r.floor(hi)
    if band.hi_open and top >= hi:
        top -= r.exp
    bottom = r.ceiling(lo)
    if bottom > top:
        return hi if upper else lo
    return top if upper else bottom


def qualitative_score(weight: Decimal | None, band: str | None, reported: Decimal | None, rb: Rulebook,
                      *, index: int = 0, word: str | None = None) -> IndicatorScore:
    """Score of a qualitative row whose actual word falls in ``band``.

    The exact score inside a band is the filler's judgement, so: a reported
    score inside the band is accepted as is; one outside is moved to the
    nearest printable value inside the band (a difference); no reported score
    follows ``qualitative.missing_score``.
    """
    return _qualitative(weight, band, reported, rb, index, word)


def _qualitative(weight: Decimal | None, band: str | None, reported: Decimal | None, rb: Rulebook,
                 index: int, word: str | None) -> IndicatorScore:
    # qualitative_score with positional arguments (score_form calls it per row)
    if band is None:
        shown = f"「{word}」" if word else ""
        return _not_computable(index, weight, reported,
                               f"实际完成值{shown}不是可识别的达成情况用语，无法确定档次")
    if weight is None:
        return _not_computable(index, weight, reported, "分值缺失")
    try:
        if not weight.is_finite() or weight < _ZERO:
            return _not_computable(index, weight, reported, "分值不是有效的非负数")
        b = rb.bands[band]
        lo, hi = b.lo * weight, b.hi * weight
        rng = (lo, hi)
        if reported is not None and not reported.is_finite():
            res = _not_computable(index, weight, reported, "填报得分不是有效数值")
            res.band, res.band_range = band, rng
            return res
        if reported is None:
            how = rb.missing_qualitative_score
            if how == "not_computable":
                res = _not_computable(index, weight, reported, f"{BAND_NAMES_ZH[band]}档的得分未填报，无法复算")
                res.band, res.band_range = band, rng
                return res
            score = _band_edge(b, weight, rb, upper=how == "band_upper")
            return IndicatorScore(index, "qualitative", score, weight, reported, band=band, band_range=rng)
        # Band.contains, on the edges computed above (the same products)
        if not reported < lo and (reported < hi if b.hi_open else reported <= hi):
            return _scored(index, "qualitative", reported, weight, reported, None, None, None, None, None,
                           band, rng, True)
        score = _band_edge(b, weight, rb, upper=reported > lo)
        return IndicatorScore(index, "qualitative", score, weight, reported, band=band, band_range=rng,
                              in_band=False)
    except _ODD:
        return _not_computable(index, weight, reported, "数值无法计算")


def units_match(tu: str, au: str, rb: Rulebook) -> bool:
    """True when a target's and an actual's units are the same under the
    rulebook (its equivalences; a missing unit matches per the rulebook)."""
    if tu == au:
        return True
    if not tu or not au:
        return rb.unit_missing_matches
    canon = rb.unit_canonical
    return canon.get(tu, tu) == canon.get(au, au)


def score_indicator(ind: Indicator, rb: Rulebook, index: int = 0) -> IndicatorScore:
    """Recompute one indicator row of a form."""
    tp, ap = ind.target_parsed, ind.actual_parsed
    w, rep = ind.weight, ind.score
    try:
        # The common rows (number and number with the same unit as printed;
        # text and text) read the parsed values' fields from their __dict__:
        # an attribute of a pydantic model costs several look-ups. The steps
        # are pure, so any other row, or any error (a value built without
        # validation), takes the attribute reads below from the start.
        t, a = tp.__dict__, ap.__dict__
        tk, ak = t["kind"], a["kind"]
        if tk == "number" and ak == "number":
            tu = t["unit"]
            if type(tu) is str and tu == a["unit"]:
                return _quantitative(w, t["comparison"], t["number"], a["number"], rb, index, rep)
        elif tk == "text" and ak == "text":
            word = a["word"] or a["raw"]
            band = rb.word_band(word, t["word"] or t["raw"])
            return _qualitative(w, band, rep, rb, index, word.strip())
    except (AttributeError, KeyError, TypeError):
        pass
    tk = tp.kind
    if tk == "number":
        if ap.kind != "number":
            what = "为空" if ap.kind == "empty" else f"「{ap.raw.strip()}」不是数值"
            return _not_computable(index, w, rep, f"定量指标的实际完成值{what}，无法复算",
                                   tp.comparison, tp.number)
        tu, au = tp.unit.strip(), ap.unit.strip()
        if tu != au and not units_match(tu, au, rb):
            return _not_computable(index, w, rep, f"目标单位「{tu}」与实际单位「{au}」不一致，无法复算",
                                   tp.comparison, tp.number, ap.number)
        return _quantitative(w, tp.comparison, tp.number, ap.number, rb, index, rep)
    if tk == "text":
        if ap.kind == "number":
            return _not_computable(index, w, rep, f"定性指标的实际完成值为数值「{ap.raw.strip()}」，无法确定档次")
        if ap.kind == "empty":
            return _not_computable(index, w, rep, "实际完成值为空，无法复算")
        word = ap.word or ap.raw
        band = rb.word_band(word, tp.word or tp.raw)
        return _qualitative(w, band, rep, rb, index, word.strip())
    return _not_computable(index, w, rep, "年度指标值为空，无法复算")


# --------------------------------------------------------------------------
# The form


def score_form(form: Form, rb: Rulebook, indicators: Sequence[Any] | None = None) -> ScoreResult:
    """Recompute every score of ``form`` under ``rb`` and list the differences.

    ``indicators``: the form's rows read into objects with the same fields
    (the review's :class:`~jixiao.checks.context.Row`), when the caller has
    them: a plain attribute is cheaper to read than a model's."""
    funds: Funds = form.funds
    notes: list[str] = []
    diffs: list[Difference] = []
    q = rb.compare
    qa, qexp, qr = q.apply, q.exp, q.rounding

    base = funds.adjusted_budget if rb.budget_base == "adjusted" else funds.initial_budget
    fs = score_funds(funds.executed, base, rb)

    # Indicators
    details: list[IndicatorScore] = []
    reported_scores: list[Decimal | None] = []
    recomputed_scores: list[Decimal | None] = []
    total: Decimal | None = _ZERO
    missing_part = False
    printed = True  # each part so far equals its row's printed score (ScoreResult.indicators_sum)
    # ScoreResult.row_facts: the review's RowFacts, found in this pass
    lost: list[int] = []
    above: list[int] = []
    signed: list[int] = []
    exceeded: list[int] = []
    facts = True  # every row's actual read from its __dict__ (else no row_facts)
    eq_ge = rb.equal_positive != "two_sided"  # "=" reads as "≥" (a target above 0)
    bands, word_band = rb.bands, rb.word_band
    rows = form.indicators if indicators is None else indicators
    for i, ind in enumerate(rows):
        # score_indicator(ind, rb, i), with its commonest rows scored here (a
        # met quantitative row, a qualitative row inside its band): three
        # calls less per row. The same steps in the same order as
        # score_indicator's fast path, _quantitative and _qualitative (see
        # tests/test_scoring_inline.py); any other row, and any error on the
        # way, is scored by score_indicator from the start (the steps are
        # pure, so the result is its own).
        tp, ap = ind.target_parsed, ind.actual_parsed
        w, rep = ind.weight, ind.score
        d = a = None
        over = None  # exceeded (RowFacts): known here for the rows scored inline
        try:
            t, a = tp.__dict__, ap.__dict__
            tk, ak = t["kind"], a["kind"]
            if tk == "number" and ak == "number":
                tu = t["unit"]
                if type(tu) is str and tu == a["unit"]:
                    cmp, target, actual = t["comparison"], t["number"], a["number"]
                    # _quantitative: finite values, weight and target not
                    # negative, target not 0, "≥" (or "=" read as "≥") met
                    if ((cmp == "≥" or cmp == "=" and eq_ge) and w.is_finite() and target.is_finite()
                            and actual.is_finite() and not w < _ZERO and not target < _ZERO and target
                            and actual >= target):
                        d = _new(IndicatorScore)  # _scored(i, "positive", w, w, rep, True, cmp, target, actual, ...)
                        d.index = i
                        d.rule = "positive"
                        d.score = d.weight = w
                        d.reported = rep
                        d.met = True
                        d.comparison = cmp
                        d.target = target
                        d.actual = actual
                        d.formula = d.band = d.band_range = d.in_band = d.reason = None
                        over = actual > target
                    else:
                        d = _quantitative(w, cmp, target, actual, rb, i, rep)
            elif tk == "text" and ak == "text":
                word = a["word"] or a["raw"]
                band = word_band(word, t["word"] or t["raw"])
                # _qualitative: a known word, a finite weight not negative, a
                # finite printed score inside the band (accepted as printed)
                if band is not None and w is not None and rep is not None and w.is_finite() and not w < _ZERO:
                    b = bands[band]
                    lo, hi = b.lo * w, b.hi * w
                    if rep.is_finite() and not rep < lo and (rep < hi if b.hi_open else rep <= hi):
                        d = _new(IndicatorScore)  # _scored(i, "qualitative", rep, w, rep, None, ..., band, rng, True)
                        d.index = i
                        d.rule = "qualitative"
                        d.score = d.reported = rep
                        d.weight = w
                        d.met = d.comparison = d.target = d.actual = d.formula = d.reason = None
                        d.band = band
                        d.band_range = (lo, hi)
                        d.in_band = True
                        over = False
                if d is None:
                    d = _qualitative(w, band, rep, rb, i, word.strip())
        except (AttributeError, KeyError, TypeError, ArithmeticError, ValueError):
            d = None
        if d is None:
            d = score_indicator(ind, rb, i)
        details.append(d)
        rec = d.score
        reported_scores.append(rep)
        recomputed_scores.append(rec)
        full = False  # the printed score is a Decimal equal to the weight the engine gave in full
        if rec is None:
            printed = False
            if rep is None or not rep.is_finite():
                missing_part = True
                notes.append(f"第{i + 1}项指标「{ind.name}」：{d.reason}，且未填报得分，总分无法复算")
                part = None
            else:
                notes.append(f"第{i + 1}项指标「{ind.name}」：{d.reason}，总分按填报得分 {_fmt(rep)} 计入")
                part = rep
        else:
            part = rec
            if type(rep) is not Decimal:  # None, or a type that may not add up (float)
                printed = False
            if rep is not None:
                try:
                    # equal values need no rounding (the common case)
                    if rep != rec:
                        printed = False
                        if rep.quantize(qexp, qr) != rec.quantize(qexp, qr):
                            diffs.append(_indicator_difference(d, ind.name, q))
                    elif rec is w:
                        full = True
                except _ODD:
                    printed = False
        if part is not None:
            try:
                total += part  # type: ignore[operator]
            except _ODD:
                missing_part = True
                printed = False
                notes.append(f"第{i + 1}项指标「{ind.name}」：得分不是有效数值，总分无法复算")
        if facts:
            # RowFacts, as it would find them (the same tests, the same values:
            # ``w``, ``rep`` are the row's weight and score): full points
            # printed as a Decimal are neither lost nor above.
            try:
                if a["comparison"] is not None:  # type: ignore[index]
                    signed.append(i)
                if over is None:
                    over = d.rule == "positive" and d.actual > d.target  # type: ignore[operator]
            except (KeyError, TypeError, ArithmeticError, AttributeError):
                facts = False
            else:
                if over:
                    exceeded.append(i)
                if (full and type(rep) is Decimal and type(w) is Decimal) or rep is None or w is None:
                    pass
                elif isinstance(rep, Decimal) and isinstance(w, Decimal) and rep.is_finite() and w.is_finite():
                    if rep != w:
                        if rep < w:
                            lost.append(i)
                        else:
                            above.append(i)
                else:
                    lost.append(i)
                    above.append(i)

    ind_sum = total if printed else None

    # Funds block
    fscore = fs.score if fs.score is not None else funds.score
    if fscore is None:
        missing_part = True
        notes.insert(0, f"预算执行：{fs.reason}，且未填报得分，总分无法复算")
    else:
        if fs.score is None:
            notes.insert(0, f"预算执行：{fs.reason}，总分按填报得分 {_fmt(fscore)} 计入")
        try:
            total += fscore  # type: ignore[operator]
        except _ODD:
            missing_part = True

    # Total, cap and grade
    cap = None
    try:
        if missing_part:
            total = None
        else:
            tr = rb.total_rounding
            total = total.quantize(tr.exp, tr.rounding)  # type: ignore[union-attr]
            cap = rb.cap_for(fs.rate if fs.rate is not None else funds.rate)
            if cap is not None and total > cap:
                notes.append(f"执行率低于规定比例，总分上限为 {_short(cap)}")
                total = cap
            elif cap is not None:
                cap = None
    except _ODD:
        total = None
    grade = rb.grade_for(total)

    # The printed figures, each read once (a pydantic attribute costs several look-ups).
    f_rate, f_score, f_total, f_grade = funds.rate, funds.score, form.total, form.grade
    reported = ScoreSet(f_rate, f_score, reported_scores, f_total, f_grade)
    recomputed = ScoreSet(fs.rate, fs.score, recomputed_scores, total, grade)

    # Differences in the order of the form: funds, indicators, total, grade.
    head: list[Difference] = []
    try:  # odd printed values (sNaN, huge) must not raise here either
        fw = funds.weight
        if fw is not None and fw != rb.funds_weight:
            head.append(Difference("funds.weight", fw, rb.funds_weight, "funds.weight",
                                   f"预算执行分值：填报 {_fmt(fw)}，规则库 {rb.name} 规定 {_short(rb.funds_weight)}"))
        pair = _rounded_apart(f_rate, fs.rate, qexp, qr) if fs.ratio is not None else None
        if pair is not None:
            head.append(Difference(
                "funds.rate", f_rate, fs.rate, "funds.rate",
                f"执行率：填报 {pair[0]!s}，复算 {pair[1]!s}（{_fmt(fs.executed)}/{_fmt(fs.budget)}"  # type: ignore
                f"={_short((fs.ratio * _HUNDRED).quantize(_RATE_PLACES))}%，{rb.rate_rounding.describe_zh()}）"))
        pair = _rounded_apart(f_score, fs.score, qexp, qr)
        if pair is not None:
            src = "未取舍的执行率" if rb.score_from == "ratio" else "取舍后的执行率"
            head.append(Difference(
                "funds.score", f_score, fs.score, "funds.score",
                f"预算执行得分：填报 {pair[0]!s}，复算 {pair[1]!s}（{_fmt(fs.weight)}×{src}，"  # type: ignore
                f"{rb.score_rounding.describe_zh()}）"))
    except _ODD:
        pass
    if head:
        diffs[:0] = head
    pair = _rounded_apart(f_total, total, qexp, qr)
    if pair is not None:
        extra = f"，执行率封顶 {_short(cap)}" if cap is not None else ""
        diffs.append(Difference("total", f_total, total, "caps.by_rate" if cap is not None else "total",
                                f"总分：填报 {pair[0]!s}，复算 {pair[1]!s}（预算执行得分 + 各指标得分{extra}）"))  # type: ignore
    rg = (f_grade or "").strip() if isinstance(f_grade, str) else ""
    if grade is not None and rg and rg != grade:
        diffs.append(Difference("grade", rg, grade, "grades.bands",
                                f"评分等级：填报 {rg}，复算 {grade}（总分 {qa(total)!s}）"))  # type: ignore

    return ScoreResult(form.project_name, rb.name, reported, recomputed, diffs, details, fs, cap, notes, ind_sum,
                       (rows, lost, above, signed, exceeded) if facts else None)


def _rounded_apart(rep: Decimal | None, rec: Decimal | None, exp: Decimal,
                   rounding: str) -> tuple[Decimal, Decimal] | None:
    """(rep, rec) rounded for comparison when they differ at that precision,
    else None (also when a value is missing or odd): the message shows the
    same rounded values, so each is rounded once."""
    if rep is None or rec is None:
        return None
    try:
        a, b = rep.quantize(exp, rounding), rec.quantize(exp, rounding)
        return (a, b) if a != b else None
    except _ODD:
        return None


def _indicator_difference(d: IndicatorScore, name: str, q: Any) -> Difference:
    rule = {
        "positive": "indicators.positive", "zero": "indicators.zero_target",
        "two_sided": "indicators.equal_positive", "qualitative": f"qualitative.bands.{d.band}",
        "reverse": f"indicators.reverse_formula.{d.formula}" if d.formula else "indicators.reverse",
    }.get(d.rule, d.rule)
    msg = (f"第{d.index + 1}项指标「{name}」得分：填报 {q.apply(d.reported)!s}，复算 {q.apply(d.score)!s}"
           f"（{_explain(d)}）")
    return Difference(f"indicators[{d.index}].score", d.reported, d.score, rule, msg)


def _explain(d: IndicatorScore) -> str:
    if d.rule == "not_computable":
        return d.reason or "无法复算"
    w = _fmt(d.weight) if d.weight is not None else "?"
    if d.rule == "qualitative":
        lo, hi = d.band_range or (_ZERO, _ZERO)
        name = BAND_NAMES_ZH.get(d.band or "", d.band)
        if d.in_band is False:
            return f"定性指标属于{name}档，得分应在 {_short(lo)}–{_short(hi)} 之间，取最近的档内分值"
        return f"定性指标属于{name}档（{_short(lo)}–{_short(hi)}）"
    t = _fmt(d.target) if d.target is not None else "?"
    a = _fmt(d.actual) if d.actual is not None else "?"
    target = f"{d.comparison}{t}"
    if d.rule == "zero":
        return f"目标 {target}：实际 {a}，{'达到目标得满分' if d.met else '未达到目标得 0 分'}"
    if d.met:
        return f"实际 {a} 达到目标 {target}，应得满分 {w}"
    if d.rule == "positive":
        return f"正向指标未达到目标 {target}：{w}×{a}/{t}"
    if d.rule == "two_sided":
        return f"等值指标偏离目标 {target}：{w}×(1−|{a}−{t}|/{t})，最低 0 分"
    if d.formula == "linear":
        return f"反向指标未达到目标 {target}：{w}×(1−({a}−{t})/{t})，最低 0 分"
    return f"反向指标未达到目标 {target}：{w}×{t}/{a}"
