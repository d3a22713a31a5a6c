"""The form model: one 项目支出绩效自评表 and its parts.

Every reader produces these objects; every later stage (scoring, review,
reports, the web app) consumes them. Field names of the stable JSON interface
(``jixiao parse --format json``) are the attribute names here: later work may
add fields, never rename these.

Money and scores are ``Decimal`` in Python and JSON numbers on the wire.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from .values import Comparison, ValueKind

# Decimal in Python, a JSON number in JSON (float repr of a 2-decimal amount
# prints exactly as printed on the form: 64.84, 2060.0).
Num = Annotated[
    Decimal,
    PlainSerializer(lambda d: float(d), return_type=float, when_used="json"),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Location(_Model):
    """Where a value was read: page (when the format knows pages) and line range
    for text, sheet/cell or bbox for other formats (added by their readers)."""

    page: int | None = None
    line: int | None = Field(None, description="first line (1-based) in the source file")
    end_line: int | None = Field(None, description="last line (1-based), inclusive")
    sheet: str | None = None
    cell: str | None = None


class ParsedValue(_Model):
    """A target (年度指标值) or actual (实际完成值) cell, parsed."""

    raw: str = Field(description="the cell as printed")
    kind: ValueKind = Field(description="number: a quantity; text: a qualitative word; empty: nothing")
    comparison: Comparison | None = None
    number: Num | None = None
    unit: str = ""
    word: str | None = Field(None, description="the qualitative word, for kind=text")


class FundRow(_Model):
    """One sub-row of the funds block (其中：当年财政拨款 / 上年结转资金 / 其他资金)."""

    source: str = Field(description="the funding source, canonical name (当年财政拨款, 上年结转资金, 其他资金)")
    label: str = Field("", description="the row label as printed")
    initial_budget: Num | None = None
    adjusted_budget: Num | None = None
    executed: Num | None = None
    rate: Num | None = None


class Funds(_Model):
    """项目资金: the 年度资金总额 row and its sub-rows."""

    initial_budget: Num | None = Field(None, description="年初预算数")
    adjusted_budget: Num | None = Field(None, description="全年预算数 (adjusted budget)")
    executed: Num | None = Field(None, description="全年执行数")
    weight: Num | None = Field(None, description="分值/分数 of the funds block (usually 10)")
    rate: Num | None = Field(None, description="执行率 in percent, as printed")
    score: Num | None = Field(None, description="得分 of the funds block, as printed")
    rows: list[FundRow] = Field(default_factory=list)


class Goal(_Model):
    """年度总体目标."""

    expected: str = Field("", description="预期目标")
    actual: str = Field("", description="实际完成情况")


class Indicator(_Model):
    """One row of the three-level indicator table."""

    level1: str = Field(description="一级指标, full framework name, e.g. 产出指标")
    level2: str = Field(description="二级指标, full framework name, e.g. 数量指标")
    name: str = Field(description="三级指标 as printed")
    target: str = Field(description="年度指标值 as printed")
    actual: str = Field(description="实际完成值 as printed")
    weight: Num | None = Field(None, description="分值")
    score: Num | None = Field(None, description="得分")
    deviation: str = Field("", description="偏差原因分析及改进措施; empty string when empty")
    target_parsed: ParsedValue
    actual_parsed: ParsedValue


class ReadWarning(_Model):
    """Something the reader met and could not read with full confidence."""

    code: str = Field(description="stable code, JX0xx (reading)")
    message: str = Field(description="Chinese message naming the place and the values")
    line: int | None = None
    page: int | None = None
    field: str | None = Field(None, description="field path the warning is about, if any")


ConfidenceLevel = Literal["high", "medium", "low"]


class ConfidenceReason(_Model):
    """One reason why a form was not read with full confidence."""

    kind: str = Field(description="stable key: truncated, rows_unread, cells_unread, header_missing, "
                      "no_indicators, funds_sum, weights_sum, scores_sum, repairs, ocr, aligned_by_type, "
                      "levels_unknown, goal_split, pages_unread")
    level: ConfidenceLevel = Field(description="the level this reason alone brings the form down to "
                                   "(high: noted only)")
    message: str = Field(description="Chinese, naming the values or the count")
    count: int = Field(1, description="how many places (rows, cells, repairs) the reason covers")


class Confidence(_Model):
    """How far the reading can be trusted: the lowest level among the reasons."""

    level: ConfidenceLevel = "high"
    reasons: list[ConfidenceReason] = Field(default_factory=list)

    def summary_zh(self) -> str:
        """``读取可信度：低（表格被截断；2 行未读取）``."""
        name = {"high": "高", "medium": "中", "low": "低"}[self.level]
        shown = [r.message for r in self.reasons if r.level != "high"] or [r.message for r in self.reasons]
        return f"读取可信度：{name}" + (f"（{'；'.join(shown)}）" if shown else "")


class Source(_Model):
    """Where the form came from."""

    file: str
    format: Literal["text", "pdf", "xlsx", "xls", "docx", "doc", "html", "editor"] = "text"  # editor: filled in jixiao serve
    encoding: str | None = None
    index: int = Field(0, description="0-based position of the form in its file")
    page: int | None = None
    end_page: int | None = None
    line: int | None = None
    end_line: int | None = None


class Form(_Model):
    """财政项目支出绩效自评表: one project's self-evaluation form."""

    title: str = ""
    project_name: str = Field("", description="项目名称")
    department: str = Field("", description="主管部门")
    implementing_unit: str = Field("", description="实施单位")
    year: int | None = Field(None, description="budget year, from the title (（2024年度）)")
    funds_unit: str = Field("万元", description="unit of the funds block as printed (万元 or 元)")
    funds: Funds = Field(default_factory=Funds)
    goal: Goal = Field(default_factory=Goal)
    indicators: list[Indicator] = Field(default_factory=list)
    deviation_note: str = Field(
        "", description="a single deviation box for the whole form (偏差大或目标未完成原因分析 and 改进措施, "
        "Hubei-style layouts), as printed; empty when the layout has none")
    attributes: dict[str, str] = Field(
        default_factory=dict,
        description="checkbox lines (项目类别, 项目属性, 项目类型) -> the ticked option(s), e.g. "
        "{'项目属性': '新增性项目'}; a line whose marks cannot be told apart is not listed (a JX002 warning)")
    total_weight: Num | None = Field(None, description="总分 column 分值 (100)")
    total: Num | None = Field(None, description="总分 得分 as printed")
    grade: str | None = Field(None, description="评分等级 as printed")
    source: Source
    complete: bool = Field(True, description="False when the reader could not read the whole form")
    confidence: Confidence | None = Field(
        None, description="how far the reading can be trusted, with the reasons; set for every form "
        "read by jixiao.ingest.read_forms (jixiao.ingest.assess_confidence for forms built otherwise)")
    block_weights: dict[str, Num] = Field(
        default_factory=dict,
        description="weights printed in block headings, e.g. 产出指标(50分) -> {'产出指标': 50}; "
        "年度绩效目标(80分) -> {'indicators': 80}; empty when the form prints none")
    warnings: list[ReadWarning] = Field(default_factory=list)
    locations: dict[str, Location] = Field(
        default_factory=dict,
        description="field path (e.g. 'indicators[3]', 'funds.executed') -> where it was read; a cell is "
        "listed only when it lies apart from its row (use Form.location_of)",
    )

    def location_of(self, path: str) -> Location | None:
        """Where the value at ``path`` was read (e.g. ``indicators[3].actual``).

        Readers record a cell only when it lies apart from its row, so the
        lookup walks up the path: cell, then row, then block.
        """
        p = path
        while p:
            loc = self.locations.get(p)
            if loc is not None:
                return loc
            cut = max(p.rfind("."), p.rfind("["))
            p = p[:cut] if cut > 0 else ""
        return None

    def to_json_dict(self) -> dict:
        return self.model_dump(mode="json")


def form_json_schema() -> dict:
    """JSON Schema of the form as ``jixiao parse --format json`` prints it."""
    return Form.model_json_schema(mode="serialization")
