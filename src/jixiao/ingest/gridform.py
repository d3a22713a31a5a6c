"""Grid → forms: read project self-evaluation forms out of a table.

The same reading serves every tabular source (HTML, pipe text; later Excel,
Word, PDF tables). The layout family is detected from the header rows, never
from a region's name:

* ``central`` (central/Shanghai): 年初预算数/全年预算数/全年执行数/分值/执行率/得分;
  一级/二级/三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施;
* ``anhui`` ("score first"): 分值 before 年度指标值, then 全年实际值, 得分,
  未完成原因…; ★ markers; ``产出指标(50分)`` headings; no 年初预算数;
* ``yunnan`` (split target): 指标性质 (≧ ═ ﹦) / 指标值 / 度量单位 columns,
  joined into one target;
* ``sichuan`` (510000_0013zp, read as far as its columns map): 权重, 完成值;
* ``hubei`` (20/80): funds 预算数(A)/执行数(B)/执行率(B/A)/得分(20分*执行率), the
  funds weight printed in the header (``(20分)``); indicators 年初目标值(A)/
  实际完成值(B)/得分 with no 分值 column; 项目类别/项目属性 checkbox lines
  (→ ``Form.attributes``); one deviation box under the total
  (偏差大或目标未完成原因分析, 改进措施 → ``Form.deviation_note``).

Numbered sub-indicators (``一、示范区建立`` then ``1、…``, ``2、…``) whose
scores add up to their parent's are folded into the parent (JX021): counting
both would count the points twice.

Department-whole (部门整体), transfer-payment (转移支付) and the old
决策/管理/绩效 rubric tables are refused with :class:`NotProjectFormError`.

Columns are mapped by header words. In a dense grid a value is read from its
header's column; in a compacted one (a web copy that dropped empty cells) by
order and type, with a warning whenever a value had to skip a column.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from decimal import Decimal
from typing import Literal

from ..model import Form, FundRow, Goal, Indicator, Location, ReadWarning, Source
from ..model.framework import LEVEL1_NAMES, LEVEL2_BY_LEVEL1, LEVEL2_NAMES
from ..model.values import parse_number, parse_value
from .errors import NotProjectFormError
from .grid import Cell, Grid
from .normalize import (
    Repair, canonical_comparison, looks_traditional, normalize_cell_text, parse_amount, repair_ocr_target,
    sign_cell,
)

Family = Literal["central", "anhui", "yunnan", "sichuan", "hubei", "unknown"]

# --- header words -------------------------------------------------------------

_PARENS_RE = re.compile(r"[（(][^()（）]*[)）]")


def _squash(text: str) -> str:
    # str.split() and the pattern's \s cut at the same (Unicode) whitespace
    return "".join(text.split())


@lru_cache(maxsize=8192)
def _bare(text: str) -> str:
    """Header text without spaces and parenthesised notes: ``执行率(B/A)`` → ``执行率``."""
    return _PARENS_RE.sub("", _squash(text))


@lru_cache(maxsize=8192)
def funds_key(text: str) -> str | None:
    s = _bare(text)
    if not s or len(s) > 12 or "万元" in _squash(text) or s.startswith("年度预算数"):
        return None
    if s.startswith("年初预算"):
        return "initial_budget"
    if "执行率" in s:
        return "rate"
    if "执行数" in s or s == "全年执行":
        return "executed"
    if "预算数" in s or s.startswith("调整后预算"):
        return "adjusted_budget"
    if s in ("分值", "分数", "权重"):
        return "weight"
    if s == "得分":
        return "score"
    return None


@lru_cache(maxsize=8192)
def indicator_key(text: str) -> str | None:
    s = _bare(text)
    if not s or len(s) > 16:
        return None
    table = (
        ("一级指标", "level1"), ("二级指标", "level2"), ("三级指标", "name"), ("指标名称", "name"),
        ("指标性质", "sign"), ("度量单位", "unit"), ("计量单位", "unit"),
        ("年度指标值", "target"), ("年初目标值", "target"), ("年初指标值", "target"), ("指标值", "value"),
        ("实际完成值", "actual"), ("全年实际值", "actual"), ("全年完成值", "actual"), ("年终完成值", "actual"),
        ("完成值", "actual"), ("分值", "weight"), ("参考分值", "weight"), ("权重", "weight"), ("得分", "score"),
        ("自评分", "score"),
        # a column of the Sichuan 自评报告's table (progress, "已完成100%"): not 实际完成值, kept out (JX019)
        ("实施进度", "other"),
    )
    for word, key in table:
        if s == word:
            return key
    if s.startswith("偏差原因") or s.startswith("未完成原因") or s.startswith("偏差大"):
        return "deviation"
    return None


_FUND_SOURCES = (("当年财政拨款", "当年财政拨款"), ("本年财政拨款", "当年财政拨款"), ("财政拨款", "当年财政拨款"),
                 ("财政专户管理资金", "财政专户管理资金"), ("单位资金", "单位资金"),  # Sichuan 0013zp
                 ("财政资金", "当年财政拨款"), ("上年结转", "上年结转资金"), ("其他资金", "其他资金"))
# 指标性质 words that are not a comparison (Sichuan 0013zp): the 指标值 is then a word, with no unit
_QUAL_SIGNS = frozenset({"定性", "定量"})
_FUND_TOTAL = ("年度资金总额", "资金总额", "总额", "合计")


def _is_fund_total(label: str) -> bool:
    """年度资金总额, 年度财政资金总额 (Hubei), 合计 … but never a 其中 sub-row."""
    return not label.startswith("其中") and (label.startswith(_FUND_TOTAL) or "资金总额" in label)


_POINTS_RE = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分")


def printed_points(text: str) -> Decimal | None:
    """The points printed in a heading: ``产出指标(50分)`` → 50, ``得分(20分*执行率)`` → 20."""
    m = _POINTS_RE.search(_squash(text))
    return Decimal(m.group(1)) if m else None


# Check marks: ticked and empty boxes as printed, and as Wingdings decodes them
# (R ticked, £ empty) when the line shows a £.
_TICKED = frozenset("☑■√✓✔☒")
_EMPTY = frozenset("□☐")
_OPTION_NO_RE = re.compile(r"^\s*\d*\s*[、.．]\s*")


def read_checkboxes(text: str) -> list[str] | None:
    """The ticked options of a checkbox line (``1、部门预算项目 £ 2、新增性项目 R``),
    or None when the marks cannot be told apart (OCR turned them into 0 / 口)."""
    wingdings = "£" in text
    ticked = _TICKED | ({"R"} if wingdings else set())
    empty = _EMPTY | ({"£"} if wingdings else set())
    out: list[str] = []
    buf = ""
    marks = 0
    for ch in text:
        if ch in ticked or ch in empty:
            name = _OPTION_NO_RE.sub("", buf).strip()
            if not name:
                return None
            marks += 1
            if ch in ticked:
                out.append(name)
            buf = ""
        else:
            buf += ch
    if not marks or _OPTION_NO_RE.sub("", buf).strip():
        return None  # no box at all, or an option without a box
    return out


def _level_label(text: str) -> tuple[str, str] | None:
    """``产 出 指 标 (50分)`` → ("level1", "产出指标"); ``经济效益 指标`` → ("level2", ...)."""
    s = _bare(text).lstrip("★")
    if not s or len(s) > 10:
        return None
    if s in LEVEL1_NAMES:
        return "level1", s
    if s in LEVEL2_NAMES:
        return "level2", s
    if s + "指标" in LEVEL2_NAMES:
        return "level2", s + "指标"
    if s.startswith("产出") and s[2:] + "指标" in LEVEL2_BY_LEVEL1["产出指标"]:
        return "level2", s[2:] + "指标"  # 产出数量 (Wuhan 区级 forms)
    return None


_HEAD_LABELS = ("项目名称", "主管部门", "实施单位", "项目实施单位")
_CHECKBOX_LABELS = ("项目类别", "项目属性", "项目类型")
_BOTTOM_NOTE_LABELS = ("偏差大", "目标未完成原因", "未完成原因", "偏差原因", "改进措施", "评价结论", "存在问题")
_PLACEHOLDER_RE = re.compile(r"^(?:…+|\.{3,}|……|指标\d+[:：]?)$")
_YEAR_RE = re.compile(r"(\d{4})\s*年度")
_GRADES = frozenset("优良中差")
# A report's section heading: 3.分析评价…, （三）…, 二、…
_OUTLINE_RE = re.compile(r"^(?:\d{1,2}[.．](?!\d)|[（(][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)")


# --- the not-a-project-form verdict -------------------------------------------


# Title words, or the 部门整体支出总额 field only department-whole forms have.
_DEPT_WHOLE_RE = re.compile(r"部门整体(?:支出)?(?:绩效)?(?:目标)?(?:自评|评价)|部门整体支出总额")
_TRANSFER_RE = re.compile(r"^转移支付(?:[（(]?项目[)）]?)?名称|转移支付[^，。；]{0,16}自评表")
_RUBRIC_RE = re.compile(r"项目(决策|管理|绩效)\s*\d+(?:\.\d+)?\s*分")


def not_project_verdict(texts: list[str]) -> tuple[str, str] | None:
    """(form_kind, Chinese reason) when the texts are a form of another kind.

    Title-like patterns only, so that a project form whose narrative mentions
    转移支付 or 项目管理 is never refused; they work on flattened one-line
    copies too."""
    squashed = [_squash(t) for t in texts]
    for t in squashed[:60]:
        m = _DEPT_WHOLE_RE.search(t)
        if m:
            ctx = t[max(0, m.start() - 20): m.end() + 6]
            return "department_whole", f"这是部门整体支出绩效自评表（“{ctx}”），不是项目支出绩效自评表，未按项目表读取"
    # A file that shows a project form's own title (项目支出绩效自评表) is a
    # project form file.
    if any("项目支出绩效" in t and "自评表" in t and not t.startswith("转移支付") and len(t) <= 40
           for t in squashed):
        return None
    for t in squashed:
        m = _TRANSFER_RE.search(t)
        if m:
            return "transfer_payment", f"这是转移支付绩效目标自评表（“{t[max(0, m.start()):m.end() + 20]}”），不是项目支出绩效自评表，未按项目表读取"
    rubric = sorted({m.group(1) for t in squashed for m in _RUBRIC_RE.finditer(t)})
    if len(rubric) >= 2 or (rubric and any("评价标准及依据" in t for t in squashed)):
        return "rubric", ("这是旧式“项目决策/项目管理/项目绩效”评分表（含" + "、".join(f"项目{w}" for w in rubric)
                          + "的分值），不是项目支出绩效自评表，未按项目表读取")
    return None


# --- reading --------------------------------------------------------------------


@dataclass
class FormRead:
    """A form and the layout family its header rows showed."""

    form: Form
    family: Family


@dataclass
class _Item:
    text: str
    cell: Cell


@dataclass
class _State:
    grid: Grid
    index: int
    form: Form
    first_row: int
    last_row: int = 0
    funds_keys: list[tuple[int, str]] = field(default_factory=list)  # (col, key)
    ind_keys: list[tuple[int, str]] = field(default_factory=list)
    ind_header_rows: list[int] = field(default_factory=list)
    goal_cols: list[int] = field(default_factory=list)
    section: str = "head"  # head, funds, goal, goal-text, indicators, after
    level1: str = ""
    level2: str = ""
    saw_total: bool = False
    saw_header: bool = False
    funds_header: str = ""


class _Reader:
    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        texts = [c.text for c in grid.cells() if not c.is_empty]
        self.traditional = looks_traditional(texts)
        self._norm: dict[int, tuple[str, list[Repair]]] = {}
        self._items: dict[int, list[_Item]] = {}

    # -- cells --------------------------------------------------------------
    def norm(self, cell: Cell) -> tuple[str, list[Repair]]:
        key = id(cell)
        got = self._norm.get(key)
        if got is None:
            got = self._norm[key] = normalize_cell_text(cell.text, traditional=self.traditional)
        return got

    def items(self, r: int) -> list[_Item]:
        """The non-empty cells starting in row ``r`` (normalised text); a row is
        asked for several times, its list is made once (callers do not change it)."""
        out = self._items.get(r)
        if out is None:
            out = self._items[r] = []
            for c in self.grid.rows[r]:
                t, _ = self.norm(c)
                if t and not c.cut:  # a cell the copy cut short is a prefix, never a value
                    out.append(_Item(t, c))
        return out

    def cut_cell(self, r: int) -> Cell | None:
        return next((c for c in self.grid.rows[r] if c.cut and not c.is_empty), None)

    def text_at(self, r: int, col: int) -> tuple[str, Cell | None]:
        c = self.grid.cell_at(r, col)
        if c is None or c.cut:  # a cell the copy cut short is never read as a value
            return "", None
        got = self._norm.get(id(c))
        return (got if got is not None else self.norm(c))[0], c

    def place(self, cell: Cell | None) -> str:
        if cell is None:
            return ""
        loc = cell.location
        if loc.cell:
            # a sheet cell (``B7``) is shown with its sheet; HTML/Word refs carry their table
            return f"{loc.sheet}!{loc.cell}" if loc.sheet and "!" not in loc.cell else loc.cell
        if loc.line:
            return f"第{loc.line}行"
        return ""

    def warn(self, st: _State, code: str, message: str, cell: Cell | None = None, fld: str | None = None) -> None:
        where = self.place(cell)
        loc = cell.location if cell is not None else Location()
        st.form.warnings.append(ReadWarning(code=code, message=f"{where}：{message}" if where else message,
                                            line=loc.line, page=loc.page, field=fld))

    def record(self, st: _State, cell: Cell | None, fld: str, repairs: list[Repair] | None = None) -> None:
        """Remember where ``fld`` was read and record the repairs made to its cell."""
        if cell is None:
            return
        st.form.locations[fld] = cell.location
        for rep in (repairs if repairs is not None else self.norm(cell)[1]):
            self.warn(st, rep.code, rep.message, cell, fld)

    # -- the whole grid -------------------------------------------------------
    def read(self) -> list[FormRead]:
        all_texts = [self.norm(c)[0] for c in self.grid.cells() if not c.is_empty]
        verdict = not_project_verdict(all_texts)
        if verdict is not None:
            kind, reason = verdict
            raise NotProjectFormError(self.grid.file, reason, form_kind=kind)
        starts = self.form_starts()
        out: list[FormRead] = []
        bounds = starts + [self.grid.n_rows]
        for i in range(len(starts)):
            fr = self.read_form(len(out), bounds[i], bounds[i + 1])
            if fr is not None:
                out.append(fr)
        return out

    def form_starts(self) -> list[int]:
        starts = [0]
        seen_name = False
        for r in range(self.grid.n_rows):
            its = self.items(r)
            if not its:
                continue
            first = _squash(its[0].text)
            is_title = len(its) == 1 and "自评表" in first and len(first) <= 60
            if first.startswith("项目名称"):
                if seen_name:
                    starts.append(self._title_above(r, starts[-1]))
                seen_name = True
            elif is_title and r > starts[-1]:
                # a title opens a new form unless the current one has not begun
                if seen_name or any(self.items(k) for k in range(starts[-1], r)):
                    starts.append(r)
                    seen_name = False
        return sorted(set(starts))

    def _title_above(self, r: int, floor: int) -> int:
        for k in range(r - 1, max(floor, r - 3) - 1, -1):
            its = self.items(k)
            if its and ("自评表" in its[0].text or _YEAR_RE.search(its[0].text)):
                r = k
        return r

    # -- one form ---------------------------------------------------------------
    def read_form(self, index: int, start: int, end: int) -> FormRead | None:
        g = self.grid
        first_loc = next((c.location for r in range(start, end) for c in g.rows[r]), Location())
        last_loc = next((c.location for r in range(end - 1, start - 1, -1) for c in reversed(g.rows[r])), first_loc)
        fmt = g.format if g.format in ("html", "xlsx", "xls", "docx", "doc", "pdf") else "text"
        src = Source(file=g.file, format=fmt, encoding=g.encoding, index=index,
                     line=first_loc.line, end_line=last_loc.end_line or last_loc.line)
        form = Form(source=src)
        st = _State(g, index, form, start)
        for r in range(start, end):
            if st.section == "after":
                break
            self.read_row(st, r)
        if not (form.project_name or form.indicators or form.funds.executed is not None):
            return None
        last_line = last_loc.end_line or last_loc.line
        notes = [w for w in g.warnings if w.line is not None and first_loc.line is not None
                 and first_loc.line <= w.line and (last_line is None or w.line <= last_line)]
        form.warnings[:0] = notes  # repairs made to the text before it became a grid (page markers)
        if g.short_row is not None and start <= g.short_row < end and st.saw_total:
            # the table's 总分 row was read, but the copy ends inside a later row
            cell = next(c for c in g.rows[g.short_row] if not c.is_empty)
            self.warn(st, "JX004", "文本在这一行中途结束（比表格的其他行短），其后的内容缺失", cell)
            form.complete = False
        self.finish(st)
        return FormRead(form, self.family(st))

    def family(self, st: _State) -> Family:
        keys = [k for _, k in st.ind_keys]
        if not keys:
            return "unknown"
        header = "".join(_squash(self.text_at(r, c)[0]) for r in st.ind_header_rows for c in range(self.grid.n_cols))
        if "权重" in header:
            return "sichuan"
        if "weight" not in keys and "score" in keys and ("年初目标值" in header or "分*执行率" in st.funds_header):
            return "hubei"
        if "sign" in keys:
            return "yunnan"
        if "weight" in keys and "target" in keys and keys.index("weight") < keys.index("target"):
            return "anhui"
        if "target" in keys and "actual" in keys:
            return "central"
        return "unknown"

    def finish(self, st: _State) -> None:
        f = st.form
        fold_numbered_subrows(f)
        split_project_code(f)
        for fld, label in (("project_name", "项目名称"), ("department", "主管部门"), ("implementing_unit", "实施单位")):
            if not getattr(f, fld):
                f.warnings.append(ReadWarning(code="JX003", message=f"没有读到“{label}”", field=fld))
        if not st.saw_header:
            f.warnings.append(ReadWarning(code="JX003", message="没有读到指标表的表头，指标未读取", field="indicators"))
            f.complete = False
        if not st.saw_total:
            f.warnings.append(ReadWarning(code="JX004", message="表格不完整：没有“总分”行，表格可能被截断"))
            f.complete = False

    # -- rows -----------------------------------------------------------------------
    def read_row(self, st: _State, r: int) -> None:
        cut = self.cut_cell(r)
        if cut is not None and st.section == "indicators":
            # the copy ends (or a doc site's page breaks) inside this row: what is left of
            # it may hold cut values (=100. for =100.00(%)), so no value of the row is read
            st.form.complete = False
            texts = [c.text for c in self.grid.rows[r] if not c.is_empty]
            self.warn(st, "JX007", "复制在这一行中断（文本结束或分页），单元格可能不完整，这一行未读取："
                      + " | ".join(texts)[:80], cut, "indicators")
            return
        its = self.items(r)
        if not its:
            if cut is not None:
                st.form.complete = False
                self.warn(st, "JX007", f"复制在这一格中断（文本结束或分页），单元格可能不完整，未读取：{cut.text[:80]}", cut)
            return
        if cut is not None:
            st.form.complete = False
            self.warn(st, "JX007", f"复制在这一格中断（文本结束或分页），单元格可能不完整，未读取：{cut.text[:80]}", cut)
        words = [_squash(i.text) for i in its]
        first = words[0]
        f = st.form
        # title and year
        if st.section == "head" and len(its) == 1 and ("自评表" in first or _YEAR_RE.fullmatch(_bare(first) + "年度")
                                                         or _YEAR_RE.search(first)) and not f.project_name:
            if "自评表" in first:
                f.title = its[0].text
            m = _YEAR_RE.search(first)
            if m and f.year is None:
                f.year = int(m.group(1))
            return
        # header fields
        if any(w.startswith(_HEAD_LABELS) for w in words) and st.section == "head":
            for k, it in enumerate(its):
                w = words[k]
                for label, fld in (("项目名称", "project_name"), ("主管部门", "department"), ("实施单位", "implementing_unit"),
                                   ("项目实施单位", "implementing_unit")):
                    if w.startswith(label):
                        val = w[len(label):].lstrip(":：") if len(w) > len(label) else ""
                        cell = it.cell
                        if not val and k + 1 < len(its) and not any(
                                words[k + 1].startswith(x) for x in _HEAD_LABELS + ("项目负责人",)):
                            val, cell = its[k + 1].text, its[k + 1].cell
                        setattr(f, fld, val)
                        self.record(st, cell, fld)
            return
        # checkbox lines (项目类别 / 项目属性 / 项目类型)
        if st.section == "head" and first.startswith(_CHECKBOX_LABELS):
            self.read_checkbox_row(st, its, words)
            return
        # funds header
        fkeys = [(it.cell.col, funds_key(it.text)) for it in its]
        if sum(1 for _, k in fkeys if k) >= 3 and any(k in ("executed", "adjusted_budget") for _, k in fkeys):
            st.funds_keys = [(c, k) for c, k in fkeys if k]
            st.section = "funds"
            st.funds_header = "".join(words)
            if "weight" not in [k for _, k in st.funds_keys]:
                # the weight printed in the header: 预算执行情况(万元)(20分), 得分(20分*执行率)
                for it in its:
                    pts = printed_points(it.text)
                    if pts is not None:
                        f.funds.weight = pts
                        self.record(st, it.cell, "funds.weight")
                        break
            text = "".join(words) + "".join(_squash(self.items(r - 1)[0].text) if r > 0 and self.items(r - 1) else "")
            if "万元" in text:
                f.funds_unit = "万元"
            elif "(元)" in text or "（元）" in text:
                f.funds_unit = "元"
            return
        if st.section == "head" and any("万元" in w or w == "(元)" for w in words) and len(its) <= 2:
            f.funds_unit = "万元" if any("万元" in w for w in words) else "元"
            return
        if st.section == "funds" and self.read_fund_row(st, r, its, words):
            return
        # goal
        if ("预期目标" in words or "年初设定目标" in words or "项目年度目标" in words) and len(its) <= 4:
            st.section = "goal-text"
            st.goal_cols = [it.cell.col for it, w in zip(its, words) if w in ("预期目标", "年初设定目标", "项目年度目标")
                            or w.startswith(("实际完成情况", "年度总体目标完成", "年度目标完成情况", "全年实际完成情况"))]
            return
        # indicator header (one or two rows)
        ikeys = [(it.cell.col, indicator_key(it.text)) for it in its]
        n_keys = sum(1 for _, k in ikeys if k)
        is_header_row = n_keys >= 1 and all(k or w.startswith(("绩效指标", "年度绩效目标", "绩效目标"))
                                            for (_, k), w in zip(ikeys, words))
        if is_header_row and (n_keys >= 3 or (st.section != "indicators" and n_keys >= 1)):
            if st.section != "indicators" or not st.saw_header or st.ind_header_rows[-1] == r - 1:
                if st.section != "indicators" or st.ind_header_rows and st.ind_header_rows[-1] != r - 1:
                    st.ind_header_rows = []
                st.ind_header_rows.append(r)
                st.section = "indicators"
                for (_, k), w in zip(ikeys, words):
                    pts = printed_points(w) if k is None else None
                    if pts is not None:  # 年度绩效目标(80分)
                        f.block_weights["indicators"] = pts
                self.build_indicator_keys(st)
                return
        if st.section == "goal-text":
            self.read_goal(st, r, its, words)
            return
        if st.section == "indicators" and st.saw_header:
            self.read_indicator_row(st, r, its, words)
            return
        if st.section == "total" and first.startswith(_BOTTOM_NOTE_LABELS):
            self.read_bottom_note(st, its, words)
            return
        if st.section == "total":
            if first.startswith("评分等级"):
                grade = next((w for w in words[1:] if w), "") or first.removeprefix("评分等级").lstrip(":：")
                st.form.grade = grade or None
                self.record(st, its[1].cell if len(its) > 1 else its[0].cell, "grade")
            st.section = "after"
            return
        if st.section in ("head", "funds") and len(its) == 1 and "年度总体目标" in first:
            return

    def read_checkbox_row(self, st: _State, its: list[_Item], words: list[str]) -> None:
        """``项目属性 | 1、持续性项目 £ 2、新增性项目 R`` → attributes['项目属性'] = '新增性项目'."""
        label = next(x for x in _CHECKBOX_LABELS if words[0].startswith(x))
        body_items = its[1:] if words[0] == label else its
        text = "".join(it.text for it in body_items)
        if words[0] != label:
            text = text[text.index(label) + len(label):] if label in text else text
        ticked = read_checkboxes(text.lstrip(":："))
        if ticked is None or not ticked:
            why = "复选框的勾选标记无法辨认" if ticked is None else "没有勾选任何选项"
            self.warn(st, "JX002", f"“{label}”{why}，未读取：{text[:40]}", its[0].cell, f"attributes.{label}")
            return
        st.form.attributes[label] = "、".join(ticked)
        self.record(st, body_items[0].cell if body_items else its[0].cell, f"attributes.{label}")

    def read_bottom_note(self, st: _State, its: list[_Item], words: list[str]) -> None:
        """The single deviation box under the total (Hubei-style): label and text, as printed."""
        label = its[0].text.strip()
        body = " ".join(it.text for it in its[1:]).strip()
        line = f"{label}：{body}" if body else label
        f = st.form
        first = not f.deviation_note
        f.deviation_note = f"{f.deviation_note}\n{line}" if f.deviation_note else line
        if first:
            self.record(st, its[0].cell, "deviation_note")

    def read_fund_row(self, st: _State, r: int, its: list[_Item], words: list[str]) -> bool:
        label = words[0]
        bare = label.removeprefix("其中").lstrip(":：")
        total = _is_fund_total(label)
        source = next((canon for word, canon in _FUND_SOURCES if word in bare), None)
        if not total and source is None and not label.startswith("其中"):
            return False
        if total:
            values = self.fund_values(st, r, its[1:], total=True)
            for key, (val, cell, reps) in values.items():
                setattr(st.form.funds, key, val)
                self.record(st, cell, f"funds.{key}", reps)
        else:
            values = self.fund_values(st, r, its[1:], total=False)
            row = FundRow(source=source or bare.rstrip(":："), label=its[0].text,
                          **{k: v for k, (v, _, _) in values.items() if k in FundRow.model_fields})
            path = f"funds.rows[{len(st.form.funds.rows)}]"
            st.form.funds.rows.append(row)
            st.form.locations[path] = its[0].cell.location
            for key, (_, cell, reps) in values.items():
                self.record(st, cell, f"{path}.{key}", reps)
        return True

    def fund_values(self, st: _State, r: int, its: list[_Item], *, total: bool) -> dict:
        """key -> (value, cell, repairs) for the value cells of a funds row."""
        out: dict[str, tuple[Decimal | None, Cell | None, list[Repair]]] = {}
        unit = st.form.funds_unit

        def convert(key: str, text: str) -> tuple[Decimal | None, list[Repair]] | None:
            t = text.strip()
            if t in ("-", "/", "—", "--"):
                return None, []
            if key == "rate":
                if t.endswith("%"):
                    t = t[:-1]
                n = parse_number(t)
                return (n, []) if n is not None else None
            if key in ("weight", "score"):
                if t.endswith("%"):
                    return None
                n = parse_number(t.removesuffix("分"))
                return (n, []) if n is not None else None
            if t.endswith("%"):
                return None
            val, _u, reps = parse_amount(t, unit)
            return (val, reps) if val is not None else None

        if self.grid.dense:
            for col, key in st.funds_keys:
                text, cell = self.text_at(r, col)
                if cell is None or not text or cell.row != r and cell.rowspan == 1:
                    continue
                got = convert(key, text)
                if got is None:
                    self.warn(st, "JX005", f"资金栏“{text}”不是数字，未读取", cell, f"funds.{key}")
                    continue
                out[key] = (got[0], cell, self.norm(cell)[1] + got[1])
            return out
        keys = [k for _, k in st.funds_keys]
        ki = 0
        for it in its:
            while ki < len(keys) and convert(keys[ki], it.text) is None:
                ki += 1
            if ki >= len(keys):
                if not total or "%" in it.text or parse_number(it.text) is not None:
                    self.warn(st, "JX005", f"资金行多出的“{it.text[:30]}”无法对应到表头的列，未读取", it.cell)
                break
            got = convert(keys[ki], it.text)
            assert got is not None
            out[keys[ki]] = (got[0], it.cell, self.norm(it.cell)[1] + got[1])
            ki += 1
        return out

    def read_goal(self, st: _State, r: int, its: list[_Item], words: list[str]) -> None:
        body = [it for it, w in zip(its, words) if not w.startswith("年度总体目标") and w not in ("总体目标",)]
        if not body:
            return
        g = st.form.goal
        if self.grid.dense and len(st.goal_cols) == 2:
            exp, c1 = self.text_at(r, st.goal_cols[0])
            act, c2 = self.text_at(r, st.goal_cols[1])
            st.form.goal = Goal(expected=exp, actual=act)
            self.record(st, c1, "goal.expected")
            self.record(st, c2, "goal.actual")
        elif len(body) == 2:
            st.form.goal = Goal(expected=body[0].text, actual=body[1].text)
            self.record(st, body[0].cell, "goal.expected")
            self.record(st, body[1].cell, "goal.actual")
        else:
            st.form.goal = Goal(expected=g.expected + "".join(b.text for b in body), actual=g.actual)
            self.record(st, body[0].cell, "goal.expected")
            self.warn(st, "JX006", f"总体目标一行有{len(body)}个单元格，无法区分预期目标与实际完成情况，全部计入预期目标",
                      body[0].cell, "goal")
        st.section = "goal"

    def build_indicator_keys(self, st: _State) -> None:
        st.saw_header = True
        if self.grid.dense:
            keys: list[tuple[int, str]] = []
            for col in range(self.grid.n_cols):
                for hr in reversed(st.ind_header_rows):
                    text, cell = self.text_at(hr, col)
                    k = indicator_key(text) if cell is not None and cell.col == col else None
                    if k:
                        keys.append((col, k))
                        break
            st.ind_keys = keys
        else:
            rows = [[indicator_key(it.text) for it in self.items(hr)] for hr in st.ind_header_rows]
            flat = [k for row in rows for k in row if k]
            levels = [k for k in ("level1", "level2", "name") if k in flat]
            parts = [k for k in ("sign", "value", "unit") if k in flat]
            rest: list[str] = []
            for k in flat:
                if k in levels or k in parts or k in rest:
                    continue
                if k == "target" and parts:
                    rest.extend(parts)
                    continue
                rest.append(k)
            if parts and not any(p in rest for p in parts):
                # the split target without a spanning 年度指标值 header: keep header order
                rest = [k for k in flat if k not in levels]
            st.ind_keys = list(enumerate(levels + rest))
        if "value" in [k for _, k in st.ind_keys] and "sign" not in [k for _, k in st.ind_keys]:
            st.ind_keys = [(c, "target" if k == "value" else k) for c, k in st.ind_keys]
        for hr in st.ind_header_rows:
            for it in self.items(hr):
                if indicator_key(it.text) == "other":
                    self.warn(st, "JX019", f"指标表的“{it.text}”一栏不是模型中的列（不是实际完成值），该栏内容未读取", it.cell,
                              "indicators")

    # -- indicator rows -------------------------------------------------------------------
    def read_indicator_row(self, st: _State, r: int, its: list[_Item], words: list[str]) -> None:
        first = words[0]
        if first.startswith(("总分", "合计")):
            self.read_total(st, its, words)
            return
        if all(_PLACEHOLDER_RE.match(w) for w in words):
            return
        if self.grid.dense:
            vals = {}
            for col, key in st.ind_keys:
                text, cell = self.text_at(r, col)
                vals[key] = (text, cell)
            for lk in ("level1", "level2"):
                text, cell = vals.get(lk, ("", None))
                if text:
                    lab = _level_label(text)
                    self.note_block_weight(st, lab, text)
                    if lab is None:
                        setattr(st, lk, _bare(text))
                        if cell is not None and cell.row == r:
                            self.warn(st, "JX008", f"“{text}”不是框架中的{'一' if lk == 'level1' else '二'}级指标名称，"
                                      "按原文保留", cell)
                    else:
                        setattr(st, lk, lab[1])
                elif lk == "level2" and vals.get("level1", ("", None))[0] and vals["level1"][1].row == r:  # a new level-1 block without a level-2 cell
                    st.level2 = ""
            rest = {k: v for k, v in vals.items() if k not in ("level1", "level2")}
            if not any(t for t, _ in rest.values()):
                return
            if _PLACEHOLDER_RE.match(_squash(rest.get("name", ("", None))[0])) and not any(
                    t for k, (t, _) in rest.items() if k != "name"):
                return  # a template row left empty (指标2, ……) under a level label
            self.emit_indicator(st, r, rest, aligned=False, its=its)
            return
        # compacted: leading level labels, then the rest by order and type
        k = 0
        while k < len(its):
            lab = _level_label(its[k].text)
            if lab is None:
                w = _bare(its[k].text)
                nxt = _level_label(its[k + 1].text) if k == 0 and len(its) > 2 else None
                if (k < len(its) - 1 or len(its) == 1) and w.endswith("指标") and 2 < len(w) <= 8 and k < 2:
                    lab = ("level2", w)
                    self.warn(st, "JX008", f"“{its[k].text}”不是框架中的二级指标名称，按原文保留", its[k].cell)
                elif nxt is not None and nxt[0] == "level2" and 2 <= len(w) <= 6 and not any(ch.isdigit() for ch in w):
                    # a non-framework word in the level-1 column (项目决策, 项目效益) before a level-2
                    # label: the level-1 is the one the framework gives that level-2
                    parent = next(l1 for l1, l2s in LEVEL2_BY_LEVEL1.items() if nxt[1] in l2s)
                    lab = ("level1", parent)
                    self.warn(st, "JX008", f"“{its[k].text}”不是框架中的一级指标名称，按其二级指标“{nxt[1]}”读作“{parent}”",
                              its[k].cell)
                else:
                    break
            if lab[0] == "level1" and k == 1 and lab[1] == st.level1 and len(LEVEL2_BY_LEVEL1[lab[1]]) == 1:
                lab = ("level2", LEVEL2_BY_LEVEL1[lab[1]][0])  # 满意度指标 | 满意度指标: the block's one level-2
            if lab[0] == "level1" and lab[1] in LEVEL2_BY_LEVEL1.get(st.level1 if k == 0 else _bare(its[0].text), ()):
                # 成本指标 inside 产出指标 is a level 2, unless a level-2 of the 2021 成本指标 block follows
                after = _level_label(its[k + 1].text) if k + 1 < len(its) else None
                if k > 0 or after is None or after[0] != "level2" or after[1] not in LEVEL2_BY_LEVEL1[lab[1]]:
                    lab = ("level2", lab[1])
            if lab[0] == "level1":
                if k > 0:  # labels come level 1, then level 2, then the name
                    break
                st.level1, st.level2 = lab[1], ""
                self.note_block_weight(st, lab, its[k].text)
            else:
                st.level2 = lab[1]
                if not st.level1:
                    st.level1 = next((l1 for l1, l2s in LEVEL2_BY_LEVEL1.items() if lab[1] in l2s), "")
                k += 1
                break
            k += 1
        rest_items = its[k:]
        if not rest_items or all(_PLACEHOLDER_RE.match(_squash(i.text)) for i in rest_items):
            return
        if k == 0 and len(its) == 1 and st.form.indicators and _OUTLINE_RE.match(_squash(its[0].text)) \
                and not self.total_below(r):
            # a report's next numbered section (3.分析评价…, (三)…, 二、…) alone on its row, and no
            # 总分 row below: the table it embeds has ended; the rest of the page is not read as rows
            self.warn(st, "JX002", f"指标表在此结束（其后是报告正文“{its[0].text[:30]}”…），其后的文字未读取", its[0].cell)
            st.section = "after"
            return
        keys = [key for _, key in st.ind_keys if key not in ("level1", "level2")]
        qualitative = "sign" in keys and any(_squash(i.text) in _QUAL_SIGNS for i in rest_items)
        if qualitative:
            keys = [k for k in keys if k != "unit"]
        assigned, skipped = _align(rest_items, keys, text_value=qualitative)
        if assigned is None:
            st.form.complete = False
            self.warn(st, "JX007", "这一行的单元格无法与表头的列对应，未读取：" + " | ".join(i.text for i in rest_items),
                      rest_items[0].cell, "indicators")
            return
        if set(assigned) <= {"name", "deviation"}:
            # a name and nothing else: a fragment (a truncated heading), not a row
            st.form.complete = False
            self.warn(st, "JX007", "这一行只有文字、没有任何指标值，未读取：" + " | ".join(i.text for i in rest_items),
                      rest_items[0].cell, "indicators")
            return
        vals = {key: (it.text, it.cell) for key, it in assigned.items()}
        self.emit_indicator(st, r, vals, aligned=skipped, its=its)

    def total_below(self, r: int) -> bool:
        """A 总分 / 合计 row somewhere below row r (a note row above it is still in the table)."""
        for k in range(r + 1, self.grid.n_rows):
            its = self.items(k)
            if its and _squash(its[0].text).startswith(("总分", "合计")):
                return True
        return False

    def note_block_weight(self, st: _State, lab: tuple[str, str] | None, text: str) -> None:
        """``产出指标(50分)``: the block total printed in a level-1 heading."""
        if lab is not None and lab[0] == "level1":
            pts = printed_points(text)
            if pts is not None:
                st.form.block_weights[lab[1]] = pts

    def emit_indicator(self, st: _State, r: int, vals: dict, *, aligned: bool, its: list[_Item]) -> None:
        f = st.form
        i = len(f.indicators)
        path = f"indicators[{i}]"
        name, name_cell = vals.get("name", ("", None))
        weight_t, _ = vals.get("weight", ("", None))
        score_t, _ = vals.get("score", ("", None))
        if name.startswith("其中") and not weight_t and not score_t:
            self.warn(st, "JX017", "“其中”明细行没有分值和得分，未计为指标：" + " | ".join(it.text for it in its),
                      its[0].cell, "indicators")
            return
        repairs: dict[str, list[Repair]] = {}
        # target: one column, or the split sign / value / unit columns joined
        if "sign" in vals or "value" in vals:
            sign_t, sign_c = vals.get("sign", ("", None))
            if _squash(sign_t) in _QUAL_SIGNS:
                sign_t = ""  # 定性: the target is the 指标值 word
            sign, reps = sign_cell(sign_t)
            value_t, value_c = vals.get("value", ("", None))
            unit_t, _ = vals.get("unit", ("", None))
            target = f"{sign or sign_t}{value_t}{unit_t}"
            target_cell = value_c or sign_c
            repairs["target"] = reps + (self.norm(sign_c)[1] if sign_c else []) + (self.norm(value_c)[1] if value_c else [])
        else:
            target, target_cell = vals.get("target", ("", None))
            target, reps = canonical_comparison(target)
            repairs["target"] = (self.norm(target_cell)[1] if target_cell else []) + reps
        actual, actual_cell = vals.get("actual", ("", None))
        actual, reps = canonical_comparison(actual)
        repairs["actual"] = (self.norm(actual_cell)[1] if actual_cell else []) + reps
        target, reps = repair_ocr_target(target, actual)
        repairs["target"] += reps
        weight = parse_number(weight_t.removesuffix("分")) if weight_t else None
        score = parse_number(score_t.removesuffix("分")) if score_t else None
        deviation, dev_cell = vals.get("deviation", ("", None))
        level1 = st.level1 or next((l1 for l1, l2s in LEVEL2_BY_LEVEL1.items() if st.level2 in l2s), "")
        ind = Indicator(level1=level1, level2=st.level2, name=name, target=target, actual=actual, weight=weight,
                        score=score, deviation=deviation, target_parsed=parse_value(target),
                        actual_parsed=parse_value(actual))
        f.indicators.append(ind)
        row_cell = its[0].cell
        f.locations[path] = row_cell.location
        for key, fld in (("name", "name"), ("weight", "weight"), ("score", "score"), ("deviation", "deviation")):
            _, cell = vals.get(key, ("", None))
            if cell is not None and not _same_place(cell, row_cell):
                self.record(st, cell, f"{path}.{fld}")
            elif cell is not None:
                self.record(st, None, f"{path}.{fld}")
                for rep in self.norm(cell)[1]:
                    self.warn(st, rep.code, rep.message, cell, f"{path}.{fld}")
        for fld, cell in (("target", target_cell), ("actual", actual_cell)):
            if cell is not None and not _same_place(cell, row_cell):
                st.form.locations[f"{path}.{fld}"] = cell.location
            for rep in repairs[fld]:
                self.warn(st, rep.code, rep.message, cell or row_cell, f"{path}.{fld}")
        if not level1 or not st.level2:
            self.warn(st, "JX008", f"“{name}”所属的一级/二级指标无法确定", row_cell, path)
        if not name:
            self.warn(st, "JX007", "指标行没有三级指标名称", row_cell, path)
        missing = [lab for key, lab, v in (("weight", "分值", weight_t), ("score", "得分", score_t))
                   if key in [k for _, k in st.ind_keys] and (not v or parse_number(v.removesuffix("分")) is None)]
        if missing:
            self.warn(st, "JX007", f"指标“{name}”缺少{'、'.join(missing)}或不是数字", row_cell, path)
        if aligned:
            self.warn(st, "JX016", f"指标“{name}”一行缺少单元格，各值按顺序和类型对齐，可能错位", row_cell, path)

    def read_total(self, st: _State, its: list[_Item], words: list[str]) -> None:
        f = st.form
        st.saw_total = True
        nums = []
        for it in its[1:]:
            t = _squash(it.text)
            if t in _GRADES:
                f.grade = t
                continue
            n = parse_number(t.removesuffix("分"))
            if n is not None:
                nums.append((n, it.cell))
        if len(nums) >= 2:
            (f.total_weight, c1), (f.total, c2) = nums[0], nums[1]
            self.record(st, c1, "total_weight")
            self.record(st, c2, "total")
        elif len(nums) == 1 and "weight" not in [k for _, k in st.ind_keys]:
            f.total = nums[0][0]  # no 分值 column (Hubei-style): the one number is the score
            self.record(st, nums[0][1], "total")
        elif len(nums) == 1:
            f.total_weight = nums[0][0]
            self.record(st, nums[0][1], "total_weight")
            self.warn(st, "JX007", "“总分”行只有一个数字，按分值读取，没有读到得分", its[0].cell, "total")
        st.section = "after" if f.grade else "total"


def _same_place(a: Cell, b: Cell) -> bool:
    """``a.location == b.location``, without comparing whole models when the
    cell references already differ (the common case: two cells of a row)."""
    la, lb = a.location, b.location
    return la is lb or (la.cell == lb.cell and la.line == lb.line and la == lb)


def _accepts(key: str, text_value: bool = False) -> Callable[[str], bool]:
    def number(t: str) -> bool:
        return parse_number(t.removesuffix("分")) is not None

    def not_number(t: str) -> bool:
        return parse_number(t) is None and sign_cell(t)[0] is None

    def value(t: str) -> bool:
        return parse_number(t) is not None

    def unit(t: str) -> bool:
        return len(t) <= 6 and not any(ch.isdigit() for ch in t) and sign_cell(t)[0] is None

    def sign(t: str) -> bool:
        return sign_cell(t)[0] is not None or t in _QUAL_SIGNS

    def word(t: str) -> bool:
        return bool(t) and sign_cell(t)[0] is None

    return {"name": not_number, "weight": number, "score": number, "value": word if text_value else value,
            "unit": unit, "sign": sign}.get(key, lambda t: True)


def _align(items: list[_Item], keys: list[str], text_value: bool = False) -> tuple[dict[str, _Item] | None, bool]:
    """Assign the non-empty cells of a compacted row to header keys by order and
    type. Returns (key -> item, whether a key had to be skipped before a later
    value) or (None, False) when the cells cannot be placed."""
    out: dict[str, _Item] = {}
    ki = 0
    skipped = False
    for it in items:
        t = _squash(it.text) if len(it.text) < 12 else it.text
        while ki < len(keys) and not _accepts(keys[ki], text_value)(t):
            ki += 1
            skipped = True
        if ki >= len(keys):
            return None, False
        out[keys[ki]] = it
        ki += 1
    return out, skipped


def grid_to_forms(grid: Grid) -> list[FormRead]:
    """Read every project form in ``grid`` (with its layout family).

    Raises :class:`NotProjectFormError` for department-whole, transfer-payment
    and rubric forms."""
    return _Reader(grid).read()


def read_grid(grid: Grid) -> list[Form]:
    return [fr.form for fr in grid_to_forms(grid)]


def forms_from_grids(path, grids, where: str) -> list[Form]:
    """All forms in a file's grids, numbered in file order; a file with none
    is a :class:`NoFormFoundError` (``where`` names its tables in Chinese,
    e.g. "网页中…的表格", for the message)."""
    from .errors import NoFormFoundError

    forms: list[Form] = []
    for g in grids:
        for fr in grid_to_forms(g):
            fr.form.source.index = len(forms)
            forms.append(fr.form)
    if not forms:
        raise NoFormFoundError(path, f"{where}中没有找到项目支出绩效自评表（没有含“项目名称”和指标表的表格）")
    return forms


# A project code printed before the name (Sichuan 510000_0013zp: 22 characters, region
# digits, a letter, a serial): ``51092324T000010263357-2023年全县安可替代补助资金项目``.
_PROJECT_CODE_RE = re.compile(r"^(\d{6,10}[A-Z]\d{8,16})\s*[-—－_:：]?\s*(?=\S)")


def split_project_code(form: Form) -> None:
    """Keep a project code printed before the name in ``attributes['项目编码']``
    and the name without it (the code is data, not part of the name; a name
    compared across years or forms must not differ by its code)."""
    m = _PROJECT_CODE_RE.match(form.project_name)
    if m and len(form.project_name) > m.end():
        form.attributes["项目编码"] = m.group(1)
        form.project_name = form.project_name[m.end():]


_PARENT_NO_RE = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_CHILD_NO_RE = re.compile(r"^\d+[、.．]")
_INDEX_RE = re.compile(r"^indicators\[(\d+)\]")


def fold_numbered_subrows(form: Form) -> None:
    """Fold ``1、… 2、…`` rows into the ``一、…`` row above them when their
    scores (and weights, when printed) add up to the parent's: the parent is
    the indicator, the children its breakdown (JX021). Children that do not
    add up are kept as indicators."""
    inds = form.indicators
    drop: list[tuple[int, list[int]]] = []
    i = 0
    while i < len(inds):
        if not _PARENT_NO_RE.match(inds[i].name):
            i += 1
            continue
        j = i + 1
        while j < len(inds) and _CHILD_NO_RE.match(inds[j].name) and inds[j].level2 == inds[i].level2:
            j += 1
        kids = inds[i + 1:j]
        p = inds[i]
        if kids and p.score is not None and all(k.score is not None for k in kids) \
                and sum((k.score for k in kids), Decimal(0)) == p.score \
                and (p.weight is None or sum((k.weight or Decimal(0) for k in kids), Decimal(0)) in (p.weight, 0)):
            drop.append((i, list(range(i + 1, j))))
        i = j
    if not drop:
        return
    gone = {k for _, ks in drop for k in ks}
    new_index: dict[int, int] = {}
    for old in range(len(inds)):
        if old not in gone:
            new_index[old] = len(new_index)
    for parent, kids in drop:
        names = "、".join(inds[k].name for k in kids)
        form.warnings.append(ReadWarning(
            code="JX021", line=(form.locations.get(f"indicators[{parent}]") or Location()).line,
            field=f"indicators[{new_index[parent]}]",
            message=f"“{inds[parent].name}”下的 {len(kids)} 行编号明细（{names[:60]}）得分合计等于该行得分，"
                    "作为明细未计为指标"))

    def renumber(path: str) -> str | None:
        m = _INDEX_RE.match(path)
        if not m:
            return path
        old = int(m.group(1))
        if old in gone:
            return None
        return f"indicators[{new_index[old]}]" + path[m.end():]

    form.indicators = [ind for k, ind in enumerate(inds) if k not in gone]
    locs: dict[str, Location] = {}
    for path, loc in form.locations.items():
        np = renumber(path)
        if np is not None:
            locs[np] = loc
    form.locations = locs
    kept = []
    for w in form.warnings:
        if w.field and w.code != "JX021":
            np = renumber(w.field)
            if np is None:
                continue  # a repair inside a folded row
            w.field = np
        kept.append(w)
    form.warnings = kept
