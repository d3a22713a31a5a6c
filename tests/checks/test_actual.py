"""JX6xx actual values: for each check, a form that triggers it and a close one that does not."""

from decimal import Decimal as D

from jixiao.checks import ReviewConfig, review_forms
from jixiao.scoring import load_rulebook

from .factory import baseline, edit, edit_indicator, findings


def test_jx601_result_word_for_a_numeric_target():
    f = edit_indicator(baseline(), 2, actual="达成指标")  # ≥95(%)
    [x] = findings(f, "JX601")
    assert x.severity == "warning" and x.category == "actual" and x.field == "indicators[2].actual"
    assert x.message == "“服务质量抽查合格率”目标为数值 ≥95(%)，实际完成值却是达成情况用语“达成指标”，没有实际数值，得分无法复算"
    assert x.evidence["result_word"] is True


def test_jx601_other_text_and_near_misses():
    [x] = findings(edit_indicator(baseline(), 2, actual="按计划推进"), "JX601")
    assert "实际完成值却是文字“按计划推进”" in x.message
    assert findings(edit_indicator(baseline(), 2, actual="97%"), "JX601") == []
    qualitative = edit_indicator(baseline(), 3, target="及时", actual="达成指标")
    assert findings(qualitative, "JX601") == []


def test_jx602_target_copied_with_its_sign():
    f = edit_indicator(baseline(), 2, actual="≥95%")
    [x] = findings(f, "JX602")
    assert x.message == "“服务质量抽查合格率”实际完成值“≥95%”照抄了年度指标值“≥95(%)”（带比较符号），不是实际测得的数值"
    assert findings(edit_indicator(baseline(), 2, actual="95(%)"), "JX602") == []  # the number reached
    assert findings(edit_indicator(baseline(), 2, actual="≥96(%)"), "JX602") == []  # not a copy
    assert findings(edit_indicator(baseline(), 3, target="及时", actual="及时"), "JX602") == []


def test_jx603_different_units():
    f = edit_indicator(baseline(), 1, actual="6(处)")  # =6(个)
    [x] = findings(f, "JX603")
    assert x.message == "“新建社区助餐点数量”年度指标值单位“个”与实际完成值单位“处”不一致（=6(个) / 6(处)），无法比较"
    assert x.evidence == {"name": "新建社区助餐点数量", "target_unit": "个", "actual_unit": "处",
                          "target": "=6(个)", "actual": "6(处)"}


def test_jx603_near_misses_follow_the_rulebook_units():
    assert findings(edit_indicator(baseline(), 2, actual="97(％)"), "JX603") == []  # % = ％
    assert findings(edit_indicator(baseline(), 2, actual="97"), "JX603") == []  # one side without a unit
    assert findings(edit_indicator(baseline(), 2, actual="97%以上"), "JX603") == []  # a word, not a unit
    rb = load_rulebook("national").override(
        {"indicators": {"units": {"source": "test", "equivalent": [["个", "处"]]}}}, origin="<test>")
    f = edit_indicator(baseline(), 1, actual="6(处)")
    assert [x for x in review_forms([f], rb, ReviewConfig.build(rb)).findings if x.code == "JX603"] == []


def test_jx604_empty_actual():
    f = edit(edit_indicator(baseline(), 7, actual="", score=D(0)), total=D(90))
    [x] = findings(f, "JX604")
    assert x.message == "“服务对象满意度”实际完成值为空（年度指标值 ≥90(%)）"
    dash = edit(edit_indicator(baseline(), 7, actual="-", score=D(0)), total=D(90))
    assert "只写了“-”" in findings(dash, "JX604")[0].message
    assert findings(edit_indicator(baseline(), 7, actual="-"), "JX604") == []  # with points: JX204


def test_jx605_target_set_too_low_when_the_excess_is_explained():
    f = edit_indicator(baseline(), 0, actual="1800(人)", deviation="新增两个街道纳入服务范围，服务人数增加。")
    [x] = findings(f, "JX605")
    assert x.severity == "info" and x.field == "indicators[0].target"
    assert x.message == "“居家养老服务人数”完成值 1800(人) 为目标 ≥1200(人) 的 150%（≥130%），目标可能定得过低"
    assert findings(edit_indicator(f, 0, actual="1500(人)"), "JX605") == []  # 125%


def test_jx605_leaves_an_unexplained_excess_to_jx303():
    f = edit_indicator(baseline(), 0, actual="1800(人)")
    assert findings(f, "JX605") == [] and len(findings(f, "JX303")) == 1
    assert len(findings(f, "JX605", ignore=["JX303"])) == 1


def test_jx605_threshold_is_the_rulebooks():
    f = edit_indicator(baseline(), 0, actual="1500(人)", deviation="新增一个街道纳入服务范围，服务人数增加。")
    rb = load_rulebook("national").override({"thresholds": {"source": "test", "over_achievement": 1.2}})
    [x] = [y for y in review_forms([f], rb, ReviewConfig.build(rb)).findings if y.code == "JX605"]
    assert "125%（≥120%）" in x.message


def test_select_and_ignore():
    f = edit_indicator(edit_indicator(baseline(), 2, actual="达成指标"), 1, actual="6(处)")
    assert [x.code for x in findings(f, select=["JX6"])] == ["JX601", "JX603"]
    assert [x.code for x in findings(f, select=["JX6"], ignore=["JX601"])] == ["JX603"]


def test_the_baseline_and_the_seed_are_clean():
    import jixiao.cli
    from jixiao.ingest import read_forms
    assert findings(baseline(), select=["JX6"]) == []
    assert findings(list(read_forms(jixiao.cli.sample_path())), rulebook="shanghai", select=["JX6"]) == []
