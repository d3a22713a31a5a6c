"""score_form scores its commonest rows inline and finds the review's
RowFacts lists in the same pass; both must be what score_indicator and
RowFacts' own loop give, for odd rows too (values of the wrong type, NaN,
sNaN, infinities, missing fields, models built without validation)."""

from __future__ import annotations

import dataclasses
import random
from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from jixiao.checks.context import FormContext, Row, RowFacts, rows_of
from jixiao.model import Form, Funds, Indicator, ParsedValue, Source
from jixiao.scoring import load_rulebook, score_form, score_indicator

NATIONAL = load_rulebook("national")
SHANGHAI = load_rulebook("shanghai")
RULEBOOKS = [
    NATIONAL, SHANGHAI,
    NATIONAL.override({"indicators": {"source": "t", "equal_positive": "two_sided"}}, origin="<test>"),
    NATIONAL.override({"indicators": {"source": "t", "no_comparison": "≥", "zero_target": "not_computable"}},
                      origin="<test>"),
    NATIONAL.override({"indicators": {"source": "t", "no_comparison": "not_computable", "places": 0}},
                      origin="<test>"),
    NATIONAL.override({"qualitative": {"source": "t", "missing_score": "band_upper",
                                       "repeated_target_word": "unknown"}}, origin="<test>"),
]

_NUMS = [D("10.00"), D("10"), D("9.50"), D("12"), D("0"), D("0.00"), D("-1"), D("100"), D("95.5"), D("1E+2"),
         D("4.00"), D("7.2"), D("3")]
_ODD_NUMS = [D("NaN"), D("sNaN"), D("Infinity"), D("-Infinity"), D("1E+999999"), None, 10, 10.0, "10",
             float("nan")]
_SIGNS = ["≥", "≥", "=", "=", "≤", "<", ">", None, "≈"]
_UNITS = ["%", "人", "", " 人"]
_WORDS = ["达成指标", "部分达成", "未达成", "较好", "及时", "", None, " 达成指标 "]


def _odd(rnd: random.Random, values: list, odd: list):
    return rnd.choice(odd if rnd.random() < 0.02 else values)


def _num(rnd: random.Random):
    return rnd.choice(_ODD_NUMS if rnd.random() < 0.04 else _NUMS)


def _parsed(rnd: random.Random, kind: str | None = None):
    if rnd.random() < 0.03:
        kind = "odd"
    kind = kind or rnd.choice(["number", "number", "text", "text", "empty"])
    if kind == "number":
        n = _num(rnd)
        fields = {"raw": f"{n}", "kind": "number", "comparison": rnd.choice(_SIGNS), "number": n,
                  "unit": _odd(rnd, _UNITS, [None, 3]), "word": None}
    elif kind == "text":
        w = _odd(rnd, _WORDS, [5, b"x"])
        fields = {"raw": rnd.choice(["及时", "达成指标", "", "较好"]), "kind": "text",
                  "comparison": rnd.choice([None, None, "≥"]), "number": None, "unit": "", "word": w}
    elif kind == "empty":
        fields = {"raw": rnd.choice(["", "/", "-"]), "kind": "empty", "comparison": None, "number": None,
                  "unit": "", "word": None}
    else:
        return rnd.choice([None, "≥90%", SimpleNamespace(kind="number", comparison="≥", number=D(90), unit="%",
                                                         raw="≥90%", word=None)])
    how = rnd.random()
    if how < 0.95:
        return ParsedValue.model_construct(**fields)
    if how < 0.98:  # a field missing
        del fields[rnd.choice(list(fields))]
        return ParsedValue.model_construct(**fields)
    return SimpleNamespace(**fields)


def _row(rnd: random.Random) -> Indicator:
    kinds = rnd.choice([("number", "number")] * 6 + [("text", "text")] * 3 + [(None, None)])
    tp, ap = _parsed(rnd, kinds[0]), _parsed(rnd, kinds[1])
    if rnd.random() < 0.5 and isinstance(tp, ParsedValue) and isinstance(ap, ParsedValue) \
            and "unit" in tp.__dict__ and "unit" in ap.__dict__:
        ap.__dict__["unit"] = tp.__dict__["unit"]  # the common row: the same unit
    w = _num(rnd)
    score = rnd.choice([w, w, w, _num(rnd), _num(rnd)])
    fields = {"level1": "产出指标", "level2": "数量指标", "name": "指标", "target": "t", "actual": "a",
              "weight": w, "score": score, "deviation": "", "target_parsed": tp, "actual_parsed": ap}
    if rnd.random() < 0.01:
        del fields[rnd.choice(["weight", "score", "target_parsed", "actual_parsed"])]
    return Indicator.model_construct(**fields)


