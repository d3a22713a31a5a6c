"""JX5xx indicator design: for each check, a form that triggers it and a close one that does not."""

from decimal import Decimal as D

from jixiao.checks import ReviewConfig, review_forms
from jixiao.scoring import load_rulebook

from .factory import BASE_INDICATORS, add_indicator, baseline, edit, edit_indicator, findings, ind


def with_settings(forms, code: str, settings: dict, **config):
    """Findings of ``code`` with the check's settings changed (as a rulebook's [checks.settings] would)."""
    rb = load_rulebook("national").override({"checks": {"settings": {code: settings}}})
    fs = forms if isinstance(forms, list) else [forms]
    return [x for x in review_forms(fs, rb, ReviewConfig.build(rb, **config)).findings if x.code == code]


def target(i: int, value: str, actual: str | None = None, **kw):
    return edit_indicator(baseline(), i, target=value, actual=actual if actual is not None else value.lstrip("=≥≤"),
                          **kw)


# -- JX501 no comparison sign --------------------------------------------------

def test_jx501_bare_number_target():
    f = target(0, "1200(人)")
    [x] = findings(f, "JX501")
    assert x.field == "indicators[0].target" and x.severity == "warning" and x.category == "design"
    assert "“居家养老服务人数”" in x.message and "“1200(人)”" in x.message and "1200是下限" in x.message


def test_jx501_direction_in_words_or_a_sign_passes():
    for t in ("≥1200(人)", "1200人以上", "不低于1200人", "=1200(人)"):
        assert findings(target(0, t, "1200(人)"), "JX501") == [], t
    f = add_indicator(baseline(), ind("效益指标", "社会效益指标", "有责投诉发生数", "0(起)", "0(起)", 0, 0))
    assert findings(f, "JX501") == []  # a bare zero can only mean "=0"
    for t in ("2024年12月底前", "12月31日前"):  # a deadline, not a quantity
        f = edit_indicator(baseline(), 3, name="项目完成时间", target=t, actual="达成指标")
        assert findings(f, "JX501") == [] and findings(f, "JX502") == [], t


# -- JX502 no unit -----------------------------------------------------------

def test_jx502_target_without_unit():
    [x] = findings(target(2, "≥95", "97"), "JX502")
    assert x.field == "indicators[2].target" and x.message == "“服务质量抽查合格率”的指标值“≥95”没有计量单位"
    assert findings(target(2, "≥95%", "97%"), "JX502") == []
    assert findings(target(5, "≥1.5", "1.8", name="投入产出比"), "JX502") == []  # a ratio has no unit


def test_jx502_zero_is_a_setting():
    f = add_indicator(baseline(), ind("效益指标", "社会效益指标", "有责投诉发生数", "=0", "0", 0, 0))
    assert findings(f, "JX502") == []
    assert len(with_settings(f, "JX502", {"skip_zero": False})) == 1


# -- JX503 percent above 100 ---------------------------------------------------

def test_jx503_percentage_above_100():
    [x] = findings(target(5, "=120(%)", "120(%)"), "JX503")
    assert x.field == "indicators[5].target" and "120%，百分比超过100%" in x.message
    assert x.evidence["number"] == D(120)


def test_jx503_near_misses():
    assert findings(target(5, "=100(%)"), "JX503") == []
    f = target(5, "≥120(%)", "125(%)", name="服务人次同比增长率")  # growth may exceed 100%
    assert findings(f, "JX503") == []


def test_jx503_leaves_counts_to_jx504():
    f = target(0, "=309.00(%)", "309.00(%)", name="摄像机点位覆盖数")
    assert findings(f, "JX503") == [] and len(findings(f, "JX504")) == 1
    assert len(findings(f, "JX503", ignore=["JX504"])) == 1


# -- JX504 count in % ------------------------------------------------------------

