"""JX2xx score vs values: for each check, a form that triggers it and a close one that does not."""

from decimal import Decimal as D

from jixiao.checks import ReviewConfig, review_forms
from jixiao.scoring import load_rulebook

from .factory import baseline, edit, edit_indicator, findings


# Row 3 (补贴发放周期, 5 points) turned into a qualitative row.
def qualitative(actual: str, score, target: str = "及时"):
    return edit(edit_indicator(baseline(), 3, target=target, actual=actual, score=D(str(score))),
                total=D(95) + D(str(score)))


def test_jx201_full_points_although_missed():
    f = edit_indicator(baseline(), 0, actual="1080(人)")  # ≥1200人, 20/20
    [x] = findings(f, "JX201")
    assert x.severity == "error" and x.category == "score" and x.field == "indicators[0].score"
    assert x.message.startswith("“居家养老服务人数”目标 ≥1200(人)，完成 1080(人)，未达到目标却得满分 20；按计分规则应得 18.00")
    assert x.evidence["recomputed"] == D("18.00")
    assert findings(edit_indicator(baseline(), 0, actual="1200(人)"), "JX201") == []
    proportional = edit(edit_indicator(f, 0, score=D(18)), total=D(98))
    assert findings(proportional, "JX201") == []


def test_jx201_strict_sign_missed_but_full_by_the_formula():
    f = edit_indicator(baseline(), 0, target=">1200(人)")  # 1200 misses ">", formula still 20
    assert findings(f, "JX201") == []


def test_jx201_reverse_and_zero_rows():
    late = edit_indicator(baseline(), 3, actual="40(天)")  # ≤30天, 5/5
    assert "按计分规则应得 3.75" in findings(late, "JX201")[0].message
    f = edit_indicator(baseline(), 3, name="有责投诉发生数", target="=0(起)", actual="2(起)")
    assert "按计分规则应得 0" in findings(f, "JX201")[0].message


def test_jx203_points_lost_although_met():
    f = edit(edit_indicator(baseline(), 2, score=D(8)), total=D(98))  # ≥95%, actual 97%
    [x] = findings(f, "JX203")
    assert x.message == "“服务质量抽查合格率”完成 97(%)，已达到目标 ≥95(%)，应得满分 10，填报 8"
    missed = edit(edit_indicator(baseline(), 2, actual="90(%)", score=D("9.47")), total=D("99.47"))
    assert findings(missed, "JX203") == [] and findings(missed, "JX103") == []


def test_jx203_setting_accepts_a_deduction_explained_in_the_note():
    f = edit(edit_indicator(baseline(), 2, score=D(8), deviation="因发生两起服务投诉，扣2分，下一步将加强培训。"),
             total=D(98))
    assert len(findings(f, "JX203")) == 1
    rb = load_rulebook("national").override({"checks": {"settings": {"JX203": {"allow_with_note": True}}}})
    assert [x for x in review_forms([f], rb, ReviewConfig.build(rb)).findings if x.code == "JX203"] == []
    no_note = edit(edit_indicator(baseline(), 2, score=D(8)), total=D(98))
    assert [x.code for x in review_forms([no_note], rb, ReviewConfig.build(rb)).findings
            if x.code == "JX203"] == ["JX203"]


def test_jx202_qualitative_score_outside_its_band():
    [x] = findings(qualitative("部分达成", 5), "JX202")
    assert x.message == ("“补贴发放周期”完成情况“部分达成”属部分达成档，得分应在 3–4 之间（不含上限）"
                         "（分值 5 的 60%–80%），填报 5")
    assert x.evidence["band"] == "partial"
    assert findings(qualitative("部分达成", "3.5"), "JX202") == []
    assert findings(qualitative("达成指标", 5), "JX202") == []
    low = findings(qualitative("达成指标", 3), "JX202")
    assert len(low) == 1 and "属达成档" in low[0].message


def test_jx202_leaves_a_score_above_the_weight_to_jx109():
    f = qualitative("达成指标", 6)
    assert findings(f, "JX202") == [] and len(findings(f, "JX109")) == 1


def test_jx204_points_for_an_empty_actual():
    f = edit_indicator(baseline(), 7, actual="/")  # 满意度 ≥90%, 10 points
    [x] = findings(f, "JX204")
    assert x.field == "indicators[7].actual" and x.message == "“服务对象满意度”实际完成值“/”，却得分 10（分值 10）"
    assert findings(f, "JX604") == []  # one problem, one finding
    none = edit(edit_indicator(baseline(), 7, actual="/", score=D(0)), total=D(90))
    assert findings(none, "JX204") == [] and len(findings(none, "JX604")) == 1


def test_jx205_unknown_result_word_with_points():
    [x] = findings(qualitative("较好", 5), "JX205")
    assert x.severity == "info" and "完成情况“较好”不是可识别的达成情况用语" in x.message
    assert findings(qualitative("达成指标", 5), "JX205") == []
    assert findings(qualitative("及时", 5), "JX205") == []  # the repeated target word reads as 达成
    no_weight = edit_indicator(baseline(), 3, target="及时", actual="达成指标", weight=None)
    assert findings(no_weight, "JX205") == []  # not computable for want of a weight, not for the word


def test_select_and_ignore():
    f = edit(edit_indicator(edit_indicator(baseline(), 0, actual="1080(人)"), 2, score=D(8)), total=D(98))
    assert [x.code for x in findings(f, select=["JX2"])] == ["JX201", "JX203"]
    assert [x.code for x in findings(f, select=["JX2"], ignore=["JX201"])] == ["JX203"]


def test_the_baseline_and_the_seed_are_clean():
    import jixiao.cli
    from jixiao.ingest import read_forms
    assert findings(baseline(), select=["JX2"]) == []
    assert findings(list(read_forms(jixiao.cli.sample_path())), rulebook="shanghai", select=["JX2"]) == []