def _form(rows: list) -> Form:
    return Form(project_name="测试项目", funds=Funds(adjusted_budget=D("100.00"), executed=D("90.00"),
                                                weight=D("10.00")), indicators=[], source=Source(file="t"))


def _fields(d) -> list[str]:
    # repr: the same values with the same exponents, and NaN compares as text
    return [repr(getattr(d, f.name)) for f in dataclasses.fields(d)]


def _result(call):
    try:
        return "ok", call()
    except Exception as exc:  # noqa: BLE001 - the same error is part of the result
        return "raised", f"{type(exc).__name__}: {exc}"


def _forms(seed: int, n: int = 300):
    rnd = random.Random(seed)
    for _ in range(n):
        yield [_row(rnd) for _ in range(rnd.randint(1, 6))]


@pytest.mark.parametrize("rb", RULEBOOKS, ids=range(len(RULEBOOKS)))
def test_rows_scored_inline_are_score_indicators_results(rb):
    compared = 0
    for inds in _forms(1):
        f = _form(inds)
        f.__dict__["indicators"] = inds
        for rows in (inds, rows_of(inds)):
            got = _result(lambda: score_form(f, rb, rows))
            want = _result(lambda: [score_indicator(r, rb, i) for i, r in enumerate(rows)])
            if want[0] == "raised":
                assert got[0] == "raised"  # score_form passes score_indicator's error on
                continue
            if got[0] == "raised":
                continue  # the bookkeeping fails on odd values (a float score), as it did
            assert [_fields(d) for d in got[1].indicators] == [_fields(d) for d in want[1]]
            compared += len(rows)
    assert compared > 1000


def _own_facts(ctx: FormContext):
    """RowFacts as its own loop finds them (no row_facts from the engine)."""
    sr = dataclasses.replace(ctx.score, row_facts=None)
    own = FormContext(ctx.form, sr, ctx.rb, rows=ctx.indicators)
    return _result(lambda: RowFacts(own))


@pytest.mark.parametrize("rb", RULEBOOKS, ids=range(len(RULEBOOKS)))
def test_row_facts_from_the_engine_are_row_facts_own(rb):
    used = 0
    for inds in _forms(2):
        f = _form(inds)
        f.__dict__["indicators"] = inds
        rows = rows_of(inds)
        sr = _result(lambda: score_form(f, rb, rows))
        if sr[0] == "raised":
            continue
        ctx = FormContext(f, sr[1], rb, rows=rows)
        got = _result(lambda: RowFacts(ctx))
        want = _own_facts(ctx)
        assert got[0] == want[0], (got, want)
        if got[0] == "ok":
            g, w = got[1], want[1]
            assert (g.lost, g.above, g.signed_actual, g.exceeded) == (w.lost, w.above, w.signed_actual, w.exceeded)
        used += sr[1].row_facts is not None
    assert used > 100


def test_row_facts_are_used_only_for_the_rows_scored():
    pv = ParsedValue(raw="≥90%", kind="number", comparison="≥", number=D(90), unit="%")
    inds = [Indicator(level1="产出指标", level2="质量指标", name="合格率", target="≥90%", actual="≥90%", weight=D(10),
                      score=D(s), target_parsed=pv, actual_parsed=pv) for s in ("10", "9", "11")]
    f = _form(inds)
    f.__dict__["indicators"] = inds
    rows = rows_of(inds)
    sr = score_form(f, NATIONAL, rows)
    assert sr.row_facts is not None and sr.row_facts[0] is rows
    # a context with other rows (its own rows_of) finds its lists itself
    ctx = FormContext(f, sr, NATIONAL)
    assert ctx.indicators is not rows
    facts = RowFacts(ctx)
    assert facts.lost is not sr.row_facts[1]
    assert (facts.lost, facts.above, facts.signed_actual, facts.exceeded) == ([1], [2], [0, 1, 2], [])
    assert RowFacts(FormContext(f, sr, NATIONAL, rows=rows)).above is sr.row_facts[2]


