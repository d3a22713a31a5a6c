"""Scoring engine and rulebooks: every setting, with numbers worked by hand."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from jixiao.model import Form, Funds, Indicator, ParsedValue, Source, parse_value
from jixiao.scoring import (
    Rulebook, RulebookError, budget_score, execution_rate, load_rulebook, qualitative_score,
    quantitative_score, rulebook_from_dict, score_form, score_funds, score_indicator, shipped_rulebooks,
)

NATIONAL = load_rulebook("national")
SHANGHAI = load_rulebook("shanghai")


# --------------------------------------------------------------------------
# Factories


def ind(target: str, actual: str, weight: str | None = "10.00", score: str | None = "10.00",
        name: str = "指标", level1: str = "产出指标", level2: str = "数量指标") -> Indicator:
    return Indicator(
        level1=level1, level2=level2, name=name, target=target, actual=actual,
        weight=None if weight is None else D(weight), score=None if score is None else D(score),
        target_parsed=ParsedValue(**parse_value(target)), actual_parsed=ParsedValue(**parse_value(actual)),
    )


def form(indicators: list[Indicator] | None = None, *, adjusted: str | None = "100.00",
         executed: str | None = "100.00", initial: str | None = None, rate: str | None = None,
         score: str | None = None, weight: str | None = "10.00", total: str | None = None,
         grade: str | None = None, name: str = "测试项目") -> Form:
    return Form(
        project_name=name,
        funds=Funds(initial_budget=D(initial or adjusted) if (initial or adjusted) else None,
                    adjusted_budget=D(adjusted) if adjusted else None,
                    executed=D(executed) if executed else None, weight=D(weight) if weight else None,
                    rate=D(rate) if rate else None, score=D(score) if score else None),
        indicators=indicators or [], total=D(total) if total else None, grade=grade,
        source=Source(file="test"),
    )


def rb_with(base: Rulebook = NATIONAL, **sections: dict) -> Rulebook:
    """The rulebook with some settings overridden (as a config file would)."""
    return base.override(sections, origin="<test>")


def one(indicator: Indicator, rb: Rulebook = NATIONAL):
    return score_indicator(indicator, rb)


# --------------------------------------------------------------------------
# Loading


def test_shipped_rulebooks_load():
    assert {"national", "shanghai"} <= set(shipped_rulebooks())
    assert NATIONAL.name == "national" and SHANGHAI.name == "shanghai"
    assert SHANGHAI.chain == ("national.toml", "shanghai.toml")
    assert load_rulebook("shanghai") is SHANGHAI  # cached


def test_national_settings():
    rb = NATIONAL
    assert rb.funds_weight == 10 and rb.budget_base == "adjusted" and rb.funds_cap_at_weight
    assert (rb.rate_rounding.places, rb.rate_rounding.mode) == (2, "half_up")
    assert (rb.score_rounding.places, rb.score_rounding.mode, rb.score_from) == (2, "half_up", "ratio")
    assert rb.reverse_formula == "ratio" and rb.equal_positive == "positive"
    assert rb.zero_target == "all_or_nothing"
    assert rb.over_achievement == D("1.30")
    assert not rb.caps_enabled and rb.caps == ()
    assert [(g.grade, g.min) for g in rb.grades] == [("优", 90), ("良", 80), ("中", 60), ("差", 0)]
    assert dict(rb.level1_weights) == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert rb.indicators_total == 90
    assert (rb.bands["achieved"].lo, rb.bands["partial"].lo, rb.bands["not_achieved"].hi) == (
        D("0.8"), D("0.6"), D("0.6"))


def test_shanghai_overrides_only_the_rate_rounding():
    assert SHANGHAI.rate_rounding.mode == "down"
    assert SHANGHAI.score_rounding.mode == "half_up" and SHANGHAI.score_from == "ratio"
    # everything else inherited from national
    assert SHANGHAI.reverse_formula == NATIONAL.reverse_formula
    assert SHANGHAI.words == NATIONAL.words
    assert SHANGHAI.grades == NATIONAL.grades
    assert "derived from the seed forms" in SHANGHAI.sources["funds.rate"]
    assert SHANGHAI.sources["funds"] == NATIONAL.sources["funds"]


def test_every_section_cites_a_source():
    for rb in (NATIONAL, SHANGHAI):
        for section in (".", "funds", "funds.rate", "funds.score", "indicators", "indicators.units",
                        "qualitative", "qualitative.bands", "qualitative.words", "thresholds", "total",
                        "caps", "grades", "guideline", "differences"):
            assert rb.sources[section].strip(), section


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_load_by_path_with_extends_deep_merge(tmp_path):
    p = write(tmp_path, "hubei.toml", """
