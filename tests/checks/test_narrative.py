"""JX8xx narrative: for each check, a form that triggers it and a close one that does not."""

from decimal import Decimal as D

from jixiao.checks import ReviewConfig, review_forms
from jixiao.scoring import load_rulebook

from .factory import add_indicator, baseline, edit, edit_indicator, findings, ind

# 为全区1200名高龄独居老人提供居家养老上门服务，新建社区助餐点6个，服务对象满意度达到90%以上。
GOAL = baseline().goal.expected


def with_settings(forms, code, settings):
    """Findings of ``code`` with check settings overridden through the rulebook layer."""
    rb = load_rulebook("national").override({"checks": {"settings": settings}})
    fs = [forms] if not isinstance(forms, list) else forms
    return [f for f in review_forms(fs, rb, ReviewConfig.build(rb)).findings if f.code == code]


def goal(expected=None, actual=None, form=None):
    f = form or baseline()
    ch = {}
    if expected is not None:
        ch["goal.expected"] = expected
    if actual is not None:
        ch["goal.actual"] = actual
    return edit(f, **ch)


def test_baseline_has_no_narrative_findings():
    assert [x.code for x in findings(baseline()) if x.code.startswith("JX8")] == []


# -- JX801 --------------------------------------------------------------------------

REWRITE = ("根据文件要求，已为全区1200名高龄独居老人提供居家养老上门服务，新建社区助餐点6个，"
           "服务对象满意度已达到90%以上。")


def test_jx801_actual_rewrites_goal():
    [x] = findings(goal(actual=REWRITE), "JX801")
    assert x.severity == "warning" and x.category == "narrative" and x.field == "goal.actual"
    assert x.message == ("实际完成情况与预期目标雷同：完成情况的字词片段有100%出自预期目标，并以“根据文件要求”开头，"
                         "没有写出目标以外的实际数字")
    assert x.evidence["containment"] == 1.0 and x.evidence["opening"] == "根据文件要求"


def test_jx801_names_new_numbers_and_works_without_the_opening():
    f = goal(actual="为全区1200名高龄独居老人提供了居家养老上门服务，新建社区助餐点6个，"
                    "服务对象满意度达到90%以上，共计14.4万人次。")
    [x] = findings(f, "JX801")
    assert "并以" not in x.message and "只多出14.4万人次" in x.message
    assert x.evidence["new_quantities"] == ["14.4万人次"]


def test_jx801_identical_texts_whatever_their_length():
    f = goal(expected="自然资源卫片执法补助经费", actual="自然资源卫片执法补助经费")  # dev corpus 036
    [x] = findings(f, "JX801")
    assert x.message == "实际完成情况与预期目标一字不差" and x.evidence["identical"]


def test_jx801_near_miss_a_report_of_results():
    # the baseline's completion text reuses some words of the goal (36%) but reports results
    assert findings(baseline(), "JX801") == []
    f = goal(actual="根据文件要求，全年上门服务高龄独居老人1200名、共计14.4万人次；6个助餐点已开业。")
    assert findings(f, "JX801") == []
    assert findings(goal(actual="已完成"), "JX801") == []  # too short to judge


def test_jx801_threshold_is_a_setting():
    f = goal(actual="根据文件要求，已为全区1200名高龄独居老人提供上门服务，新建社区助餐点6个，满意度调查结果为93%。")
    [x] = findings(f, "JX801")
    share = x.evidence["containment"]
    assert 0.7 <= share < 0.95
    assert with_settings(f, "JX801", {"JX801": {"min_containment": 0.95}}) == []


def test_jx801_select_and_ignore():
    f = goal(actual=REWRITE)
    assert {x.code for x in findings(f, select=["JX801"])} == {"JX801"}
    assert findings(f, "JX801", ignore=["JX8"]) == []
    assert findings(f, "JX801", ignore=["JX802"]) != []


# -- JX802 -----------------------------------------------------------------------------

