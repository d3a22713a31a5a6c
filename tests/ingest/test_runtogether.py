"""Run-together text (cells with no separators, or one long space-separated line).

Corpus files hand-checked value by value against the file (the rows each test
asserts are all the rows the reader returns); the warnings name what was not
read. Synthetic: the 16 seed forms laid out by ``render.py`` and flattened to
one line, spaced and unspaced, read back against the text reader's forms.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from jixiao.ingest import ReadError, read_forms, sniff_text
from jixiao.ingest.runtogether import RowGrammar, split_funds, text_to_forms

from .render import form_table

CORPUS = Path(__file__).parent / "corpus"


def _rows(form):
    return [(i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score) for i in form.indicators]


def _unsplit(form):
    return [w.message.split("：", 1)[1] for w in form.warnings if w.code == "JX022"]


def _read(name):
    return list(read_forms(CORPUS / f"{name}.txt"))


# --- the grammar -------------------------------------------------------------------


def test_funds_split_confirmed_by_arithmetic():
    cols = ["adjusted_budget", "executed", "weight", "rate", "score"]
    assert split_funds("202010100.00%10", cols, False) == {
        "adjusted_budget": "20", "executed": "20", "weight": "10", "rate": "100.00%", "score": "10"}
    # rate = 154.74 / 310.2 = 49.9% printed 50%, score = 10 x 50% = 5
    assert split_funds("310.2154.741050%5", ["initial_budget", "executed", "weight", "rate", "score"], False) == {
        "initial_budget": "310.2", "executed": "154.74", "weight": "10", "rate": "50%", "score": "5"}
    # Hubei: the rate printed as a fraction, the weight (20) from the header
    got = split_funds("1.561.56120", ["adjusted_budget", "executed", "rate", "score"], False, weight=D(20))
    assert got == {"adjusted_budget": "1.56", "executed": "1.56", "rate": "100%", "score": "20"}
    # 30 30 10 100% with 全年执行数 and 得分 missing: no split fits six columns
    assert split_funds("303010100%", ["initial_budget", "adjusted_budget", "executed", "weight", "rate", "score"],
                       False) is None
    # a 其中 row alone must equal the total row; a cut leaving a number that starts
    # with 0 ("202|0") is never made, so 2020 is 20 | 20 even alone
    assert split_funds("2020", ["adjusted_budget", "executed"], False,
                       total={"adjusted_budget": D(202), "executed": D(0)}) is None
    assert split_funds("2020", ["adjusted_budget", "executed"], False,
                       total={"adjusted_budget": D(20), "executed": D(20)}) == {
        "adjusted_budget": "20", "executed": "20"}


def test_rows_every_reading_then_sums():
    g = RowGrammar(["weight", "target", "actual", "score", "deviation"], False)
    (p,) = g.parses("安装坡面水标尺10≥266米≥266米10水标尺宽度10≥50厘米≥50厘米10")
    assert [(r.name, r.cells) for r in p.rows] == [
        ("安装坡面水标尺", (("weight", "10"), ("target", "≥266米"), ("actual", "≥266米"), ("score", "10"))),
        ("水标尺宽度", (("weight", "10"), ("target", "≥50厘米"), ("actual", "≥50厘米"), ("score", "10")))]
    # a qualitative target printed twice
    (p,) = g.parses("群众生产生活条件改善状况10显著提升显著提升10")
    assert p.rows[0].get("target") == p.rows[0].get("actual") == "显著提升"
    # a name may not end in a glued quantity (…1020万元): one reading
    assert len(g.parses("项目计划总投资1020万元20万元10")) == 1
    # ambiguous without a sum: 2020 is 20 | 20 or the name swallows a row
    assert len(RowGrammar(["target", "actual", "weight", "score", "deviation"], False).parses(
        "演出设备成本件/件2万元2万元2018")) == 1
    # Hubei: 6620 = 6 | 6 | 20 (6 | 62 | 0 would cut a number that starts with 0)
    h = RowGrammar(["target", "actual", "score"], False)
    assert [tuple(c for _, c in p.rows[0].cells) for p in h.parses("补贴渔船数6620")] == [("6", "6", "20")]


def test_sniffed_from_txt(seed_path):
    for name in ("001", "010", "016", "017", "021", "023", "026", "039", "041"):
        assert sniff_text(CORPUS / f"{name}.txt") == "runtogether", name
    assert sniff_text(CORPUS / "009.txt") == "pipe"
    assert sniff_text(CORPUS / "025.txt") == "celllines"
    assert sniff_text(seed_path) == "text"


# --- corpus, hand-checked ------------------------------------------------------------


def test_001_anhui_spaced_metadata_line():
    (f,) = _read("001")
    assert (f.project_name, f.department, f.implementing_unit, f.year) == (
        "委托业务项目", "219-池州市贵池区棠溪镇人民政府", "219001-池州市贵池区棠溪镇人民政府", 2022)
    fu = f.funds
    assert (fu.initial_budget, fu.adjusted_budget, fu.executed, fu.weight, fu.rate, fu.score) == (0, 0, 0, 10, 0, 0)
    r0 = fu.rows[0]
    assert (r0.source, r0.initial_budget, r0.adjusted_budget, r0.executed) == (
        "当年财政拨款", D("90"), D("89.974"), D("89.974"))
    assert f.goal.expected.startswith("本项目共申请预算资金90万元。") and f.goal.expected.endswith("测绘。")
    assert f.goal.actual.startswith("本项目共完成预算资金89.97万元。")
    assert _rows(f) == [
        ("产出指标", "数量指标", "基建工程委托业务项目数量", "≥50个", "50", D(8), D(8)),
        ("产出指标", "质量指标", "委托业务报告合格率", "≥100百分比", "100", D(8), D(8)),
        ("产出指标", "质量指标", "经费支出合规性", "严格执行相关制度规定", "达成预期指标", D(8), D(8)),
        ("产出指标", "时效指标", "提交报告及时性", "在项目计划完成时间内完成", "达成预期指标", D(8), D(8)),
        ("产出指标", "成本指标", "项目总成本", "≤90万元", "90", D(8), D(8)),
        ("产出指标", "成本指标", "单项业务成本", "符合相关规定", "达成预期指标", D(10), D(10)),
        ("效益指标", "社会效益指标", "对维护基建市场公平的影响程度", "效果明显", "达成预期指标", D(10), D(10)),
        ("效益指标", "生态效益指标", "对控制基建项目成本影响程度", "效果明显", "达成预期指标", D(10), D(10)),
        ("效益指标", "可持续影响指标", "对推动基建项目“四项制度”健全和落实的持续性影响", "效果明显", "达成预期指标",
         D(10), D(10)),
    ]
    assert f.block_weights == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert _unsplit(f) == ["“满意度指标”下的文字连在一起，没有任何读法符合表头各列，未读取：“公众满”"]
    assert [w.code for w in f.warnings if w.code not in ("JX022",)] == ["JX023", "JX004"]
    assert f.complete is False and f.confidence.level == "low"


def test_012_anhui_spaced_dotted_filler():
    (f,) = _read("012")
    assert f.project_name == "村级补助及运转经费"
    r0 = f.funds.rows[0]
    assert (r0.initial_budget, r0.adjusted_budget, r0.executed) == (D("202.64"), D("132.912"), D("132.912"))
    assert f.goal.actual.startswith("本项目共完成预算资金1329120.67元") and "..." not in f.goal.expected
    assert _rows(f) == [
        ("产出指标", "数量指标", "补助村(社区)数量", "=8个", "8", D(8), D(8)),
        ("产出指标", "数量指标", "保障村干部人数", "=42个", "42", D(8), D(8)),
        ("产出指标", "质量指标", "补助资格合规性", "合规", "达成预期指标", D(8), D(8)),
        ("产出指标", "质量指标", "经费审批流程规范性", "严格执行相关制度规定", "达成预期指标", D(8), D(8)),
        ("产出指标", "时效指标", "补助经费到位及时性", "及时", "达成预期指标", D(8), D(8)),
        ("产出指标", "成本指标", "项目总成本", "≤202.6万元", "132.9", D(10), D(10)),
        ("效益指标", "经济效益指标", "对保障村(社区)两委机构正常运行的影响程度", "效果明显", "达成预期指标", D(10), D(10)),
        ("效益指标", "社会效益指标", "提高村(社区)干部工作积极性的影响程度", "效果明显", "达成预期指标", D(10), D(10)),
    ]
    assert [w.code for w in f.warnings] == ["JX023", "JX004"]  # cut after 可持续影响
    assert f.confidence.level == "low"


def test_026_sichuan_xianjie_no_separators():
    (f,) = _read("026")
    assert (f.project_name, f.department, f.implementing_unit, f.year) == (
        "中江县农业水价综合改革精准补贴和节水奖励项目小型水库水标尺制作安装", "中江县水利局", "中江县水利局", 2022)
    fu = f.funds
    assert (fu.adjusted_budget, fu.executed, fu.weight, fu.rate, fu.score) == (D(20), D(20), D(10), D("100.00"), D(10))
    assert (fu.rows[0].adjusted_budget, fu.rows[0].executed) == (D(20), D(20))  # 2020 = the total row's 20 20
    assert _rows(f) == [
        ("产出指标", "数量指标", "安装坡面水标尺", "≥266米", "≥266米", D(10), D(10)),
        ("产出指标", "数量指标", "水标尺宽度", "≥50厘米", "≥50厘米", D(10), D(10)),
        ("产出指标", "质量指标", "项目(工程)验收合格率", "100%", "100%", D(20), D(20)),
        ("产出指标", "时效指标", "及时(按期)开工率", "≥90%", "≥90%", D(10), D(10)),
        ("产出指标", "时效指标", "及时(按期)完工率", "≥90%", "≥90%", D(10), D(10)),
        ("产出指标", "成本指标", "项目计划总投资", "20万元", "20万元", D(10), D(10)),
        ("效益指标", "社会效益指标", "受益脱贫(含监测对象)户人口数", "≥1000人", "≥1000人", D(10), D(10)),
        ("效益指标", "社会效益指标", "群众生产生活条件改善状况", "显著提升", "显著提升", D(10), D(10)),
        ("满意度指标", "服务对象满意度指标", "受益脱贫(含监测对象)户满意度", "≥95%", "≥95%", D(10), D(10)),
    ]
    assert (f.total_weight, f.total) == (D(100), D(100))
    assert f.block_weights == {"产出指标": 70, "效益指标": 20, "满意度指标": 10}
    assert [w.code for w in f.warnings] == ["JX023", "JX006"]  # the goal's two texts run together
    assert f.complete is True and f.confidence.level == "medium"


def test_010_hubei_scrambled_headings():
    (f,) = _read("010")
    assert (f.project_name, f.department, f.implementing_unit) == ("渔业成品油价格改革补贴", "区市场监督管理局", "农业科")
    fu = f.funds
    assert (fu.adjusted_budget, fu.executed, fu.weight, fu.rate, fu.score) == (D("1.56"), D("1.56"), D(20), D(100), D(20))
    assert _rows(f) == [
        # 6620: 6 | 6 | 20, and the scores add up to 总分 100 - 20
        ("产出指标", "数量指标", "补贴渔船数", "6", "6", None, D(20)),
        ("产出指标", "质量指标", "渔船补贴发放率", "100%", "100%", None, D(10)),
        ("产出指标", "时效指标", "12月底之前完成", "100%", "100%", None, D(10)),
        ("满意度指标", "服务对象满意度指标", "退捕渔民抽样调查满意度", "90%", "290%", None, D(40)),
    ]
    assert f.total == D(100) and f.deviation_note == "偏差大或目标未完成原因分析：无\n改进措施及结果应用方案：无"
    unsplit = _unsplit(f)
    assert any("度效标O0B年绩目1分EB" in m for m in unsplit)  # the rotated 年度绩效目标(80分)
    assert any("出标产指" in m for m in unsplit) and any("益标效指意指斥满度打" in m for m in unsplit)
    assert [w.code for w in f.warnings].count("JX024") == 1  # the rate printed as 1
    assert f.confidence.level == "low"


def test_016_hunan_no_scores():
    (f,) = _read("016")
    assert (f.project_name, f.department, f.implementing_unit) == ("县级储备粮", "衡山县商务和粮食局", "粮食调控储备与产业发展股")
    assert (f.funds.adjusted_budget, f.funds.executed, f.funds.rate) == (D("194.9"), D("194.9"), D(100))
    assert _rows(f) == [
        ("产出指标", "数量指标", "5000吨稻谷、500吨成品粮储备到位率", "100%", "100%", None, None),
        ("产出指标", "数量指标", "库存数量真实率", "100%", "100%", None, None),
        ("产出指标", "质量指标", "县级储备粮管理制度严格执行率", "100%", "100%", None, None),
        ("产出指标", "质量指标", "储备粮管理专户管理率", "100%", "100%", None, None),
        ("产出指标", "质量指标", "县级储备粮库存粮食明显变质比例", "0", "0", None, None),
        ("产出指标", "时效指标", "县级储备粮贷款付息及时率", "100%", "100%", None, None),
        ("产出指标", "时效指标", "县级储备粮应急保障率", "100%", "100%", None, None),
        ("产出指标", "成本指标", "国家政策性粮收购价格执行率", "100%", "100%", None, None),
        ("产出指标", "成本指标", "县级储备粮库存成本核算率", "100%", "100%", None, None),
        ("效益指标", "生态效益指标", "低温、低氧、低剂量科学保粮率", "100%", "100%", None, None),
        ("效益指标", "生态效益指标", "食品安全指标达标率", "100%", "100%", None, None),
        ("效益指标", "可持续影响指标", "粮食储备设备维护及安全性", "高", "高", None, None),
        ("满意度指标", "服务对象满意度指标", "因粮食市场波动引起的粮食安全事件发生数", "0起", "0起", None, None),
        ("满意度指标", "服务对象满意度指标", "市民满意度调查", "≥90%", "100%", None, None),  # 290% repaired (JX013)
    ]
    assert _unsplit(f) == ["“经济效益指标”下的文字连在一起，没有任何读法符合表头各列，未读取：“利息费用保障率100%100%"
                           "政策性挂账利息补贴保障率100%无没有轮换、动用库存绩效指标”"]
    assert any(w.code == "JX013" for w in f.warnings)


def test_017_wuhan_two_forms():
    first, second = _read("017")
    assert (first.project_name, first.department, first.implementing_unit, first.year) == (
        "演出设备更新专项经费", "新洲区楚剧团", "新洲区文化和旅游局机关", 2020)
    assert first.funds.executed is None  # 303010100%: 全年执行数 and 得分 missing, not split
    r0 = first.funds.rows[0]
    assert (r0.initial_budget, r0.adjusted_budget, r0.executed, r0.rate) == (D(30), D(30), D(30), D(100))
    assert (first.goal.expected, first.goal.actual) == (
        "更新剧团老化、损坏的音响、灯光、道具、服装等设备,并添置一些新剧目所必需的演出设备。", "已完成")
    assert _rows(first) == [
        ("产出指标", "数量指标", "更新剧团老化、损坏的音", "50件", "50件", D(20), D(20)),
        ("产出指标", "数量指标", "望新点胸艮必具", "100件", "100件", D(20), D(20)),  # OCR garbage, as printed
        ("产出指标", "质量指标", "音响、灯光、道具、服装质量等", "合格", "合格", D(20), D(20)),
        ("产出指标", "成本指标", "演出设备成本件/件", "2万元", "2万元", D(20), D(18)),
        ("满意度指标", "服务对象满意度指标", "演出人员满意度", "100%", "100%", D(20), D(20)),
    ]
    assert (first.total_weight, first.total) == (D(100), D(98))
    assert _unsplit(first) == ["资金行“年度资金总额”的数字“303010100%”连在一起，无法按表头各列（initial_budget、"
                               "adjusted_budget、executed、weight、rate、score）唯一拆分，未读取"]
    assert second.project_name == "中青年演员培训经费" and second.indicators == [] and second.complete is False


def test_039_ningxia_ocr_rows_not_guessed():
    (f,) = _read("039")
    assert _rows(f) == [
        ("产出指标", "成本指标", "指标1种薯采购价格不高于市场价", "是", "是", D(8), D(8)),
        ("效益指标", "生态效益指标", "指标1病害减少,防治病虫害使用的化学农药量较上年减少", "2%", "2%", D(8), D(8)),
    ]
    unsplit = " ".join(_unsplit(f))
    for garbage in ("290$290%", "工5%工5%", "880%^80%", "8250%5=50%", "811月底完成100%100%8"):
        assert garbage in unsplit
    assert f.funds.executed is None and f.confidence.level == "low"


@pytest.mark.parametrize("name, fields", [
    ("041", ("【体制】自管道路清扫保洁外包工作经费", D("310.2"), D("154.74"), D(10), D(50), D(5))),
    ("021", ("档案抢救与保护、档案工作考评、查询利用、档案资料征集、数字化、编研、陈列等专项经费", None, D(10), D(20), D(100),
             D(20))),
    ("013", ("东津院区建设补助", None, D(1000), D(20), D(100), D(20))),
])
def test_head_and_funds_only(name, fields):
    (f,) = _read(name)
    fu = f.funds
    budget = fu.initial_budget if name == "041" else None
    assert (f.project_name, budget, fu.executed, fu.weight, fu.rate, fu.score) == fields
    assert f.confidence.level == "low" and f.complete is False


def test_013_the_one_row_read():
    (f,) = _read("013")
    assert _rows(f) == [("产出指标", "数量指标", "成本控制", "不超过预算", "不超过预算", None, D(10))]
    # 成本/时效/可持续性 are not framework words: their rows run into one block with no reading
    assert any("没有任何读法" in m and "时效1年1年1年10" in m for m in _unsplit(f))


def test_not_read_rather_than_guessed():
    (f,) = _read("021")  # cut at the indicator header
    assert f.indicators == [] and f.confidence.level == "low"


def test_041_free_text_method_column():
    """分值 / 年度指标值(A) / 全年实际值(B) / 得分计算方法 / 得分: the method is a clause
    (punctuation, no digit) running up to the score. 12.512.512.5 has one coherent
    reading: a digit run is cut only into a value printed twice, so 12.5 | 12.5 | 12.5
    (12.5 | 12.51 | 2.5 or 12.51 | 2.5 | 12.5 are not made)."""
    (f,) = _read("041")
    assert _rows(f) == [("产出指标", "数量指标", "是否完成绩效目标申报表中申报的数量", "12.5", "12.5", D("12.5"), D("12.5"))]
    assert f.location_of("indicators[0]").line == 21
    assert _unsplit(f) == ["“质量指标”下的文字连在一起，没有任何读法符合表头各列，未读取：“是否达到国”"]  # cut
    g = RowGrammar(["weight", "target", "actual", "other", "score", "deviation"], False)
    (p,) = g.parses("是否达到质量标准12.5100%100%完成值达到指标值,记满分。12.5")
    assert p.rows[0].cells[:3] == (("weight", "12.5"), ("target", "100%"), ("actual", "100%"))
    assert p.rows[0].get("score") == "12.5"


def test_023_wuhan_deviation_column_word():
    """年初目标值/实际完成值/未完成原因及改进措施, no points; 产出数量 … level-2 names;
    traditional characters. 达成预期指标 closes every row: the rows with two values
    before it prove it is the reason column, so a row with one value reads it as the
    target with the actual empty (JX016 each), never as 6 | 3."""
    (f,) = _read("023")
    assert (f.project_name, f.department, f.implementing_unit) == ("区级森林防火专项经费", "区园林和林业局", "区园林和林业局")
    assert (f.funds.adjusted_budget, f.funds.executed, f.funds.rate) == (D(63), D(63), D(100))
    ok = "达成预期指标"
    assert [r + (i.deviation,) for r, i in zip(_rows(f), f.indicators)] == [
        ("产出指标", "数量指标", "灭火设备配备率", "100%", "1000件", None, None, ok),  # units differ, as printed
        ("产出指标", "数量指标", "监控系统维护率", "100%", "5个", None, None, ok),
        ("产出指标", "质量指标", "森林火灾火因查明率", "不低于95%", "", None, None, ok),
        ("产出指标", "质量指标", "森林火灾案件查处率", "不低于90%", "", None, None, ok),
        ("产出指标", "时效指标", "森林火灾6小时内扑灭率", "不低于95%", "", None, None, ok),
        ("产出指标", "成本指标", "成本控制数(万元)", "63", "", None, None, ok),
        ("效益指标", "社会效益指标", "重大森林火灾", "0起", "", None, None, ok),
        ("效益指标", "社会效益指标", "公众知晓度是否明显提高", "是", "", None, None, ok),
        ("效益指标", "生态效益指标", "森林火灾受害面积", "小于0.9‰", "", None, None, ok),
        ("效益指标", "经济效益指标", "人员伤亡事故", "0人次", "", None, None, ok),
        ("效益指标", "可持续影响指标", "森林防火监控设备的有效率", "90%", "", None, None, ok),
    ]
    aligned = [w for w in f.warnings if w.code == "JX016"]
    assert len(aligned) == 9 and all(w.line == 4 for w in aligned)
    assert "“63”按年度指标值读取" in aligned[3].message
    assert _unsplit(f)[-1] == "“满意度指标”下的文字连在一起，没有任何读法符合表头各列，未读取：“社会公众”"  # cut
    assert f.complete is False and f.confidence.level == "low"


def test_011_xlsx_dump_numbered_rows():
    """An xlsx dump, a space between cells, its wrapped header cells printed line by
    line between the first rows (年度 实际 / 指标值 完成值). The header is rejoined
    (JX016); each template number 指标N: opens a row read on its own: rows 6-23 fit
    the columns; 1-5 and 24-25, whose cells came out interleaved, do not and are
    left in JX022 warnings. No level label precedes these rows: levels unknown (JX008)."""
    (f,) = _read("011")
    assert (f.project_name, f.department, f.implementing_unit, f.year) == (
        "国家基本公共卫生服务", "稷山县卫生健康和体育局", "稷山县翟店镇卫生院", 2021)
    rows = [(n, t, a, w, sc) for l1, l2, n, t, a, w, sc in _rows(f)]
    assert rows == [
        ("举办健康教育宣传咨询活动", "12次", "96次", D(1), D(1)),
        ("建立预防接种证", "221人", "221人", D(2), D(2)),
        ("适龄儿童疫苗接种率", "100.00%", "97.30%", D(2), D("1.9")),
        ("0-6岁儿童健康管理数", "2089人", "2089人", D(2), D(2)),
        ("0-6岁儿童眼保健操覆盖数", "2089人", "2089人", D(2), D(2)),
        ("新生入访视数", "214人", "214人", D(2), D(2)),
        ("孕产妇7天访视数", "214人", "203人", D(2), D("1.8")),
        ("孕产妇42天访视数", "214人", "203人", D(2), D("1.8")),
        ("早孕建册数", "120人", "69人", D(2), D(1)),
        ("老年人体检数", "5662人", "4044人", D(2), D("1.4")),
        ("高血压规范管理数", "3807人", "3224人", D(2), D("1.9")),
        ("高血压随访控制数", "3807人", "3220人", D(2), D("1.8")),
        ("糖尿病规范管理数", "863人", "695人", D(2), D("1.8")),
        ("糖尿病随访控制数", "863人", "683人", D(2), D("1.7")),
        ("严重精神障碍患者管理数", "212人", "209人", D(2), D("1.8")),
        ("肺结核健康规范管理数", "8例", "8例", D(2), D(2)),
        ("老年人中医药规范管理数", "5662人", "4044人", D(2), D("1.4")),
        ("0-36月龄中医药规范管理数", "1228人", "770人", D(2), D("1.8")),
    ]
    assert {(i.level1, i.level2) for i in f.indicators} == {("", "")}
    assert sum(w.code == "JX008" for w in f.warnings) == 18
    (head,) = [w for w in f.warnings if w.code == "JX016"]
    assert head.message.endswith("一级指标、二级指标、三级指标、年度指标值、实际完成值、分值、得分")
    unsplit = " ".join(_unsplit(f))
    # the interleaved rows: not guessed (指标25's name is followed by 指标24's values)
    for left in ("举办健康教育知识讲座 分值 得分 37442人 3 3 14种", "传染病及突发公共卫生事件报告 数",
                 "家庭医生签约率 14例 14例 2 2 24694人 22584人 2 1.7", "提升国家基本"):
        assert left in unsplit
    assert f.funds.executed is None and f.complete is False and f.confidence.level == "low"


def test_006_ningxia_ocr_garbage():
    """OCR garbage: the vertical 参考分值 header cell read as 考值参分 (rejoined, JX013), 10
    read as IO in a score (repaired, JX013), 顼目产出 for 项目产出 (the level-1 then
    comes from the level-2). The 决策/管理 rubric rows are not indicators; rows with
    garbled values (3M.8万元) or a date target (2021年12月完成) are not read."""
    (f,) = _read("006")
    assert _rows(f) == [
        ("产出指标", "数量指标", "保障人数", "2370人", "2370人", D(10), D(10)),  # score printed IO
        ("产出指标", "质量指标", "公用经费标准", "符合相关文件要求", "符合相关文件要求", D(5), D(5)),
        # 效果显著 is printed in the 三级指标 column (社会效益 / 3、指标 cut by a page marker)
        ("效益指标", "社会效益指标", "效果显著", "改善学校的办学条件", "改善学校的办学条件", D(15), D(13)),
    ]
    ocr = [w.message for w in f.warnings if w.code == "JX013"]
    assert ocr == ["第2行：表头“考值参分”的字序错乱（竖排单元格按列识别），按“参考分值”读取",
                   "第3行：指标“保障人数”的得分“IO”中的字母按识别错误修正为“10”"]
    unsplit = " ".join(_unsplit(f))
    for left in ("项目决策(10分)项目目标完整性4", "公用经费完成时间52021年12月完成", "3M.8万元14.8万元3"):
        assert left in unsplit
    assert f.confidence.level == "low" and f.complete is False


def test_deviation_column_word_needs_proof():
    """Without a row that prints target, actual and the word, the word's column is
    unknown: a row of one value and 达成预期指标 is not read."""
    g = RowGrammar(["target", "actual", "deviation"], False)
    assert g.parses("森林火灾案件查处率不低于90%达成预期指标") == []
    g2 = RowGrammar(["target", "actual", "deviation"], False, blank_actual_before=("达成预期指标",))
    (p,) = g2.parses("森林火灾案件查处率不低于90%达成预期指标")
    assert p.rows[0].cells == (("target", "不低于90%"), ("deviation", "达成预期指标"))
    # a bare digit run is not cut into two different values: 63 alone, never 6 | 3
    (p,) = g2.parses("成本控制数(万元)63达成预期指标")
    assert p.rows[0].cells == (("target", "63"), ("deviation", "达成预期指标"))
    assert g.parses("成本控制数(万元)63达成预期指标") == []
    # the comparison word stays whole in the target (never 不 | 低于9 | 5%)
    assert g.parses("森林火灾6小时内扑灭率不低于95%98%达成预期指标")[0].rows[0].cells == (
        ("target", "不低于95%"), ("actual", "98%"), ("deviation", "达成预期指标"))


# --- synthetic: the seed flattened -----------------------------------------------------------


@pytest.fixture(scope="module")
def seed_forms(seed_path):
    return list(read_forms(seed_path))


def _flat(form, sep):
    return sep.join(t for row in form_table(form) for t, _, _ in row if t)


def _head(f):
    fu = f.funds
    return (f.project_name.replace(" ", ""), f.department, f.implementing_unit, f.year, fu.initial_budget,
            fu.adjusted_budget, fu.executed, fu.weight, fu.rate, fu.score, f.total_weight, f.total)


def test_seed_flattened_with_spaces(seed_forms):
    """One line, a space between cells (a docx metadata dump): everything but the
    goal split (the goal texts contain spaces) and the sub-rows' '-' cells reads back."""
    equal = 0
    for f in seed_forms:
        (g,) = text_to_forms(_flat(f, " "))
        assert _head(g) == _head(f)
        got = _rows(g)
        assert all(r in _rows(f) for r in got)  # nothing invented
        equal += got == _rows(f)
        assert all(w.code in ("JX023", "JX006", "JX022") for w in g.warnings)
    # form 15 (消防建设): a deviation note without clause punctuation runs into the
    # next name, so its 数量指标 block has no reading (JX022)
    assert equal == 15


