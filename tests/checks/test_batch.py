"""JX9xx across forms: for each check, a batch that triggers it and a close one that does not."""

from decimal import Decimal as D

from jixiao.checks import ReviewConfig, review_forms
from jixiao.checks.batch import _LossyCounter, row_keys, text_key
from jixiao.scoring import load_rulebook

from .factory import add_indicator, baseline, edit, edit_indicator, findings, ind

PROJECTS = ["社区居家养老服务补贴", "老年助餐点运营补贴", "社区卫生服务站运营", "残疾人康复服务补贴",
            "儿童托育服务补助", "退役军人关爱服务", "社区文化活动中心运营", "街道综合养老服务中心",
            "困难群众临时救助", "社区矫正服务购买", "社区食堂建设补贴", "长者照护之家运营"]


def project(i: int, **kw):
    """A baseline-like form of project ``i``: its own name, goal texts and
    indicator names (but the satisfaction row, the same in every form)."""
    n = 1200 + 10 * i
    p = PROJECTS[i]
    rows = []
    for r in baseline().indicators:
        r = r.model_dump()
        if r["level1"] != "满意度指标":
            r["name"] = p[:4] + r["name"]
        rows.append(r)
    f = edit(baseline(), project_name=p, indicators=rows, **{"source.file": f"p{i}.txt",
             "goal.expected": f"为{p}服务对象{n}人提供服务，服务对象满意度达到90%以上。",
             "goal.actual": f"全年服务{p}服务对象{n}人，经问卷调查满意度为93%。"})
    f = edit_indicator(f, 0, target=f"≥{n}(人)", actual=f"{n}(人)")
    return edit(f, **kw) if kw else f


def batch(forms, code, settings=None, **config):
    rb = load_rulebook("national")
    if settings:
        rb = rb.override({"checks": {"settings": settings}})
    return [f for f in review_forms(forms, rb, ReviewConfig.build(rb, **config)).findings if f.code == code]


def test_different_projects_trigger_nothing_across_forms():
    assert [x.code for x in findings([project(0), project(1)]) if x.code.startswith("JX9")] == []
    assert [x.code for x in findings([project(i) for i in range(4)]) if x.code.startswith("JX9")] == []


# -- JX901 ----------------------------------------------------------------------------

def test_jx901_identical_indicator_sets():
    a = project(0)
    b = edit(project(1), indicators=[r.model_dump() for r in a.indicators])
    c = project(2)
    xs = batch([a, c, b], "JX901")
    assert [x.form_index for x in xs] == [0, 2]
    assert xs[0].message == "本表8个指标的名称和目标值与“老年助餐点运营补贴”项目的指标完全相同"
    assert xs[0].evidence["others"] == ["老年助餐点运营补贴"] and xs[0].evidence["other_indices"] == [2]
    assert xs[1].evidence["others"] == ["社区居家养老服务补贴"]
    assert xs[0].severity == "warning" and xs[0].category == "batch" and xs[0].project_name == "社区居家养老服务补贴"


def test_jx901_order_and_spacing_do_not_matter():
    a = project(0)
    rows = [r.model_dump() for r in reversed(a.indicators)]
    rows[0]["name"] = " ".join(rows[0]["name"])  # "服 务 对 象 满 意 度" from a PDF
    b = edit(project(1), indicators=rows)
    assert len(batch([a, b], "JX901")) == 2


def test_jx901_near_miss_one_target_differs_or_same_project():
    a = project(0)
    b = edit(project(1), indicators=[r.model_dump() for r in a.indicators])
    b = edit_indicator(b, 1, target="=8(个)", actual="8(个)")
    assert batch([a, b], "JX901") == []
    # names only: the same table with other targets is reported
    assert len(batch([a, b], "JX901", {"JX901": {"compare_targets": False}})) == 2
    # the same project twice (e.g. two years) is not "different projects"
    assert batch([a, edit(a, year=2023)], "JX901") == []


def test_jx901_names_at_most_max_names_others():
    a = project(0)
    forms = [edit(project(i), indicators=[r.model_dump() for r in a.indicators]) for i in range(8)]
    x = batch(forms, "JX901", {"JX901": {"max_names": 2}})[0]
    assert x.evidence["other_forms"] == 7 and len(x.evidence["others"]) == 2
    assert x.message.endswith("等7个项目的指标完全相同")


