"""JX7xx satisfaction: for each check, a form that triggers it and a close one that does not."""

from decimal import Decimal as D

from .factory import add_indicator, baseline, edit, edit_indicator, findings, ind
from .test_design import with_settings

NO_SURVEY = "全年上门服务高龄独居老人1200名、共计14.4万人次；6个社区助餐点均已开业运营。"


def unsurveyed(f=None):
    """The baseline with the survey sentence taken out of 实际完成情况."""
    return edit(f or baseline(), **{"goal.actual": NO_SURVEY})


def split_satisfaction(second: str, f=None):
    """The 10 satisfaction points split over 服务对象满意度 and a second row."""
    f = edit_indicator(f or baseline(), 7, weight=D(5), score=D(5))
    return add_indicator(f, ind("满意度指标", "服务对象满意度指标", second, "≥90(%)", "95(%)", 5, 5))


# -- JX701 supervisor satisfaction next to a real one -----------------------------------

def test_jx701_supervisor_row_beside_service_objects():
    [x] = findings(split_satisfaction("主管部门满意度"), "JX701")
    assert x.field == "indicators[8].name" and x.severity == "warning" and x.category == "satisfaction"
    assert x.message == ("“主管部门满意度”衡量的是主管部门（管理方）的满意度，不是服务对象满意度；"
                         "本表的服务对象满意度是“服务对象满意度”")


def test_jx701_people_served_pass():
    for name in ("楼内单位满意度", "使用者满意度", "群众满意度"):
        assert findings(split_satisfaction(name), "JX701") == [], name


def test_jx701_words_are_a_setting():
    f = split_satisfaction("街道办满意度")
    assert findings(f, "JX701") == []
    assert len(with_settings(f, "JX701", {"supervisor_words": ["街道办"]})) == 1


# -- JX702 the only satisfaction row is the supervisor's --------------------------------

def test_jx702_only_supervisor_satisfaction_is_an_error():
    f = edit_indicator(baseline(), 7, name="主管单位满意度")
    [x] = findings(f, "JX702")
    assert x.severity == "error" and x.field == "indicators[7].name"
    assert x.message == ("满意度指标只有“主管单位满意度”，衡量的是主管单位（管理方）而不是服务对象；"
                         "本表没有服务对象满意度，却计了满意度分值10分")
    assert findings(f, "JX701") == []  # one problem, one finding
    assert len(findings(f, "JX701", ignore=["JX702"])) == 1


def test_jx702_near_miss():
    assert findings(split_satisfaction("主管部门满意度"), "JX702") == []  # JX701's
    assert findings(baseline(), "JX702") == []


# -- JX703 100% with no survey ------------------------------------------------------------

def test_jx703_perfect_satisfaction_without_survey():
    f = edit_indicator(unsurveyed(), 7, actual="100.00(%)")
    [x] = findings(f, "JX703")
    assert x.field == "indicators[7].actual"
    assert x.message == ("满意度“服务对象满意度”的实际完成值为100.00(%)，"
                         "但表中没有说明满意度如何得出（问卷、抽样调查、测评等）")


def test_jx703_one_finding_per_form():
    f = edit_indicator(split_satisfaction("使用者满意度", unsurveyed()), 7, actual="100(%)")
    f = edit_indicator(f, 8, actual="100(%)")
    [x] = findings(f, "JX703")
    assert [r["name"] for r in x.evidence["rows"]] == ["服务对象满意度", "使用者满意度"]


def test_jx703_a_survey_or_a_real_figure_passes():
    assert findings(edit_indicator(baseline(), 7, actual="100(%)"), "JX703") == []  # 问卷调查 in the goal
    f = edit_indicator(unsurveyed(), 7, actual="100(%)", deviation="经电话回访120户，均表示满意。")
    assert findings(f, "JX703") == []
    assert findings(edit_indicator(unsurveyed(), 7, actual="96(%)"), "JX703") == []


def test_jx703_survey_words_are_a_setting():
    f = edit_indicator(baseline(), 7, actual="100(%)")  # the goal says 问卷调查（有效样本600份）
    assert findings(f, "JX703") == []
    assert len(with_settings(f, "JX703", {"survey_words": ["抽样"]})) == 1


# -- JX704 exactly at the threshold --------------------------------------------------------

def test_jx704_actual_exactly_at_the_threshold():
    f = edit_indicator(unsurveyed(), 7, actual="90.00(%)")
    [x] = findings(f, "JX704")
    assert x.field == "indicators[7].actual"
    assert x.message == "满意度恰好等于目标下限：“服务对象满意度”目标≥90(%)、实际90.00(%)，且表中没有说明调查方式和样本"


def test_jx704_near_misses_and_setting():
    assert findings(edit_indicator(unsurveyed(), 7, actual="93(%)"), "JX704") == []
    f = edit_indicator(baseline(), 7, actual="90(%)")  # a survey is described
    assert findings(f, "JX704") == []
    assert len(with_settings(f, "JX704", {"unless_survey": False})) == 1
    assert findings(edit_indicator(unsurveyed(), 7, target="=90(%)", actual="90(%)"), "JX704") == []


# -- JX705 no satisfaction at all -------------------------------------------------------------

def no_satisfaction():
    return edit(baseline(), indicators=[x.model_dump() for x in baseline().indicators[:7]])


def test_jx705_defers_to_jx510():
    f = no_satisfaction()
    assert findings(f, "JX705") == [] and len(findings(f, "JX510")) == 1
    [x] = findings(f, "JX705", ignore=["JX510"])
    assert x.field == "indicators" and x.message == "指标表没有满意度指标（共7个指标，均不涉及满意度）"


def test_jx705_a_satisfaction_row_anywhere_passes():
    f = edit_indicator(baseline(), 7, level1="效益指标", level2="社会效益指标")
    assert findings(f, "JX705", ignore=["JX510"]) == []
    assert findings(baseline(), "JX705", ignore=["JX510"]) == []


# -- the family ---------------------------------------------------------------------------------

def test_select_and_ignore_the_family():
    f = edit_indicator(unsurveyed(edit_indicator(baseline(), 7, name="主管部门满意度")), 7, actual="100(%)")
    assert {x.code for x in findings(f, select=["JX7"])} == {"JX702", "JX703"}
    assert {x.code for x in findings(f, select=["JX7"], ignore=["JX703"])} == {"JX702"}
    assert findings(baseline(), select=["JX7"]) == []