def test_jx504_count_written_in_percent():
    f = add_indicator(baseline(), ind("效益指标", "社会效益指标", "安全事故发生数", "=0.00(%)", "0.00(%)", 0, 0))
    [x] = findings(f, "JX504")
    assert x.field == "indicators[8].target"
    assert x.message == "“安全事故发生数”是计数指标（以“数”结尾），指标值“=0.00(%)”却以%为单位"
    f = target(0, "=309.00(%)", "309.00(%)", name="摄像机点位覆盖数")
    [x] = findings(f, "JX504")
    assert "且309%超过100%" in x.message and x.evidence["over_100"] is True


def test_jx504_near_misses():
    f = add_indicator(baseline(), ind("效益指标", "社会效益指标", "安全事故发生数", "=0(起)", "0(起)", 0, 0))
    assert findings(f, "JX504") == []
    assert findings(target(5, "=100(%)", name="摄像机点位覆盖率"), "JX504") == []
    assert findings(target(5, "≥90(%)", "92(%)", name="居民健康素养指数"), "JX504") == []  # 指数 is not a count


def test_jx504_suffixes_are_a_setting():
    f = target(0, "=100(%)", name="培训覆盖人群")
    assert findings(f, "JX504") == []
    assert len(with_settings(f, "JX504", {"count_suffixes": ["人群"]})) == 1


# -- JX505 ≥100% ------------------------------------------------------------------

def test_jx505_at_least_100_percent():
    [x] = findings(target(5, "≥100.00(%)", "100.00(%)", name="交通设施完好率"), "JX505")
    assert x.field == "indicators[5].target" and "“≥100.00(%)”" in x.message and "等同于“=100%”" in x.message
    assert len(findings(target(5, "100%以上", "100%"), "JX505")) == 1  # the direction in words


def test_jx505_near_misses():
    assert findings(target(5, "=100.00(%)"), "JX505") == []
    assert findings(target(5, "≥98(%)", "99(%)"), "JX505") == []
    assert findings(target(5, "≥100(%)", "110(%)", name="服务收入增长率"), "JX505") == []


# -- JX506 cost with ≥ ---------------------------------------------------------------

def test_jx506_cost_with_a_floor():
    [x] = findings(target(4, "≥800(元)", "820(元)"), "JX506")
    assert x.field == "indicators[4].target" and "“人均服务成本”是成本指标" in x.message and "“≥”" in x.message
    f = target(2, "≥50(万元)", "52(万元)", name="设备采购单价")  # a cost word and money, outside the cost block
    assert len(findings(f, "JX506")) == 1


def test_jx506_near_misses():
    assert findings(baseline(), "JX506") == []  # ≤800(元)
    assert findings(target(4, "≥5(%)", "6(%)", name="服务成本节约率"), "JX506") == []
    f = target(5, "≥500(万元)", "520(万元)", name="带动社会投资额", level2="经济效益指标")
    assert findings(f, "JX506") == []


# -- JX507 payment as an output ------------------------------------------------------

def test_jx507_payment_as_quantity_output():
    f = target(0, "=100.00(%)", name="尾款支付率")
    [x] = findings(f, "JX507")
    assert x.field == "indicators[0].name" and "“尾款支付率”" in x.message and "数量指标" in x.message
    assert len(findings(target(0, "=100(%)", name="区内扣资金拨付完成率"), "JX507")) == 1


def test_jx507_near_misses_and_setting():
    f = target(3, "=100(%)", name="资金拨付及时率")  # 时效指标
    assert findings(f, "JX507") == []
    assert len(with_settings(f, "JX507", {"level2": ["数量指标", "时效指标"]})) == 1
    assert findings(target(0, "=175(点位)", name="监控视频维护覆盖数"), "JX507") == []


# -- JX508 implausible level 2 ---------------------------------------------------------

def test_jx508_complaints_under_ecology():
    f = edit_indicator(baseline(), 5, level2="生态效益指标", name="有责投诉发生数", target="=0(起)", actual="0(起)")
    [x] = findings(f, "JX508")
    assert x.field == "indicators[5].level2"
    assert x.message == ("“有责投诉发生数”是投诉类指标（含“投诉”），放在“生态效益指标”下不相符，"
                         "应放在社会效益指标或质量指标下")