# -- JX902 ------------------------------------------------------------------------------

BOILER = ind("效益指标", "可持续影响指标", "长效管理机制健全性", "健全", "达成指标", 0, 0)


def with_boiler(n: int, have: int, name="长效管理机制健全性"):
    forms = [project(i) for i in range(n)]
    return [add_indicator(f, {**BOILER, "name": name if i else "长效管理机制健全性"}) if i < have else f
            for i, f in enumerate(forms)]


def test_jx902_boilerplate_row_in_every_form():
    [x] = batch(with_boiler(6, 6), "JX902")
    assert x.form_index is None and x.severity == "info" and x.project_name == ""
    assert x.message == ("指标“长效管理机制健全性”出现在本批6张表中的6张（100%），目标值多为“健全”，均得满分，"
                         "是与项目内容无关的通用指标")
    assert x.evidence["forms"] == 6 and x.evidence["targets"] == {"健全": 6}


def test_jx902_near_miss_not_nearly_every_form_or_too_few_forms():
    assert batch(with_boiler(6, 5), "JX902") == []  # 83% < 90%
    assert batch(with_boiler(4, 4), "JX902") == []  # a run of 4 forms
    assert len(batch(with_boiler(4, 4), "JX902", {"JX902": {"min_forms": 4}})) == 1


def test_jx902_one_character_variants_count_as_the_row():
    forms = with_boiler(10, 10)
    forms[3] = edit_indicator(forms[3], 8, name="长效管理机制建全性")  # the seed's typo
    [x] = batch(forms, "JX902")
    assert x.evidence["forms"] == 10 and x.evidence["variants"] == {"长效管理机制建全性": 1}
    assert "含写法“长效管理机制建全性”" in x.message


def test_jx902_satisfaction_rows_are_skipped_and_rows_capped():
    forms = with_boiler(6, 6)  # 服务对象满意度 in every form too: required by the framework, not reported
    assert [x.evidence["name"] for x in batch(forms, "JX902")] == ["长效管理机制健全性"]
    xs = batch(forms, "JX902", {"JX902": {"skip_level1": [], "max_rows": 1}})
    assert [x.evidence.get("name") for x in xs] == ["服务对象满意度", None]  # ties: by name
    assert xs[1].message == "另有1个指标也出现在本批90%以上的表中：“长效管理机制健全性”"


def test_lossy_counter_keeps_frequent_names_exactly():
    c = _LossyCounter(0.01)
    for i in range(5000):
        names = {"长效管理机制健全性": ("健全", True), f"专项指标{i}": ("=1(项)", True)}
        if i % 10:
            names["设施设备完好率"] = ("=100(%)", True)
        c.add(names)
    assert c.entries["长效管理机制健全性"][0] == 5000
    assert c.entries["设施设备完好率"][0] == 4500
    assert len(c.entries) < 300  # the 5000 one-off names were dropped


# -- JX903 -----------------------------------------------------------------------------------

def test_jx903_every_form_top_grade():
    forms = [project(i) for i in range(10)]
    [x] = batch(forms, "JX903")
    assert x.form_index is None and x.severity == "warning"
    assert x.message == ("本批10张表中10张评为“优”（100%），10张总分≥99（100%），总分100.00–100.00（中位数100.00）："
                         "自评分数普遍偏高，没有区分度")
    assert x.evidence["grades"] == {"优": 10}


def test_jx903_near_miss_spread_or_too_few():
    assert batch([project(i) for i in range(9)], "JX903") == []
    spread = [project(i, total=D(t), grade=g) for i, (t, g) in enumerate(
        [(100, "优"), (96, "优"), (93, "优"), (91, "优"), (88, "良"), (95, "优"), (85, "良"), (99.5, "优"),
         (92, "优"), (94, "优")])]
    assert batch(spread, "JX903") == []


