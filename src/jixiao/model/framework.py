"""The indicator framework: level-1 and level-2 names (一级/二级指标).

Source: 财政部《项目支出绩效评价管理办法》(财预〔2020〕10号) annex 3, the
project self-evaluation form, and the 2021 common indicator framework that
adds 成本指标 as a level-1 block. Level 3 (三级指标) is free text.
"""

from __future__ import annotations

LEVEL2_BY_LEVEL1: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
    "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
}

LEVEL1_NAMES: tuple[str, ...] = tuple(LEVEL2_BY_LEVEL1)
LEVEL2_NAMES: tuple[str, ...] = tuple(dict.fromkeys(n for v in LEVEL2_BY_LEVEL1.values() for n in v))
