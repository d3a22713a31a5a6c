"""JX3xx deviation notes: for each check, a form that triggers it and a close one that does not."""

from decimal import Decimal as D

from .factory import baseline, edit, edit_indicator, findings


def low_rate(executed: str, rate: str, score: str):
    return edit(baseline(), **{"funds.executed": D(executed), "funds.rate": D(rate), "funds.score": D(score),
                               "total": D("90") + D(score)})


def _rows(f, **kw):
    return edit(f, **{"funds.rows": [{**r.model_dump(), **kw} if r.source == "当年财政拨款" else r.model_dump()
                                     for r in f.funds.rows]})


def test_jx301_low_rate_without_note():
    f = _rows(low_rate("64.84", "64.84", "6.48"), executed=D("64.84"))
    [x] = findings(f, "JX301")
    assert x.message == "执行率64.84%，低于90%，但偏差原因分析为空"
    assert x.field == "funds.rate" and x.severity == "warning" and x.category == "deviation"
    assert x.evidence["rate"] == D("64.84")


def test_jx301_near_miss_with_a_note_or_above_threshold():
    f = _rows(low_rate("64.84", "64.84", "6.48"), executed=D("64.84"))
    assert findings(edit_indicator(f, 0, deviation="项目延期至次年实施，结余资金已收回。"), "JX301") == []
    f = _rows(low_rate("90.00", "90.00", "9.00"), executed=D("90.00"))
    assert findings(f, "JX301") == []


def test_jx301_threshold_is_a_setting():
    f = _rows(low_rate("92.00", "92.00", "9.20"), executed=D("92.00"))
    assert findings(f, "JX301") == []
    assert len(findings(f, "JX301", rulebook="national", select=["JX301"])) == 0
    from jixiao.scoring import load_rulebook
    from jixiao.checks import ReviewConfig, review_forms
    rb = load_rulebook("national").override({"checks": {"settings": {"JX301": {"rate_below": 95}}}})
    r = review_forms([f], rb, ReviewConfig.build(rb))
    assert [x.code for x in r.findings if x.code == "JX301"] == ["JX301"]


def test_jx306_below_100_is_info_and_defers_to_jx301():
    f = _rows(low_rate("93.00", "93.00", "9.30"), executed=D("93.00"))
    [x] = findings(f, "JX306")
    assert x.severity == "info" and "93.00%" in x.message
    f = _rows(low_rate("64.84", "64.84", "6.48"), executed=D("64.84"))
    assert findings(f, "JX306") == []  # JX301's
    assert findings(baseline(), "JX306") == []


def test_jx302_lost_points_without_note():
    f = edit_indicator(baseline(), 0, actual="1080(人)", score=D(18))
    f = edit(f, total=D(98))
    [x] = findings(f, "JX302")
    assert x.field == "indicators[0].deviation" and "得分18低于分值20" in x.message
    f2 = edit_indicator(f, 0, deviation="/")
    assert "只写了“/”" in findings(f2, "JX302")[0].message
    assert findings(edit_indicator(f, 0, deviation="部分老人入住养老机构，不再需要上门服务。"), "JX302") == []


def test_jx303_large_over_achievement_without_note():
    f = edit_indicator(baseline(), 0, actual="1800(人)")
    [x] = findings(f, "JX303")
    assert "150%" in x.message and "超过130%" in x.message
    assert findings(edit_indicator(baseline(), 0, actual="1500(人)"), "JX303") == []  # 125%
    assert findings(edit_indicator(f, 0, deviation="新增两个街道纳入服务范围。"), "JX303") == []


def test_jx303_leaves_shortfalls_to_jx201():
    f = edit_indicator(baseline(), 0, actual="1100(人)")  # missed, but still 20/20: JX201's finding
    assert findings(f, "JX303") == []
    assert [x.code for x in findings(f, "JX201")] == ["JX201"]


def test_jx304_note_without_cause_or_measure():
    f = edit_indicator(baseline(), 2, deviation="抽查合格率为97%，较上年持平。")
    [x] = findings(f, "JX304")
    assert x.severity == "info"
    assert findings(edit_indicator(baseline(), 2, deviation="因部分站点人员变动，下一步将加强培训。"), "JX304") == []
    assert findings(edit_indicator(baseline(), 2, deviation="持平。"), "JX304") == []  # too short to judge


def test_jx305_note_contradicts_full_points():
    note = "三个项目未付的尾款预算共计24.69万元，其他项目尾款未支付的情况均为预算预估差异。"
    f = edit_indicator(baseline(), 1, deviation=note)
    [x] = findings(f, "JX305")
    assert "未支付" in x.message or "未付" in x.message
    f2 = edit(edit_indicator(f, 1, actual="5(个)", score=D(8)), total=D(98))
    assert findings(f2, "JX305") == []
    assert findings(edit_indicator(baseline(), 1, deviation="尾款已于12月全部支付。"), "JX305") == []


def test_mentions_is_any_word_in_the_text():
    """JX304's one scan per table answers as ``any(w in text for w in words)``."""
    from jixiao.checks.deviation import _mentions, _phrases

    tables = [(), ("因",), ("原因", "因", "下一步"), ("a.b", "(x", "因"), ("", "因"), ("因为", "因")]
    texts = ["", "因", "没有原因", "a.b", "axb", "(x)", "下一步将加强管理", "完成率为95%。", "因为"]
    for words in tables:
        table = _phrases(words)
        for text in texts:
            assert _mentions(text, table) == any(w in text for w in words), (words, text)