def test_jx508_other_rules_and_near_misses():
    f = edit_indicator(baseline(), 0, name="服务响应及时率", target="=100(%)", actual="100(%)")
    assert findings(f, "JX508")[0].evidence["kind"] == "时效"
    f = edit_indicator(baseline(), 5, name="群众满意度", target="≥90(%)", actual="93(%)")
    assert findings(f, "JX508")[0].evidence["kind"] == "满意度"
    f = edit_indicator(baseline(), 5, name="有责投诉发生数", target="=0(起)", actual="0(起)")  # 社会效益
    assert findings(f, "JX508") == []
    f = edit_indicator(baseline(), 5, name="设施设备完好率", target="=100(%)", actual="100(%)")
    assert findings(f, "JX508") == []  # 完好率 under 社会效益: common practice


def test_jx508_rules_are_a_setting():
    f = edit_indicator(baseline(), 5, name="设施设备完好率", target="=100(%)", actual="100(%)")
    rules = [{"label": "完好", "words": ["完好"], "unless": [], "allowed": ["质量指标"], "suggest": "质量指标"}]
    assert len(with_settings(f, "JX508", {"rules": rules})) == 1


# -- JX509 duplicates --------------------------------------------------------------------

def test_jx509_same_indicator_twice():
    f = edit_indicator(baseline(), 1, name="居家养老 服务人数")  # spaces do not make it different
    [x] = findings(f, "JX509")
    assert x.field == "indicators[1].name" and "出现了2次（第1行、第2行）" in x.message
    assert x.evidence["rows"] == [1, 2]


def test_jx509_near_miss():
    assert findings(edit_indicator(baseline(), 1, name="居家养老服务人次"), "JX509") == []


# -- JX510 missing level 1 -----------------------------------------------------------------

def no_satisfaction_block():
    return edit(baseline(), indicators=[x.model_dump() for x in baseline().indicators[:7]])


def test_jx510_missing_satisfaction_block():
    [x] = findings(no_satisfaction_block(), "JX510")
    assert x.field == "indicators" and x.message == "指标表缺少“满意度指标”一级指标（只有产出指标、效益指标）"


def test_jx510_block_filed_elsewhere_is_reported_once():
    # The satisfaction row sits under 社会效益指标: JX508 says so; JX510 does not repeat it.
    f = edit_indicator(baseline(), 7, level1="效益指标", level2="社会效益指标")
    assert findings(f, "JX510") == [] and len(findings(f, "JX508")) == 1
    assert len(findings(f, "JX510", ignore=["JX508"])) == 1
    # Its level 2 under another level 1: JX514's.
    f = edit_indicator(baseline(), 7, level1="效益指标")
    assert findings(f, "JX510") == [] and len(findings(f, "JX514")) == 1
    assert findings(baseline(), "JX510") == []


# -- JX511 vague targets ----------------------------------------------------------------------

def test_jx511_one_note_per_form_listing_rows():
    f = edit_indicator(baseline(), 3, target="及时", actual="达成指标")
    f = edit_indicator(f, 6, name="长效管理机制健全性", target="健全", actual="达成指标")
    [x] = findings(f, "JX511")
    assert x.severity == "info" and x.field == "indicators[3].target"
    assert x.message.startswith("2个定性指标的目标只写了“及时”、“健全”，没有可衡量的标准：")
    assert [r["row"] for r in x.evidence["rows"]] == [4, 7]


def test_jx511_targets_with_a_standard_pass():
    assert findings(edit_indicator(baseline(), 3, target="≤5个工作日", actual="3个工作日"), "JX511") == []
    f = edit_indicator(baseline(), 2, target="符合《养老机构服务质量基本规范》", actual="达成指标")
    assert findings(f, "JX511") == []
    f = edit_indicator(baseline(), 2, target="及时（2个工作日内）", actual="达成指标")
    assert findings(f, "JX511") == []


