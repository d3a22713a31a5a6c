"""The official layout of the 项目支出绩效自评表 as data.

``form_layout(form)`` lays a :class:`~jixiao.model.Form` out as the official
8-column table (the seed's central/Shanghai layout): title and year, 项目名称,
主管部门/实施单位, the 项目资金 block, 年度总体目标, the three-level indicator
table with its merged level-1/level-2 cells, 总分 and 评分等级. Every writer
(HTML, XLSX, PDF; the test fixtures of the readers) prints this one layout.

Each :class:`Cell` carries its printed text, its spans, a role and the field
path it shows (the paths of ``Form.locations`` and of review findings:
``funds.executed``, ``funds.rows[0].adjusted_budget``, ``indicators[3].actual``,
``goal.expected``, ``total``):

- ``label``: printed by the layout (headings, framework names);
- ``input``: what the filling unit writes (amounts, goal, targets, actuals,
  weights, qualitative scores, deviation notes);
- ``computed``: what the scoring rules derive (execution rate, budget score,
  scores of quantitative indicator rows, total, grade). Which indicator rows are
  computed is the engine's decision under the rulebook (``score_indicator``):
  rows it scores by a formula (positive / reverse / zero / two-sided) are
  computed, qualitative and not-computable rows stay input.

Numbers print with two decimals and thousands separators, as the seed prints
them (``2,060.00``); a missing number prints ``-``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from ..model import Form
from ..scoring import Rulebook, load_rulebook, score_indicator

__all__ = [
    "COLUMN_HEADERS", "FORMULA_RULES", "N_COLS", "Cell", "Layout", "Placed", "amount_text", "form_layout",
]

N_COLS = 8
Role = Literal["label", "input", "computed"]
#: What a cell shows, for writers that format by kind.
Kind = Literal["title", "subtitle", "heading", "text", "long_text", "number", "percent"]

#: Engine rules an indicator score can be written as a formula for.
FORMULA_RULES = frozenset(("positive", "reverse", "zero", "two_sided"))

COLUMN_HEADERS = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                  "偏差原因分析及改进措施")


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of the official table."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    role: Role = "label"
    field: str | None = None  # the form field shown, e.g. "indicators[3].actual"
    kind: Kind = "text"
    value: Decimal | None = None  # the number behind ``text`` for number/percent cells


@dataclass(frozen=True, slots=True)
class Placed:
    """A cell at its grid position (0-based row and column, as HTML places spans)."""

    row: int
    col: int
    cell: Cell


@dataclass(slots=True)
class Layout:
    """The table: rows of cells, each row listing only the cells that start in it."""

    form: Form
    rows: list[list[Cell]]
    #: row index of each part: "title", "funds_header", "funds_total", "goal", "indicator_header",
    #: "indicators" (first indicator row), "total", "grade"
    parts: dict[str, int] = field(default_factory=dict)
    #: engine rule per indicator (positive, reverse, zero, two_sided, qualitative, not_computable)
    indicator_rules: list[str] = field(default_factory=list)
    _row_index: dict[str, int] | None = field(default=None, repr=False, compare=False)

    def placed(self) -> Iterator[Placed]:
        """Every cell with its grid position (covered positions skipped as in HTML)."""
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate(self.rows):
            col = 0
            for cell in row:
                while (r, col) in taken:
                    col += 1
                yield Placed(r, col, cell)
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        taken.add((r + dr, col + dc))
                col += cell.colspan

    def field_positions(self) -> dict[str, Placed]:
        """Field path -> the placed cell showing it."""
        return {p.cell.field: p for p in self.placed() if p.cell.field}

    def row_of(self, path: str | None) -> int | None:
        """The table row a field path belongs to (walking up the path like
        ``Form.location_of``): ``indicators[3].actual`` -> that indicator's row,
        ``funds`` -> the 年度资金总额 row, ``total`` -> the 总分 row. None when the
        path names nothing in the table."""
        if not path:
            return None
        index = self._row_index
        if index is None:  # every field path and each of its ancestors -> the first row showing it
            index = self._row_index = {}
            for placed in self.placed():
                f = placed.cell.field
                while f:
                    index.setdefault(f, placed.row)
                    cut = max(f.rfind("."), f.rfind("["))
                    f = f[:cut] if cut > 0 else ""
        p = path
        while p:
            row = index.get(p)
            if row is not None:
                return row
            cut = max(p.rfind("."), p.rfind("["))
            p = p[:cut] if cut > 0 else ""
        return None


def amount_text(d: Decimal | None) -> str:
    """A number as the form prints it: two decimals, thousands separators, ``-`` when missing."""
    if d is None:
        return "-"
    try:
        return f"{d:,.2f}"
    except (ValueError, TypeError):  # pragma: no cover - odd values built without validation
        return str(d)


def _num(value: Decimal | None, role: Role, path: str, kind: Kind = "number") -> Cell:
    return Cell(amount_text(value), role=role, field=path, kind=kind, value=value)


def _label(text: str, rowspan: int = 1, colspan: int = 1, *, kind: Kind = "heading",
           path: str | None = None) -> Cell:
    return Cell(text, rowspan, colspan, "label", path, kind)


def _span(values: list[tuple[str, ...]], i: int) -> int:
    """How many rows from ``i`` on share ``values[i]``."""
    k = i
    while k < len(values) and values[k] == values[i]:
        k += 1
    return k - i


def form_layout(form: Form, rulebook: Rulebook | None = None) -> Layout:
    """Lay ``form`` out as the official table.

    ``rulebook`` decides which indicator scores are computed (default: national);
    the text of every cell is the form's, whatever the rulebook.
    """
    rb = rulebook or load_rulebook("national")
    f = form.funds
    year = "" if form.year is None else str(form.year)
    rows: list[list[Cell]] = [
        [_label(form.title or "财政项目支出绩效自评表", 1, N_COLS, kind="title", path="title")],
        [_label(f"（{year}年度）", 1, N_COLS, kind="subtitle", path="year")],
        [_label("项目名称"), Cell(form.project_name, 1, N_COLS - 1, "input", "project_name")],
        [_label("主管部门"), Cell(form.department, 1, 3, "input", "department"),
         _label("实施单位"), Cell(form.implementing_unit, 1, 3, "input", "implementing_unit")],
    ]
    parts: dict[str, int] = {"title": 0, "funds_header": len(rows)}
    rows.append([
        _label(f"项目资金（{form.funds_unit}）", 2 + len(f.rows), 1), _label(""), _label("年初预算数"),
        _label("全年预算数"), _label("全年执行数"), _label("分数"), _label("执行率(%)"), _label("得分"),
    ])
    parts["funds_total"] = len(rows)
    rows.append([
        _label("年度资金总额：", kind="text"),
        _num(f.initial_budget, "input", "funds.initial_budget"),
        _num(f.adjusted_budget, "input", "funds.adjusted_budget"),
        _num(f.executed, "input", "funds.executed"),
        _num(f.weight, "input", "funds.weight"),
        _num(f.rate, "computed", "funds.rate", "percent"),
        _num(f.score, "computed", "funds.score"),
    ])
    for k, fr in enumerate(f.rows):
        p = f"funds.rows[{k}]"
        rows.append([
            _label(fr.label or fr.source, kind="text", path=f"{p}.source"),
            _num(fr.initial_budget, "input", f"{p}.initial_budget"),
            _num(fr.adjusted_budget, "input", f"{p}.adjusted_budget"),
            _num(fr.executed, "input", f"{p}.executed"),
            _label("-", kind="number"),
            _num(fr.rate, "computed", f"{p}.rate", "percent"),
            _label("-", kind="number"),
        ])
    parts["goal"] = len(rows)
    rows += [
        [_label("年度总体目标", 2, 1), _label("预期目标", 1, 3), _label("实际完成情况", 1, 4)],
        [Cell(form.goal.expected, 1, 3, "input", "goal.expected", "long_text"),
         Cell(form.goal.actual, 1, 4, "input", "goal.actual", "long_text")],
    ]
    parts["indicator_header"] = len(rows)
    rows.append([_label(h) for h in COLUMN_HEADERS])
    parts["indicators"] = len(rows)

    inds = form.indicators
    rules = [score_indicator(ind, rb, i).rule for i, ind in enumerate(inds)]
    l1 = [(ind.level1,) for ind in inds]
    l2 = [(ind.level1, ind.level2) for ind in inds]
    for i, ind in enumerate(inds):
        p = f"indicators[{i}]"
        row: list[Cell] = []
        if i == 0 or l1[i - 1] != l1[i]:
            row.append(_label(ind.level1, _span(l1, i), path=f"{p}.level1"))
        if i == 0 or l2[i - 1] != l2[i]:
            row.append(_label(ind.level2, _span(l2, i), path=f"{p}.level2"))
        score_role: Role = "computed" if rules[i] in FORMULA_RULES else "input"
        row += [
            Cell(ind.name, role="input", field=f"{p}.name"),
            Cell(ind.target, role="input", field=f"{p}.target"),
            Cell(ind.actual, role="input", field=f"{p}.actual"),
            _num(ind.weight, "input", f"{p}.weight"),
            _num(ind.score, score_role, f"{p}.score"),
            Cell(ind.deviation, role="input", field=f"{p}.deviation", kind="long_text"),
        ]
        rows.append(row)
    parts["total"] = len(rows)
    rows.append([_label("总分", 1, 5), _num(form.total_weight, "input", "total_weight"),
                 _num(form.total, "computed", "total"), _label("")])
    parts["grade"] = len(rows)
    grade_role: Role = "computed" if rb.grades_enabled else "input"
    rows.append([_label("评分等级", 1, 5), Cell(form.grade or "", 1, 3, grade_role, "grade")])
    return Layout(form, rows, parts, rules)
