"""The reading rules added for damaged web copies, on small forms laid out by hand
in the official layouts (the corpus files that needed them are hand-checked in
test_corpus.py / test_runtogether.py: 011, 023, 032, 041). Each form here is
damaged the way a family of copies is, not the way one file is."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from jixiao.ingest import read_forms, sniff_text

# A central-layout form copied one cell per line: a row's first cell at the margin,
# the others on indented "|" lines, a cell's own line break on an indented line
# without a pipe (社会效益 / 指标, 项目资金 / (万元)), empty cells as "| ||".
CELL_PER_LINE = """项目支出绩效自评表（2023年度）
项目名称
        | 社区文化活动经费
主管部门
        | 某区文化局
        | 实施单位
        | 某街道文化站
项目资金
       (万元)
        | 年初预算数
        | 全年预算数
        | 全年执行数
        | 分值
        | 执行率
        | 得分
年度资金总额
        | 20
        | 20
        | 18
        | 10
        | 90%
        | 9
一级指标
        | 二级指标
        | 三级指标
        | 年度指标值
        | 实际完成值
        | 分值
        | 得分
        | 偏差原因分析及改进措施
产出指标
        | 数量指标
        | 举办活动场次
        | ≥12场
        | 12场
        | 30
        | 30
        | ||
产出质量
        | 活动参与率
        | ≥90%
        | 92%
        | 20
        | 20
        | |
效益指标
        | 社会效益
       指标
        | 居民文化生活改善
        | 明显改善
        | 达成预期指标
        | 30
        | 28
        | 宣传覆盖不足，下年加强
满意度指标
        | 服务对象满意度指标
        | 居民满意度
        | ≥90%
        | 95%
        | 10
        | 10
总分
        | 100
        | 97
"""

# The same kind of form dumped from a workbook: a space between cells, the wrapped
# header cells printed line by line (一级 | 指标; 年度 实际 | 指标值 完成值), template
# numbers before the names; one target wrapped inside its cell (不少于 500 份).
XLSX_DUMP = (
    "项目支出绩效自评表 (2023年度) 项目名称 社区文化活动经费 主管部门 某区文化局 实施单位 某街道文化站 "
    "项目资金 (万元) 年初预算数 全年预算数 全年执行数 分值 执行率 得分 年度资金总额 20 20 18 10 90% 9\n"
    "一级 指标 二级指标 三级指标 年度 实际 指标值 完成值 分值 得分 产出指标 数量指标 指标1:举办活动场次 12场 12场 30 30 "
    "指标2:培训居民人次 200人 180人 20 18 指标3:发放宣传资料 不少于 500 份 500份 10 10 质量指标 "
    "指标1:活动参与率 90% 92% 10 10 效益指标 社会效益指标 指标1:参与居民人数 1000人 1200人 10 10 "
    "满意度指标 服务对象满意度指标 指标1:居民满意度 90% 95% 10 10 总分 100 98\n"
)


def _rows(form):
    return [(i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score) for i in form.indicators]


def _one(tmp_path: Path, text: str):
    p = tmp_path / "form.txt"
    p.write_text(text, encoding="utf-8")
    return p, list(read_forms(p))


def test_one_cell_per_line_reads_whole_form(tmp_path):
    p, (f,) = _one(tmp_path, CELL_PER_LINE)
    assert sniff_text(p) == "pipe"
    assert (f.year, f.project_name, f.department, f.implementing_unit) == (2023, "社区文化活动经费", "某区文化局", "某街道文化站")
    fu = f.funds
    assert (fu.initial_budget, fu.adjusted_budget, fu.executed, fu.weight, fu.rate, fu.score) == (20, 20, 18, 10, 90, 9)
    assert _rows(f) == [
        ("产出指标", "数量指标", "举办活动场次", "≥12场", "12场", D(30), D(30)),
        ("产出指标", "质量指标", "活动参与率", "≥90%", "92%", D(20), D(20)),  # printed 产出质量
        ("效益指标", "社会效益指标", "居民文化生活改善", "明显改善", "达成预期指标", D(30), D(28)),
        ("满意度指标", "服务对象满意度指标", "居民满意度", "≥90%", "95%", D(10), D(10)),
    ]
    assert f.indicators[2].deviation == "宣传覆盖不足，下年加强"
    assert f.location_of("indicators[2]").line == 46 and f.location_of("indicators[2].name").line == 49
    assert (f.total_weight, f.total) == (D(100), D(97))
    assert f.complete and f.confidence.level == "high"


def test_one_cell_per_line_report_prose_ends_the_table(tmp_path):
    """A report's next numbered section after the rows ends the table (JX002 once);
    a non-framework level-1 word before a level-2 label reads as that level-2's
    level-1 (JX008); a column the model has no field for is named (JX019)."""
    body = CELL_PER_LINE.split("一级指标\n", 1)[1].split("总分\n", 1)[0]
    body = body.replace("产出指标\n", "项目决策\n", 1).replace("效益指标\n", "项目效益\n", 1)
    text = "一级指标\n" + body.replace("        | 偏差原因分析及改进措施\n", "        | 实施进度\n", 1) + \
        "3.分析评价申报内容是否与实际相符\n  \n评价申报内容与实际相符。\n"
    _, (f,) = _one(tmp_path, text)
    assert [r[:3] for r in _rows(f)] == [("产出指标", "数量指标", "举办活动场次"), ("产出指标", "质量指标", "活动参与率"),
                                         ("效益指标", "社会效益指标", "居民文化生活改善"),
                                         ("满意度指标", "服务对象满意度指标", "居民满意度")]
    codes = [w.code for w in f.warnings]
    assert codes.count("JX002") == 1 and codes.count("JX019") == 1 and codes.count("JX008") == 2
    assert f.indicators[2].deviation == ""  # 实施进度 is not read as anything


def test_xlsx_dump_interleaved_header_numbered_rows(tmp_path):
    p, (f,) = _one(tmp_path, XLSX_DUMP)
    assert sniff_text(p) == "runtogether"
    assert (f.project_name, f.funds.executed, f.funds.score) == ("社区文化活动经费", D(18), D(9))
    assert _rows(f) == [
        ("产出指标", "数量指标", "举办活动场次", "12场", "12场", D(30), D(30)),
        ("产出指标", "数量指标", "培训居民人次", "200人", "180人", D(20), D(18)),
        ("产出指标", "质量指标", "活动参与率", "90%", "92%", D(10), D(10)),
        ("效益指标", "社会效益指标", "参与居民人数", "1000人", "1200人", D(10), D(10)),
        ("满意度指标", "服务对象满意度指标", "居民满意度", "90%", "95%", D(10), D(10)),
    ]
    assert (f.total_weight, f.total) == (D(100), D(98))
    # the header order was inferred (JX016); the wrapped row is not guessed (JX022)
    assert [w.code for w in f.warnings] == ["JX023", "JX016", "JX022"]
    assert "发放宣传资料 不少于 500 份 500份 10 10" in f.warnings[2].message
    assert f.complete is False and f.confidence.level == "low"


def test_numbered_note_above_the_total_does_not_end_the_table(tmp_path):
    text = CELL_PER_LINE.replace("总分\n", "1.活动按计划开展，群众反映良好。\n总分\n", 1)
    _, (f,) = _one(tmp_path, text)
    assert len(f.indicators) == 4 and (f.total_weight, f.total) == (D(100), D(97))
    assert "JX002" not in [w.code for w in f.warnings]