name = "hubei"
title = "湖北式"
source = "test"
extends = "national"
[funds]
source = "20 分制"
weight = 20
[qualitative.bands]
source = "80/50"
partial = [50, 80]
not_achieved = [0, 50]
""")
    rb = load_rulebook(p)
    assert rb.name == "hubei" and rb.chain == ("national.toml", str(p))
    assert rb.funds_weight == 20
    assert rb.budget_base == "adjusted"  # sibling key kept by the deep merge
    assert rb.rate_rounding == NATIONAL.rate_rounding  # nested table untouched
    assert rb.bands["partial"].lo == D("0.5") and rb.bands["achieved"].lo == D("0.8")
    assert load_rulebook(str(p)).funds_weight == 20  # str path works too


def test_extends_a_file_relative_to_the_extending_file(tmp_path):
    write(tmp_path, "base.toml", """
name = "base"
title = "t"
source = "s"
extends = "shanghai"
[indicators]
source = "linear"
reverse_formula = "linear"
""")
    p = write(tmp_path, "child.toml", """
name = "child"
title = "t"
source = "s"
extends = "base.toml"
[grades]
source = "不评级"
enabled = false
""")
    rb = load_rulebook(p)
    assert rb.reverse_formula == "linear" and rb.rate_rounding.mode == "down" and not rb.grades_enabled
    assert len(rb.chain) == 4


def test_arrays_are_replaced_not_appended(tmp_path):
    p = write(tmp_path, "w.toml", """