def test_row_slots_are_the_indicator_fields_in_order():
    """rows_of unpacks a model's __dict__ values: the fields in their declared
    order (validated or model_construct'ed); a row lacking one is the model."""
    assert Row.__slots__ == tuple(Indicator.model_fields)
    full = _row(random.Random(5))
    while len(full.__dict__) != len(Row.__slots__):
        full = _row(random.Random())
    rows = rows_of([full])
    assert isinstance(rows[0], Row)
    for name in Row.__slots__:
        assert getattr(rows[0], name) is getattr(full, name)
    fields = dict(full.__dict__)
    del fields["score"]
    partial = Indicator.model_construct(**fields)
    assert "score" in partial.__dict__  # a default
    del fields["actual_parsed"]
    missing = Indicator.model_construct(**fields)
    assert rows_of([full, missing])[1] is missing


def _score_funds_by_the_formulas(executed, budget, rb, weight=None):
    """score_funds as written with scaleb and a division (the reference for its multiplications)."""
    from jixiao.scoring.engine import _ODD, _ZERO
    w = rb.funds_weight if weight is None else weight
    if executed is None or budget is None:
        return None
    try:
        if not (executed.is_finite() and budget.is_finite() and w.is_finite()) or budget <= _ZERO:
            return None
        ratio = executed / budget
        r = rb.rate_rounding
        rate = ratio.scaleb(2).quantize(r.exp, r.rounding)
        base = ratio if rb.score_from == "ratio" else rate / D(100)
        r = rb.score_rounding
        score = (w * base).quantize(r.exp, r.rounding)
        if rb.funds_cap_at_weight and score > w:
            score = w
        if score < _ZERO:
            score = _ZERO
        return ratio, rate, score
    except _ODD:
        return "odd"


_FUNDS_RULEBOOKS = RULEBOOKS[:2] + [
    NATIONAL.override({"funds": {"source": "t", "rate": {"source": "t", "mode": m, "places": p},
                                 "score": {"source": "t", "mode": m2, "places": p2, "from": f}}}, origin="<test>")
    for m, p, m2, p2, f in [("half_even", 0, "down", 3, "rate"), ("down", 4, "half_up", 0, "ratio"),
                            ("half_up", 1, "half_even", 2, "rate")]]


@pytest.mark.parametrize("rb", _FUNDS_RULEBOOKS, ids=range(len(_FUNDS_RULEBOOKS)))
def test_score_funds_is_the_formulas(rb):
    from jixiao.scoring import score_funds
    rnd = random.Random(7)
    values = [D("100.00"), D("94.60"), D("0"), D("0.00"), D("-5"), D("3"), D("7"), D("1E+20"), D("1E-20"),
              D("12345678901234567890123456.78"), D("1E+999990"), D("1E-999990"), D("9.999999999999999999999999999"),
              D("NaN"), D("sNaN"), D("Infinity"), D("0.000001"), D("2.5"), D("10"), D("20.00"), None]
    for _ in range(4000):
        e, b, w = rnd.choice(values), rnd.choice(values), rnd.choice(values + [None] * 5)
        got = score_funds(e, b, rb, w)
        want = _score_funds_by_the_formulas(e, b, rb, w)
        if want is None or want == "odd":
            assert got.score is None and got.rate is None and got.ratio is None
        else:
            assert (repr(got.ratio), repr(got.rate), repr(got.score)) == tuple(map(repr, want))


@pytest.mark.parametrize("rb", _FUNDS_RULEBOOKS, ids=range(len(_FUNDS_RULEBOOKS)))
def test_score_at_rate_is_score_funds_on_a_budget_of_100(rb):
    from jixiao.scoring import score_funds
    from jixiao.scoring.engine import score_at_rate
    rnd = random.Random(8)
    rates = [D("94.60"), D("100.00"), D("100"), D("0"), D("-3"), D("64.845"), D("99.999"), D("123.4567"),
             D("1E+30"), D("12345678901234567890123456789012.5"), D("1E-999990"), D("1E+999990"), D("NaN"),
             D("sNaN"), D("Infinity"), 94.6, "94.6", None]
    weights = [None, D(10), D("10.00"), D(20), D("0"), D("-1"), D("1E+30"), D("NaN"), D("Infinity"), 10.0]
    computed = 0
    for _ in range(3000):
        r, w = rnd.choice(rates), rnd.choice(weights)
        want = score_funds(r, D(100), rb, w).score
        assert repr(score_at_rate(r, rb, w)) == repr(want), (r, w)
        computed += want is not None
    assert computed > 500