def test_jx802_goal_number_no_indicator_measures():
    f = goal(expected=GOAL + "完成对全镇镇属 107家企业的安全检查。")
    [x] = findings(f, "JX802")
    assert x.field == "goal.expected" and x.severity == "warning"
    assert x.message == "预期目标“完成对全镇镇属107家企业的安全检查”中的107家没有指标衡量：没有目标值为107家的指标"
    assert x.evidence["value"] == D(107) and x.evidence["quantities"] == ["107家企业"]


def test_jx802_near_miss_an_indicator_measures_it():
    f = goal(expected=GOAL + "完成对全镇镇属 107家企业的安全检查。")
    f = add_indicator(f, ind("产出指标", "数量指标", "企业安全检查数", "=107(家)", "107(家)", 0, 0), at=2)
    assert findings(f, "JX802") == []
    # any count unit with the same value measures it (一百零七个 = 107(家))
    g = goal(expected=GOAL + "完成对一百零七个企业的安全检查。")
    assert findings(add_indicator(g, ind("产出指标", "数量指标", "企业安全检查数", "=107(家)", "107(家)", 0, 0)),
                    "JX802") == []


def test_jx802_percent_and_chinese_numerals():
    f = goal(expected=GOAL + "实现全镇50%的小区结构化分析。")
    assert "50%" in findings(f, "JX802")[0].message
    f = goal(expected=GOAL + "为十二个街道配备心理咨询师。")
    [x] = findings(f, "JX802")
    assert x.evidence["value"] == D(12) and x.evidence["quantities"][0].startswith("十二个街道")


def test_jx802_sums_of_consecutive_counts_are_measured():
    text = "维护全镇129个居村点位，19个商圈点位，27个街面探头的监控视频。"
    f = goal(expected=text)
    f = edit_indicator(f, 1, name="监控视频维护覆盖数", target="=175.00(点位)", actual="175.00(点位)")
    assert findings(f, "JX802") == []
    g = edit_indicator(f, 1, target="=170.00(点位)", actual="170.00(点位)")
    assert len(findings(g, "JX802") + findings(g, "JX803")) == 3
    assert with_settings(f, "JX802", {"JX802": {"sum_runs": False}}) != []


def test_jx802_not_on_a_truncated_form():
    f = goal(expected=GOAL + "完成对全镇镇属 107家企业的安全检查。", form=edit(baseline(), complete=False))
    assert findings(f, "JX802") == []  # the indicator measuring it may be in the part not read


def test_jx802_years_ordinals_descriptors_are_not_targets():
    text = ("2024年计划完成15年以上的老旧电梯改造，委托第三方对八号桥市场开展服务，依据财预〔2020〕10号，"
            "完成2021、2022年未支付审价，在“一张图”上实现一网统管。")
    assert findings(goal(expected=text), "JX802") == []


def test_jx802_kinds_are_a_setting():
    f = goal(expected=GOAL + "项目总投资50万元。")
    assert findings(f, "JX802") == []  # money is off by default
    [x] = with_settings(f, "JX802", {"JX802": {"kinds": ["count", "percent", "money"]}})
    assert x.evidence["unit"] == "元" and x.evidence["value"] == D(500000)


# -- JX803 -------------------------------------------------------------------------------

def seven_districts(target: str):
    f = goal(expected="立足七宝镇七大片区治理实际，建设七个片区的综合治理平台，服务对象满意度达到90%以上。")
    f = edit_indicator(f, 0, name="微脑建设完成数", target=target, actual=target.lstrip("="))
    return edit_indicator(f, 1, name="硬件系统建设完成率", target="=100(%)", actual="100(%)")


def test_jx803_goal_number_disagrees_with_indicator():
    [x] = findings(seven_districts("=2.00(项)"), "JX803")
    assert x.severity == "warning" and x.field == "goal.expected"
    assert x.message == ("预期目标写的是七大片区治理、七个片区（7），"
                         "而衡量同类数量的指标“微脑建设完成数”目标值为=2.00(项)")
    assert x.evidence["indicator_index"] == 0
    assert findings(seven_districts("=2.00(项)"), "JX802") == []  # reported once, as a disagreement


def test_jx803_near_miss_indicator_agrees():
    assert findings(seven_districts("=7.00(项)"), "JX803") == []
    assert findings(seven_districts("=7.00(项)"), "JX802") == []


