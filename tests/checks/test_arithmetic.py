"""JX1xx arithmetic: for each check, a form that triggers it and a close one that does not."""

from decimal import Decimal as D

import pytest

from jixiao.checks import ReviewConfig, review_forms
from jixiao.scoring import load_rulebook

from .factory import baseline, edit, edit_indicator, findings


def money(f=None, *, initial=None, adjusted="100.00", executed="100.00", rate="100.00", score="10.00",
          weight="10.00", total=None):
    """The baseline with other funds figures; the 当年财政拨款 row follows the total row,
    and the total follows the budget score (indicators: 90)."""
    f = f or baseline()
    initial = initial or adjusted
    rows = [r.model_dump() for r in f.funds.rows]
    rows[0].update(initial_budget=D(initial), adjusted_budget=D(adjusted), executed=D(executed))
    return edit(f, **{"funds.initial_budget": D(initial), "funds.adjusted_budget": D(adjusted),
                      "funds.executed": D(executed), "funds.rate": D(rate), "funds.score": D(score),
                      "funds.weight": D(weight), "funds.rows": rows,
                      "total": D(total) if total else D(score) + D(90)})


def rb_override(name: str, overrides: dict):
    return load_rulebook(name).override(overrides, origin="<test>")


def run(forms, rb, **cfg):
    return review_forms(forms if isinstance(forms, list) else [forms], rb, ReviewConfig.build(rb, **cfg)).findings


# -- JX101 rate ----------------------------------------------------------------


def test_jx101_rate_rounding_follows_the_rulebook():
    cut = money(adjusted="49.00", executed="46.46", rate="94.81", score="9.48")
    rounded = money(adjusted="49.00", executed="46.46", rate="94.82", score="9.48")
    assert findings(cut, "JX101", rulebook="shanghai") == []
    [x] = findings(rounded, "JX101", rulebook="shanghai")
    assert x.severity == "error" and x.category == "arithmetic" and x.field == "funds.rate"
    assert x.message.startswith("执行率：填报 94.82，复算 94.81")
    assert x.evidence["reported"] == D("94.82") and x.evidence["recomputed"] == D("94.81")
    assert findings(rounded, "JX101", rulebook="national") == []
    assert len(findings(cut, "JX101", rulebook="national")) == 1


def test_jx101_names_a_rate_computed_on_the_initial_budget():
    f = money(initial="80.00", adjusted="100.00", executed="64.00", rate="80.00", score="6.40")
    [x] = findings(f, "JX101")
    assert "复算 64.00" in x.message and "按年初预算数 80.00 计算" in x.message
    assert x.evidence["computed_on"] == "initial_budget"


def test_jx101_absorbs_a_budget_score_computed_from_the_wrong_rate():
    # 64.00/100 printed as 80.00 and scored 8.00 from it: one mistake, one finding.
    f = money(initial="80.00", adjusted="100.00", executed="64.00", rate="80.00", score="8.00")
    [x] = findings(f, "JX101")
    assert "预算执行得分 8.00 按填报执行率计算，应随之改为 6.40" in x.message
    assert findings(f, "JX102") == []


# -- JX102 budget score ------------------------------------------------------------


def test_jx102_budget_score():
    f = money(executed="64.84", rate="64.84", score="7.00")
    [x] = findings(f, "JX102")
    assert x.message.startswith("预算执行得分：填报 7.00，复算 6.48") and x.field == "funds.score"
    assert findings(money(executed="64.84", rate="64.84", score="6.48"), "JX102") == []


def test_jx102_with_another_printed_weight_recomputes_with_it():
    hubei = edit(edit_indicator(baseline(), 0, weight=D(10), score=D(10)), total=D(100))  # indicators: 80
    ok = money(hubei, executed="80.00", rate="80.00", score="16.00", weight="20.00", total="96.00")
    assert findings(ok, "JX102") == []  # right for its own weight: JX112 says the weight differs
    assert [x.code for x in findings(ok) if x.code.startswith("JX1")] == ["JX112"]
    bad = money(hubei, executed="80.00", rate="80.00", score="15.00", weight="20.00", total="95.00")
    [x] = findings(bad, "JX102")
    assert "按表上分值 20.00 复算 16.00" in x.message


