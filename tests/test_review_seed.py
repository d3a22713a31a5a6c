"""The review of the seed (16 real forms of 七宝镇城市运行管理中心, 2024) under
the shanghai rulebook: no false arithmetic alarm, and the judgement findings a
careful reviewer would write down, each justified below.

Form index -> project: 0 政府雇员经费, 1 IP电话安装服务, 2 小区商圈组网与视频汇聚,
3 鹰眼单兵街面点位, 4 无主设施应急托底, 5 智慧街区系统, 6 智慧电梯场景, 7 区扣交通信号系统,
8 垃圾点位视频监控, 9 网格综治大楼运维, 10 应急突发相关专项, 11 残保金, 12 消防建设,
13 非机动车安全整治, 14 交通消防安全社区建设, 15 党建引领片区微脑系统.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from jixiao.checks import ReviewConfig, review_forms
from jixiao.ingest import read_forms
from jixiao.scoring import load_rulebook


@pytest.fixture(scope="module")
def review(seed_path):
    rb = load_rulebook("shanghai")
    return review_forms(read_forms(seed_path), rb, ReviewConfig.build(rb))


@pytest.fixture(scope="module")
def found(review):
    out = defaultdict(set)
    for f in review.findings:
        out[f.code].add((f.form_index, f.field))
    return out


def test_no_arithmetic_or_score_finding(review):
    # The seed's printed figures are all right under shanghai (the scoring test
    # shows every figure reproduced); a tool that cried wolf here would lose
    # its reviewers after one page.
    assert [f for f in review.findings if f.category in ("arithmetic", "score")] == []


def rows(*pairs):
    return set(pairs)


# code -> the findings expected, each group with the reason a reviewer would write it down.
EXPECTED = {
    # Spending below 90% and not one word of explanation in the whole form.
    "JX301": rows((7, "funds.rate"), (10, "funds.rate"), (11, "funds.rate"), (15, "funds.rate")),
    # 非机动车: the 尾款支付率 note says tail payments were NOT made ("其他项目尾款未支付"),
    # next to 100% and full points.
    "JX305": rows((13, "indicators[1].deviation")),
    # Spending 93-99.7% without a note: minor, but the rules ask for a reason (info).
    "JX306": rows(*((i, "funds.rate") for i in (0, 1, 3, 4, 6, 9))),
    # 残保金 56.06% and 微脑系统 77.92% spent, yet every output indicator has full points.
    "JX401": rows((11, "funds.rate"), (15, "funds.rate")),
    # 区扣交通信号: 区内扣资金拨付完成率 100% with full points while only 64.84% was spent:
    # the indicator says the money went out, the funds block says a third did not.
    "JX402": rows((7, "indicators[0].actual")),
    # 消防建设 2,060.00 -> 167.24 and 交通消防 873.02 -> 148.00 between 年初 and 全年, unexplained.
    "JX403": rows((12, "funds.adjusted_budget"), (14, "funds.adjusted_budget")),
    # Every indicator full, total >= 99, money left unspent: the "filled in by habit" pattern (info).
    "JX404": rows(*((i, "total") for i in (0, 1, 3, 4, 6, 9, 13, 14))),
    # 安全事故发生数 =0.00(%) and 摄像机点位覆盖数 =309.00(%): counts written as percentages.
    "JX504": rows((4, "indicators[7].target"), (8, "indicators[0].target")),
    # 交通设施完好率 ≥100.00(%): a rate cannot exceed 100%, the target cannot be beaten.
    "JX505": rows((7, "indicators[3].target")),
    # Paying out money used as an output quantity: 往年费用应付尽付率, 区内扣资金拨付完成率,
    # 尾款支付完成率, 尾款支付率 (twice).
    "JX507": rows((4, "indicators[1].name"), (7, "indicators[0].name"), (12, "indicators[0].name"),
                  (13, "indicators[1].name"), (14, "indicators[5].name")),
    # 应急突发: 有责投诉发生数 filed under 生态效益指标; complaints are not an ecological benefit.
    "JX508": rows((10, "indicators[10].level2")),
    # Bare 及时/提升/健全/促进 targets with no standard: one note per form (info).
    "JX511": {(i, f) for i, f in [(0, "indicators[4].target"), (1, "indicators[3].target"),
                                   (2, "indicators[4].target"), (3, "indicators[5].target"),
                                   (4, "indicators[5].target"), (5, "indicators[5].target"),
                                   (6, "indicators[2].target"), (7, "indicators[4].target"),
                                   (8, "indicators[5].target"), (9, "indicators[3].target"),
                                   (10, "indicators[6].target"), (11, "indicators[3].target"),
                                   (12, "indicators[7].target"), (13, "indicators[7].target"),
                                   (14, "indicators[11].target"), (15, "indicators[4].target")]},
    # 鹰眼: 街面治理能力提升情况 with the target 及时 — a timeliness word for a capability indicator.
    "JX512": rows((3, "indicators[8].target")),
    # Level-1 weights 60/20/10 etc. instead of the guideline's 50/30/10; only 残保金 follows it (info).
    "JX513": rows(*((i, "indicators") for i in range(16) if i != 11)),
    # 主管单位/主管部门/管理部门满意度 counted as service-object satisfaction next to a real one.
    "JX701": rows((0, "indicators[11].name"), (1, "indicators[7].name"), (2, "indicators[11].name"),
                  (4, "indicators[10].name"), (5, "indicators[11].name"), (6, "indicators[8].name"),
                  (12, "indicators[11].name"), (13, "indicators[13].name")),
    # 区扣交通信号 and 残保金: the supervising department's satisfaction is the ONLY one (error).
    "JX702": rows((7, "indicators[7].name"), (11, "indicators[6].name")),
    # 100% satisfaction and no survey, sample or method mentioned anywhere in the form.
    "JX703": rows(*((i, f) for i, f in [(0, "indicators[10].actual"), (1, "indicators[6].actual"),
                                        (2, "indicators[10].actual"), (3, "indicators[11].actual"),
                                        (4, "indicators[9].actual"), (5, "indicators[10].actual"),
                                        (6, "indicators[7].actual"), (7, "indicators[7].actual"),
                                        (8, "indicators[10].actual"), (9, "indicators[7].actual"),
                                        (10, "indicators[12].actual"), (11, "indicators[6].actual"),
                                        (15, "indicators[11].actual")])),
    # Satisfaction exactly at the threshold (90/90, 85/85, 95/95) with no survey described.
    "JX704": rows((12, "indicators[11].actual"), (13, "indicators[12].actual"), (14, "indicators[19].actual")),
    # Every 实际完成情况 is its 预期目标 in the perfect tense ("根据文件要求，…已…"), no new figure.
    "JX801": rows(*((i, "goal.actual") for i in range(16))),
    # 垃圾点位: "全镇50%的小区" structured analysis; 交通消防: "107家企业" safety checks — no indicator
    # measures either.
    "JX802": rows((8, "goal.expected"), (14, "goal.expected")),
    # 微脑系统: the goal builds platforms for 七个片区, the only count indicator says 2项.
    "JX803": rows((15, "goal.expected")),
    # 非机动车: the goal only says 进一步减少/预防/降低/提高 — nothing measurable to deliver (info).
    "JX805": rows((13, "goal.expected")),
    # 长效管理机制健全性 in all 16 forms, always full points: a boilerplate row (info, batch level).
    "JX902": rows((None, "indicators")),
    # All 16 forms graded 优 (95.61-100.00): the scores do not tell projects apart.
    "JX903": rows((None, "total")),
}


def test_judgement_findings_are_the_expected_ones(found):
    assert set(found) == set(EXPECTED), (sorted(set(found) - set(EXPECTED)), sorted(set(EXPECTED) - set(found)))
    for code, want in EXPECTED.items():
        assert found[code] == want, code


def test_messages_name_the_values(review):
    by = {(f.code, f.form_index): f for f in review.findings}
    assert by[("JX301", 11)].message == "执行率56.06%，低于90%，但偏差原因分析为空"
    assert "64.84" in by[("JX402", 7)].message and "区内扣资金拨付完成率" in by[("JX402", 7)].message
    assert "2,060.00" in by[("JX403", 12)].message or "2060" in by[("JX403", 12)].message
    assert "309" in by[("JX504", 8)].message
    assert "107家企业" in by[("JX802", 14)].message
    assert by[("JX702", 7)].severity == "error"
    loc = by[("JX508", 10)].location
    assert loc["file"].endswith("qibao-2024.txt") and loc["line"] is not None