def test_jx511_quotes_a_target_that_is_not_text():
    """A form built without validation may hold a target that is not a str:
    quoted as formatted, as before (the join of str is only the fast path)."""
    f = edit_indicator(baseline(), 3, target="及时", actual="达成指标")
    inds = list(f.indicators)
    inds[3] = inds[3].model_copy(update={"target": 42})
    [x] = findings(f.model_copy(update={"indicators": inds}), "JX511")
    assert x.message.startswith("1个定性指标的目标只写了“42”，没有可衡量的标准：") and "（42）" in x.message


def test_jx511_listing_is_capped_by_a_setting():
    f = baseline()
    for i in (0, 1, 2):
        f = edit_indicator(f, i, target="提升", actual="达成指标")
    [x] = with_settings(f, "JX511", {"max_listed": 2})
    assert x.message.endswith("等3个") and len(x.evidence["rows"]) == 3


# -- JX512 target word does not fit the name ---------------------------------------------------

def test_jx512_timeliness_word_for_a_capacity_name():
    f = edit_indicator(baseline(), 5, name="街面治理能力提升情况", target="及时", actual="达成指标")
    [x] = findings(f, "JX512")
    assert x.field == "indicators[5].target" and "“街面治理能力提升情况”的目标值为“及时”，是时效类用语" in x.message
    f = edit_indicator(baseline(), 2, name="服务质量", target="健全", actual="达成指标")
    assert findings(f, "JX512")[0].evidence["kind"] == "制度"


def test_jx512_fitting_words_pass():
    f = edit_indicator(baseline(), 3, name="故障响应处置及时性", target="及时", actual="达成指标")
    assert findings(f, "JX512") == []
    f = edit_indicator(baseline(), 6, name="长效管理机制健全性", target="建立健全", actual="达成指标")
    assert findings(f, "JX512") == []
    f = edit_indicator(baseline(), 5, name="系统建设完成情况", target="按时完成验收", actual="达成指标")
    assert findings(f, "JX512") == []  # a phrase, not a template word


# -- JX513 level-1 weights -----------------------------------------------------------------------

def sixty_twenty():
    f = edit_indicator(baseline(), 0, weight=D(30), score=D(30))
    return edit_indicator(f, 5, weight=D(5), score=D(5))


def test_jx513_weights_off_the_guideline():
    [x] = findings(sixty_twenty(), "JX513")
    assert x.severity == "info" and x.field == "indicators"
    assert x.message == ("一级指标分值为产出60、效益20、满意度10，"
                         "与指引的产出50、效益30、满意度10不同（规则库 national）")
    assert x.evidence["differs"] == ["产出指标", "效益指标"]


def test_jx513_near_misses_and_tolerance():
    assert findings(baseline(), "JX513") == []
    assert findings(edit_indicator(baseline(), 0, weight=D(30), score=D(30)), "JX513") == []  # total is not 90
    assert with_settings(sixty_twenty(), "JX513", {"tolerance": 10}) == []


# -- JX514 level 2 outside its level 1 -------------------------------------------------------------

def test_jx514_level2_under_the_wrong_level1():
    f = edit_indicator(baseline(), 5, level1="产出指标")
    [x] = findings(f, "JX514")
    assert x.field == "indicators[5].level2"
    assert x.message.startswith("二级指标“社会效益指标”不属于一级指标“产出指标”（应属“效益指标”）")


def test_jx514_near_misses():
    assert findings(baseline(), "JX514") == []
    f = add_indicator(baseline(), ind("成本指标", "经济成本指标", "项目总成本", "≤100(万元)", "98(万元)", 0, 0))
    assert findings(f, "JX514") == []  # the 2021 framework's level-1 成本指标


# -- the family ---------------------------------------------------------------------------------------

def test_select_and_ignore_the_family():
    f = target(0, "=309.00(%)", "309.00(%)", name="摄像机点位覆盖数")
    assert {x.code for x in findings(f, select=["JX5"])} == {"JX504"}
    assert findings(f, select=["JX5"], ignore=["JX504"])[0].code == "JX503"
    assert not [x for x in findings(f, ignore=["JX5"]) if x.code.startswith("JX5")]


def test_baseline_indicators_are_clean_under_the_family():
    assert findings(baseline(), select=["JX5"]) == []
    assert len(BASE_INDICATORS) == 8