# -- JX112 funds weight ------------------------------------------------------------


def test_jx112_funds_weight_differs_from_the_rulebook():
    f = money(score="20.00", weight="20.00", total="110.00")
    [x] = findings(f, "JX112")
    assert x.severity == "warning" and "填报 20.00" in x.message
    hubei = rb_override("national", {"funds": {"source": "test", "weight": 20}})
    assert [x for x in run(f, hubei) if x.code == "JX112"] == []


# -- JX103 indicator formula ---------------------------------------------------------


def test_jx103_indicator_score_not_following_the_formula():
    f = edit(edit_indicator(baseline(), 0, actual="1080(人)", score=D(16)), total=D(96))
    [x] = findings(f, "JX103")
    assert x.field == "indicators[0].score"
    assert "填报 16.00，复算 18.00" in x.message and x.evidence["recomputed"] == D("18.00")
    right = edit(edit_indicator(baseline(), 0, actual="1080(人)", score=D(18)), total=D(98))
    assert findings(right, "JX103") == []


def test_jx103_leaves_full_points_while_missed_to_jx201():
    f = edit_indicator(baseline(), 0, actual="1080(人)")  # still 20/20
    assert findings(f, "JX103") == []
    assert [x.code for x in findings(f) if x.code[:3] in ("JX1", "JX2")] == ["JX201"]


def test_jx103_reverse_row():
    f = edit(edit_indicator(baseline(), 3, actual="40(天)", score=D(2)), total=D(97))
    [x] = findings(f, "JX103")  # 5 × 30/40 = 3.75
    assert "复算 3.75" in x.message


# -- JX109 score above weight --------------------------------------------------------


def test_jx109_indicator_score_above_weight():
    f = edit(edit_indicator(baseline(), 1, score=D(12)), total=D(102))
    [x] = findings(f, "JX109")
    assert x.field == "indicators[1].score" and x.message == "“新建社区助餐点数量”得分 12 超过分值 10"
    codes = [y.code for y in findings(f) if y.code[:3] in ("JX1", "JX2")]
    assert codes == ["JX109"]  # not also a formula difference
    assert findings(edit_indicator(baseline(), 1, score=D(10)), "JX109") == []


def test_jx109_names_the_formula_score_when_also_missed():
    f = edit(edit_indicator(baseline(), 1, actual="3(个)", score=D(12)), total=D(102))
    [x] = findings(f, "JX109")
    assert x.message.endswith("按计分规则应得 5.00")


def test_jx109_budget_score_above_weight():
    f = money(executed="105.00", rate="105.00", score="10.50", total="100.50")
    [x] = findings(f, "JX109")
    assert x.field == "funds.score" and "预算执行得分 10.50 超过分值 10.00" in x.message
    assert findings(f, "JX102") == []


# -- JX104 weights -----------------------------------------------------------------


def test_jx104_weights_not_summing_to_90():
    f = edit(edit_indicator(baseline(), 0, weight=D(15), score=D(15)), total=D(95))
    [x] = findings(f, "JX104")
    assert x.message.startswith("指标分值合计 85，应为 90（产出指标 45")
    assert findings(baseline(), "JX104") == []


def test_jx104_a_form_with_its_own_funds_weight_is_jx112s():
    # Hubei-style: funds 20 + indicators 80 = 100.
    f = edit(edit_indicator(baseline(), 0, weight=D(10), score=D(10)), total=D(100))
    f = money(f, score="20.00", weight="20.00", total="100.00")
    assert findings(f, "JX104") == []
    assert len(findings(f, "JX112")) == 1


def test_jx104_skips_incomplete_forms():
    f = edit(edit_indicator(baseline(), 0, weight=D(15), score=D(15)), total=D(95), complete=False)
    assert findings(f, "JX104") == []


# -- JX110 total weight ----------------------------------------------------------------


