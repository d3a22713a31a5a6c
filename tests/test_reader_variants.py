"""The text reader on variations of the layout: the same family of forms as
the seed, with the things other units' exports do differently. Each variant
is made from a real seed form by a small, explicit edit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.ingest import read_forms


def _read(tmp_path, text: str, name="form.txt", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return list(read_forms(p))


def _one(tmp_path, text: str):
    forms = _read(tmp_path, text)
    assert len(forms) == 1
    return forms[0]


def _edit(block: str, old: str, new: str) -> str:
    assert old in block, old
    return block.replace(old, new, 1)


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-16", "utf-8-sig"])
def test_encodings_read_identically(tmp_path, seed_text, encoding):
    forms = _read(tmp_path, seed_text, encoding=encoding)
    ref = _read(tmp_path, seed_text, name="ref.txt")
    assert len(forms) == 16
    assert forms[0].source.encoding in (encoding, "gb18030", "utf-16", "utf-8-sig")
    for a, b in zip(forms, ref):
        assert a.model_dump(exclude={"source"}) == b.model_dump(exclude={"source"})


def test_crlf_line_ends(tmp_path, seed_blocks):
    f = _one(tmp_path, seed_blocks[0].replace("\n", "\r\n"))
    assert f.project_name == "政府雇员经费" and len(f.indicators) == 12 and not f.warnings


def test_form_feeds_give_pages(tmp_path, seed_blocks):
    text = seed_blocks[0].replace("\n有责投诉发生数", "\n\f有责投诉发生数", 1) + "\f" + seed_blocks[1]
    forms = _read(tmp_path, text)
    assert [len(f.indicators) for f in forms] == [12, 8]
    f = forms[0]
    assert f.source.page == 1 and f.source.end_page == 2
    j = next(k for k, i in enumerate(f.indicators) if i.name == "有责投诉发生数")
    assert f.locations[f"indicators[{j}]"].page == 2
    assert f.locations[f"indicators[{j - 1}]"].page == 1
    assert forms[1].source.page == 3


def test_deviation_on_the_row_line_and_below(tmp_path, seed_blocks):
    block = _edit(seed_blocks[0], "社工人员到岗数 =30.00(人) 30.00(人) 20.00 20.00",
                  "社工人员到岗数 =30.00(人) 27.00(人) 20.00 18.00 3名雇员年中离职，已启动\n补招聘程序。")
    f = _one(tmp_path, block)
    ind = f.indicators[0]
    assert (ind.actual, ind.score, ind.deviation) == ("27.00(人)", Decimal("18.00"), "3名雇员年中离职，已启动补招聘程序。")
    assert f.indicators[1].name == "办公经费保障人数" and f.indicators[1].deviation == ""


def test_short_name_tail_on_the_values_line(tmp_path, seed_blocks):
    # The last character of a wrapped name printed on the values line.
    block = _edit(seed_blocks[3], "航华区域节目监控系统服务完成\n\n率\n=100.00(%)",
                  "航华区域节目监控系统服务完成\n\n率 =100.00(%)")
    f = _one(tmp_path, block)
    assert f.indicators[2].name == "航华区域节目监控系统服务完成率"
    assert f.indicators[1].deviation == ""


def test_cost_indicators_level2_and_level1(tmp_path, seed_blocks):
    # 成本指标 as the fourth level 2 of 产出指标 (old framework) ...
    block = _edit(seed_blocks[0], "效益\n\n指标\n\n社会",
                  "成本\n\n指标\n\n人均经费 ≤22.00(万元) 20.97(万元) 0.00 0.00\n\n效益\n\n指标\n\n社会")
    f = _one(tmp_path, block)
    cost = next(i for i in f.indicators if i.name == "人均经费")
    assert (cost.level1, cost.level2) == ("产出指标", "成本指标")
    assert f.indicators[cost_index(f) + 1].level1 == "效益指标"
    # ... and 成本指标 as a level 1 with 经济成本指标 under it (newer framework).
    block = _edit(seed_blocks[0], "效益\n\n指标\n\n社会",
                  "成本\n\n指标\n\n经济\n\n成本\n\n指标\n\n人均经费 ≤22.00(万元) 20.97(万元) 0.00 0.00\n\n效益\n\n指标\n\n社会")
    f = _one(tmp_path, block)
    cost = next(i for i in f.indicators if i.name == "人均经费")
    assert (cost.level1, cost.level2) == ("成本指标", "经济成本指标")
    assert not f.warnings


def cost_index(form):
    return next(k for k, i in enumerate(form.indicators) if i.name == "人均经费")


def test_funds_in_yuan_and_wrapped_department(tmp_path, seed_blocks):
    block = _edit(seed_blocks[0], "（万元）", "（元）")
    block = _edit(block, "主管部门 上海市闵行区七宝镇人民政府(汇总) 实施单位",
                  "主管部门 上海市闵行区七宝镇人民政府 实施单位\n\n(汇总)")
    f = _one(tmp_path, block)
    assert f.funds_unit == "元"
    assert f.department == "上海市闵行区七宝镇人民政府(汇总)"
    assert f.implementing_unit == "上海市闵行区七宝镇城市运行管理中心"


def test_repeated_header_and_page_number_at_page_break(tmp_path, seed_blocks):
    block = _edit(seed_blocks[0], "\n有责投诉发生数",
                  "\n- 2 -\n\f一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施\n有责投诉发生数")
    f = _one(tmp_path, block)
    assert len(f.indicators) == 12 and not f.warnings
    assert f.indicators[7].name == "有责投诉发生数" and f.indicators[6].deviation == ""


def test_truncated_form_is_flagged_not_invented(tmp_path, seed_blocks):
    block = seed_blocks[14]
    cut = block[: block.index("设施设备完好率")]
    f = _one(tmp_path, cut)
    assert f.complete is False
    assert any(w.code == "JX004" for w in f.warnings)
    assert f.total is None and f.grade is None
    # Only rows that were read whole: the last one is 有责投诉发生数.
    assert f.indicators[-1].name == "有责投诉发生数"
    assert all(i.score is not None for i in f.indicators)


def test_truncated_in_header(tmp_path, seed_blocks):
    block = seed_blocks[0]
    f = _one(tmp_path, block[: block.index("年度资金总额")])
    assert f.complete is False
    codes = {w.code for w in f.warnings}
    assert {"JX003", "JX004"} <= codes
    assert f.indicators == []


def test_goal_without_actual_text_is_flagged(tmp_path, seed_blocks):
    block = seed_blocks[11]  # 残保金
    start = block.index("根据《残疾人保障法》，已完成")
    end = block.index("一级")
    f = _one(tmp_path, block[:start] + block[end:])
    # One paragraph only: kept whole as the expected goal, with a warning.
    assert f.goal.actual == ""
    assert f.goal.expected == ("根据《残疾人保障法》，完成年度残疾人保障金缴纳工作，保障金缴纳及时准确，通过项目，"
                               "保障区域残疾人就业工作正常运行，通过经费扶持不断提升区域残疾人就业的水平和能级。")
    assert [w.code for w in f.warnings] == ["JX006"]


def test_deviation_note_then_a_wrapped_name(tmp_path, seed_blocks):
    # A short note without punctuation on the row above, then the next row's
    # name wrapped over two lines: the note stays with its row.
    block = _edit(seed_blocks[3], "鹰眼监控点位覆盖数 =8.00(个) 8.00(个) 15.00 15.00",
                  "鹰眼监控点位覆盖数 =8.00(个) 8.00(个) 15.00 15.00\n\n已全部覆盖")
    f = _one(tmp_path, block)
    assert f.indicators[1].deviation == "已全部覆盖"
    assert f.indicators[2].name == "航华区域节目监控系统服务完成率"


def test_missing_title_still_reads(tmp_path, seed_blocks):
    block = seed_blocks[0].replace("财政项目支出绩效自评表\n", "", 1)
    f = _one(tmp_path, block)
    assert f.project_name == "政府雇员经费" and f.year == 2024 and len(f.indicators) == 12


def test_unassigned_text_is_kept_in_a_warning(tmp_path, seed_blocks):
    block = seed_blocks[0] + "\n某段无法归属的说明文字\n"
    f = _one(tmp_path, block)
    w = [w for w in f.warnings if w.code == "JX002"]
    assert w and "某段无法归属的说明文字" in w[0].message and w[0].line is not None


def test_footer_lines_are_not_warnings(tmp_path, seed_blocks):
    f = _one(tmp_path, seed_blocks[0] + "\n填报人：张三 联系电话：12345678\n")
    assert not f.warnings


def test_title_repeated_at_a_page_top_keeps_the_rows(tmp_path, seed_blocks):
    block = _edit(seed_blocks[0], "\n有责投诉发生数",
                  "\n\f财政项目支出绩效自评表\n（2024年度）\n有责投诉发生数")
    forms = _read(tmp_path, block + seed_blocks[1])
    assert [len(f.indicators) for f in forms] == [12, 8]
    assert forms[0].indicators[7].name == "有责投诉发生数" and not forms[0].warnings
    assert forms[1].project_name == "购买七宝镇 IP电话安装服务" and forms[1].title == "财政项目支出绩效自评表"


def test_forms_without_titles_in_a_row(tmp_path, seed_blocks):
    text = "".join(b.replace("财政项目支出绩效自评表\n", "", 1) for b in seed_blocks[:3])
    forms = _read(tmp_path, text)
    assert [f.project_name for f in forms] == ["政府雇员经费", "购买七宝镇 IP电话安装服务", "购买七宝镇小区、商圈组网与视频汇聚服务"]
    assert all(f.year == 2024 and f.complete and not f.warnings for f in forms)


def test_text_before_the_first_form_is_reported(tmp_path, seed_blocks):
    tail = seed_blocks[0][seed_blocks[0].index("满意"):]  # a form cut off at the start of the file
    forms = _read(tmp_path, tail + seed_blocks[1])
    assert len(forms) == 1
    w = forms[0].warnings[0]
    assert w.code == "JX002" and w.line == 1 and "第一张表之前" in w.message