def test_seed_flattened_without_separators(seed_forms):
    """No separator at all: header fields and totals read back; rows only where
    the grammar leaves one reading (``10.0010.00`` is 10.00 | 10.00, but a
    qualitative target then 达成指标 then a deviation column is never split);
    nothing is invented."""
    read = funds = 0
    for f in seed_forms:
        (g,) = text_to_forms(_flat(f, ""))
        assert (g.project_name, g.department, g.total_weight, g.total) == (
            f.project_name.replace(" ", ""), f.department, f.total_weight, f.total)
        assert all(r in _rows(f) for r in _rows(g))  # nothing invented
        read += len(g.indicators)
        fu, gu = f.funds, g.funds
        if gu.executed is not None:
            assert (gu.initial_budget, gu.adjusted_budget, gu.executed, gu.rate, gu.score) == (
                fu.initial_budget, fu.adjusted_budget, fu.executed, fu.rate, fu.score)
            funds += 1
    # what the flattening keeps: 13 of 16 funds rows split by the arithmetic,
    # 90 of 183 indicator rows (the rest have two readings or none: JX022). Before
    # points were read as printing two decimals at most (15.0015.00 is not
    # 15.001 | 5.00) and 分 after a score may open the next name (10.00分析…): 21
    assert (funds, read) == (13, 90)


def test_007_digits_lost_is_said():
    """007's copy dropped every digit and Latin letter (预算数(), 执行率(), (分)): no
    row can be read, and the form says why (JX025) instead of only "no rows"."""
    (f,) = _read("007")
    lost = [w for w in f.warnings if w.code == "JX025"]
    assert len(lost) == 1 and "空括号" in lost[0].message and lost[0].line == 1
    assert f.indicators == [] and f.complete is False
    assert "digits_lost" in [r.kind for r in f.confidence.reasons] and f.confidence.level == "low"


def test_digits_lost_only_where_no_digit_is_left():
    """Every other corpus file keeps some digits (a page counter such as 1/1 does not
    count): none gets JX025, empty brackets or not."""
    for path in sorted(CORPUS.glob("*.txt")):
        if path.stem == "007":
            continue
        try:
            forms = list(read_forms(path))
        except ReadError:
            continue
        assert not [w for f in forms for w in f.warnings if w.code == "JX025"], path.stem
