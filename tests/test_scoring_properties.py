"""Property tests for the scoring formulas (hypothesis)."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.model import Form, Funds, Indicator, ParsedValue, Source, parse_value
from jixiao.scoring import (
    Rulebook, budget_score, execution_rate, load_rulebook, qualitative_score, quantitative_score, score_form,
)

NATIONAL = load_rulebook("national")
SHANGHAI = load_rulebook("shanghai")
VARIANTS: list[Rulebook] = [
    NATIONAL,
    SHANGHAI,
    NATIONAL.override({"indicators": {"source": "t", "reverse_formula": "linear"}}),
    NATIONAL.override({"indicators": {"source": "t", "places": 0, "mode": "half_up"}}),
    NATIONAL.override({"indicators": {"source": "t", "places": 1, "mode": "down"},
                       "funds": {"source": "t", "weight": 20, "score": {"source": "t", "from": "rate"}}}),
    NATIONAL.override({"indicators": {"source": "t", "places": 2, "mode": "half_even"},
                       "qualitative": {"source": "t", "shared_edge": "both",
                                       "bands": {"source": "t", "partial": [50, 80], "not_achieved": [0, 50]}}}),
]

rulebooks = st.sampled_from(VARIANTS)
weights = st.decimals(min_value=0, max_value=100, places=2)
positives = st.decimals(min_value=D("0.01"), max_value=100000, places=2)
amounts = st.decimals(min_value=0, max_value=100000, places=2)
POSITIVE_SIGNS = ("≥", ">", "=")
REVERSE_SIGNS = ("≤", "<")


@given(rulebooks, weights, st.sampled_from(POSITIVE_SIGNS + REVERSE_SIGNS), amounts, amounts)
def test_indicator_score_between_zero_and_weight(rb, w, sign, target, actual):
    d = quantitative_score(w, sign, target, actual, rb)
    assert d.score is not None
    assert 0 <= d.score <= w


@given(rulebooks, weights, st.sampled_from(POSITIVE_SIGNS), positives, amounts, amounts)
def test_positive_score_non_decreasing_in_actual(rb, w, sign, target, a1, a2):
    lo, hi = sorted((a1, a2))
    s_lo = quantitative_score(w, sign, target, lo, rb).score
    s_hi = quantitative_score(w, sign, target, hi, rb).score
    assert s_lo <= s_hi


@given(rulebooks, weights, st.sampled_from(REVERSE_SIGNS), positives, amounts, amounts)
def test_reverse_score_non_increasing_in_actual(rb, w, sign, target, a1, a2):
    lo, hi = sorted((a1, a2))
    s_lo = quantitative_score(w, sign, target, lo, rb).score
    s_hi = quantitative_score(w, sign, target, hi, rb).score
    assert s_lo >= s_hi


@given(rulebooks, weights, st.sampled_from(POSITIVE_SIGNS + REVERSE_SIGNS), positives)
def test_meeting_the_target_exactly_earns_full_points(rb, w, sign, target):
    d = quantitative_score(w, sign, target, target, rb)
    assert d.score == w


@given(rulebooks, weights, st.sampled_from(("achieved", "partial", "not_achieved")),
       st.one_of(st.none(), st.decimals(min_value=-10, max_value=200, places=2)))
def test_qualitative_score_lies_in_its_band(rb, w, band, reported):
    d = qualitative_score(w, band, reported, rb)
    if d.score is None:
        assert reported is None and rb.missing_qualitative_score == "not_computable"
        return
    b = rb.bands[band]
    assert 0 <= d.score <= w
    assert b.lo * w <= d.score <= b.hi * w
    if reported is not None and b.contains(reported, w):
        assert d.score == reported and d.in_band


@given(rulebooks, positives, amounts, amounts)
def test_budget_score_bounded_and_monotone(rb, budget, e1, e2):
    lo, hi = sorted((e1, e2))
    s_lo, s_hi = budget_score(lo, budget, rb), budget_score(hi, budget, rb)
    assert 0 <= s_lo <= s_hi <= rb.funds_weight
    assert execution_rate(lo, budget, rb) <= execution_rate(hi, budget, rb)


@given(positives, amounts)
def test_cut_rate_never_above_rounded_rate(budget, executed):
    cut = execution_rate(executed, budget, SHANGHAI)
    rounded = execution_rate(executed, budget, NATIONAL)
    assert cut <= rounded <= cut + D("0.01")


# -- whole forms: never raises, total adds up ------------------------------

cells = st.sampled_from([
    "=30.00(人)", "≥90.00(%)", "≤2.00(小时)", "<5%", ">10个", "=0.00(起)", "100", "及时", "达成指标", "部分达成",
    "未达成", "较好", "", "/", "30.00(个)", "85.00(%)", "3.00(小时)", "0.00(起)", "1(起)", "-3", "1E+30",
])
maybe = st.one_of(st.none(), st.decimals(min_value=-50, max_value=1000, places=2))


@st.composite
def forms(draw):
    inds = []
    for i in range(draw(st.integers(0, 20))):
        t, a = draw(cells), draw(cells)
        inds.append(Indicator(level1="产出指标", level2="数量指标", name=f"指标{i}", target=t, actual=a,
                              weight=draw(maybe), score=draw(maybe),
                              target_parsed=ParsedValue(**parse_value(t)),
                              actual_parsed=ParsedValue(**parse_value(a))))
    funds = Funds(adjusted_budget=draw(maybe), initial_budget=draw(maybe), executed=draw(maybe),
                  weight=draw(maybe), rate=draw(maybe), score=draw(maybe))
    return Form(project_name="p", funds=funds, indicators=inds, total=draw(maybe),
                grade=draw(st.sampled_from([None, "优", "良", "中", "差", ""])), source=Source(file="h"))


@settings(max_examples=300)
@given(forms(), rulebooks)
def test_score_form_never_raises_and_total_adds_up(form, rb):
    res = score_form(form, rb)
    rec = res.recomputed
    assert len(rec.indicator_scores) == len(form.indicators) == len(res.indicators)
    for d, s in zip(res.indicators, rec.indicator_scores, strict=True):
        assert d.score == s
        if s is None:
            assert d.rule == "not_computable" and d.reason
        else:
            assert 0 <= s <= d.weight
    if rec.total is not None:
        pairs = zip(rec.indicator_scores, res.reported.indicator_scores, strict=True)
        parts = [s if s is not None else r for s, r in pairs]
        funds = rec.budget_score if rec.budget_score is not None else form.funds.score
        expected = rb.total_rounding.apply(sum(parts, funds))
        assert rec.total == expected
        assert rec.grade == rb.grade_for(rec.total)
    for diff in res.differences:
        assert diff.message and "：填报" in diff.message
    res.to_json_dict()
