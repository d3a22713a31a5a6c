"""JX4xx consistency: for each check, a form that triggers it and a close one that does not."""

from decimal import Decimal as D

import pytest

from jixiao.checks import ReviewConfig, review_forms
from jixiao.scoring import load_rulebook

from .factory import baseline, edit, edit_indicator, findings


def spent(executed: str, f=None, *, adjusted: str = "100.00", initial: str | None = None):
    """The baseline with other funds figures, internally consistent (rate, score, rows, total)."""
    from jixiao.scoring import score_funds
    f = f or baseline()
    rb = load_rulebook("national")
    fs = score_funds(D(executed), D(adjusted), rb)
    initial = initial or adjusted
    rows = [r.model_dump() for r in f.funds.rows]
    rows[0].update(initial_budget=D(initial), adjusted_budget=D(adjusted), executed=D(executed))
    ind_total = sum(i.score for i in f.indicators)
    total = fs.score + ind_total
    return edit(f, **{"funds.initial_budget": D(initial), "funds.adjusted_budget": D(adjusted),
                      "funds.executed": D(executed), "funds.rate": fs.rate, "funds.score": fs.score,
                      "funds.rows": rows, "total": total, "grade": rb.grade_for(total)})


def with_settings(code: str, **settings):
    rb = load_rulebook("national").override({"checks": {"settings": {code: settings}}})
    return rb, ReviewConfig.build(rb)


def paying(name: str = "资金拨付完成率", actual: str = "100(%)"):
    """Row 0 turned into a payment indicator reporting ``actual``."""
    return edit_indicator(baseline(), 0, name=name, target="=100(%)", actual=actual)


# -- JX401 -------------------------------------------------------------------------


def test_jx401_low_spending_with_every_output_full():
    f = spent("56.06")
    [x] = findings(f, "JX401")
    assert x.severity == "warning" and x.category == "consistency" and x.field == "funds.rate"
    assert x.message == "执行率 56.06%，低于 80%，但 5 项产出指标全部得满分"


def test_jx401_near_misses():
    assert findings(spent("86.00"), "JX401") == []
    lost = edit_indicator(spent("56.06"), 0, actual="1080(人)", score=D(18))
    assert findings(lost, "JX401") == []
    assert findings(edit(spent("56.06"), complete=False), "JX401") == []


def test_jx401_threshold_is_a_setting():
    rb, cfg = with_settings("JX401", rate_below=90)
    assert [x.code for x in review_forms([spent("86.00")], rb, cfg).findings if x.code == "JX401"] == ["JX401"]


def test_jx401_defers_to_jx402():
    f = spent("56.06", paying())
    assert findings(f, "JX401") == [] and len(findings(f, "JX402")) == 1
    assert len(findings(f, "JX401", ignore=["JX402"])) == 1


# -- JX402 -------------------------------------------------------------------------


def test_jx402_payment_indicator_at_100_percent_while_unspent():
    f = spent("64.84", paying("区内扣资金拨付完成率"))
    [x] = findings(f, "JX402")
    assert x.field == "indicators[0].actual"
    assert x.message == ("“区内扣资金拨付完成率”完成 100(%)，但执行率只有 64.84%（低于 90%；预算 100.00，执行 64.84，"
                         "单位万元）")
    assert x.evidence["rate"] == D("64.84")


@pytest.mark.parametrize("name", ["尾款支付率", "资金到位率", "补贴资金发放率"])
def test_jx402_keywords(name):
    assert len(findings(spent("64.84", paying(name)), "JX402")) == 1


def test_jx402_near_misses():
    assert findings(spent("95.00", paying()), "JX402") == []  # spent enough
    assert findings(spent("64.84", paying("资金拨付及时率")), "JX402") == []  # timeliness, not share paid
    assert findings(spent("64.84", paying("资金拨付准确率")), "JX402") == []
    honest = edit(edit_indicator(spent("64.84", paying()), 0, actual="64.84(%)", score=D("12.97")))
    assert findings(honest, "JX402") == []
    assert findings(spent("64.84", paying("居家养老服务完成率")), "JX402") == []


def test_jx402_keyword_table_is_a_setting():
    f = spent("64.84", paying("居家养老服务完成率"))
    rb, cfg = with_settings("JX402", payment_words=["服务完成"])
    assert [x.code for x in review_forms([f], rb, cfg).findings if x.code == "JX402"] == ["JX402"]


# -- JX403 -------------------------------------------------------------------------


def test_jx403_large_budget_cut_without_explanation():
    f = spent("167.24", adjusted="167.24", initial="2060.00")
    [x] = findings(f, "JX403")
    assert x.field == "funds.adjusted_budget"
    assert x.message == ("全年预算数 167.24 较年初预算数 2060.00 调减 91.88%（-1892.76），"
                         "但偏差说明和完成情况中没有说明预算调整")


def test_jx403_near_misses():
    assert findings(spent("595.89", adjusted="595.89", initial="727.77"), "JX403") == []  # -18.12%
    f = spent("167.24", adjusted="167.24", initial="2060.00")
    noted = edit_indicator(f, 0, deviation="因部分工程取消，预算相应调减。")
    assert findings(noted, "JX403") == []
    in_goal = edit(f, **{"goal.actual": f.goal.actual + "年中根据实际需要追加预算。"})
    assert findings(in_goal, "JX403") == []