def test_jx110_total_weight():
    [x] = findings(edit(baseline(), total_weight=D(90)), "JX110")
    assert x.message == "总分分值为 90，应为 100"
    assert findings(edit(baseline(), total_weight=None), "JX110") == []


# -- JX105 / JX106 total --------------------------------------------------------------


def test_jx105_total_not_the_sum_as_printed():
    [x] = findings(edit(baseline(), total=D(98)), "JX105")
    assert x.message == "总分：填报 98，各项填报得分合计 100.00（预算执行 10.00 + 指标 90.00）"
    assert findings(baseline(), "JX105") == []


def test_jx105_gives_the_recomputed_total_when_parts_are_wrong_too():
    f = edit(edit_indicator(baseline(), 0, actual="1080(人)"), total=D(99))
    [x] = findings(f, "JX105")
    assert "各项填报得分合计 100.00" in x.message and x.message.endswith("复算总分 98.00")


def test_jx105_is_silent_when_only_a_part_is_wrong():
    f = edit_indicator(baseline(), 0, actual="1080(人)")  # adds up; the part is JX201's
    assert findings(f, "JX105") == []
    typo = edit(edit_indicator(baseline(), 1, score=D(8)), total=D(100))  # the total is right; the part is not
    assert findings(typo, "JX105") == [] and len(findings(typo, "JX203")) == 1


CAPS = {"caps": {"source": "test", "enabled": True, "by_rate": [{"below": 70, "max_total": 79}]}}


def test_jx106_total_above_the_rate_cap():
    rb = rb_override("national", CAPS)
    f = money(executed="64.84", rate="64.84", score="6.48")  # total 96.48
    [x] = [y for y in run(f, rb) if y.code == "JX106"]
    assert x.message == "执行率 64.84%，总分上限 79，填报总分 96.48"
    assert [y for y in run(f, rb) if y.code == "JX105"] == []  # the sum is right; the cap is the problem
    capped = edit(f, total=D(79), grade="中")
    assert [y.code for y in run(capped, rb) if y.code in ("JX105", "JX106", "JX107")] == []
    assert findings(f, "JX106") == []  # national has no caps


# -- JX107 grade --------------------------------------------------------------------


def test_jx107_grade_not_matching_the_printed_total():
    f = edit(edit_indicator(baseline(), 0, actual="1050(人)", score=D("17.5")), total=D("97.5"), grade="良")
    [x] = findings(f, "JX107")
    assert x.field == "grade" and x.message == "评分等级：填报 良，按总分 97.5 应为 优（优 ≥ 90）"
    f = edit(baseline(), total=D("89.50"))  # the total is the typo (JX105); 优 is right
    assert findings(f, "JX107") == [] and len(findings(f, "JX105")) == 1
    f = edit(baseline(), total=D("89.50"), grade="中")  # both wrong
    [x] = findings(f, "JX107")
    assert x.message == "评分等级：填报 中，按总分 89.50 应为 良（良 ≥ 80）；复算总分 100.00 对应 优"


def test_jx107_grade_that_must_change_with_the_recomputed_total():
    # Full points although missed (JX201): the recomputed total decides whether the grade changes.
    f = edit_indicator(baseline(), 0, actual="600(人)")  # 20 -> 10.00: recomputed total 90.00 (优)
    assert findings(f, "JX107") == []
    f = edit_indicator(baseline(), 0, actual="500(人)")  # 20 -> 8.33: recomputed total 88.33 (良)
    [x] = findings(f, "JX107")
    assert "填报 优 与填报总分 100.00 相符，但复算总分 88.33 对应 良" in x.message
    rb = rb_override("national", {"checks": {"settings": {"JX107": {"follow_recomputed": False}}}})
    assert [y for y in run(f, rb) if y.code == "JX107"] == []


def test_jx107_accepts_common_spellings_and_ungraded_rulebooks():
    assert findings(edit(baseline(), grade="优秀"), "JX107") == []
    ungraded = rb_override("national", {"grades": {"source": "test", "enabled": False}})
    assert [y for y in run(edit(baseline(), grade="良"), ungraded) if y.code == "JX107"] == []