def test_jx803_unrelated_units_are_jx802s():
    # the goal counts 家 (enterprises); the only count indicator counts 人: not the same thing
    f = goal(expected="完成对全镇107家企业的安全检查，服务对象满意度达到90%以上。")
    f = edit_indicator(f, 1, name="检查人员配置数", target="=6(人)", actual="6(人)")
    assert findings(f, "JX803") == []
    assert len(findings(f, "JX802")) == 1
    # the same unit group: a disagreement
    g = edit_indicator(f, 1, name="企业安全检查数", target="=100(家)", actual="100(家)")
    assert "目标值为=100(家)" in findings(g, "JX803")[0].message


def test_jx803_level2_is_a_setting():
    f = seven_districts("=2.00(项)")
    assert with_settings(f, "JX803", {"JX803": {"quantity_level2": ["时效指标"]}}) == []


# -- JX804 ---------------------------------------------------------------------------------

def test_jx804_empty_actual():
    [x] = findings(goal(actual=""), "JX804")
    assert x.field == "goal.actual" and x.message == "年度总体目标的实际完成情况为空"
    [x] = findings(goal(actual="/"), "JX804")
    assert x.message == "年度总体目标的实际完成情况为空（只写了“/”）"
    assert sorted(x.field for x in findings(goal(expected="无", actual=""), "JX804")) == ["goal.actual",
                                                                                       "goal.expected"]


def test_jx804_near_miss_any_text_or_an_incomplete_form():
    assert findings(goal(actual="已完成"), "JX804") == []
    assert findings(goal(actual="", form=edit(baseline(), complete=False)), "JX804") == []


# -- JX805 -----------------------------------------------------------------------------------

VAGUE = ("通过非机动车安全整治项目的开展，进一步减少电动车火灾的发生，最大限度地预防和降低伤害事故，"
         "提高居民安全意识和消防安全行为能力。")


def test_jx805_goal_without_measurable_result():
    [x] = findings(goal(expected=VAGUE), "JX805")
    assert x.severity == "info" and x.field == "goal.expected"
    assert x.message == ("预期目标没有数量，也没有写明要完成的具体内容，"
                         "只有“进一步”、“减少”、“最大限度”、“预防”等愿景词，无法衡量是否完成")
    [x] = findings(goal(expected="提升服务水平"), "JX805")
    assert x.message == "预期目标只有6个字（“提升服务水平”），没有写明可衡量的结果"


def test_jx805_near_miss_a_deliverable_or_a_number():
    assert findings(goal(expected="完成非机动车充电设备采购和车棚改造，" + VAGUE), "JX805") == []
    assert findings(goal(expected="改造非机动车棚12处，" + VAGUE), "JX805") == []
    assert findings(goal(expected="设立避难场所，完成应急物资采购更新，完成应急科目演练"), "JX805") == []


def test_jx805_min_chars_is_a_setting():
    f = goal(expected="完成电梯维护保养工作")  # 10 characters: short, though it names a deliverable
    assert findings(f, "JX805")[0].evidence == {"chars": 10, "reason": "short"}
    assert with_settings(f, "JX805", {"JX805": {"min_chars": 8}}) == []


# -- the seed ------------------------------------------------------------------------------------

def test_seed_narrative_findings(seed_path):
    from jixiao.ingest import read_forms

    rb = load_rulebook("shanghai")
    r = review_forms(read_forms(seed_path), rb, ReviewConfig.build(rb, select=["JX8"]))
    got = sorted((f.form_index, f.code) for f in r.findings)
    assert got == sorted([(i, "JX801") for i in range(16)] + [(8, "JX802"), (14, "JX802"), (15, "JX803"),
                                                               (13, "JX805")])
    by = {(f.form_index, f.code): f for f in r.findings}
    assert "107家" in by[(14, "JX802")].message
    assert "七个片区" in by[(15, "JX803")].message and "=2.00(项)" in by[(15, "JX803")].message
    assert by[(2, "JX801")].evidence["opening"] == "根据文件要求"  # 129 + 19 + 27 = 175: no JX802 on form 2
