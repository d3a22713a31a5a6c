"""The confidence report: computed once for every form read_forms returns."""

from __future__ import annotations

import json
from decimal import Decimal as D

from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.ingest import assess_confidence, read_forms
from jixiao.model import Form, FundRow, ReadWarning, Source

from .test_hubei import hubei_html


def test_seed_is_high_as_its_goldens_say(seed_path, goldens):
    forms = list(read_forms(seed_path))
    assert [f.confidence.model_dump() for f in forms] == [g["confidence"] for g in goldens]


def _form(**kw) -> Form:
    return Form(source=Source(file="x"), **kw)


def test_levels_from_warnings():
    f = _form(warnings=[ReadWarning(code="JX010", message="m")])
    f.indicators = []  # no rows: low
    assert assess_confidence(f).level == "low"
    f = _form(warnings=[ReadWarning(code="JX004", message="m"), ReadWarning(code="JX007", message="…，未读取：x")],
              complete=False)
    c = assess_confidence(f)
    assert c.level == "low" and [r.kind for r in c.reasons][:2] == ["truncated", "rows_unread"]
    assert c.summary_zh().startswith("读取可信度：低（表格不完整")


def test_funds_rows_that_do_not_add_up(seed_path):
    f = next(iter(read_forms(seed_path)))
    f.funds.rows = [FundRow(source="当年财政拨款", executed=D("600.00")), FundRow(source="其他资金", executed=D("0"))]
    c = assess_confidence(f)
    assert c.level == "medium"
    assert [r.kind for r in c.reasons] == ["funds_sum"] and "629.07" in c.reasons[0].message


def test_weights_against_printed_block_totals(seed_path):
    f = next(iter(read_forms(seed_path)))
    assert assess_confidence(f).level == "high"
    f.block_weights = {"产出指标": D(50)}  # the seed's first form has 产出 60
    c = assess_confidence(f)
    assert [r.kind for r in c.reasons] == ["weights_sum"] and "产出指标的分值合计 60" in c.reasons[0].message
    f.block_weights = {}
    f.indicators[0].weight = D(25)  # 25 + ... + funds 10 != 总分 100
    assert [r.kind for r in assess_confidence(f).reasons] == ["weights_sum"]


def test_parse_prints_the_confidence_line_and_json_has_it(tmp_path):
    p = tmp_path / "hubei.html"
    p.write_text(hubei_html(), encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["parse", str(p)])
    assert "读取可信度：中" in res.output
    res = runner.invoke(app, ["parse", "--format", "json", str(p)])
    (d,) = json.loads(res.output)
    assert d["confidence"]["level"] == "medium"
    assert d["attributes"]["项目属性"] == "持续性项目" and d["block_weights"] == {"indicators": 80.0}
    cut = tmp_path / "cut.txt"
    cut.write_text("\n\n".join(["项目支出绩效自评表", "项目名称", "甲", "主管部门", "乙", "实施单位", "丙",
                                "项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分",
                                "年度资金总额", "1", "1", "1", "10", "100%", "10", "一级指标", "二级指标", "三级指标",
                                "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施", "产出指标",
                                "数量指标", "人数", "≥1人", "1人", "50", "50", "\u00a0", "二级", "三级", "四级",
                                "五级", "六级"]), encoding="utf-8")
    res = runner.invoke(app, ["parse", str(cut)])
    assert "读取可信度：低（表格不完整" in res.output


def test_review_json_records_carry_confidence(tmp_path):
    p = tmp_path / "hubei.html"
    p.write_text(hubei_html(), encoding="utf-8")
    res = CliRunner().invoke(app, ["review", "--format", "json", str(p)])
    d = json.loads(res.output)
    assert d["forms"][0]["confidence"]["level"] == "medium"