# -- JX108 fund sub-rows -----------------------------------------------------------


def _row0(f, **kw):
    rows = [r.model_dump() for r in f.funds.rows]
    rows[0].update(kw)
    return edit(f, **{"funds.rows": rows})


def test_jx108_sub_rows_not_adding_up():
    f = _row0(baseline(), adjusted_budget=D("95.00"))
    [x] = findings(f, "JX108")
    assert x.field == "funds.adjusted_budget"
    assert x.message == ("全年预算数：年度资金总额 100.00，其中各项合计 95.00"
                         "（当年财政拨款 95.00 + 上年结转资金 0 + 其他资金 0）")
    assert x.evidence["rows"]["当年财政拨款"] == D("95.00")


def test_jx108_near_misses():
    # Carry-over in another row still adds up; blank rows count as 0.
    rows = [r.model_dump() for r in baseline().funds.rows]
    rows[0].update(initial_budget=D(70), adjusted_budget=D(70), executed=D(70))
    rows[1].update(initial_budget=D(30), adjusted_budget=D(30), executed=D(30))
    rows[2].update(initial_budget=None, adjusted_budget=None, executed=None)
    assert findings(edit(baseline(), **{"funds.rows": rows}), "JX108") == []
    assert findings(edit(baseline(), **{"funds.rows": []}), "JX108") == []


# -- JX111 executed over budget ---------------------------------------------------------


def test_jx111_executed_over_budget():
    f = money(executed="105.00", rate="105.00", score="10.00")
    [x] = findings(f, "JX111")
    assert x.field == "funds.executed" and x.message == "全年执行数 105.00 超过全年预算数 100.00（执行率 105.00%）"
    assert findings(baseline(), "JX111") == []


def test_jx111_sub_row_over_its_budget():
    rows = [r.model_dump() for r in baseline().funds.rows]
    rows[0].update(executed=D(90))
    rows[1].update(executed=D(10))  # 上年结转资金 0 budget, 10 spent; the total still adds up
    [x] = findings(edit(baseline(), **{"funds.rows": rows}), "JX111")
    assert x.field == "funds.rows[1]" and x.message.startswith("上年结转资金：全年执行数 10")


# -- family-wide ---------------------------------------------------------------------


def test_select_and_ignore():
    f = edit(baseline(), total=D(98), total_weight=D(90))
    assert {x.code for x in findings(f, select=["JX1"])} == {"JX105", "JX110"}
    assert {x.code for x in findings(f, select=["JX1"], ignore=["JX105"])} == {"JX110"}
    assert findings(f, select=["JX2"]) == []


def test_changed_setting():
    rb = rb_override("national", {"checks": {"settings": {"JX110": {"expected": 90}}}})
    assert [x.code for x in run(edit(baseline(), total_weight=D(90)), rb) if x.code == "JX110"] == []
    assert [x.code for x in run(baseline(), rb) if x.code == "JX110"] == ["JX110"]


def test_severity_override():
    rb = rb_override("national", {"checks": {"severity": {"JX110": "warning"}}})
    [x] = [y for y in run(edit(baseline(), total_weight=D(90)), rb) if y.code == "JX110"]
    assert x.severity == "warning"


@pytest.fixture(scope="module")
def seed():
    import jixiao.cli
    from jixiao.ingest import read_forms
    return list(read_forms(jixiao.cli.sample_path()))


def test_seed_arithmetic_is_clean_under_shanghai(seed):
    assert [(x.form_index, x.code, x.message) for x in findings(seed, rulebook="shanghai", select=["JX1"])] == []


def test_seed_under_national_reports_the_rate_rounding(seed):
    found = findings(seed, rulebook="national", select=["JX1"])
    assert [x.code for x in found] == ["JX101"] * 8
    assert {x.form_index for x in found} == {1, 3, 4, 6, 10, 13, 14, 15}
    assert found[0].message.startswith("执行率：填报 94.81，复算 94.82")
