"""Build forms for check tests: a clean baseline that no check flags, and
small, explicit edits of it. Every check's tests start from ``baseline()``:
one edit that triggers the check, one close to it that does not."""

from __future__ import annotations

from decimal import Decimal

from jixiao.checks import Finding, ReviewConfig, review_forms
from jixiao.model import Form, parse_value
from jixiao.scoring import load_rulebook

D = Decimal


def ind(level1: str, level2: str, name: str, target: str, actual: str, weight, score, deviation: str = "") -> dict:
    return {"level1": level1, "level2": level2, "name": name, "target": target, "actual": actual,
            "weight": D(str(weight)), "score": D(str(score)), "deviation": deviation,
            "target_parsed": parse_value(target), "actual_parsed": parse_value(actual)}


BASE_INDICATORS = [
    ind("产出指标", "数量指标", "居家养老服务人数", "≥1200(人)", "1200(人)", 20, 20),
    ind("产出指标", "数量指标", "新建社区助餐点数量", "=6(个)", "6(个)", 10, 10),
    ind("产出指标", "质量指标", "服务质量抽查合格率", "≥95(%)", "97(%)", 10, 10),
    ind("产出指标", "时效指标", "补贴发放周期", "≤30(天)", "25(天)", 5, 5),
    ind("产出指标", "成本指标", "人均服务成本", "≤800(元)", "780(元)", 5, 5),
    ind("效益指标", "社会效益指标", "老年人助餐服务覆盖率", "≥80(%)", "85(%)", 15, 15),
    ind("效益指标", "可持续影响指标", "养老服务站点持续运营率", "≥90(%)", "95(%)", 15, 15),
    ind("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90(%)", "93(%)", 10, 10),
]


def baseline(**changes) -> Form:
    """A clean, internally consistent form: every figure adds up, the design
    follows the guideline, the narrative reports facts. No check flags it."""
    data = {
        "title": "项目支出绩效自评表（2024年度）",
        "project_name": "社区居家养老服务补贴",
        "department": "某区民政局",
        "implementing_unit": "某区养老服务指导中心",
        "year": 2024,
        "funds_unit": "万元",
        "funds": {
            "initial_budget": D("100.00"), "adjusted_budget": D("100.00"), "executed": D("100.00"),
            "weight": D("10.00"), "rate": D("100.00"), "score": D("10.00"),
            "rows": [
                {"source": "当年财政拨款", "initial_budget": D("100.00"), "adjusted_budget": D("100.00"),
                 "executed": D("100.00")},
                {"source": "上年结转资金", "initial_budget": D(0), "adjusted_budget": D(0), "executed": D(0)},
                {"source": "其他资金", "initial_budget": D(0), "adjusted_budget": D(0), "executed": D(0)},
            ],
        },
        "goal": {
            "expected": "为全区1200名高龄独居老人提供居家养老上门服务，新建社区助餐点6个，"
                        "服务对象满意度达到90%以上。",
            "actual": "全年上门服务高龄独居老人1200名、共计14.4万人次；6个社区助餐点均已开业运营。"
                      "经第三方问卷调查（有效样本600份），服务对象满意度为93%。",
        },
        "indicators": [dict(x) for x in BASE_INDICATORS],
        "total_weight": D("100.00"),
        "total": D("100.00"),
        "grade": "优",
        "source": {"file": "baseline.txt", "format": "text", "line": 1, "end_line": 80},
    }
    for k, v in changes.items():
        data[k] = v
    return Form.model_validate(data)


def edit_indicator(form: Form, i: int, **changes) -> Form:
    """A copy of ``form`` with row ``i`` changed (target/actual re-parsed)."""
    data = form.model_dump()
    row = data["indicators"][i]
    row.update(changes)
    row["target_parsed"] = parse_value(row["target"])
    row["actual_parsed"] = parse_value(row["actual"])
    return Form.model_validate(data)


def edit(form: Form, **changes) -> Form:
    """A copy of ``form`` with top-level fields changed; dotted keys reach
    into blocks: ``edit(f, **{"funds.executed": D("80")})``."""
    data = form.model_dump()
    for key, v in changes.items():
        target = data
        *path, last = key.split(".")
        for p in path:
            target = target[p]
        target[last] = v
    return Form.model_validate(data)


def add_indicator(form: Form, row: dict, at: int | None = None) -> Form:
    data = form.model_dump()
    data["indicators"].insert(len(data["indicators"]) if at is None else at, row)
    return Form.model_validate(data)


def findings(forms: Form | list[Form], code: str | None = None, rulebook: str = "national",
             **config) -> list[Finding]:
    """Review ``forms`` with every check enabled; the findings (of ``code``)."""
    rb = load_rulebook(rulebook)
    cfg = ReviewConfig.build(rb, **config)
    fs = [forms] if isinstance(forms, Form) else forms
    out = review_forms(fs, rb, cfg).findings
    return [f for f in out if code is None or f.code == code]


def codes(forms, **kw) -> list[str]:
    return sorted({f.code for f in findings(forms, **kw)})