def test_jx903_high_totals_alone_and_settings():
    # 8 of 10 at >= 99 though 2 are graded 良 (the grade share is 80% < 95%)
    forms = [project(i, total=D("99.5")) for i in range(8)] + [project(8, total=D(85), grade="良"),
                                                                 project(9, total=D(86), grade="良")]
    [x] = batch(forms, "JX903")
    assert "8张总分≥99（80%）" in x.message and x.evidence["median"] == D("99.50")
    assert batch(forms, "JX903", {"JX903": {"high_share": 0.9}}) == []
    assert len(batch([project(i) for i in range(5)], "JX903", {"JX903": {"min_forms": 5}})) == 1


# -- JX904 ------------------------------------------------------------------------------------

def test_jx904_identical_goal_text():
    a, b, c = project(0), project(1), project(2)
    b = edit(b, **{"goal.expected": a.goal.expected.replace("，", ", ")})  # punctuation does not matter
    xs = batch([a, b, c], "JX904")
    assert [(x.form_index, x.field) for x in xs] == [(0, "goal.expected"), (1, "goal.expected")]
    assert xs[0].message == "本表的预期目标与“老年助餐点运营补贴”项目的预期目标一字不差"


def test_jx904_near_miss_same_project_or_other_number():
    a = project(0)
    assert batch([a, edit(a, year=2023)], "JX904") == []
    b = edit(project(1), **{"goal.expected": a.goal.expected.replace("1200", "1300")})
    assert batch([a, b], "JX904") == []
    short = [edit(project(i), **{"goal.actual": "已按要求完成"}) for i in range(2)]
    assert batch(short, "JX904") == []


# -- JX905 -------------------------------------------------------------------------------------

NOTE = "因第三方服务合同于12月到期，尾款于次年支付。"


def test_jx905_identical_deviation_note():
    a = edit_indicator(project(0), 3, deviation=NOTE)
    b = edit_indicator(project(1), 5, deviation=NOTE)
    xs = batch([a, b, project(2)], "JX905")
    assert [(x.form_index, x.field) for x in xs] == [(0, "indicators[3].deviation"), (1, "indicators[5].deviation")]
    assert xs[0].message == f"偏差说明“{NOTE}”与“老年助餐点运营补贴”项目的偏差说明一字不差"


def test_jx905_near_miss_short_or_same_project():
    a = edit_indicator(project(0), 3, deviation="已按要求完成。")
    b = edit_indicator(project(1), 3, deviation="已按要求完成。")
    assert batch([a, b], "JX905") == []
    a = edit_indicator(edit_indicator(project(0), 3, deviation=NOTE), 4, deviation=NOTE)
    assert batch([a], "JX905") == []
    assert len(batch([a, edit_indicator(project(1), 3, deviation=NOTE)], "JX905", {"JX905": {"min_chars": 40}})) == 0


# -- family-wide ------------------------------------------------------------------------------------

def test_batch_select_and_ignore():
    a = project(0)
    b = edit(project(1), indicators=[r.model_dump() for r in a.indicators])
    assert {x.code for x in findings([a, b], select=["JX9"])} == {"JX901"}
    assert findings([a, b], "JX901", ignore=["JX9"]) == []


def test_text_and_row_keys():
    assert text_key("服 务 对象满意度（％）") == text_key("服务对象满意度(%)") == "服务对象满意度%"
    assert row_keys(["服 务 对象满意度（％）", "长效管理机制健全性"], ["≥ 95.00(%)", "＝３０人"]) == (
        ["服务对象满意度%", "长效管理机制健全性"], ["≥95.00(%)", "=30人"])


def test_seed_batch_findings(seed_path):
    from jixiao.ingest import read_forms

    rb = load_rulebook("shanghai")
    r = review_forms(read_forms(seed_path), rb, ReviewConfig.build(rb, select=["JX9"]))
    assert sorted(f.code for f in r.findings) == ["JX902", "JX903"]
    by = {f.code: f for f in r.findings}
    assert by["JX902"].evidence["name"] == "长效管理机制健全性" and by["JX902"].evidence["forms"] == 16
    assert by["JX903"].evidence["grades"] == {"优": 16}
    assert by["JX903"].evidence["min"] == D("95.61") and by["JX903"].evidence["max"] == D("100.00")
