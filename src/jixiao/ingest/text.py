"""Reader for forms exported as text from PDF (the central / Shanghai layout).

The layout is the one of ``pdftotext`` (non-layout mode) run on the published
PDF of 财政项目支出绩效自评表: cells come out in reading order, one text line
per printed line, with these habits (all handled here):

* a wrapped cell continues on the next line(s): names, units (``=175.00(点``
  then ``位)``), funds labels (``其中：当年财政`` then ``拨款``);
* the vertical level-1/level-2 labels come out in fragments between rows
  (see :mod:`.labels`);
* the two goal columns come out one after the other: all of 预期目标, then
  all of 实际完成情况 (see :func:`split_goal`);
* deviation notes (偏差原因分析及改进措施) start after the row's score, on the
  same line or on the lines that follow the row;
* a page break can cut a form anywhere; ``\\f`` marks it when present.

The reader streams: it holds one form's lines at a time. It reads the layout
from the header rows (column order of the funds block and of the indicator
table), not from knowledge of particular files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..model import Form, parse_number, parse_value
from .decode import iter_lines
from .errors import NoFormFoundError
from .labels import LabelTracker
from .textutil import display_width, join_wrapped


# ---------------------------------------------------------------------------
# Vocabulary of the layout. These are the printed words of the official form,
# not knowledge of any particular file.

_TITLE_RE = re.compile(r"^[^，。：:；]{0,30}绩效(?:目标)?自评表")
_YEAR_RE = re.compile(r"[（(]?\s*(\d{4})\s*年度?\s*[)）]?")
_YEAR_LINE_RE = re.compile(r"^[（(]?\s*\d{4}\s*年度?\s*[)）]?$")
_UNIT_RE = re.compile(r"[（(]\s*(万元|元|千元|亿元)\s*[)）]")
_NUM_TOKEN_RE = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")
_PLAIN_DECIMAL_RE = re.compile(r"^\d+(?:\.\d+)?$")
_PLACEHOLDER = frozenset({"-", "—", "--", "/", "－", "——"})
_PAGE_NO_RE = re.compile(r"^(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|\d{1,3}\s*/\s*\d{1,3})$")
_SENTENCE_END = tuple("。！？；.!?;")
_CLAUSE_PUNCT = frozenset("，。；：、,;:")
_FOOTER_RE = re.compile(r"^(填报人|填表人|联系电话|联系人|审核人|负责人|单位负责人|财务负责人|项目负责人|填报日期|填表日期|日期|备注|注[:：])")

# Funds-block header words -> field. Order of the header defines the columns.
_FUNDS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("年初预算", "initial_budget"),
    ("调整后预算", "adjusted_budget"),
    ("全年预算", "adjusted_budget"),
    ("执行数", "executed"),
    ("执行率", "rate"),
    ("分数", "weight"),
    ("分值", "weight"),
    ("权重", "weight"),
    ("得分", "score"),
)
_DEFAULT_FUNDS_COLUMNS = ["initial_budget", "adjusted_budget", "executed", "weight", "rate", "score"]

# Funds row labels -> canonical source. The total row first.
_FUND_SOURCES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("资金总额", "合计", "总计", "总额"), "total"),
    (("财政拨款", "财政资金", "财政补助"), "当年财政拨款"),
    (("结转",), "上年结转资金"),
    (("其他",), "其他资金"),
)

# Indicator-table header words -> column. 三级指标 is the name column.
_TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("三级指标", "name"),
    ("年度指标值", "target"),
    ("指标值", "target"),
    ("目标值", "target"),
    ("实际完成值", "actual"),
    ("实际值", "actual"),
    ("完成值", "actual"),
    ("分值", "weight"),
    ("权重", "weight"),
    ("得分", "score"),
    ("偏差原因", "deviation"),
    ("未完成原因", "deviation"),
)
_DEFAULT_TABLE_COLUMNS = ["name", "target", "actual", "weight", "score", "deviation"]
# Fragments the table header wraps into; a line made only of these is header.
_TABLE_HEADER_WORDS = frozenset(
    "一级 二级 三级 指标 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析 "
    "及改进措施 偏差原因分析及改进措施 改进措施 偏差原因 分析及改进 措施 年度 指标值 实际 完成值".split()
)
_GOAL_LABEL = "年度总体目标"
# Words that open an 实际完成情况 text more often than a 预期目标 text.
_ACTUAL_OPENERS = ("根据", "已", "截至", "截止", "实际", "完成了", "开展了", "全年共", "本年度共", "经", "按照计划")
# Qualitative results that a narrow cell may wrap; rejoined when split.
_WRAP_WORDS = ("达成预期指标", "达成年度指标", "达成指标", "部分达成", "基本达成", "未达成", "全部达成", "已完成")


def _is_num(tok: str) -> bool:
    return bool(_NUM_TOKEN_RE.match(tok))


def _num(tok: str) -> Decimal | None:
    if _PLAIN_DECIMAL_RE.match(tok):  # the common case, without the general parser
        return Decimal(tok)
    return parse_number(tok.rstrip("%"))


@dataclass(slots=True)
class _Line:
    no: int
    page: int | None
    text: str  # stripped
    indent: bool  # the printed line started with whitespace (a paragraph start)


# A token is a plain tuple (text, line, start, end): rows are many, and a
# tuple is several times cheaper to build than a class instance.
_Tok = tuple  # (str, _Line, int, int)
_TEXT, _LINE, _START = 0, 1, 2


def _tokens(line: _Line) -> list[_Tok]:
    out = []
    pos = 0
    text = line.text
    for w in text.split():
        start = text.index(w, pos)
        pos = start + len(w)
        out.append((w, line, start, pos))
    return out


def _paren_balance(s: str) -> int:
    if "(" not in s and "（" not in s and ")" not in s and "）" not in s:
        return 0
    return s.count("(") + s.count("（") - s.count(")") - s.count("）")


_BARE_COMPARATORS = frozenset(("=", "≥", "≤", ">", "<", "＝", "≧", "≦", ">=", "<="))


def _merge_tokens(toks: list[_Tok]) -> list[list[_Tok]]:
    """Group tokens into cells: a cell whose parenthesis is still open goes on
    (``=175.00(点`` + ``位)``), a lone comparison sign takes the number after it,
    a bare ``(单位)`` joins the number before it, and a qualitative result the
    cell wrapped (``达成预期`` + ``指标``) is made whole again."""
    cells: list[list[_Tok]] = []
    prev = ""
    for t in toks:
        tx = t[_TEXT]
        if cells and (
            (prev[-1] not in ")）" and _paren_balance(prev) > 0)
            or prev in _BARE_COMPARATORS
            or (tx[0] in "(（" and _is_num(prev.lstrip("=≥≤><＝≧≦")))
            or (t[_LINE] is not cells[-1][-1][_LINE] and (prev + tx) in _WRAP_WORDS)
        ):
            cells[-1].append(t)
            prev += tx
            continue
        cells.append([t])
        prev = tx
    return cells


_NEEDS_MERGE_RE = re.compile(r"(?:^|\s)(?:[(（]|(?:[=≥≤><＝≧≦]|>=|<=)(?:\s|$))")


def _simple_cells(text: str) -> bool:
    """True when no cell of this line spans two tokens: parentheses balance,
    no token starts with one, no comparison sign stands alone."""
    return (text.count("(") + text.count("（") == text.count(")") + text.count("）")
            and _NEEDS_MERGE_RE.search(text) is None)


def _cell_text(cell: list[_Tok]) -> str:
    """Text of a cell: pieces on one line keep their printed spacing, pieces on
    different lines are joined as a wrap."""
    if len(cell) == 1:
        return cell[0][_TEXT]
    parts: list[str] = []
    cur_line = None
    for t in cell:
        if t[_LINE] is cur_line:
            parts[-1] = parts[-1] + " " + t[_TEXT] if parts else t[_TEXT]
        else:
            parts.append(t[_TEXT])
            cur_line = t[_LINE]
    return join_wrapped(parts)


def _lines_of(cell: list[_Tok]) -> tuple[int, int]:
    return cell[0][_LINE].no, cell[-1][_LINE].no


# ---------------------------------------------------------------------------
# Goal split


def _bigrams(s: str) -> set[tuple[str, str]]:
    return set(zip(s, s[1:]))


def split_goal(lines: list[_Line]) -> tuple[int, float]:
    """Find where 实际完成情况 starts in the goal lines.

    Returns (k, margin): lines[:k] are the expected goal, lines[k:] the actual
    one; margin is how much better k scored than the runner-up (low = unsure).

    Evidence used, none decisive alone: the expected text ends a paragraph
    (sentence punctuation, a short last line, the next line indented); the
    two columns have different widths; the actual text usually opens with
    a report phrase (根据…, 已…) and restates the expected text, so the two
    halves share many character bigrams.
    """
    n = len(lines)
    if n < 2:
        return n, 0.0
    widths = [display_width(ln.text) for ln in lines]
    texts = [ln.text for ln in lines]
    scored: list[tuple[float, int]] = []
    prefix_max = []
    m = 0
    for w in widths:
        m = max(m, w)
        prefix_max.append(m)
    suffix_max = [0] * n
    m = 0
    for i in range(n - 1, -1, -1):
        m = max(m, widths[i])
        suffix_max[i] = m
    for k in range(1, n):
        prev, nxt = texts[k - 1], texts[k]
        s = 0.0
        if prev.endswith(_SENTENCE_END):
            s += 2.0
        if widths[k - 1] <= prefix_max[k - 1] - 4:
            s += 1.0
        if lines[k].indent:
            s += 1.0
        if nxt.startswith(_ACTUAL_OPENERS):
            s += 1.0
        # Column widths: lines of one column fill the same width.
        if k >= 2 and n - k >= 2 and prefix_max[k - 1] != suffix_max[k]:
            s += 0.5
        scored.append((s, k))
    # Restatement evidence (costly) only where the structure leaves a choice:
    # among boundaries that look like a paragraph end at all.
    cands = [i for i, (s, _) in enumerate(scored) if s >= 1.0]
    if cands and (len(cands) > 1 or scored[cands[0]][0] - max((s for s, _ in scored if s < 1.0), default=0) < 1.0):
        grams = [_bigrams(t) for t in texts]
        for i in cands:
            s, k = scored[i]
            a = set().union(*grams[:k])
            b = set().union(*grams[k:])
            if a and b:
                scored[i] = (s + 3.0 * (2 * len(a & b) / (len(a) + len(b))), k)
    scored.sort(reverse=True)
    best_s, best_k = scored[0]
    if best_s < 1.0:
        # No line ends a paragraph: one text only (实际完成情况 left blank, or
        # the two merged). Keep it whole rather than cut it at random.
        return n, 0.0
    margin = best_s - scored[1][0] if len(scored) > 1 else best_s
    return best_k, margin


# ---------------------------------------------------------------------------
# The per-form parser


@dataclass
class _Row:
    level1: str
    level2: str
    name: str
    target: str
    actual: str
    weight: Decimal | None
    score: Decimal | None
    deviation: list[str] = field(default_factory=list)
    lines: tuple[int, int] = (0, 0)
    locs: dict = field(default_factory=dict)
    page: int | None = None


class _FormParser:
    def __init__(self, lines: list[_Line], path: str, index: int, encoding: str):
        self.lines = lines
        self.path = path
        self.index = index
        self.encoding = encoding
        self.warnings: list[dict] = []
        self.locations: dict[str, dict] = {}
        self.data: dict = {
            "title": "", "project_name": "", "department": "", "implementing_unit": "", "year": None,
            "funds_unit": "", "total_weight": None, "total": None, "grade": None,
        }
        self.funds: dict = {"rows": []}
        self.goal = {"expected": "", "actual": ""}
        self.rows: list[_Row] = []
        self.complete = True
        self._label_lines: tuple[int | None, int | None] = (None, None)

    # -- bookkeeping -----------------------------------------------------
    def warn(self, code: str, message: str, line: _Line | int | None = None, field_: str | None = None):
        ln = line.no if isinstance(line, _Line) else line
        page = line.page if isinstance(line, _Line) else None
        self.warnings.append({"code": code, "message": message, "line": ln, "page": page, "field": field_})

    def loc(self, path: str, first: _Line, last: _Line | None = None):
        last = last or first
        self.locations[path] = {"page": first.page, "line": first.no, "end_line": last.no}

    # -- driver ----------------------------------------------------------
    def parse(self) -> dict:
        lines = self.lines
        i = 0
        n = len(lines)
        # Title and year.
        if i < n and _TITLE_RE.match(lines[i].text):
            self.data["title"] = lines[i].text
            self.loc("title", lines[i])
            i += 1
        while i < n and not lines[i].text.startswith("项目名称"):
            ln = lines[i]
            if self.data["year"] is None and (m := _YEAR_RE.search(ln.text)):
                self.data["year"] = int(m.group(1))
                self.loc("year", ln)
            elif ln.text and not _PAGE_NO_RE.match(ln.text):
                self.warn("JX002", f"第{ln.no}行：表头处有无法识别的文字“{ln.text[:30]}”", ln)
            i += 1
        if self.data["year"] is None and (m := _YEAR_RE.search(self.data["title"])):
            self.data["year"] = int(m.group(1))
        i = self._header(i)
        i = self._funds(i)
        i = self._goal(i)
        i = self._table(i)
        self._tail(i)
        return self._finish()

    # -- 项目名称 / 主管部门 / 实施单位 ------------------------------------
    def _header(self, i: int) -> int:
        lines, n = self.lines, len(self.lines)
        if i >= n:
            return i
        name_lines = [lines[i]]
        first = lines[i].text[len("项目名称"):].strip(" ：:")
        parts = [first] if first else []
        i += 1
        while i < n and not lines[i].text.startswith(("主管部门", "项目资金", "实施单位")):
            parts.append(lines[i].text)
            name_lines.append(lines[i])
            i += 1
        self.data["project_name"] = join_wrapped(parts)
        self.loc("project_name", name_lines[0], name_lines[-1])
        if i >= n or not lines[i].text.startswith(("主管部门", "实施单位")):
            return i
        dept_line = lines[i]
        text = dept_line.text
        dept, unit = text, ""
        if "实施单位" in text:
            dept, unit = text.split("实施单位", 1)
        dept = dept.replace("主管部门", "", 1).strip(" ：:")
        unit = unit.strip(" ：:")
        dept_parts, unit_parts = [dept] if dept else [], [unit] if unit else []
        last_dept = last_unit = dept_line
        i += 1
        while i < n and not (lines[i].text.startswith("项目资金") or "预算数" in lines[i].text
                             or lines[i].text.startswith("年度资金总额")):
            ln = lines[i]
            cols = re.split(r"\s{2,}", ln.text)
            if len(cols) >= 2:  # both cells wrapped onto this line
                dept_parts.append(cols[0])
                unit_parts.append(" ".join(cols[1:]))
                last_dept = last_unit = ln
            elif re.fullmatch(r"[（(]\s*汇总\s*[)）]", ln.text) or not unit_parts and not unit:
                # "(汇总)" is the tail of a department; a unit printed below
                # its label (the usual pdftotext order) comes here too.
                if re.fullmatch(r"[（(]\s*汇总\s*[)）]", ln.text):
                    dept_parts.append(ln.text)
                    last_dept = ln
                else:
                    unit_parts.append(ln.text)
                    last_unit = ln
            else:
                unit_parts.append(ln.text)
                last_unit = ln
            i += 1
        self.data["department"] = join_wrapped(dept_parts)
        self.data["implementing_unit"] = join_wrapped(unit_parts)
        self.loc("department", dept_line, last_dept)
        self.loc("implementing_unit", dept_line, last_unit)
        return i

    # -- 项目资金 -------------------------------------------------------------
    def _funds(self, i: int) -> int:
        lines, n = self.lines, len(self.lines)
        columns: list[str] | None = None
        label_parts: list[str] = []
        label_first: _Line | None = None
        start = i
        while i < n:
            ln = lines[i]
            t = ln.text
            if _is_goal_start(t):
                break
            if m := _UNIT_RE.search(t):
                if not self.data["funds_unit"]:
                    self.data["funds_unit"] = m.group(1)
                    self.loc("funds_unit", ln)
                t = _UNIT_RE.sub("", t).strip()
            if t.startswith("项目资金"):
                t = t[len("项目资金"):].strip()
            if not t:
                i += 1
                continue
            if "预算数" in t and ("执行" in t or "得分" in t):
                columns = _funds_columns(t)
                i += 1
                continue
            toks = t.split()
            k = len(toks)
            while k > 0 and (_is_num(toks[k - 1]) or toks[k - 1] in _PLACEHOLDER):
                k -= 1
            values = toks[k:]
            label = "".join(toks[:k])
            if not values:
                if label_first is None:
                    label_first = ln
                label_parts.append(label)
                i += 1
                continue
            full_label = "".join(label_parts) + label
            self._fund_row(full_label, values, columns or _DEFAULT_FUNDS_COLUMNS, label_first or ln, ln)
            label_parts, label_first = [], None
            i += 1
        if label_parts:
            self.warn("JX002", f"第{label_first.no}行：资金栏文字“{''.join(label_parts)[:20]}”后没有数字",
                      label_first)
        if "adjusted_budget" not in self.funds and "executed" not in self.funds:
            at = lines[start] if start < n else None
            self.warn("JX003", "未找到“年度资金总额”行：资金栏缺失或无法识别", at, "funds")
            self.complete = False
        if not self.data["funds_unit"]:
            self.data["funds_unit"] = "万元"
            self.warn("JX003", "资金单位未注明，按“万元”处理", None, "funds_unit")
        return i

    def _fund_row(self, label: str, values: list[str], columns: list[str], first: _Line, last: _Line):
        source = None
        for keys, canon in _FUND_SOURCES:
            if any(k in label for k in keys):
                source = canon
                break
        if source is None:
            self.warn("JX002", f"第{first.no}行：无法识别的资金行“{label[:20]}”", first)
            return
        if len(values) != len(columns):
            self.warn("JX005", f"第{last.no}行：资金行“{label}”有{len(values)}个数，表头有{len(columns)}列，"
                               "按表头顺序对应前几列", last, "funds")
        parsed = {}
        for col, v in zip(columns, values):
            if v in _PLACEHOLDER:
                continue
            d = _num(v)
            if d is None:
                continue
            parsed[col] = d
        # Locations: the row; its cells too when the label wrapped onto
        # earlier lines (then the numbers are on the row's last line only).
        if source == "total":
            self.funds.update(parsed)
            self.loc("funds", first, last)
            if first is not last:
                for col in parsed:
                    self.loc(f"funds.{col}", last)
        else:
            idx = len(self.funds["rows"])
            row = {"source": source, "label": label.replace("其中：", "").replace("其中:", "")}
            for col in ("initial_budget", "adjusted_budget", "executed", "rate"):
                if col in parsed:
                    row[col] = parsed[col]
                    if first is not last:
                        self.loc(f"funds.rows[{idx}].{col}", last)
            self.funds["rows"].append(row)
            self.loc(f"funds.rows[{idx}]", first, last)

    # -- 年度总体目标 -------------------------------------------------------
    def _goal(self, i: int) -> int:
        lines, n = self.lines, len(self.lines)
        text_lines: list[_Line] = []
        label_left = _GOAL_LABEL
        while i < n:
            ln = lines[i]
            t = ln.text
            if _is_table_start(t):
                break
            if label_left and label_left.startswith(t):  # 年度 / 总体 / 目标 fragments
                label_left = label_left[len(t):]
                i += 1
                continue
            if t.startswith(_GOAL_LABEL):
                t = t[len(_GOAL_LABEL):].strip()
                label_left = ""
            if "预期目标" in t and ("实际完成" in t or len(t) <= 6):
                i += 1
                continue
            if t in ("实际完成情况", "实际完成"):
                i += 1
                continue
            if t:
                text_lines.append(ln)
            i += 1
        if not text_lines:
            self.warn("JX003", "年度总体目标为空", lines[i - 1] if i else None, "goal")
            return i
        k, margin = split_goal(text_lines)
        exp, act = text_lines[:k], text_lines[k:]
        self.goal["expected"] = join_wrapped(ln.text for ln in exp)
        self.goal["actual"] = join_wrapped(ln.text for ln in act)
        if exp:
            self.loc("goal.expected", exp[0], exp[-1])
        if act:
            self.loc("goal.actual", act[0], act[-1])
        if not act:
            self.warn("JX006", f"第{exp[0].no}行：年度总体目标只有一段文字，无法区分预期目标与实际完成情况，"
                               "全部作为预期目标", exp[0], "goal")
        elif margin < 1.0:
            self.warn("JX006", f"第{act[0].no}行：预期目标与实际完成情况的分界不确定（按此行为实际完成情况的开始），请核对",
                      act[0], "goal")
        return i

    # -- 指标表 -------------------------------------------------------------
    def _table(self, i: int) -> int:
        lines, n = self.lines, len(self.lines)
        columns = _DEFAULT_TABLE_COLUMNS
        # Header: from 一级 to the last header fragment.
        header_words: list[str] = []
        while i < n and _is_header_line(lines[i].text):
            header_words.append(lines[i].text)
            i += 1
        if header_words:
            columns = _table_columns(" ".join(header_words)) or columns
        value_cols = [c for c in columns if c not in ("name", "deviation")]
        labels = LabelTracker()
        pending: list[_Line] = []
        last_row: _Row | None = None
        while i < n:
            ln = lines[i]
            t = ln.text
            # Most lines of the table are label fragments: try them first.
            if len(t) <= 10 and labels.feed(t, ln.no):  # a fragment, or a whole label on its line
                i += 1
                continue
            if t.startswith(("总分", "合计", "评分等级")):
                break
            if (_PAGE_NO_RE.match(t) or (not self.rows and _is_header_line(t)) or _is_repeated_header(t)
                    or _TITLE_RE.match(t) or _YEAR_LINE_RE.match(t)):  # page furniture
                i += 1
                continue
            words = t.split()
            # A line of label fragments only (all or nothing when several).
            if 1 < len(words) <= 3 and all(labels.can_feed(w) for w in words):
                for w in words:
                    labels.feed(w, ln.no)
                i += 1
                continue
            row_end = _find_row_end(words, len(value_cols))
            if row_end is None:
                pending.append(ln)
                i += 1
                continue
            toks = _tokens(ln)
            # Leading label fragments on the row line (page-break rows).
            j = 0
            while j < row_end - len(value_cols) and j < 2 and labels.can_feed(toks[j][_TEXT]) \
                    and row_end - len(value_cols) - j > 1:
                labels.feed(toks[j][_TEXT], ln.no)
                j += 1
            row = self._make_row(toks[j:], row_end - j, value_cols, pending, last_row, labels, ln)
            pending = []
            if row is not None:
                self.rows.append(row)
                last_row = row
            i += 1
        if pending:
            if last_row is not None:
                self._attach_deviation(last_row, pending)
            else:
                for ln in pending:
                    self.warn("JX002", f"第{ln.no}行：指标表中无法归属的文字“{ln.text[:30]}”", ln)
        if not self.rows:
            self.warn("JX003", "未读到任何指标行", lines[i - 1] if i else None, "indicators")
            self.complete = False
        return i

    def _make_row(self, toks: list[_Tok], row_end: int, value_cols: list[str], pending: list[_Line],
                  last_row: _Row | None, labels: LabelTracker, ln: _Line) -> _Row | None:
        """Build a row from the tokens of its closing line and the lines pending
        before it (a wrapped name or values, or the previous row's deviation)."""
        nvals = len(value_cols)
        tail = toks[row_end:]  # deviation text on the row's line
        own_toks = toks[:row_end]
        if _simple_cells(ln.text):  # the usual row: one token per cell
            own = [[tk] for tk in own_toks]
        else:
            own = _merge_tokens(own_toks)
        if not pending:  # the usual case: the row is whole on its line
            if len(own) < nvals:
                return self._short_row(ln, nvals, len(own))
            value_cells = own[len(own) - nvals:]
            name_cells = own[: len(own) - nvals]
            name = _cell_text([tk for c in name_cells for tk in c]) if name_cells else ""
            name_from_pending: list[_Line] = []
            borrowed: list[list[_Tok]] = []
        else:
            split = self._use_pending(own, nvals, pending, last_row, ln)
            if split is None:
                return None
            value_cells, name_cells, name_from_pending, borrowed, name = split
        vals = {col: _cell_text(c) for col, c in zip(value_cols, value_cells)}
        first_line = name_from_pending[0] if name_from_pending else (
            borrowed[0][0][_LINE] if borrowed else ln)
        l1, ok1 = labels.level1()
        l2, ok2 = labels.level2()
        if not name:
            self.warn("JX007", f"第{ln.no}行：指标行没有三级指标名称", ln, "indicators")
        if not (ok1 and ok2):
            self.warn("JX008", f"第{ln.no}行：无法确定指标“{name}”的一级/二级指标（读到“{l1}”/“{l2}”）", ln,
                      "indicators")
        weight = _num(vals.get("weight", "")) if "weight" in vals else None
        score = _num(vals.get("score", "")) if "score" in vals else None
        row = _Row(level1=l1, level2=l2, name=name, target=vals.get("target", ""), actual=vals.get("actual", ""),
                   weight=weight, score=score, lines=(first_line.no, ln.no), page=ln.page)
        # Locations: the row's span always; a cell only when it lies elsewhere
        # than the row's closing line (Form.location_of falls back to the row).
        idx = len(self.rows)
        row.locs[f"indicators[{idx}]"] = {"page": first_line.page, "line": first_line.no, "end_line": ln.no}
        if name_from_pending or (name_cells and name_cells[0][0][_LINE] is not ln):
            a = name_from_pending[0].no if name_from_pending else name_cells[0][0][_LINE].no
            b = name_cells[-1][-1][_LINE].no if name_cells else name_from_pending[-1].no
            row.locs[f"indicators[{idx}].name"] = {"page": first_line.page, "line": a, "end_line": b}
        for col, c in zip(value_cols, value_cells):
            if c[0][_LINE] is not ln or c[-1][_LINE] is not ln:
                a, b = _lines_of(c)
                row.locs[f"indicators[{idx}].{col}"] = {"page": c[0][_LINE].page, "line": a, "end_line": b}
        # A label is located once, at the first row it heads.
        for k, (key, at) in enumerate((("level1", labels.l1_line), ("level2", labels.l2_line))):
            if at is not None and at != ln.no and at != self._label_lines[k]:
                row.locs[f"indicators[{idx}].{key}"] = {"page": None, "line": at, "end_line": at}
        self._label_lines = (labels.l1_line, labels.l2_line)
        if tail:
            row.deviation.append(ln.text[tail[0][_START]:])
            row.locs[f"indicators[{idx}].deviation"] = {"page": ln.page, "line": ln.no, "end_line": ln.no}
        return row

    def _short_row(self, ln: _Line, nvals: int, got: int) -> None:
        self.warn("JX007", f"第{ln.no}行：指标行缺少数值列（应有{nvals}列，只读到{got}列），已跳过此行", ln, "indicators")
        self.complete = False
        return None

    def _use_pending(self, own, nvals, pending, last_row, ln):
        """Share the pending lines out: values wrapped onto earlier lines and
        a wrapped name go to this row; the rest is the previous row's note."""
        # Values come from the right of the closing line; missing ones from the
        # end of the pending lines (a wrapped target/actual).
        pend_cells = _merge_tokens([tk for pl in pending for tk in _tokens(pl)])
        # Rejoin a value wrapped across the boundary between pending and own.
        if pend_cells and own and _paren_balance("".join(x[_TEXT] for x in pend_cells[-1])) > 0:
            own = _merge_tokens([tk for c in pend_cells[-1:] for tk in c] + [tk for c in own for tk in c])
            pend_cells = pend_cells[:-1]
        cells = own
        borrowed: list[list[_Tok]] = []
        while len(cells) < nvals and pend_cells:
            borrowed.insert(0, pend_cells.pop())
            cells = borrowed + own
        if len(cells) < nvals:
            return self._short_row(ln, nvals, len(cells))
        value_cells = cells[len(cells) - nvals:]
        name_cells = cells[: len(cells) - nvals]
        # Lines still pending: those whose tokens were not borrowed.
        used_lines = {id(tk[_LINE]) for c in borrowed for tk in c}
        rest_lines = [pl for pl in pending if id(pl) not in used_lines]
        # Which pending lines continue this row's name, which are the previous
        # row's deviation note? A name has no clause punctuation and wraps over
        # at most a few lines; a short name on the closing line (``率``) or no
        # name at all means the name started on the lines before.
        name_from_pending: list[_Line] = []
        own_name = _cell_text([tk for c in name_cells for tk in c]) if name_cells else ""
        need_pending_name = not own_name or (len(own_name) <= 2 and not borrowed)
        if need_pending_name and rest_lines:
            # Walk back from the closing line. Lines of one wrapped cell are
            # full width except the last, so an earlier name line is at least
            # as wide as the one after it; a narrower line belongs to the note.
            k = len(rest_lines)
            while k > 0 and len(rest_lines) - k < 3 and not (_CLAUSE_PUNCT & set(rest_lines[k - 1].text)):
                if k < len(rest_lines) and (display_width(rest_lines[k - 1].text)
                                            < display_width(rest_lines[k].text)):
                    break
                k -= 1
            name_from_pending = rest_lines[k:]
            dev_lines = rest_lines[:k]
        else:
            dev_lines = rest_lines
        if dev_lines:
            if last_row is not None:
                self._attach_deviation(last_row, dev_lines)
            else:
                for pl in dev_lines:
                    self.warn("JX002", f"第{pl.no}行：指标表中无法归属的文字“{pl.text[:30]}”", pl)
            if len(name_from_pending) > 1:
                self.warn("JX009", f"第{name_from_pending[0].no}行：无法确定这几行属于上一行的偏差说明还是本行的指标名称，"
                                   "已作为指标名称，请核对", name_from_pending[0], "indicators")
        name_parts = [pl.text for pl in name_from_pending]
        if own_name:
            name_parts.append(own_name)
        return value_cells, name_cells, name_from_pending, borrowed, join_wrapped(name_parts)

    def _attach_deviation(self, row: _Row, dev_lines: list[_Line]):
        idx = self.rows.index(row)
        row.deviation.extend(pl.text for pl in dev_lines)
        key = f"indicators[{idx}].deviation"
        first = row.locs.get(key, {}).get("line", dev_lines[0].no)
        row.locs[key] = {"page": dev_lines[0].page, "line": first, "end_line": dev_lines[-1].no}

    # -- 总分 / 评分等级 ------------------------------------------------------
    def _tail(self, i: int):
        lines, n = self.lines, len(self.lines)
        seen_total = seen_grade = False
        while i < n:
            ln = lines[i]
            t = ln.text
            if t.startswith(("总分", "合计")) and not seen_total:
                nums = [x for x in t.split()[1:] if _is_num(x)]
                if len(nums) >= 2:
                    self.data["total_weight"], self.data["total"] = _num(nums[0]), _num(nums[-1])
                    self.loc("total_weight", ln)
                elif len(nums) == 1:
                    self.data["total"] = _num(nums[0])
                self.loc("total", ln)
                seen_total = True
                if "评分等级" in t:
                    t = t[t.index("评分等级"):]
            if t.startswith("评分等级"):
                g = t[len("评分等级"):].strip(" ：:")
                if g:
                    self.data["grade"] = g
                    self.loc("grade", ln)
                elif i + 1 < n and len(lines[i + 1].text) <= 2:
                    i += 1
                    self.data["grade"] = lines[i].text
                    self.loc("grade", lines[i])
                seen_grade = True
            elif not t.startswith(("总分", "合计")) and t and not _PAGE_NO_RE.match(t) and not _FOOTER_RE.match(t):
                self.warn("JX002", f"第{ln.no}行：表格结束后有无法识别的文字“{t[:30]}”", ln)
            i += 1
        if not seen_total:
            last = lines[-1] if lines else None
            self.warn("JX004", f"表格不完整：到第{last.no if last else '?'}行为止没有“总分”行，可能被截断", last, "total")
            self.complete = False
        elif not seen_grade:
            self.warn("JX003", "没有“评分等级”行", None, "grade")

    # -- assemble --------------------------------------------------------
    def _finish(self) -> dict:
        for key, label in (("project_name", "项目名称"), ("department", "主管部门"), ("implementing_unit", "实施单位")):
            if not self.data[key]:
                self.warn("JX003", f"缺少“{label}”", None, key)
        if self.data["year"] is None:
            self.warn("JX003", "未找到年度（如“（2024年度）”）", None, "year")
        indicators = []
        for idx, r in enumerate(self.rows):
            indicators.append({
                "level1": r.level1, "level2": r.level2, "name": r.name, "target": r.target, "actual": r.actual,
                "weight": r.weight, "score": r.score, "deviation": join_wrapped(r.deviation),
                "target_parsed": parse_value(r.target), "actual_parsed": parse_value(r.actual),
            })
            self.locations.update(r.locs)
            if r.weight is None or r.score is None:
                self.warn("JX007", f"第{r.lines[1]}行：指标“{r.name}”的分值或得分不是数字", r.lines[1],
                          f"indicators[{idx}]")
        first, last = self.lines[0], self.lines[-1]
        funds = {k: v for k, v in self.funds.items()}
        return {
            **self.data,
            "funds": funds,
            "goal": self.goal,
            "indicators": indicators,
            "source": {"file": self.path, "format": "text", "encoding": self.encoding, "index": self.index,
                       "page": first.page, "end_page": last.page, "line": first.no, "end_line": last.no},
            "complete": self.complete,
            "warnings": self.warnings,
            "locations": self.locations,
        }


def _is_goal_start(t: str) -> bool:
    return t in ("年度", "年度总", "年度总体") or t.startswith((_GOAL_LABEL, "预期目标", "总体目标"))


def _is_table_start(t: str) -> bool:
    return t.startswith(("一级指标", "三级指标")) or t == "一级" or (t.startswith("一级") and "指标" in t)


def _is_header_line(t: str) -> bool:
    toks = t.split()
    return bool(toks) and all(tok in _TABLE_HEADER_WORDS for tok in toks)


def _is_repeated_header(t: str) -> bool:
    # A table header repeated at the top of a new page.
    return "三级指标" in t and ("年度指标值" in t or "实际完成值" in t)


def _funds_columns(header: str) -> list[str]:
    cols: list[str] = []
    for tok in header.split():
        for key, col in _FUNDS_COLUMNS:
            if key in tok:
                cols.append(col)
                break
    return cols if len(cols) >= 3 else list(_DEFAULT_FUNDS_COLUMNS)


def _table_columns(header: str) -> list[str] | None:
    """Column order of the indicator table from its (joined) header text."""
    found: list[tuple[int, str]] = []
    taken: set[str] = set()
    for key, col in _TABLE_COLUMNS:
        pos = header.find(key)
        if pos >= 0 and col not in taken:
            # Skip 指标值 inside 年度指标值 etc.: keep the first word per column.
            found.append((pos, col))
            taken.add(col)
    found.sort()
    cols = [c for _, c in found]
    if "name" not in cols or "weight" not in cols or "score" not in cols:
        return None
    if cols[0] != "name":
        cols.remove("name")
        cols.insert(0, "name")
    return cols


def _find_row_end(words: list[str], nvals: int) -> int | None:
    """Index just past the last value cell of an indicator row on this line
    (``words`` = the line split on whitespace), or None when the line does not
    close a row. The row's two score columns (分值, 得分) are numbers; the
    closing line ends with them, or with them followed by deviation text."""
    n = len(words)
    if n >= 2 and _is_num(words[-1]) and _is_num(words[-2]):
        return n
    # Deviation text after the scores: the first pair of numbers followed by
    # a non-number (leftmost, so numbers in the note do not count).
    for k in range(1, n - 2):
        if _is_num(words[k]) and _is_num(words[k + 1]) and not _is_num(words[k + 2]):
            if k + 2 >= min(nvals, 2) + 1 and any(ord(c) > 0x2E80 for c in words[k + 2]):
                return k + 2
    return None


# ---------------------------------------------------------------------------
# File level


def _split_forms(lines_iter: Iterator[str], has_pages: bool,
                 before: list | None = None) -> Iterator[list[_Line]]:
    """Group the file's lines into forms.

    A form starts at its title line, or at 项目名称 when the title is missing
    (then the year line printed above it comes along). A title that is not
    followed by a new 项目名称 is a title repeated at the top of a page: it
    stays inside the form it interrupts, so no row after it is lost.
    """
    if before is None:
        before = []
    page = 1 if has_pages else None
    cur: list[_Line] | None = None
    has_name = False
    skipped = [0, None, None]  # lines before the first form: count, first, last
    title_at: int | None = None  # index in cur of the latest title after cur's 项目名称
    preamble: list[_Line] = []
    for no, raw in enumerate(lines_iter, 1):
        if "\f" in raw:
            if page is not None:
                page += raw.count("\f")
            raw = raw.replace("\f", "")
        text = raw.strip()
        if not text:
            continue
        line = _Line(no, page, text, text[0] != raw[0])
        is_title = "自评表" in text and len(text) <= 40 and _TITLE_RE.match(text) is not None
        is_name = not is_title and text.startswith("项目名称")
        if cur is None:
            if is_title or is_name:
                cur = [preamble[-1]] if is_name and preamble and _YEAR_LINE_RE.match(preamble[-1].text) else []
                if cur:
                    skipped[0] -= 1
                cur.append(line)
                has_name = is_name
                if skipped[0] > 0:
                    # Text before the first form (a cover page, or the tail of
                    # a form cut off at the start of the file) is reported.
                    before.append((skipped[0], skipped[1], skipped[2]))
            else:
                preamble = preamble[-3:] + [line]
                skipped = [skipped[0] + 1, skipped[1] or line, line]
            continue
        if is_title and has_name:
            title_at = len(cur)
        elif is_name:
            if has_name:  # a second 项目名称: the next form starts here
                cut = title_at
                if cut is None:
                    cut = len(cur)
                    while cut > 0 and _YEAR_LINE_RE.match(cur[cut - 1].text):
                        cut -= 1
                yield cur[:cut]
                cur = cur[cut:]
            has_name = True
            title_at = None
        cur.append(line)
    if cur:
        yield cur


def read_text(path: str | Path) -> Iterator[Form]:
    """Read every form in a text export. Streams: one form in memory at a time.

    Raises a :class:`~jixiao.ingest.errors.ReadError` subclass when the file
    cannot be read at all (empty, binary, undecodable, no form in it).
    """
    path_s = str(path)
    encoding, has_pages, lines_iter = iter_lines(path)
    count = 0
    before: list = []
    for form_lines in _split_forms(lines_iter, has_pages, before):
        if not any(ln.text.startswith("项目名称") for ln in form_lines):
            continue  # a title without a form (the file holds no form)
        data = _FormParser(form_lines, path_s, count, encoding).parse()
        if before:
            n, first, last = before.pop()
            data["warnings"].insert(0, {
                "code": "JX002", "line": first.no, "page": first.page, "field": None,
                "message": f"第{first.no}-{last.no}行：第一张表之前有{n}行文字（如“{first.text[:20]}”），"
                           "不属于任何一张表，未读取；若文件从表格中间开始，前一张表的后半部分就在这里",
            })
        count += 1
        yield Form.model_validate(data)
    if count == 0:
        raise NoFormFoundError(path_s, "文件中没有找到项目支出绩效自评表（缺少“项目名称”等表头）")
