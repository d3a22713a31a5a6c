"""One-cell-per-line text exports (corpus 018, 025, 037) and the seed laid
out the same way: the rows are rebuilt from the header words."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from jixiao.ingest import NotProjectFormError, read_forms, sniff_text
from jixiao.ingest.celllines import looks_like_cell_lines, text_to_forms

from .render import form_table

CORPUS = Path(__file__).parent / "corpus"


def to_cell_lines(forms) -> str:
    """The official table flattened as a web copy does: one cell per paragraph,
    blank lines between, an empty cell as a line holding an NBSP."""
    out = []
    for f in forms:
        for row in form_table(f):
            for text, _rs, _cs in row:
                out += [text if text.strip() else "\u00a0", ""]
    return "\n".join(out)


def _rows(form):
    return [(i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score, i.deviation) for i in form.indicators]


def test_seed_as_cell_lines_reads_as_its_goldens(tmp_path, seed_models, goldens, golden_check):
    p = tmp_path / "seed-cells.txt"
    p.write_text(to_cell_lines(seed_models), encoding="utf-8")
    assert sniff_text(p) == "celllines"
    forms = list(read_forms(p))
    assert len(forms) == 16
    for f, g in zip(forms, goldens):
        golden_check(f.to_json_dict(), g)
        assert f.warnings == [] and f.complete
        assert f.confidence is not None and f.confidence.level == "high"
    assert forms[3].location_of("indicators[0]").line is not None


def test_025_hand_checked():
    f, = list(read_forms(CORPUS / "025.txt"))
    assert (f.title, f.year) == ("项目支出绩效自评表", 2019)
    assert (f.project_name, f.department, f.implementing_unit) == (
        "办公宿舍楼、食堂及餐厅暖通改造经费", "廊坊市发改委", "廊坊市食品工程学校")
    fu = f.funds
    assert (fu.initial_budget, fu.adjusted_budget, fu.executed, fu.weight, fu.rate, fu.score) == (
        D("43.2"), D("43.2"), D("37.24"), D("10"), D("86"), D("9"))
    assert [(r.source, r.initial_budget, r.adjusted_budget, r.executed) for r in fu.rows] == [
        ("当年财政拨款", D("43.2"), D("43.2"), D("37.24")), ("上年结转资金", None, None, None),
        ("其他资金", None, None, None)]
    assert (f.goal.expected, f.goal.actual) == ("43.2", "37.24")  # numbers instead of text, as printed
    dev = "已完工,剩余3%尾款未付,且最高限价低于预算金额。提高预算准确度。"
    assert _rows(f) == [
        ("产出指标", "数量指标", "指标1工程资金金额", "43.2", "37.24", D(10), D(9), dev),
        ("产出指标", "质量指标", "指标1工程完工率", "100", "100", D(10), D(10), ""),
        ("产出指标", "质量指标", "指标2工程验收合格率", "100", "100", D(10), D(10), ""),
        ("产出指标", "时效指标", "指标1项目完成及时率", "100", "100", D(10), D(10), ""),
        ("产出指标", "成本指标", "指标1成本控制率", "100", "100", D(10), D(10), ""),
        ("效益指标", "经济效益指标", "指标1安全率", "100", "100", D(10), D(10), "0"),
        ("效益指标", "社会效益指标", "指标1学校发展能力", "100", "100", D(10), D(10), "0"),
        ("效益指标", "可持续影响指标", "指标1长期使用性", "100", "100", D(10), D(10), ""),
        ("满意度指标", "服务对象满意度指标", "指标1学生满意度", "100", "100", D(10), D(10), "0"),
    ]
    assert [w.code for w in f.warnings] == ["JX007", "JX004"]  # the cut last row, no 总分
    assert f.warnings[0].line == 459
    assert f.location_of("indicators[4]").line == 237  # the row starts at its 成本指标 cell
    assert f.location_of("indicators[4].name").line == 239
    assert f.complete is False
    assert f.confidence.level == "low"
    assert [r.kind for r in f.confidence.reasons] == ["truncated", "rows_unread"]


def test_018_hand_checked():
    f, = list(read_forms(CORPUS / "018.txt"))
    assert (f.project_name, f.department, f.implementing_unit, f.year) == (
        "公共文化服务体系经费", "六安市文化和旅游局", "六安市文旅局", 2021)
    fu = f.funds
    assert (fu.initial_budget, fu.adjusted_budget, fu.executed, fu.weight, fu.rate, fu.score) == (
        D("200"), D("200"), D("179.43"), D("10"), D("89.7"), D("9"))
    assert fu.rows[0].rate == D("89.7")
    assert f.goal.expected.startswith("通过项目实施,完成开展“社区一家亲”系列活动")
    assert f.goal.actual == "通过项目实施"  # the file is cut here
    assert f.indicators == []
    assert f.complete is False and f.confidence.level == "low"
    assert {r.kind for r in f.confidence.reasons} >= {"truncated", "no_indicators"}


def test_037_department_whole_verdict():
    assert looks_like_cell_lines((CORPUS / "037.txt").read_text(encoding="utf-8"))
    with pytest.raises(NotProjectFormError) as exc:
        list(read_forms(CORPUS / "037.txt"))
    assert exc.value.form_kind == "department_whole"


def test_misaligned_row_is_skipped_not_guessed():
    cells = ["项目支出绩效自评表", "（2024年度）", "项目名称", "甲项目", "主管部门", "甲局", "实施单位", "甲中心",
             "项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分",
             "年度资金总额", "10", "10", "10", "10", "100%", "10",
             "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施",
             "产出指标", "数量指标", "培训人数", "≥100人", "120人", "二十", "20", "\u00a0",
             "质量指标", "合格率", "≥90%", "95%", "20", "20", "\u00a0",
             "总分", "100", "90", "优"]
    (f,) = text_to_forms("\n\n".join(cells), file="x.txt")
    assert [(i.level2, i.name, i.score) for i in f.indicators] == [("质量指标", "合格率", D(20))]
    assert f.warnings[0].code == "JX007" and "培训人数" in f.warnings[0].message
    assert (f.total_weight, f.total, f.grade) == (D(100), D(90), "优")
    assert f.complete is False
