"""The Hubei-style 20/80 family: a clean fixture laid out as the form, the
damaged corpus copy 038 (pipe text), and the ``hubei`` rulebook.

The fixture is written here, modelled on the layout of corpus 010/013/021/038
(title, 单位名称/填报日期, 项目名称, 主管部门 + 项目实施单位, the 项目类别/项目属性/
项目类型 checkbox lines, 预算执行情况（万元）（20分） with 预算数(A)/执行数(B)/
执行率(B/A)/得分(20分*执行率), 年度绩效目标（80分） with 年初目标值(A)/
实际完成值(B)/得分 and no 分值 column, 总分, the deviation box and 备注).
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from jixiao.ingest import read_forms
from jixiao.ingest.gridform import grid_to_forms, read_checkboxes
from jixiao.ingest.html import html_to_grids
from jixiao.ingest.pipetext import text_to_grid
from jixiao.scoring import load_rulebook, score_form
from jixiao.scoring.engine import qualitative_score

CORPUS = Path(__file__).parent / "corpus"

# (level1, level2, name, target, actual, score); level cells span their rows.
ROWS = [
    ("产出指标", "数量指标", "一、主干道路灯维护", "≥3000盏", "3200盏", "15"),
    ("产出指标", "数量指标", "1、东城区主干道", "≥1500盏", "1600盏", "7.5"),
    ("产出指标", "数量指标", "2、西城区主干道", "≥1500盏", "1600盏", "7.5"),
    ("产出指标", "数量指标", "二、更换老旧灯具", "≥800套", "760套", "9.5"),
    ("产出指标", "质量指标", "亮灯率", "≥98%", "98.6%", "10"),
    ("产出指标", "时效指标", "故障修复及时率", "≥95%", "96%", "10"),
    ("产出指标", "成本指标", "维护成本控制", "≤120万元", "114.6万元", "5"),
    ("效益指标", "社会效益指标", "夜间出行安全保障", "有效保障", "达成预期指标", "10"),
    ("效益指标", "可持续影响指标", "长效管护机制", "健全", "部分达成预期指标", "6"),
    ("满意度指标", "服务对象满意度指标", "市民满意度", "≥90%", "92%", "10"),
]


def _spans(col: int) -> dict[int, int]:
    """Row index -> rowspan for the cells of a level column (printed once per run)."""
    out: dict[int, int] = {}
    start = 0
    for i in range(1, len(ROWS) + 1):
        if i == len(ROWS) or ROWS[i][:col + 1] != ROWS[start][:col + 1]:
            out[start] = i - start
            start = i
    return out


def hubei_html() -> str:
    td = lambda t, rs=1, cs=1: f'<td{f" rowspan={rs}" if rs > 1 else ""}{f" colspan={cs}" if cs > 1 else ""}>{t}</td>'  # noqa: E731
    rows = [
        td("2023年度项目支出绩效自评表", cs=7),
        td("单位名称：某市路灯管理所", cs=4) + td("填报日期：2024年3月15日", cs=3),
        td("项目名称") + td("城区道路照明维护项目", cs=6),
        td("主管部门") + td("某市城市管理局", cs=2) + td("项目实施单位") + td("某市路灯管理所", cs=3),
        td("项目类别") + td("1、部门预算项目☑ 2、市直专项□ 3、市对下转移支付项目□", cs=6),
        td("项目属性") + td("1、持续性项目☑ 2、新增性项目□", cs=6),
        td("项目类型") + td("1、常年性项目☑ 2、延续性项目□ 3、一次性项目□", cs=6),
        td("预算执行情况（万元）（20分）", cs=3) + td("预算数(A)") + td("执行数(B)") + td("执行率(B/A)")
        + td("得分(20分*执行率)"),
        td("年度财政资金总额", cs=3) + td("120.00") + td("114.60") + td("95.50%") + td("19.10"),
        td("年度绩效目标（80分）", rs=len(ROWS) + 1) + td("一级指标") + td("二级指标") + td("三级指标")
        + td("年初目标值(A)") + td("实际完成值(B)") + td("得分"),
    ]
    l1, l2 = _spans(0), _spans(1)
    for i, (a, b, name, target, actual, score) in enumerate(ROWS):
        cells = (td(a, rs=l1[i]) if i in l1 else "") + (td(b, rs=l2[i]) if i in l2 else "")
        rows.append(cells + td(name) + td(target) + td(actual) + td(score))
    rows += [
        td("总分", cs=6) + td("94.60"),
        td("偏差大或目标未完成原因分析", cs=2) + td("部分老旧灯具因供货延迟未能更换，长效管护机制尚在试行。", cs=5),
        td("改进措施及结果应用方案", cs=2) + td("提前开展采购，年内完成管护制度修订。", cs=5),
        td("备注", cs=1) + td("1.预算执行情况口径：预算数为调整后财政资金总额。", cs=6),
    ]
    return "<html><body><table>" + "".join(f"<tr>{r}</tr>" for r in rows) + "</table></body></html>"


def hubei_pipe() -> str:
    """The same form as a web copy with pipes that dropped the merged cells (like 038)."""
    lines = [
        "2023年度项目支出绩效自评表",
        "单位名称：某市路灯管理所 填报日期：2024年3月15日",
        "项目名称 | 城区道路照明维护项目 | ||||||",
        "主管部门 | 某市城市管理局 | 项目实施单位 | 某市路灯管理所 | |||",
        "项目类别 | 1、部门预算项目☑ 2、市直专项□ 3、市对下转移支付项目□ | |||||",
        "项目属性 | 1、持续性项目☑ 2、新增性项目□ | |||||",
        "项目类型 | 1、常年性项目☑ 2、延续性项目□ 3、一次性项目□ | |||||",
        "预算执行情况(万元) (20分) | 预算数(A) | 执行数(B) | 执行率(B/A) | 得分 (20分*执行率) | ||",
        "年度财政资金总额 | 120.00 | 114.60 | 95.50% | 19.10 | ||",
        "年度绩效目标 (80分) | 一级指标 | 二级指标 | 三级指标 | 年初目标值(A) | 实际完成值(B) | 得分",
    ]
    prev = ("", "")
    for a, b, name, target, actual, score in ROWS:
        lead = ([a] if a != prev[0] else []) + ([b] if (a, b) != prev else [])
        lines.append(" | ".join(lead + [name, target, actual, score]) + " | ||")
        prev = (a, b)
    lines += ["总分 | 94.60 | |||||",
              "偏差大或目标未完成原因分析 | 部分老旧灯具因供货延迟未能更换，长效管护机制尚在试行。 | ||||",
              "改进措施及结果应用方案 | 提前开展采购，年内完成管护制度修订。 | ||||"]
    return "\n".join(lines) + "\n"


EXPECTED_ROWS = [
    ("产出指标", "数量指标", "一、主干道路灯维护", "≥3000盏", "3200盏", None, D("15")),
    ("产出指标", "数量指标", "二、更换老旧灯具", "≥800套", "760套", None, D("9.5")),
    ("产出指标", "质量指标", "亮灯率", "≥98%", "98.6%", None, D("10")),
    ("产出指标", "时效指标", "故障修复及时率", "≥95%", "96%", None, D("10")),
    ("产出指标", "成本指标", "维护成本控制", "≤120万元", "114.6万元", None, D("5")),
    ("效益指标", "社会效益指标", "夜间出行安全保障", "有效保障", "达成预期指标", None, D("10")),
    ("效益指标", "可持续影响指标", "长效管护机制", "健全", "部分达成预期指标", None, D("6")),
    ("满意度指标", "服务对象满意度指标", "市民满意度", "≥90%", "92%", None, D("10")),
]


def _rows(form):
    return [(i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score) for i in form.indicators]


def _check_fixture_form(fr) -> None:
    f = fr.form
    assert fr.family == "hubei"
    assert (f.title, f.year) == ("2023年度项目支出绩效自评表", 2023)
    assert (f.project_name, f.department, f.implementing_unit) == ("城区道路照明维护项目", "某市城市管理局", "某市路灯管理所")
    assert f.attributes == {"项目类别": "部门预算项目", "项目属性": "持续性项目", "项目类型": "常年性项目"}
    assert f.funds_unit == "万元"
    assert (f.funds.initial_budget, f.funds.adjusted_budget, f.funds.executed, f.funds.weight, f.funds.rate,
            f.funds.score) == (None, D("120.00"), D("114.60"), D("20"), D("95.50"), D("19.10"))
    assert f.funds.rows == []
    assert f.block_weights == {"indicators": D("80")}
    assert _rows(f) == EXPECTED_ROWS
    assert (f.total_weight, f.total, f.grade) == (None, D("94.60"), None)
    assert f.deviation_note == ("偏差大或目标未完成原因分析：部分老旧灯具因供货延迟未能更换，长效管护机制尚在试行。\n"
                                "改进措施及结果应用方案：提前开展采购，年内完成管护制度修订。")
    folded = [w for w in f.warnings if w.code == "JX021"]
    assert len(folded) == 1 and "1、东城区主干道、2、西城区主干道" in folded[0].message
    assert folded[0].field == "indicators[0]"
    assert [w.code for w in f.warnings if w.code not in ("JX021", "JX010")] == []
    assert f.complete is True


def test_hubei_html_fixture_reads_completely(tmp_path):
    (fr,) = grid_to_forms(html_to_grids(hubei_html(), file="hubei.html")[0])
    _check_fixture_form(fr)
    assert fr.form.location_of("indicators[1].score").cell == "table1!R14C7"  # 二、更换老旧灯具: the folded rows are gone
    p = tmp_path / "hubei.html"
    p.write_text(hubei_html(), encoding="utf-8")
    (form,) = read_forms(p)
    assert form.confidence is not None
    assert form.confidence.level == "medium"  # folding sub-rows is an interpretation
    assert [r.kind for r in form.confidence.reasons] == ["sub_rows"]


def test_hubei_pipe_copy_reads_the_same():
    (fr,) = grid_to_forms(text_to_grid(hubei_pipe(), file="hubei.txt"))
    _check_fixture_form(fr)


def test_hubei_scoring_under_its_rulebook():
    (fr,) = grid_to_forms(html_to_grids(hubei_html(), file="hubei.html")[0])
    res = score_form(fr.form, load_rulebook("hubei"))
    assert res.recomputed.rate == D("95.50") and res.recomputed.budget_score == D("19.10")
    assert res.differences == []
    # no 分值 column: rows are not recomputable, the total adds the printed scores
    assert all(d.rule == "not_computable" and d.reason == "分值缺失" for d in res.indicators)
    assert res.recomputed.total == D("94.60")
    nat = score_form(fr.form, load_rulebook("national"))
    assert [d.field for d in nat.differences] == ["funds.weight", "funds.score", "total"]
    assert nat.recomputed.budget_score == D("9.55")


def test_hubei_rulebook_bands_and_weights():
    rb = load_rulebook("hubei")
    assert rb.chain == ("national.toml", "hubei.toml")
    assert (rb.funds_weight, rb.indicators_total) == (D(20), D(80))
    assert all(src for src in rb.sources.values())
    # 部分达成 at 50% of the weight: inside the Hubei band, below the national one
    assert qualitative_score(D(10), "partial", D(5), rb).in_band is True
    assert qualitative_score(D(10), "partial", D(5), load_rulebook("national")).score == D("6.00")
    assert qualitative_score(D(10), "not_achieved", D(5), rb).score == D("4.99")  # 50% belongs to 部分达成


def test_checkboxes():
    assert read_checkboxes("1、部门预算项目 £ 2、区直专项 £ 3、上级转移支付项目 R") == ["上级转移支付项目"]
    assert read_checkboxes("、部门预算项目☑、省直专项□、省对下转移支付项目□") == ["部门预算项目"]
    assert read_checkboxes("1、常年性 √ 2、延续性□ 4、新增性□") == ["常年性"]
    # OCR turned the boxes into 0 and 口: not guessed
    assert read_checkboxes("1、部门预算项目02、市直专项口3、市对下转移支付项目0") is None


def test_038_baoshan_variant():
    """Corpus 038 (Yunnan-Baoshan copy of the 20/80 form, pipe text, cut in 生态效益):
    every row hand-checked against the file."""
    (fr,) = grid_to_forms(text_to_grid((CORPUS / "038.txt").read_text(encoding="utf-8"), file="038"))
    f = fr.form
    assert fr.family == "hubei"
    assert (f.project_name, f.department, f.implementing_unit, f.year) == (
        "隆阳区2021年中央化肥减量增效示范县项目补助资金", "隆阳区农业农村局", "隆阳区土壤肥料工作站", 2022)
    assert f.attributes == {"项目类别": "上级转移支付项目", "项目属性": "新增性项目"}
    assert (f.funds.adjusted_budget, f.funds.executed, f.funds.rate, f.funds.score, f.funds.weight) == (
        D("278.4449"), D("30.00"), D("10.77"), D("2.16"), D("20"))
    assert _rows(f) == [
        ("产出指标", "数量指标", "一、示范区建立", "≥20000亩", "20000亩", None, D("15.0")),
        ("产出指标", "数量指标", "二、化肥减量增效田间试验", "≥15组", "15组", None, D("15.0")),
        ("产出指标", "数量指标", "三、土样植株化验", "≥60个", "105个", None, D("5.0")),
        ("产出指标", "数量指标", "四、农户施肥情况调查(户)", "≥300户", "300户", None, D("5.0")),
        ("产出指标", "质量指标", "示范区配方肥到位率", "≥80%", "85.6%", None, D("10.0")),
        ("产出指标", "时效指标", "项目按时完成率", "100%", "100%", None, D("10.0")),
        ("效益指标", "社会效益效益指标", "受益农户数", "5000户", "5000户", None, D("5.0")),
    ]
    codes = [w.code for w in f.warnings]
    assert codes.count("JX021") == 2 and codes.count("JX010") == 5
    assert "JX004" in codes and f.complete is False
    # the 2.16 printed for 20 x 10.77% is kept as printed; the hubei rulebook recomputes 2.15
    res = score_form(f, load_rulebook("hubei"))
    assert res.recomputed.budget_score == D("2.15")
    assert [d.field for d in res.differences] == ["funds.score"]