name = "w"
title = "t"
source = "s"
extends = "national"
[qualitative.words]
source = "s"
achieved = ["好"]
""")
    rb = load_rulebook(p)
    assert rb.word_band("好") == "achieved"
    assert rb.word_band("达成指标") is None  # list replaced
    assert rb.word_band("部分达成") == "partial"  # other lists inherited


def test_override_keeps_name_and_validates():
    rb = rb_with(indicators={"reverse_formula": "linear"})
    assert rb.name == "national" and rb.reverse_formula == "linear"
    assert NATIONAL.reverse_formula == "ratio"  # original untouched
    with pytest.raises(RulebookError, match=r"indicators\.reverse_formula"):
        rb_with(indicators={"reverse_formula": "lin"})


def test_rulebook_from_dict_roundtrip():
    rb = rulebook_from_dict(NATIONAL.to_dict())
    assert rb.words == NATIONAL.words and rb.grades == NATIONAL.grades
    with pytest.raises(TypeError):
        NATIONAL.data["funds"]["weight"] = 20  # type: ignore[index]


BASE = 'name = "x"\ntitle = "t"\nsource = "s"\nextends = "national"\n'


@pytest.mark.parametrize("body, key, zh", [
    ("colour = 1\n", "colour", "未知的键"),
    ("[funds.rate]\nsource = 's'\nmodee = 'down'\n", "funds.rate.modee", "未知的键"),
    ("[funds.rate]\nsource = 's'\nmode = 'round'\n", "funds.rate.mode", "取值无效"),
    ("[funds.rate]\nsource = 's'\nplaces = 9\n", "funds.rate.places", "取值无效"),
    ("[funds.rate]\nsource = 's'\nplaces = 1.5\n", "funds.rate.places", "取值无效"),
    ("[funds]\nsource = 's'\nweight = -10\n", "funds.weight", "取值无效"),
    ("[funds]\nsource = 's'\nweight = true\n", "funds.weight", "取值无效"),
    ("[funds]\nsource = 's'\nbudget_base = 'initial_budget'\n", "funds.budget_base", "取值无效"),
    ("[funds]\nweight = 20\n", "funds.source", "须注明本节依据"),
    ("[qualitative.bands]\nsource = 's'\nachieved = [100, 80]\n", "qualitative.bands.achieved", "取值无效"),
    ("[qualitative.bands]\nsource = 's'\nachieved = [80, 120]\n", "qualitative.bands.achieved", "取值无效"),
    ("[qualitative.words]\nsource = 's'\npartial = ['达成指标']\n", "qualitative.words.partial", "同时出现"),
    ("[thresholds]\nsource = 's'\nover_achievement = 0.5\n", "thresholds.over_achievement", "取值无效"),
    ("[caps]\nsource = 's'\nenabled = true\n", "caps.by_rate", "至少有一条"),
    ("[caps]\nsource = 's'\nby_rate = [{below = 80}]\n", "caps.by_rate[0].max_total", "缺少此键"),
    ("[[grades.bands]]\ngrade = '优'\nmin = 'ninety'\n", "grades.bands[0].min", "取值无效"),
    ("[grades]\nsource = 's'\nbands = [{grade = '优', min = 90}, {grade = '优', min = 80}]\n",
     "grades.bands[1].grade", "重复"),
    ("funds = 3\n", "funds", "应为表"),
])
def test_bad_rulebook_errors_name_file_and_key(tmp_path, body, key, zh):
    p = write(tmp_path, "bad.toml", BASE + body)
    with pytest.raises(RulebookError) as err:
        load_rulebook(p)
    msg = str(err.value)
    assert str(p) in msg and key in msg and zh in msg
    assert "rulebook" in msg and "key" in msg  # the English half
    assert err.value.key == key and err.value.file == str(p)


def test_standalone_rulebook_must_be_complete(tmp_path):
    p = write(tmp_path, "alone.toml", 'name = "alone"\ntitle = "t"\nsource = "s"\n')
    with pytest.raises(RulebookError, match="缺少此键") as err:
        load_rulebook(p)
    assert err.value.key == "funds"


@pytest.mark.parametrize("text, key, zh", [
    ('title = "t"\nsource = "s"\nextends = "national"\n', "name", "name"),
    ('name = "x"\ntitle = "t"\nsource = "s"\nextends = "nowhere"\n', None, "没有名为 nowhere"),
    ('name = "x"\ntitle = "t"\nsource = = "s"\n', None, "TOML 语法错误"),
    ('name = "x"\ntitle = "t"\nsource = "s"\nextends = "loop.toml"\n', "extends", "循环"),
])
def test_unusable_files(tmp_path, text, key, zh):
    p = write(tmp_path, "loop.toml", text)
    with pytest.raises(RulebookError, match=zh) as err:
        load_rulebook(p)
    assert err.value.key == key


def test_missing_file_and_unknown_name(tmp_path):
    with pytest.raises(RulebookError, match="无法读取文件"):
        load_rulebook(tmp_path / "none.toml")
    with pytest.raises(RulebookError, match="可用"):
        load_rulebook("atlantis")


# --------------------------------------------------------------------------
# Funds: rate and budget score


@pytest.mark.parametrize("executed, budget, sh_rate, sh_score, nat_rate, nat_score", [
    ("46.46", "49.00", "94.81", "9.48", "94.82", "9.48"),  # seed: cut, not rounded
    ("89.67", "92.35", "97.09", "9.71", "97.10", "9.71"),  # seed: score from the unrounded ratio
    ("3.70", "6.60", "56.06", "5.61", "56.06", "5.61"),   # seed: score half up (5.606)
    ("629.07", "676.40", "93.00", "9.30", "93.00", "9.30"),
    ("167.24", "167.24", "100.00", "10.00", "100.00", "10.00"),
])
def test_seed_rounding_examples(executed, budget, sh_rate, sh_score, nat_rate, nat_score):
    e, b = D(executed), D(budget)
    assert execution_rate(e, b, SHANGHAI) == D(sh_rate)
    assert budget_score(e, b, SHANGHAI) == D(sh_score)
    assert execution_rate(e, b, NATIONAL) == D(nat_rate)
    assert budget_score(e, b, NATIONAL) == D(nat_score)


def test_rate_is_based_on_the_adjusted_budget_by_default():
    f = form(initial="200.00", adjusted="100.00", executed="90.00")
    assert score_form(f, NATIONAL).recomputed.rate == D("90.00")
    rb = rb_with(funds={"source": "t", "budget_base": "initial"})
    res = score_form(f, rb)
    assert res.recomputed.rate == D("45.00") and res.recomputed.budget_score == D("4.50")


@pytest.mark.parametrize("mode, places, expected", [
    ("half_up", 1, "9.3"), ("half_even", 1, "9.2"), ("down", 1, "9.2"),
    ("half_up", 0, "9"), ("half_up", 2, "9.25"),
])
def test_budget_score_rounding_modes(mode, places, expected):
    rb = rb_with(funds={"score": {"source": "t", "mode": mode, "places": places}})
    assert budget_score(D("92.5"), D("100"), rb) == D(expected)


@pytest.mark.parametrize("mode, expected", [("half_up", "94.82"), ("down", "94.81"), ("half_even", "94.82")])
def test_rate_rounding_modes(mode, expected):
    rb = rb_with(funds={"rate": {"source": "t", "mode": mode}})
    assert execution_rate(D("46.46"), D("49.00"), rb) == D(expected)


def test_rate_half_even_on_an_exact_tie():
    rb = rb_with(funds={"rate": {"source": "t", "mode": "half_even", "places": 0}})
    assert execution_rate(D("92.5"), D("100"), rb) == D("92")
    assert execution_rate(D("93.5"), D("100"), rb) == D("94")


def test_score_from_rounded_rate_or_unrounded_ratio():
    # 97.5% with the rate rounded to an integer: 98 -> 9.80, but the ratio gives 9.75
    rate0 = {"source": "t", "places": 0, "mode": "half_up"}
    from_rate = rb_with(funds={"rate": rate0, "score": {"source": "t", "from": "rate"}})
    from_ratio = rb_with(funds={"rate": rate0, "score": {"source": "t", "from": "ratio"}})
    assert score_funds(D("97.5"), D("100"), from_rate).score == D("9.80")
    assert score_funds(D("97.5"), D("100"), from_ratio).score == D("9.75")


def test_budget_score_capped_at_weight():
    fs = score_funds(D("120"), D("100"), NATIONAL)
    assert fs.rate == D("120.00") and fs.score == D("10")
    uncapped = rb_with(funds={"source": "t", "cap_at_weight": False})
    assert budget_score(D("120"), D("100"), uncapped) == D("12.00")


def test_funds_weight_setting_hubei_style():
    rb = rb_with(funds={"source": "t", "weight": 20})
    assert budget_score(D("75"), D("100"), rb) == D("15.00")
    res = score_form(form(executed="75.00", weight="20.00", score="15.00", rate="75.00", total="15.00"), rb)
    assert res.differences == []


def test_funds_weight_difference_when_the_form_prints_another_weight():
    res = score_form(form(executed="75.00", weight="20.00", score="15.00", rate="75.00"), NATIONAL)
    d = res.differences[0]
    assert (d.field, d.reported, d.recomputed) == ("funds.weight", D("20.00"), D("10"))
    assert res.recomputed.budget_score == D("7.50")


@pytest.mark.parametrize("adjusted, executed, reason", [
    ("0.00", "0.00", "全年预算数为 0.00"), (None, "5.00", "全年预算数缺失"), ("10.00", None, "全年执行数缺失"),
])
def test_funds_not_computable_falls_back_to_reported_score(adjusted, executed, reason):
    f = form([ind("=1(个)", "1(个)", "90.00", "90.00")], adjusted=adjusted, executed=executed, initial=adjusted,
             score="10.00", rate="100.00", total="100.00")
    res = score_form(f, NATIONAL)
    assert res.recomputed.rate is None and res.recomputed.budget_score is None
    assert reason in res.funds.reason
    assert res.recomputed.total == D("100.00")
    assert any("总分按填报得分 10.00 计入" in n for n in res.notes)
    assert res.differences == []


def test_funds_not_computable_and_not_reported_leaves_total_open():
    res = score_form(form([ind("=1(个)", "1(个)")], adjusted=None, executed=None, total="10.00"), NATIONAL)
    assert res.recomputed.total is None and res.recomputed.grade is None
    assert "总分无法复算" in res.notes[0]


# --------------------------------------------------------------------------
# Quantitative indicators


@pytest.mark.parametrize("target, actual, weight, expected, rule, met", [
    ("≥90.00(%)", "95.00(%)", "5.00", "5.00", "positive", True),
    ("≥90.00(%)", "90.00(%)", "5.00", "5.00", "positive", True),
    ("≥90.00(%)", "85.00(%)", "5.00", "4.72", "positive", False),  # 5 x 85/90 = 4.722
    ("=30.00(人)", "27.00(人)", "20.00", "18.00", "positive", False),
    ("=30.00(人)", "33.00(人)", "20.00", "20.00", "positive", True),  # "=" reads as "≥"
    (">90%", "45%", "10.00", "5.00", "positive", False),
    (">90%", "90%", "10.00", "10.00", "positive", False),  # strictly missed, formula gives full
    ("≥50个", "0个", "8.00", "0.00", "positive", False),
])
def test_positive_indicators(target, actual, weight, expected, rule, met):
    d = one(ind(target, actual, weight))
    assert d.score == D(expected) and d.rule == rule and d.met is met


@pytest.mark.parametrize("formula, actual, expected", [
    ("ratio", "3.00", "3.33"),   # 5 x 2/3
    ("linear", "3.00", "2.50"),  # 5 x (1 - (3-2)/2)
    ("ratio", "4.00", "2.50"),   # 5 x 2/4
    ("linear", "4.00", "0.00"),  # reaches 0 at twice the target
    ("linear", "5.00", "0.00"),  # floored at 0
    ("ratio", "2.00", "5.00"),   # met
    ("linear", "1.50", "5.00"),  # met
])
def test_reverse_formulas(formula, actual, expected):
    rb = rb_with(indicators={"source": "t", "reverse_formula": formula})
    d = one(ind("≤2.00(小时)", f"{actual}(小时)", "5.00"), rb)
    assert d.rule == "reverse" and d.score == D(expected)
    assert d.formula == (None if d.met else formula)


def test_reverse_strict_less_than():
    d = one(ind("<10(%)", "10(%)", "10.00"))
    assert d.rule == "reverse" and d.met is False and d.score == D("10.00")  # 10 x 10/10
    assert one(ind("<10(%)", "20(%)", "10.00")).score == D("5.00")


@pytest.mark.parametrize("target, actual, expected, met", [
    ("=0.00(起)", "0.00(起)", "5.00", True), ("=0.00(起)", "1(起)", "0", False),
    ("≤0(起)", "0(起)", "5.00", True), ("≤0(起)", "2(起)", "0", False),
    ("=0.00(%)", "0.00(%)", "5.00", True), ("≥0(个)", "3(个)", "5.00", True),
])
def test_zero_targets_all_or_nothing(target, actual, expected, met):
    d = one(ind(target, actual, "5.00"))
    assert d.rule == "zero" and d.score == D(expected) and d.met is met


def test_zero_target_not_computable_setting():
    rb = rb_with(indicators={"source": "t", "zero_target": "not_computable"})
    d = one(ind("=0(起)", "1(起)", "5.00", "5.00"), rb)
    assert d.rule == "not_computable" and d.score is None and "目标值为 0" in d.reason


@pytest.mark.parametrize("actual, expected", [("110", "9.00"), ("90", "9.00"), ("100", "10.00"), ("250", "0.00")])
def test_equal_two_sided_setting(actual, expected):
    rb = rb_with(indicators={"source": "t", "equal_positive": "two_sided"})
    d = one(ind("=100(台)", f"{actual}(台)"), rb)
    assert d.rule == "two_sided" and d.score == D(expected)


def test_bare_number_target_follows_no_comparison():
    d = one(ind("100", "80", "10.00"))
    assert d.comparison == "=" and d.score == D("8.00")
    rb = rb_with(indicators={"source": "t", "no_comparison": "≤"})
    assert one(ind("100", "200", "10.00"), rb).score == D("5.00")
    rb = rb_with(indicators={"source": "t", "no_comparison": "not_computable"})
    d = one(ind("100", "80", "10.00"), rb)
    assert d.score is None and "没有比较符号" in d.reason


@pytest.mark.parametrize("places, mode, expected", [
    (2, "half_up", "4.72"), (0, "half_up", "5"), (1, "down", "4.7"), (2, "down", "4.72"),
])
def test_indicator_rounding(places, mode, expected):
    rb = rb_with(indicators={"source": "t", "places": places, "mode": mode})
    assert one(ind("≥90(%)", "85(%)", "5.00"), rb).score == D(expected)


def test_indicator_half_even():
    rb = rb_with(indicators={"source": "t", "places": 1, "mode": "half_even"})
    # 5 x 45/100 = 2.25 -> 2.2 (half even) ; 5 x 47/100 = 2.35 -> 2.4
    assert one(ind("≥100(%)", "45(%)", "5"), rb).score == D("2.2")
    assert one(ind("≥100(%)", "47(%)", "5"), rb).score == D("2.4")


def test_indicator_score_never_exceeds_weight_even_strictly_missed():
    # ">90" at 90 is missed (strict) and the formula gives w x 90/90 = w exactly
    d = one(ind(">90(%)", "90(%)", "5.00"))
    assert d.met is False and d.score == D("5.00")
    assert one(ind("≥90(%)", "-10(%)", "5.00")).score == 0  # negative actual floored at 0
    rb = rb_with(indicators={"source": "t", "places": 0})
    assert one(ind("≥100(%)", "98.3(%)", "5.6"), rb).score == D("5.6")  # 5.50 rounds to 6 > 5.6


@pytest.mark.parametrize("target, actual, reason", [
    ("=30(人)", "30(个)", "单位"),
    ("≥90(%)", "达成指标", "不是数值"),
    ("≥90(%)", "", "为空"),
    ("", "30(人)", "年度指标值为空"),
    ("-5(%)", "3(%)", "目标值为负数"),
])
def test_quantitative_not_computable(target, actual, reason):
    d = one(ind(target, actual, "5.00", "5.00"))
    assert d.rule == "not_computable" and d.score is None and reason in d.reason


def test_missing_units_and_equivalent_units_match():
    assert one(ind("≥90", "95(%)", "5.00")).score == D("5.00")
    assert one(ind("≥90(%)", "95百分比", "5.00")).score == D("5.00")
    assert one(ind("≤2(小时)", "3h", "6.00")).score == D("4.00")
    rb = rb_with(indicators={"units": {"source": "t", "missing_matches_any": False}})
    assert one(ind("≥90", "95(%)", "5.00"), rb).score is None


def test_not_computable_row_uses_reported_score_in_total():
    f = form([ind("=30(人)", "30(个)", "50.00", "45.00", name="人数"), ind("≥90(%)", "90(%)", "40.00", "40.00")],
             rate="100.00", score="10.00", total="95.00", grade="优")
    res = score_form(f, NATIONAL)
    assert res.recomputed.indicator_scores == [None, D("40.00")]
    assert res.recomputed.total == D("95.00") and res.differences == []
    assert "总分按填报得分 45.00 计入" in res.notes[0] and "人数" in res.notes[0]
    assert res.indicators[0].reason.startswith("目标单位")


def test_missing_weight_is_not_computable():
    d = one(ind("≥90(%)", "80(%)", None, "4.00"))
    assert d.score is None and d.reason == "分值缺失"


def test_ratio_for_over_achievement_checks():
    d = one(ind("≥10(个)", "14(个)", "5.00"))
    assert d.ratio == D("1.4") and d.ratio >= NATIONAL.over_achievement
    assert one(ind("及时", "达成指标")).ratio is None


# --------------------------------------------------------------------------
# Qualitative indicators


@pytest.mark.parametrize("actual, band", [
    ("达成指标", "achieved"), ("达成预期指标", "achieved"), ("已达成", "achieved"), ("完成", "achieved"),
    ("部分达成", "partial"), ("基本达成", "partial"), ("未达成", "not_achieved"), ("未完成", "not_achieved"),
    ("达成指标。", "achieved"), ("达成 指标", "achieved"),
])
def test_words_map_to_bands(actual, band):
    assert NATIONAL.word_band(actual) == band


def test_repeated_target_word_counts_as_achieved():
    d = one(ind("及时", "及时", "5.00", "5.00"))
    assert d.rule == "qualitative" and d.band == "achieved" and d.score == D("5.00")
    assert one(ind("显著提升", "显著提升", "5.00", "4.00")).band == "achieved"
    rb = rb_with(qualitative={"source": "t", "repeated_target_word": "unknown"})
    assert one(ind("及时", "及时", "5.00", "5.00"), rb).score is None


def test_unknown_word_is_not_computable():
    d = one(ind("及时", "较好", "5.00", "5.00"))
    assert d.rule == "not_computable" and "较好" in d.reason


def test_numeric_actual_for_qualitative_target_is_not_computable():
    assert "数值" in one(ind("及时", "100%", "5.00", "5.00")).reason


@pytest.mark.parametrize("actual, reported, expected, in_band", [
    ("达成指标", "5.00", "5.00", True),
    ("达成指标", "4.00", "4.00", True),    # exactly 80%: achieved
    ("达成指标", "3.99", "4.00", False),   # below 80%: nearest edge
    ("达成指标", "6.00", "5.00", False),   # above the weight
    ("部分达成", "3.50", "3.50", True),
    ("部分达成", "3.00", "3.00", True),    # exactly 60%: partial
    ("部分达成", "4.00", "3.99", False),   # exactly 80% belongs to 达成 ("含80%")
    ("部分达成", "5.00", "3.99", False),
    ("部分达成", "2.99", "3.00", False),
    ("未达成", "0.00", "0.00", True),
    ("未达成", "2.99", "2.99", True),
    ("未达成", "3.00", "2.99", False),    # exactly 60% belongs to 部分达成
])
def test_qualitative_bands_and_edges(actual, reported, expected, in_band):
    d = one(ind("及时", actual, "5.00", reported))
    assert d.rule == "qualitative" and d.score == D(expected) and d.in_band is in_band


def test_shared_edge_both_accepts_the_edge_in_either_band():
    rb = rb_with(qualitative={"source": "t", "shared_edge": "both"})
    assert one(ind("及时", "部分达成", "5.00", "4.00"), rb).in_band is True
    assert one(ind("及时", "未达成", "5.00", "3.00"), rb).in_band is True
    assert one(ind("及时", "部分达成", "5.00", "4.50"), rb).score == D("4.00")


def test_hubei_style_bands_80_50():
    rb = rb_with(qualitative={"bands": {"source": "80/50", "partial": [50, 80], "not_achieved": [0, 50]}})
    assert one(ind("提升", "部分达成", "10.00", "5.00"), rb).in_band is True
    assert one(ind("提升", "部分达成", "10.00", "4.90"), rb).score == D("5.00")
    assert one(ind("提升", "未达成", "10.00", "5.00"), rb).score == D("4.99")
    assert one(ind("提升", "未达成", "10.00", "4.90"), rb).in_band is True


def test_qualitative_edge_rounding_stays_inside_the_band():
    # weight 3.33: 80% = 2.664 -> the nearest printable score inside the band is 2.67
    d = one(ind("及时", "达成指标", "3.33", "2.50"))
    assert d.score == D("2.67") and d.band_range == (D("2.664"), D("3.33"))
    rb = rb_with(indicators={"source": "t", "places": 0})
    assert one(ind("及时", "部分达成", "7", "2"), rb).score == D("5")  # 60% of 7 = 4.2 -> 5


@pytest.mark.parametrize("how, expected", [("not_computable", None), ("band_upper", "3.99"), ("band_lower", "3.00")])
def test_missing_qualitative_score(how, expected):
    rb = rb_with(qualitative={"source": "t", "missing_score": how})
    d = one(ind("及时", "部分达成", "5.00", None), rb)
    assert d.score == (None if expected is None else D(expected))
    assert d.band == "partial"


def test_qualitative_helper():
    d = qualitative_score(D("10"), "partial", D("9"), NATIONAL)
    assert d.score == D("7.99") and d.band_range == (D("6.0"), D("8.0"))
    assert qualitative_score(D("10"), None, D("9"), NATIONAL, word="不详").reason.startswith("实际完成值「不详」")


def test_quantitative_helper():
    d = quantitative_score(D("10"), "≤", D("2"), D("4"), NATIONAL)
    assert (d.rule, d.score, d.formula, d.met) == ("reverse", D("5.00"), "ratio", False)
    assert quantitative_score(None, "≥", D("2"), D("4"), NATIONAL).score is None
    assert quantitative_score(D("10"), "≥", None, D("4"), NATIONAL).reason == "目标值或实际值缺失"


# --------------------------------------------------------------------------
# Totals, caps, grades, differences


def full_form(total: str, grade: str | None = "优", **kw) -> Form:
    inds = [ind("=30.00(人)", "30.00(人)", "40.00", "40.00", name="人数"),
            ind("及时", "达成指标", "30.00", "30.00", name="及时性"),
            ind("≤2(小时)", "3(小时)", "20.00", "13.33", name="响应时间")]
    return form(inds, total=total, grade=grade, **kw)


def test_total_is_budget_score_plus_indicator_scores():
    f = full_form("92.79", executed="94.60", rate="94.60", score="9.46")
    res = score_form(f, NATIONAL)
    assert res.recomputed.total == D("92.79") and res.recomputed.grade == "优"
    assert res.differences == [] and res.ok


def test_differences_fields_and_messages():
    f = full_form("99.00", grade="良", executed="46.46", adjusted="49.00", rate="94.82", score="9.70")
    f.indicators[2].score = D("20.00")
    res = score_form(f, SHANGHAI)
    by = {d.field: d for d in res.differences}
    assert list(by) == ["funds.rate", "funds.score", "indicators[2].score", "total", "grade"]
    assert by["funds.rate"].message.startswith("执行率：填报 94.82，复算 94.81")
    assert by["funds.rate"].rule == "funds.rate" and by["funds.rate"].recomputed == D("94.81")
    assert by["funds.score"].message.startswith("预算执行得分：填报 9.70，复算 9.48")
    d = by["indicators[2].score"]
    assert d.message.startswith("第3项指标「响应时间」得分：填报 20.00，复算 13.33")
    assert "20.00×2/3" in d.message and d.rule == "indicators.reverse_formula.ratio"
    assert by["total"].message.startswith("总分：填报 99.00，复算 92.81")
    assert (by["grade"].reported, by["grade"].recomputed) == ("良", "优")


def test_differences_compare_at_printed_precision():
    f = form([ind("≥90(%)", "85(%)", "90.00", "76.50")], rate="100.00", score="10.00", total="86.50")
    res = score_form(f, NATIONAL)
    assert res.recomputed.indicator_scores == [D("85.00")]
    assert [d.field for d in res.differences] == ["indicators[0].score", "total"]
    # a reported value with more places that prints the same is no difference
    f2 = form(rate="100.004", score="10.00")
    assert score_form(f2, NATIONAL).differences == []


def test_no_difference_when_a_side_is_missing():
    res = score_form(full_form("92.79", grade=None, executed="94.60"), NATIONAL)
    assert res.reported.rate is None and res.recomputed.rate == D("94.60")
    assert res.differences == []


@pytest.mark.parametrize("total, grade", [
    ("100.00", "优"), ("90.00", "优"), ("89.99", "良"), ("80.00", "良"), ("79.99", "中"),
    ("60.00", "中"), ("59.99", "差"), ("0.00", "差"),
])
def test_grade_band_edges(total, grade):
    assert NATIONAL.grade_for(D(total)) == grade


def test_grade_through_score_form():
    f = form([ind("≥100(%)", "80(%)", "90.00", "72.00")], rate="100.00", score="10.00", total="82.00", grade="优")
    res = score_form(f, NATIONAL)
    assert res.recomputed.grade == "良"
    grade = res.differences[-1]
    assert grade.field == "grade" and grade.message == "评分等级：填报 优，复算 良（总分 82.00）"


def test_grading_can_be_switched_off():
    rb = rb_with(grades={"source": "t", "enabled": False})
    res = score_form(form(rate="100.00", score="10.00", total="10.00", grade="优"), rb)
    assert res.recomputed.grade is None and res.differences == []


CAPS = {"source": "t", "enabled": True, "by_rate": [
    {"below": 80, "max_total": 89}, {"below": 70, "max_total": 79},
    {"below": 60, "max_total": 69}, {"below": 50, "max_total": 59}]}


@pytest.mark.parametrize("rate, cap", [
    ("100", None), ("80", None), ("79.99", "89"), ("70", "89"), ("69.99", "79"), ("60", "79"),
    ("59.99", "69"), ("50", "69"), ("49.99", "59"), ("0", "59"),
])
def test_cap_for_rate(rate, cap):
    rb = rb_with(caps=CAPS)
    assert rb.cap_for(D(rate)) == (None if cap is None else D(cap))
    assert NATIONAL.cap_for(D(rate)) is None  # off by default


def test_caps_limit_the_total():
    rb = rb_with(caps=CAPS)
    f = form([ind("≥1(项)", "1(项)", "90.00", "90.00")], executed="75.00", rate="75.00", score="7.50",
             total="97.50", grade="优")
    res = score_form(f, rb)
    assert res.recomputed.total == D("89") and res.cap == D("89") and res.recomputed.grade == "良"
    total = next(d for d in res.differences if d.field == "total")
    assert total.rule == "caps.by_rate" and "封顶 89" in total.message
    assert score_form(f, NATIONAL).recomputed.total == D("97.50")


def test_to_json_dict_shape():
    f = full_form("99.00", executed="46.46", adjusted="49.00", rate="94.82", score="9.48")
    f.indicators.append(ind("及时", "较好", "10.00", None))
    res = score_form(f, SHANGHAI)
    j = res.to_json_dict()
    assert set(j) == {"project_name", "rulebook", "reported", "recomputed", "differences", "notes"}
    assert j["rulebook"] == "shanghai" and j["project_name"] == "测试项目"
    assert set(j["recomputed"]) == {"rate", "budget_score", "indicator_scores", "total", "grade"}
    assert j["recomputed"]["rate"] == 94.81 and isinstance(j["recomputed"]["rate"], float)
    assert j["reported"]["indicator_scores"] == [40.0, 30.0, 13.33, None]
    assert j["recomputed"]["indicator_scores"][-1] is None
    assert j["recomputed"]["total"] is None  # the last row has neither a score nor a recomputation
    assert j["differences"][0] == {"field": "funds.rate", "reported": 94.82, "recomputed": 94.81,
                                   "rule": "funds.rate", "message": j["differences"][0]["message"]}
    json.dumps(j, ensure_ascii=False)


# --------------------------------------------------------------------------
# Never raises


def test_odd_values_do_not_raise():
    f = full_form("100.00")
    f.funds.executed = D("NaN")
    f.indicators[0].weight = D("Infinity")
    f.indicators[1].score = D("sNaN")
    f.indicators[2].actual_parsed.number = D("1E+999999")
    f.total = D("1E+999999")
    res = score_form(f, NATIONAL)
    assert res.recomputed.rate is None and res.recomputed.total is None
    assert res.recomputed.indicator_scores == [None, None, D("0.00")]  # 20 x 2 / 1E+999999
    assert "不是有效数值" in res.indicators[1].reason
    j = res.to_json_dict()
    assert j["reported"]["total"] is None and j["reported"]["indicator_scores"][1] is None
    json.dumps(j, allow_nan=False)


def test_empty_form():
    res = score_form(form([], adjusted=None, executed=None), NATIONAL)
    assert res.recomputed.total is None and res.indicators == [] and res.differences == []


def test_indicator_detail_is_exposed():
    res = score_form(full_form("92.79", executed="94.60"), NATIONAL)
    assert [d.rule for d in res.indicators] == ["positive", "qualitative", "reverse"]
    assert res.indicators[1].band == "achieved" and res.indicators[1].band_range == (D("24.0"), D("30"))
    assert res.indicators[2].explain() == "反向指标未达到目标 ≤2：20.00×2/3"
    assert res.funds.ratio == D("0.946") and res.funds.budget == D("100.00")


def test_scored_rows_are_whole_indicator_scores():
    """engine._scored builds an IndicatorScore without its __init__: it must
    set every field (a field added to the class fails here)."""
    import dataclasses

    from jixiao.scoring.engine import IndicatorScore, _scored

    args = (3, "positive", D("4.5"), D(5), D("4.5"), False, "≥", D(100), D(90), None, None, None, None)
    made = _scored(*args)
    assert made == IndicatorScore(*args)
    assert [f.name for f in dataclasses.fields(IndicatorScore)][-1] == "reason" and made.reason is None
    assert len(dataclasses.fields(IndicatorScore)) == len(args) + 1