def test_jx403_budget_added_during_the_year():
    f = spent("100.00", initial="0.00")
    assert "年初预算数为 0，全年预算数 100.00（年中追加）" in findings(f, "JX403")[0].message
    rb, cfg = with_settings("JX403", include_zero_initial=False)
    assert [x for x in review_forms([f], rb, cfg).findings if x.code == "JX403"] == []


def test_jx403_threshold_is_a_setting():
    f = spent("595.89", adjusted="595.89", initial="727.77")
    rb, cfg = with_settings("JX403", change_at_least=15)
    [x] = [y for y in review_forms([f], rb, cfg).findings if y.code == "JX403"]
    assert "调减 18.12%" in x.message


# -- JX404 -------------------------------------------------------------------------


def test_jx404_perfect_score_while_not_all_spent():
    f = spent("93.00")
    [x] = findings(f, "JX404")
    assert x.severity == "info" and x.field == "total"
    assert x.message == "全部 8 项指标满分，总分 99.30，但执行率 93.00% 未达 100%（未执行 7.00万元）"


def test_jx404_near_misses():
    assert findings(baseline(), "JX404") == []  # 100%
    lost = edit(edit_indicator(spent("93.00"), 3, actual="31(天)", score=D("4.84")), total=D("99.14"))
    assert findings(lost, "JX404") == []
    low = edit(edit_indicator(spent("93.00"), 7, actual="85(%)", score=D("9.44")))
    assert findings(low, "JX404") == []
    assert findings(spent("56.06"), "JX404") == []  # JX401's


def test_jx401_jx404_read_the_lost_rows_of_rowfacts_as_every_row():
    """With RowFacts at hand (JX109 asks first) JX401 and JX404 look only at
    its lost rows: the same answer as reading every row, with it and without it."""
    from jixiao.checks import REGISTRY, load_families
    from jixiao.checks.context import FormContext
    from jixiao.scoring import score_form

    load_families()
    rb = load_rulebook("national")
    cfg = ReviewConfig.build(rb)
    forms = []
    for rate in ("93.00", "56.06"):
        forms += [
            spent(rate),
            edit(edit_indicator(spent(rate), 3, actual="31(天)", score=D("4.84")), total=D("99.14")),  # lost
            edit_indicator(spent(rate), 0, actual="28(人)", score=D("18.67")),  # an output row lost
            edit_indicator(spent(rate), 2, score=D("25")),  # above its weight (not printed as recomputed)
            edit(edit_indicator(spent(rate), 5, score=None), total=D("99.30")),  # a missing score
            edit(spent(rate), indicators=[i for i in spent(rate).indicators if i.level1 != "产出指标"]),
        ]
    seen = set()
    for code in ("JX401", "JX404"):
        check, s = REGISTRY[code].func, cfg.settings[code]
        for f in forms:
            results = []
            for with_rows in (False, True):
                ctx = FormContext(f, score_form(f, rb), rb, cfg, 0)
                if with_rows:
                    ctx.rows  # noqa: B018 (computed, as JX109 does)
                hit = check(ctx, s)
                results.append(None if hit is None else (hit.message, hit.evidence))
            assert results[0] == results[1], (code, f.indicators)
            seen.add((code, results[0] is not None))
    assert seen == {("JX401", True), ("JX401", False), ("JX404", True), ("JX404", False)}


# -- JX405 -------------------------------------------------------------------------


def test_jx405_spending_without_budget():
    f = edit(baseline(), **{"funds.adjusted_budget": D(0), "funds.rate": None})
    [x] = findings(f, "JX405")
    assert x.severity == "error" and x.message == "全年执行数 100.00，但全年预算数为 0，无法计算执行率"
    nothing = edit(baseline(), **{"funds.adjusted_budget": D(0), "funds.executed": D(0), "funds.rate": None})
    assert findings(nothing, "JX405") == []
    assert "未填" in findings(edit(baseline(), **{"funds.adjusted_budget": None}), "JX405")[0].message


# -- family-wide -------------------------------------------------------------------


def test_select_and_ignore():
    f = spent("93.00", initial="150.00")
    assert [x.code for x in findings(f, select=["JX4"])] == ["JX403", "JX404"]
    assert [x.code for x in findings(f, select=["JX4"], ignore=["JX404"])] == ["JX403"]


def test_the_baseline_is_clean():
    assert findings(baseline(), select=["JX4"]) == []


def test_seed_findings_under_shanghai():
    import jixiao.cli
    from jixiao.ingest import read_forms
    found = findings(list(read_forms(jixiao.cli.sample_path())), rulebook="shanghai", select=["JX4"])
    got = sorted((x.form_index, x.code) for x in found)
    assert got == [(0, "JX404"), (1, "JX404"), (3, "JX404"), (4, "JX404"), (6, "JX404"), (7, "JX402"),
                   (9, "JX404"), (11, "JX401"), (12, "JX403"), (13, "JX404"), (14, "JX403"), (14, "JX404"),
                   (15, "JX401")]
    [x] = [y for y in found if y.code == "JX402"]
    assert x.project_name.startswith("区扣交通信号系统更新") and "区内扣资金拨付完成率" in x.message
