"""Run-together text → :class:`~.grid.Grid` → forms.

Many web copies of a form lost every cell separator: the whole table is one
long line (``…年度资金总额:202010100.00%10其中:本年财政拨款2020…``), or a few
lines cut by a doc site's page markers (``2、``). Nothing but the words and
the kind of each value says where a cell ends. This reader recovers what can
be recovered honestly and lays it out as a dense grid for :mod:`.gridform`:

* **labels are known words.** The header fields (项目名称, 主管部门, 实施单位 …)
  run to the next known label; the funds header and the indicator header are
  read word by word from the layout families' vocabulary, which fixes the
  columns; level-1/level-2 names come from the framework
  (:mod:`jixiao.model.framework`).
* **values are split by a grammar and confirmed by arithmetic.** A cell is a
  number without a leading zero, a quantity (sign, number, unit from a list),
  an achievement word (达成预期指标 …), or a qualitative target printed twice
  (target and actual equal). A funds row is split only when one split fits its
  columns and the printed rate (= executed / budget) and score (= weight ×
  rate); a 其中 row alone must equal the total row. Indicator rows of a
  level-2 block are parsed in every way the grammar allows; when a block has
  several parses, the sums decide (weights adding to the heading's points or
  to 总分 分值 minus the funds weight, scores to 总分 minus the funds score);
  a block still ambiguous, or with no parse, is not read.
* **nothing is guessed.** A row, a funds row or a text that could not be split
  is not read; its text is kept in a JX022 warning (the form's confidence is
  then *low*). Every form read this way carries one JX023 note: its cell
  boundaries were inferred.

Rules for kinds of damage met in several families:

* **a digit run is cut only into a value printed twice** (``6620`` = 6 | 6 | 20),
  never into two different values (``63`` is not 6 | 3, ``不低于95%`` not
  不低于9 | 5%); a comparison word stays whole in the target; a name never holds
  an achievement word (达成预期指标) nor opens with one.
* **a column's word keeps its column.** When a form prints 达成预期指标 after a
  target *and* an actual (so in the 未完成原因 column, the header's last), a row
  of just a target and that word is read with the actual empty (JX016 each).
* **template-numbered rows** (``指标6:…``) in a copy with spaces between cells
  are read one by one: a row whose cells came out interleaved with others does
  not fit the columns and is left in a JX022 warning; rows before any level
  label are read with their levels unknown (JX008).
* **a header whose wrapped cells came out line by line** (``年度 实际 指标值
  完成值``) is rejoined; the value columns keep the order printed (JX016).
* **a free-text column** (得分计算方法) before a number column is a clause with
  its punctuation running up to that number.
* **a copy cut short** (the text ends inside the indicator table): the row it
  ends in is not read (its last value may be a prefix, 20.00 → 2), the rows
  before it are; figures of a 总分 row the copy ends in are read only when the
  rows confirm them (JX022 otherwise).
* **points print two decimals at most**: 15.0015.00 is 15.00 | 15.00, never
  15.001 | 5.00; a name never opens with a decimal point; 分 after a score
  (10.00分析…) may open the next name, so both readings are made.
* **doc-site pages** are glued back (JX002 each), then traditional characters
  and their pinyin are converted on the glued text (a page may cut 項(xiàng);
  JX012 per line); full-width digits, ％ and ＞＝ are read as ASCII (JX011).
* **OCR**: a header word whose characters came out of order (a vertical cell
  read column by column: 考值参分 = 参考分值) is rejoined, and 10 read as ``IO``
  in a weight or score is repaired (JX013 each); a level-2 label with no
  level-1 printed before it (or an OCR'd one) keeps the framework's level-1,
  so 成本指标 after 时效指标 stays a level-2.

Two limits of flattened text, by construction: a qualitative target followed
by a different actual (``严格执行相关制度规定达成预期指标``) cannot be told from
the end of the indicator's name unless spaces survived, so such rows are not
read; and a deviation note in the middle of a block runs into the next
indicator's name. Text copied with a space between every cell (a docx
metadata dump) is read with the spaces as cell boundaries.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..model import Form, Location, ReadWarning
from ..model.framework import LEVEL1_NAMES, LEVEL2_BY_LEVEL1, LEVEL2_NAMES
from .decode import SAMPLE_BYTES, detect_encoding
from .errors import NoFormFoundError
from .grid import Cell, Grid
from .gridform import funds_key, grid_to_forms, indicator_key
from .normalize import _FW_DIGITS, _PINYIN_PAIR_RE, looks_traditional, normalize_cell_text, t2s_table
from .textutil import DOCSITE_MARK_RE

SEP = "\x1f"  # a cell boundary kept from the source (spaced copies)

# --- vocabulary ---------------------------------------------------------------------

_NAME_LABELS = ("项目名称", "专项资金名称")
_HEAD_LABELS: tuple[tuple[str, str], ...] = (
    # (label as printed, field) — longer spellings first
    ("项目实施单位/项目负责人", "implementing_unit/"), ("项目名称", "project_name"), ("专项资金名称", "project_name"),
    ("主管部门及代码", "department"), ("县级主管部门", "department"), ("市县主管部门", "department"),
    ("自治区主管部门", "department2"), ("主管部门", "department"), ("项目实施单位", "implementing_unit"),
    ("实施单位", "implementing_unit"), ("项目负责人及电话", ""), ("负责人及电话", ""), ("单位名称", ""),
    ("填报日期", ""), ("市县财政部门", ""), ("专项实施期", ""), ("项目类别", "项目类别"), ("项目属性", "项目属性"),
    ("项目类型", "项目类型"),
)
_FUNDS_SECTION = ("项目资金", "资金情况", "预算执行情况", "资金投入情况")
_FUNDS_WORDS = ("年初预算数", "年初预算", "全年预算数", "调整后预算数", "全年执行数", "全年执行", "预算执行数",
                "预算执行率", "执行数", "预算数", "分值", "分数", "执行率", "权重", "得分计算方法", "得分", "资金来源")
_FUND_ROW_WORDS = ("年度财政资金总额", "年度资金总额", "资金总额", "总额", "合计", "其中", "本年财政拨款", "当年财政拨款",
                   "上年结转资金", "上年结转", "其他资金", "财政资金", "拨款")
_FUND_ROW_OPEN = ("年度财政资金总额", "年度资金总额", "其中", "本年财政拨款", "当年财政拨款", "上年结转", "其他资金", "合计")
_GOAL_LABELS = ("年度总体目标", "项目年度目标")
_GOAL_HEAD = ("预期目标", "实际完成情况", "年初设定目标", "年度总体目标完成情况综述", "年度总体目标完成情况",
              "全年实际完成情况", "年度目标完成情况")
_SECTION_WORDS = ("年度绩效目标完成情况", "年度绩效指标", "年度绩效目标", "绩效指标", "绩效目标")
_IND_WORDS = ("一级指标", "二级指标", "三级指标", "指标名称", "指标性质", "度量单位", "计量单位",
              "年度指标值", "年初目标值", "年初指标值", "全年实际值", "全年完成值", "年终完成值", "实际完成值", "完成值",
              "指标值", "分值", "权重", "得分计算方法", "得分", "未完成原因及拟采取的改进措施", "未完成原因和改进措施",
              "未完成原因及改进措施", "未完成原因分析", "偏差原因分析及改进措施")
_TOTAL_WORDS = ("总分", "合计")
_BOTTOM_WORDS = ("偏差大或目标未完成原因分析", "改进措施及结果应用方案", "评价结论", "存在问题", "改进措施",
                 "评分等级", "备注", "说明", "注:")
# The note in parentheses after a header word: (A), (B/A), (10分), (20分*执行率), and the
# OCR-broken "(B/A1".
_HEAD_NOTE_RE = re.compile(r"[（(][A-Za-z0-9/×*%.分执行率八]{0,12}[)）1]?")  # 八: an OCR'd A
_POINTS_RE = re.compile(r"[（(]\d+(?:\.\d+)?分[)）]")

# Words that make an actual value (实际完成值) of a qualitative row.
ACHIEVED = ("部分达成预期指标", "未达成预期指标", "达成预期指标", "部分达成指标", "未达成指标", "达成指标",
            "部分达成", "未达成", "基本达到", "已完成", "达成", "完成", "达到", "是", "否")
# Units a quantity may carry (longest first when matching).
UNITS = tuple(sorted((
    "%", "‰", "百分比", "万元", "亿元", "元", "万粒", "万株", "万亩", "万人次", "万人", "亩", "平方米", "平方公里", "立方米",
    "公顷", "公里", "千米", "厘米", "毫米", "米", "吨", "公斤", "千克", "克", "个工作日", "工作日", "个", "人次", "人", "户",
    "次", "件", "台套", "台", "套", "辆", "所", "处", "份", "篇", "期", "项", "家", "批", "种", "例", "头", "只", "株",
    "棵", "天", "日", "小时", "分钟", "月", "年", "周", "起", "场", "座", "条", "间", "张", "本", "册", "块", "名",
    "位", "点位", "点", "宗", "组", "班", "所", "村", "千瓦", "元/人", "元/亩", "元/件", "万元/个",
), key=len, reverse=True))
_SIGNS = ("≥", "≤", "=", ">", "<", "≧", "≦", "═", "﹦", "＝", "＞", "＜")
_SIGN_CHARS = frozenset("≥≤=<>≧≦═﹦＝＞＜")
# Achievement words that only ever fill a column (never open an indicator's name).
_ACHIEVED_COLUMN_WORDS = tuple(w for w in ACHIEVED if w.endswith("指标"))
_SIGN_WORDS = ("不低于", "不高于", "不超过", "不少于", "大于", "小于", "低于", "高于")
_GLUED_QUANTITY_RE = re.compile(r"[\u4e00-\u9fff]\d+(?:\.\d+)?(?:" + "|".join(
    re.escape(u) for u in UNITS if u not in ("%", "‰")) + ")")
_GLUED_PAIR_RE = re.compile(_GLUED_QUANTITY_RE.pattern + r"(?=[\d≥≤=<>≧≦═﹦＝＞＜]|" + "|".join(_SIGN_WORDS) + ")")
_OCR_POINTS_RE = re.compile(r"(?:IO|I0|1O)(?![0-9A-Za-z.])")  # 10 read by OCR as IO (weights and scores only)


def _ocr_number(t: str) -> str:
    return t.replace("I", "1").replace("O", "0") if "I" in t or "O" in t else t


_LEVEL1_HEAD_RE = re.compile("一级" + SEP + "?指标")
_ROW_NUMBER_RE = re.compile(r"指标\d{1,2}[:：]")
_SPACED_NUMBERS_RE = re.compile(r"\d%? [≥≤=<>]?\d")
_PLACEHOLDER_RE = re.compile(r"指标\d+[:：]|……+|…+|\.{3,}")


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


# --- flattening --------------------------------------------------------------------------


@dataclass
class Flat:
    """The text as one string, with the source line of every character."""

    s: str
    lines: list[int]
    spaced: bool
    # repairs made to the text while flattening: (line, code, message)
    notes: list[tuple[int, str, str]] = field(default_factory=list)

    def line(self, i: int) -> int:
        if not self.lines:
            return 1
        return self.lines[min(max(i, 0), len(self.lines) - 1)]


_FW_NUM_PUNCT_RE = re.compile(r"(?<=\d)[％．]|[．](?=\d)")


def _fullwidth_numbers(ln: str) -> str:
    """Full-width digits, and ％ ． next to a digit, as ASCII (the cell grammar reads
    ASCII numbers; full-width punctuation in prose is left alone)."""
    out = ln.translate(_FW_DIGITS)
    return _FW_NUM_PUNCT_RE.sub(lambda m: {"％": "%", "．": "."}[m.group()], out)


def _changed(a: str, b: str) -> str:
    """The first few changed characters, ``０→0、％→%``."""
    pairs = dict.fromkeys(f"{x}→{y}" for x, y in zip(a, b) if x != y)
    return "、".join(list(pairs)[:6])


def _to_simplified(chars: list[str], lines: list[int], notes: list[tuple[int, str, str]]) -> tuple[list[str], list[int]]:
    """Traditional characters and a conversion tool's pinyin (``項(xiàng)目``) on the
    text once its pages are glued (a page may cut a pair: ``項(xiàng`` / ``2、)目``);
    each line's repairs noted (JX012)."""
    s = "".join(chars)
    drop = [False] * len(chars)
    pinyin: dict[int, list[str]] = {}
    for m in _PINYIN_PAIR_RE.finditer(s):
        for k in range(m.start(), m.end()):
            drop[k] = True
        pinyin.setdefault(lines[m.start()], []).append(m.group(1))
    kept = [(c, no) for c, no, d in zip(chars, lines, drop) if not d]
    table = t2s_table()
    changed: dict[int, list[str]] = {}
    out_chars, out_lines = [], []
    for c, no in kept:
        t = table.get(ord(c))
        if t is not None and t != c:
            changed.setdefault(no, []).append(c)
            c = t
        out_chars.append(c)
        out_lines.append(no)
    for no in sorted(set(pinyin) | set(changed)):
        parts = []
        if no in pinyin:
            parts.append(f"删除了转换工具加注的拼音（{len(pinyin[no])}处，如“({pinyin[no][0]})”）")
        if no in changed:
            parts.append(f"繁体字已转为简体（{len(changed[no])}处：{''.join(dict.fromkeys(changed[no]))[:8]}）")
        notes.append((no, "JX012", f"第{no}行：" + "；".join(parts)))
    return out_chars, out_lines


def flatten(text: str) -> Flat:
    """Join the lines into one string. A doc site's page marker (``2、`` at the
    start of a line, numbered 1, 2, 3 …) cut the text mid-cell: it is dropped
    and the lines glued; other line breaks are cell boundaries. Traditional
    characters and their conversion mojibake are normalised here, once, so
    that labels can be found (the repairs are noted on the form)."""
    raw_lines = text.replace("\r\n", "\n").replace("\u00a0", " ").replace("\u3000", " ").split("\n")
    traditional = looks_traditional(raw_lines[:400])
    chars: list[str] = []
    lines: list[int] = []
    notes: list[tuple[int, str, str]] = []
    expect = 1
    for no, ln in enumerate(raw_lines, 1):
        if not ln.strip():
            continue
        m = DOCSITE_MARK_RE.match(ln, len(ln) - len(ln.lstrip()))  # after the indent
        glue = " "
        if m and int(m.group(1)) == expect:
            expect += 1
            glue = "" if expect > 2 else " "
            ln = ln[m.end():]
            notes.append((no, "JX002", f"第{no}行：文档网站的分页标记“{m.group(1)}、”已删除"
                                       + ("，本行接回上一行（分页处可能在单元格中间）" if expect > 2 else "")))
        fixed = _fullwidth_numbers(ln)
        if fixed != ln:
            notes.append((no, "JX011", f"第{no}行：全角数字或符号已转为半角（{_changed(ln, fixed)}）"))
            ln = fixed
        if chars and glue:  # (no glue at a page break: one entry per character, so lines stay aligned)
            chars.append(glue)
            lines.append(no)
        for ch in ln:
            chars.append(ch)
            lines.append(no)
    if traditional:
        chars, lines = _to_simplified(chars, lines, notes)
    s = "".join(chars)
    # a space between cells: the header words spaced apart, or many numbers side by side
    # with spaces between them (an xlsx dump: "221人 221人 2 2")
    spaced = re.search(r"一级指标\s+二级指标\s+三级指标", s) is not None or len(_SPACED_NUMBERS_RE.findall(s)) >= 10
    if spaced:
        out = []
        out_lines = []
        prev_space = True
        for ch, no in zip(s, lines):
            if ch in " \t":
                if not prev_space:
                    out.append(SEP)
                    out_lines.append(no)
                prev_space = True
            else:
                out.append(ch)
                out_lines.append(no)
                prev_space = False
        return Flat("".join(out), out_lines, True, notes)
    # no separators: spaces inside cells come from wrapped lines; drop them
    # (a space stays only between two Latin letters or digits)
    out, out_lines = [], []
    for k, (ch, no) in enumerate(zip(s, lines)):
        if ch in " \t":
            a = s[k - 1] if k else ""
            b = s[k + 1] if k + 1 < len(s) else ""
            if not (a.isascii() and a.isalnum() and b.isascii() and b.isalpha()):
                continue
        out.append(ch)
        out_lines.append(no)
    return Flat("".join(out), out_lines, False, notes)


def _join_pages(lines: list[str]) -> list[str]:
    """Lines with a doc site's page markers (``1、`` ``2、`` … numbered from 1, as
    :func:`flatten` takes them) glued into one: a page is cut at any character."""
    out: list[str] = []
    expect = 1
    for ln in lines:
        if not ln.strip():
            continue
        m = DOCSITE_MARK_RE.match(ln, len(ln) - len(ln.lstrip()))  # after the indent
        if m and int(m.group(1)) == expect:
            expect += 1
            if expect > 2 and out:
                out[-1] += ln[m.end():]
                continue
            ln = ln[m.end():]
        out.append(ln)
    return out


def looks_run_together(text: str) -> bool:
    """The form's header words are there, but a line holding 项目名称 also holds
    the funds or the indicator header: sections share a line, so the line
    structure is no use. A doc site's pages are joined first (a page break may
    fall between 项目名称 and the funds header)."""
    for ln in _join_pages(text.split("\n")):
        if len(ln) < 60:
            continue
        t = re.sub(r"\s+", "", ln)
        if looks_traditional([t]):
            t = normalize_cell_text(t, traditional=True)[0]
        if not any(w in t for w in _NAME_LABELS):
            continue
        if any(w in t for w in ("一级指标", "二级指标", "资金总额", "预算执行情况", "全年预算数", "绩效指标")):
            return True
    return False


# --- cell grammar ---------------------------------------------------------------------------


def _num_ends(s: str, i: int) -> list[int]:
    """Ends j such that s[i:j] is a number printed without a leading zero."""
    n = len(s)
    if i >= n or not s[i].isdigit():
        return []
    out = []
    j = i + 1
    if s[i] == "0":
        ints = [j]
    else:
        ints = []
        while True:
            ints.append(j)
            if j < n and s[j].isdigit():
                j += 1
            else:
                break
    for e in ints:
        out.append(e)
        if e < n and s[e] == "." and e + 1 < n and s[e + 1].isdigit():
            k = e + 1
            while k < n and s[k].isdigit():
                k += 1
                out.append(k)
    return out


def _unit_ends(s: str, i: int) -> list[int]:
    out = [i]
    for u in UNITS:
        if s.startswith(u, i):
            out.append(i + len(u))
    m = re.match(r"[（(][^()（）\d]{1,6}[)）]", s[i:i + 9])
    if m:
        out.append(i + m.end())
    return out


def quantity_ends(s: str, i: int) -> list[int]:
    """Ends of a quantity at i: an optional sign (or 不低于 …), a number, a unit."""
    starts = [i]
    for w in _SIGN_WORDS:
        if s.startswith(w, i):
            starts = [i + len(w)]
    if i < len(s) and s[i] in "".join(_SIGNS):
        k = i + 1
        if k < len(s) and s[k] in "=＝":  # >= and its full-width spelling ＞＝
            k += 1
        starts = [k]
    out: set[int] = set()
    for st in starts:
        for e in _num_ends(s, st):
            out.update(_unit_ends(s, e))
    return sorted(out)


def word_ends(s: str, i: int, words: tuple[str, ...]) -> list[int]:
    """The end of the longest of ``words`` at i (达成预期指标, never 达成 | 预期指标…)."""
    ends = [i + len(w) for w in words if s.startswith(w, i)]
    return [max(ends)] if ends else []


# --- indicator rows -------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    name: str
    cells: tuple[tuple[str, str], ...]  # (key, text) in column order
    start: int
    end: int

    def get(self, key: str) -> str:
        return next((t for k, t in self.cells if k == key), "")

    def number(self, key: str) -> Decimal | None:
        t = _ocr_number(self.get(key))
        try:
            return Decimal(t) if t else None
        except Exception:  # pragma: no cover - the grammar admits numbers only
            return None


@dataclass
class Parse:
    rows: tuple[Row, ...]
    tail: str  # text after the last row that no row took


class RowGrammar:
    """The value columns of one layout (after 三级指标) and how to match them."""

    def __init__(self, keys: list[str], spaced: bool, max_weight: Decimal | None = None,
                 blank_actual_before: tuple[str, ...] = ()) -> None:
        self.keys = keys  # e.g. ["weight", "target", "actual", "score", "deviation"]
        self.spaced = spaced
        self.max_weight = max_weight or Decimal(100)
        self.has_points = "weight" in keys or "score" in keys
        # words that fill the deviation column in this form: before one of them the
        # actual cell may be empty (a web copy drops empty cells; see _Builder.place_rows)
        self.blank_actual_before = blank_actual_before

    # positions where a cell may start/end
    def _skip(self, s: str, i: int) -> int:
        while i < len(s) and s[i] == SEP:
            i += 1
        return i

    def _ok_end(self, s: str, j: int) -> bool:
        return not self.spaced or j >= len(s) or s[j] == SEP

    def value_parses(self, s: str, i: int, ki: int, name_ended_digit: bool,
                     yes_no: bool = False) -> Iterator[tuple[int, list[tuple[str, str]]]]:
        """All ways to read the value cells keys[ki:] from position i. ``yes_no``:
        the name asks a yes/no question (是否…), so 是/否 may be its target."""
        if ki == len(self.keys):
            yield i, []
            return
        key = self.keys[ki]
        i0 = self._skip(s, i)
        if key == "deviation":
            # optional and only a short word here (a free text would swallow the next row)
            yield i, []
            for j in word_ends(s, i0, ACHIEVED + ("无",)):
                if self._ok_end(s, j):
                    yield j, [(key, s[i0:j])]
            if self.spaced:
                # a spaced copy keeps a note as one piece: text with clause punctuation
                j = i0
                while j < len(s) and s[j] != SEP:
                    j += 1
                if re.search(r"[，。；,;]", s[i0:j]):
                    yield j, [(key, s[i0:j])]
            return
        if key == "other":
            # a free-text column (得分计算方法) before a number column: a clause (with its
            # punctuation, no digit) that runs up to the digit opening the next cell
            if self.spaced or ki + 1 >= len(self.keys) or self.keys[ki + 1] not in ("score", "weight"):
                return
            for j in range(i0 + 4, min(len(s), i0 + 160)):
                if s[j - 1].isdigit():
                    break
                if s[j].isdigit() and re.search(r"[，,;；。]", s[i0:j]) and s[j - 1] in "，,;；。":
                    for rest_end, rest in self.value_parses(s, j, ki + 1, False, yes_no):
                        yield rest_end, [(key, s[i0:j])] + rest
            return
        ends: list[tuple[int, str]] = []
        if key in ("weight", "score"):
            for j in _num_ends(s, i0):
                fen = j < len(s) and s[j] == "分" and self._ok_end(s, j + 1)  # points printed 10分
                if self._ok_end(s, j) or fen:
                    v = Decimal(s[i0:j])
                    if key == "weight" and not (0 < v <= self.max_weight):
                        continue
                    if fen:
                        ends.append((j + 1, s[i0:j]))
                    # 10.00分析…: 分 may also open the next name (two readings: the sums decide)
                    opens_name = not fen or _is_cjk(s[j + 1:j + 2] or "x")
                    if self._ok_end(s, j) and opens_name:
                        ends.append((j, s[i0:j]))
            m = _OCR_POINTS_RE.match(s, i0)
            if not self.spaced and m and (m.end() == len(s) or _is_cjk(s[m.end()])):
                # 10 read by OCR as IO, at the end of a row (before the next name or the block's end)
                v = Decimal(_ocr_number(m.group()))
                if not (key == "weight" and not (0 < v <= self.max_weight)):
                    ends.append((m.end(), m.group()))
        elif key in ("target", "actual"):
            if self.spaced:
                j = i0
                while j < len(s) and s[j] != SEP:
                    j += 1
                if j > i0:
                    ends.append((j, s[i0:j]))
            else:
                for j in quantity_ends(s, i0):
                    ends.append((j, s[i0:j]))
                if key == "target" and yes_no:
                    ends.extend((j, s[i0:j]) for j in word_ends(s, i0, ("是", "否")))
                if key == "actual" and self.blank_actual_before and s.startswith(self.blank_actual_before, i0):
                    # the actual cell left empty: the row's deviation word follows its target
                    yield from self.value_parses(s, i0, ki + 1, False, yes_no)
                if key == "actual" and "deviation" not in self.keys:
                    # with a deviation column after it, a trailing 达成预期指标 may be either cell
                    for j in word_ends(s, i0, ACHIEVED):
                        ends.append((j, s[i0:j]))
                else:
                    # a qualitative target printed twice (target = actual)
                    nxt = self.keys[ki + 1] if ki + 1 < len(self.keys) else None
                    if nxt == "actual":
                        for L in range(1, 25):
                            a, b = s[i0:i0 + L], s[i0 + L:i0 + 2 * L]
                            if len(b) < L:
                                break
                            if a == b and not any(ch.isdigit() for ch in a) and all(_is_cjk(c) or c in "()（）" for c in a):
                                for rest_end, rest in self.value_parses(s, i0 + 2 * L, ki + 2, False, yes_no):
                                    yield rest_end, [(key, a), ("actual", b)] + rest
        for j, text in ends:
            if j == i0:
                continue
            if not self.spaced and i0 > 0 and s[i0 - 1].isdigit() and s[i0] == "0" and ki > 0 \
                    and not (i0 > 1 and s[i0 - 1] == "0" and not (s[i0 - 2].isdigit() or s[i0 - 2] == ".")):
                continue  # "10|0%": a cut that leaves a cell starting with 0 (only "0|0" is a real pair of zeros)
            if i0 < len(s) and s[i0].isdigit() and name_ended_digit:
                continue
            # a number cut inside: the next cell may not start with the digits of this one
            for rest_end, rest in self.value_parses(s, j, ki + 1, False, yes_no):
                yield rest_end, [(key, text)] + rest

    def rows_from(self, s: str, i: int, memo: dict, cap: int = 200) -> list[tuple[tuple[Row, ...], int]]:
        """All ways to read rows from i: (rows, end of the last row)."""
        if i in memo:
            return memo[i]
        memo[i] = []
        out: list[tuple[tuple[Row, ...], int]] = [((), i)]
        i0 = self._skip(s, i)
        # a name never opens with an achievement word (达成预期指标…): that word closes the row before
        if i0 < len(s) and not (s[i0] == "0" and i0 + 1 < len(s) and s[i0 + 1] not in ".-－") \
                and not s.startswith(_ACHIEVED_COLUMN_WORDS, i0):
            for k in range(i0 + 1, min(len(s), i0 + 80) + 1):
                name = s[i0:k].replace(SEP, " ") if not self.spaced else s[i0:k]
                if self.spaced and SEP in name:
                    break
                if not any(_is_cjk(c) for c in re.sub(r"^指标\d*[:：]?", "", name)) or re.search(r"\d%", name) or any(c in _SIGN_CHARS for c in name):
                    continue
                if not self.spaced and name[:1] in ".．":
                    break  # a name never opens with a decimal point: a number cut before its decimals
                if not self.spaced and re.search(r"\d\.\d", name):
                    continue  # a decimal inside a name is a previous row's weight or score
                bare = re.sub(r"^指标\d+[:：]?", "", name)
                if not self.spaced and (_GLUED_QUANTITY_RE.search(bare) if self.has_points else _GLUED_PAIR_RE.search(bare)):
                    # "…支付811月底完成": a weight and a target swallowed by the name; with no
                    # points columns only a quantity followed by another value ("发生数0起0起")
                    # is a row swallowed ("6小时内扑灭率" is a name)
                    continue
                if not self.spaced and any(w in name for w in _ACHIEVED_COLUMN_WORDS):
                    continue  # a name never holds 达成预期指标: a row's last cell swallowed
                if not self.spaced and (name.endswith(_SIGN_WORDS) or any(
                        k - j >= i0 and s.startswith(w, k - j) for w in _SIGN_WORDS for j in range(1, len(w)))):
                    continue  # "…查明率不低于95%": the comparison word opens the target, whole
                if i0 > 0 and s[i0 - 1].isdigit() and (s[i0].isdigit() or _unit_ends(s, i0)[1:]):
                    break  # a number (or its unit) cut between a row's last cell and the next name
                if k < len(s) and not self._ok_end(s, k):
                    continue
                ended_digit = name[-1].isdigit() or name[-1] == "."
                for vend, cells in self.value_parses(s, k, 0, ended_digit, "是否" in name):
                    if not cells:
                        continue
                    row = Row(name, tuple(cells), i0, vend)
                    if not self.row_ok(row):
                        continue
                    for rest, end in self.rows_from(s, vend, memo, cap):
                        out.append(((row,) + rest, end))
                        if len(out) > cap:
                            break
                    if len(out) > cap:
                        break
                if len(out) > cap:
                    break
        memo[i] = out
        return out

    def row_ok(self, row: Row) -> bool:
        keys = [k for k, _ in row.cells]
        need = [k for k in self.keys if k not in ("deviation",)]
        if self.blank_actual_before and row.get("deviation") in self.blank_actual_before:
            need = [k for k in need if k != "actual"]
        if any(k not in keys for k in need):
            return False
        w, sc = row.number("weight"), row.number("score")
        if w is not None and sc is not None and sc > w:
            return False
        if not self.spaced:
            # without separators a unit could belong to either cell: a target with a unit
            # and an actual quantity must agree on it (rows that print different units are not
            # read) -- unless the target ends in its unit and the actual opens with a digit, so
            # that the boundary is printed (100%|1000件); a digit run cut in two (不低于9|5%)
            # must leave the same unit on both sides
            tt, at = row.get("target"), row.get("actual")
            t, a = _split_quantity(tt), _split_quantity(at)
            if t[1] and a[1] and a[2] != t[2] and _is_quantity(at) and (tt[-1:].isdigit() or not t[2]):
                return False
            if t[1] and t[2] and a[1] and a[2] != t[2] and _is_quantity(at) and not a[2]:
                return False
            if tt[-1:].isdigit() and at[:1].isdigit() and t[1] != a[1]:
                return False  # 63 is not 6 | 3: a digit run is cut only into a value printed twice (6620 = 6|6|20)
            wt, st = row.get("weight"), row.get("score")
            if wt and st and _decimals(wt) > max(2, _decimals(st)):
                # points are printed with two decimals at most: 15.0015.00 is 15.00 | 15.00,
                # never 15.001 | 5.00 (the weight took the score's first digit)
                return False
        return True

    def parses(self, s: str, cut: bool = False) -> list[Parse]:
        """Every reading of a block; those that leave the shortest tail.

        ``cut``: the copy ends in this block, inside a row. The tail may then hold
        values (the cut row's), but it must open as a row does, with its name (a
        Chinese character, not an achievement word): the rows before it are whole."""
        memo: dict = {}
        found = self.rows_from(s, 0, memo)
        best: dict[int, list[Parse]] = {}
        for rows, end in found:
            tail = s[end:].replace(SEP, " ").strip()
            if any(ch.isdigit() for ch in tail) and not (
                    cut and rows and _is_cjk(tail[0]) and not tail.startswith(ACHIEVED)):
                continue  # values left over: the rows before them are not a reading of the block
            if tail and end > 0 and s[end - 1].isdigit() and _unit_ends(s, end)[1:]:
                continue  # a quantity cut before its unit (…9 | 5 | %)
            best.setdefault(len(tail), []).append(Parse(rows, tail))
        got = [p for p in best.get(min(best), []) if p.rows] if best else []
        return got


# --- the form builder ------------------------------------------------------------------------


@dataclass
class _Block:
    level1: str  # as printed, e.g. 产出指标(50分) ("" when unchanged)
    level1_name: str
    level2: str
    text: str
    start: int
    parses: list[Parse] = field(default_factory=list)


class _Builder:
    def __init__(self, flat: Flat, start: int, end: int, file: str, encoding: str | None) -> None:
        self.f = flat
        self.s = flat.s
        self.start = start
        self.end = end
        self.rows: list[list[Cell]] = []
        self.warnings: list[ReadWarning] = []
        self.file = file
        self.encoding = encoding
        self.incomplete = False
        self.ends_in_table = False  # the copy ends inside the indicator table (see place_rows)
        self.total_at_end = False  # the copy ends in the 总分 row's figures (see confirm_total)
        self.total_at_end_vals: list[Decimal] = []
        self.read_rows: list[Row] = []  # the indicator rows read
        self.funds_cols: list[str] = []
        self.funds_total: dict[str, Decimal] = {}
        self.ind_keys: list[str] = []
        self.total_weight: Decimal | None = None
        self.total: Decimal | None = None
        self.funds_points: Decimal | None = None
        self.numbered = False  # rows carry template numbers 指标N: (see block_text)
        self.header_tokens: set[str] = set()  # the pieces of an interleaved header (see interleaved_header)

    # -- helpers -------------------------------------------------------------------
    def loc(self, i: int) -> Location:
        return Location(line=self.f.line(i))

    def row(self, cells: list[tuple[int, str, int]]) -> None:
        r = len(self.rows)
        self.rows.append([Cell(t, r, c, location=self.loc(i)) for c, t, i in cells])

    def warn(self, code: str, msg: str, i: int, fld: str | None = None) -> None:
        line = self.f.line(i)
        self.warnings.append(ReadWarning(code=code, message=f"第{line}行：{msg}", line=line, field=fld))

    def clean(self, a: int, b: int) -> str:
        return self.s[a:b].replace(SEP, " ").strip(" :：")

    def skip_sep(self, i: int) -> int:
        while i < self.end and self.s[i] in SEP + " :：":
            i += 1
        return i

    def match_word(self, i: int, words: tuple[str, ...]) -> str | None:
        """The longest of ``words`` at i (a separator may sit inside a word)."""
        best = None
        for w in words:
            j, k = i, 0
            while k < len(w) and j < self.end:
                if self.s[j] == SEP:
                    j += 1
                    continue
                if self.s[j] != w[k]:
                    break
                j += 1
                k += 1
            if k == len(w) and (best is None or len(w) > len(best[0])):
                best = (w, j)
        if best is None:
            return None
        self._matched_end = best[1]
        return best[0]

    def scrambled_word(self, i: int, words: tuple[str, ...]) -> str | None:
        """A header word of four or more characters printed with its characters out of
        order (a vertical cell read column by column: 考值参分 for 参考分值), or None."""
        for w in sorted(words, key=len, reverse=True):
            chunk = self.s[i:i + len(w)]
            if len(w) >= 4 and chunk != w and SEP not in chunk and sorted(chunk) == sorted(w):
                self._matched_end = i + len(w)
                return w
        return None

    def find(self, words: tuple[str, ...], a: int, b: int) -> tuple[int, str] | None:
        best: tuple[int, str] | None = None
        for w in words:
            k = self.s.find(w, a, b)
            if k >= 0 and (best is None or k < best[0] or (k == best[0] and len(w) > len(best[1]))):
                best = (k, w)
        return best

    def ind_head(self, i: int) -> tuple[int, str] | None:
        """Where the indicator header starts: 一级指标 or 二级指标 (a spaced copy may split 一级 | 指标)."""
        hit = self.find(("一级指标", "二级指标"), i, self.end)
        split = _LEVEL1_HEAD_RE.search(self.s, i, self.end) if self.f.spaced else None
        if split is not None and (hit is None or split.start() < hit[0]):
            return split.start(), split.group()
        return hit

    # -- the form ----------------------------------------------------------------------
    def build(self) -> Grid:
        i = self.title(self.start)
        goal_at = self.find(_GOAL_LABELS + ("预期目标", "年初设定目标"), i, self.end)
        ind_at = self.ind_head(i)
        head_end = min(x[0] for x in (goal_at, ind_at, (self.end, "")) if x is not None)
        i = self.head(i, head_end)
        i = self.funds(i, head_end)
        if i < head_end:
            self.leftover(i, head_end, "资金栏之后")
        i = head_end
        i = self.goal(i)
        i = self.indicators(i)
        self.bottom(i)
        return Grid(self.rows, file=self.file, format="text", name="", dense=True, encoding=self.encoding)

    def leftover(self, a: int, b: int, where: str) -> None:
        text = self.clean(a, b)
        text = _PLACEHOLDER_RE.sub("", text).strip(" :：")
        if text and not all(w in _SECTION_WORDS for w in [text]):
            self.warn("JX022", f"{where}的文字无法拆分成单元格，未读取：“{text[:60]}”", a)

    def title(self, i: int) -> int:
        name = self.find(_NAME_LABELS, i, self.end)
        p = name[0] if name else i
        window = self.s[max(i, p - 80):p]
        k = window.rfind("自评表")
        if k >= 0:
            a = max(i, p - 80) + k + 3
            m = re.match(r"[\s\x1f]*[(（][\s\x1f]*\d{4}[\s\x1f]*年度?[\s\x1f]*[)）]", self.s[a:p])
            end = a + (m.end() if m else 0)
            b = a - 3
            title_line = self.f.line(a - 3)
            while b > max(i, p - 80) and b > a - 30 and self.f.line(b - 1) == title_line:
                ch = self.s[b - 1]
                if ch in SEP + " :：、。,，;；." or (ch.isascii() and ch.isalpha()) or (ch == "日" and self.s[b - 2].isdigit()):
                    break
                b -= 1
            title = self.clean(b, end)
            if m is None:
                y = re.search(r"[(（]\s*(\d{4})\s*年度\s*[)）]?", self.s[a:p])
                if y:
                    title += f"（{y.group(1)}年度）"
            self.row([(0, title, b)])
        return p

    def head(self, i: int, stop: int) -> int:
        """项目名称 … 实施单位: every label's value runs to the next known label."""
        labels = tuple(lab for lab, _ in _HEAD_LABELS)
        stops = labels + _FUNDS_SECTION + _FUNDS_WORDS + _FUND_ROW_WORDS
        got: dict[str, tuple[str, int]] = {}
        k = i
        last_end = i
        funds_at = None
        while k < stop:
            w = self.match_word(k, labels)
            if w is None:
                if funds_at is None and self.match_word(k, _FUNDS_SECTION + _FUNDS_WORDS):
                    funds_at = k
                k += 1
                continue
            v0 = self.skip_sep(self._matched_end)
            v1 = v0
            while v1 < stop and not self.match_word(v1, stops):
                v1 += 1
            fld = dict(_HEAD_LABELS)[w]
            value = self.clean(v0, v1)
            if fld and fld not in got:
                got[fld] = (value, v0)
                if fld in ("项目类别", "项目属性", "项目类型"):
                    self.row([(0, fld, k), (1, value, v0)])
            k = v1
            last_end = max(last_end, v1)
        if "department" not in got and "department2" in got:
            got["department"] = got["department2"]
        if "implementing_unit/" in got:
            v, at = got["implementing_unit/"]
            got.setdefault("implementing_unit", (v.split("/")[0], at))
        for fld, label in (("project_name", "项目名称"), ("department", "主管部门"), ("implementing_unit", "实施单位")):
            if fld in got:
                v, at = got[fld]
                self.row([(0, label, at), (1, v, at)])
        return funds_at if funds_at is not None else last_end

    # -- funds ------------------------------------------------------------------------------
    def funds(self, i: int, stop: int) -> int:
        i = self.skip_sep(i)
        sec = self.match_word(i, _FUNDS_SECTION)
        label_at = i
        label = ""
        if sec:
            j = self._matched_end
            m = re.match(r"(?:" + SEP + r"?[（(][^()（）]{0,8}[)）])*", self.s[j:stop])
            label = self.clean(i, j + (m.end() if m else 0))
            i = j + (m.end() if m else 0)
        cols: list[tuple[str, int]] = []
        while True:
            i = self.skip_sep(i)
            w = self.match_word(i, _FUNDS_WORDS)
            if w is None:
                break
            j = self._matched_end
            m = _HEAD_NOTE_RE.match(self.s, j)
            if m:
                j = m.end()
            cols.append((self.clean(i, j), i))
            i = j
        keys = [funds_key(t) for t, _ in cols]
        if sum(1 for k in keys if k) < 3 or not any(k in ("executed", "adjusted_budget") for k in keys):
            if cols or sec:
                self.warn("JX022", "资金栏的表头无法按列读取，资金未读取：“" + self.clean(label_at, min(stop, label_at + 60)) + "”",
                          label_at, "funds")
            return label_at if not (cols or sec) else i
        data_cols = [(t, at, k) for (t, at), k in zip(cols, keys) if t != "资金来源"]
        if "weight" not in keys:
            # the weight printed in the header: 预算执行情况(万元)(20分), 得分(20分*执行率)
            m = re.search(r"[（(](\d+(?:\.\d+)?)分", label + "".join(t for t, _ in cols))
            self.funds_points = Decimal(m.group(1)) if m else None
        self.funds_cols = [k or "other" for _, _, k in data_cols]
        self.row([(0, label or "项目资金", label_at)] + [(c + 1, t, at) for c, (t, at, _) in enumerate(data_cols)])
        # rows: a label (text) then its values, until a label that is not a funds row
        while i < stop:
            i = self.skip_sep(i)
            lab_end = i
            while lab_end < stop and not (self.s[lab_end].isdigit() or self.s[lab_end] in "-/—"):
                if lab_end > i and self.match_word(lab_end, _FUND_ROW_OPEN) \
                        and not self.clean(i, lab_end).endswith(("其中", ":", "：")) and self.s[lab_end - 1] not in ":：":
                    break
                lab_end += 1
            lab = self.clean(i, lab_end)
            if not lab or not any(w in lab.replace(" ", "") for w in _FUND_ROW_WORDS):
                break
            v_end = lab_end
            while v_end < stop and (self.s[v_end].isdigit() or self.s[v_end] in ".%-/—万元" + SEP + ","):
                if self.s[v_end] == "元" and self.s[v_end - 1] != "万" and not self.s[v_end - 1].isdigit():
                    break
                v_end += 1
            self.fund_row(lab, i, lab_end, v_end)
            i = v_end
            # text that belongs to no column (得分计算方法 …) up to the next funds row label
            nxt = i
            while nxt < stop and not self.match_word(nxt, _FUND_ROW_WORDS):
                nxt += 1
            if nxt > i and nxt < stop:
                extra = self.clean(i, nxt)
                if extra and "other" not in self.funds_cols:
                    self.warn("JX022", f"资金行“{lab}”之后的文字无法对应到列，未读取：“{extra[:40]}”", i, "funds")
                i = nxt
            elif nxt >= stop:
                rest = self.clean(i, stop)
                if rest and "other" not in self.funds_cols:
                    self.warn("JX022", f"资金栏之后的文字无法对应到列，未读取：“{rest[:40]}”", i, "funds")
                i = stop
        return i

    def fund_row(self, label: str, at: int, v0: int, v1: int) -> None:
        total = not label.startswith("其中") and ("总额" in label or label.startswith("合计"))
        raw = self.s[v0:v1]
        money = ("initial_budget", "adjusted_budget", "executed")
        cols = [k for k in self.funds_cols if k != "other"]
        values: dict[str, str] | None
        if not raw.replace(SEP, "").strip():
            values = {}
        elif total or self.f.spaced:
            values = split_funds(raw, cols, self.f.spaced, weight=self.funds_points)
        else:
            amounts = [k for k in cols if k in money]
            cand = [amounts] + ([amounts + ["rate"]] if "%" in raw and "rate" in cols else [])
            values = None
            for c in cand:
                values = split_funds(raw, c, self.f.spaced, total=self.funds_total if not self.f.spaced else None)
                if values is not None:
                    break
        if values is None:
            self.warn("JX022", f"资金行“{label}”的数字“{raw.replace(SEP, ' ').strip()}”连在一起，无法按表头各列"
                      f"（{'、'.join(k for k in cols)}）唯一拆分，未读取", v0, "funds")
            values = {}
        rate = values.get("rate", "")
        if rate.endswith("%") and rate not in raw:
            self.warn("JX024", f"资金行“{label}”的执行率印作小数“{raw.replace(SEP, ' ')}”中的比值，按“{rate}”读取", v0,
                      "funds.rate")
        if total:
            self.funds_total = {k: Decimal(_num(v)) for k, v in values.items() if _num(v) is not None}
        cells = [(0, label, at)]
        for c, k in enumerate(self.funds_cols):
            if k in values:
                cells.append((c + 1, values[k], v0))
        self.row(cells)

    # -- goal ---------------------------------------------------------------------------------
    def goal(self, i: int) -> int:
        ind = self.ind_head(i)
        stop = ind[0] if ind else self.end
        sec = self.find(_SECTION_WORDS, i, stop)
        if sec and sec[0] >= i and self.clean(sec[0], stop).replace(" ", "") in _SECTION_WORDS:
            stop = sec[0]
        if sec and sec[1] == "绩效指标" and sec[0] > i:
            stop = min(stop, sec[0])
        k = self.skip_sep(i)
        label = self.match_word(k, _GOAL_LABELS)
        heads: list[tuple[str, int]] = []
        if label:
            k = self.skip_sep(self._matched_end)
        while True:
            w = self.match_word(k, _GOAL_HEAD)
            if w is None:
                break
            heads.append((w, k))
            k = self.skip_sep(self._matched_end)
        if not label and not heads:
            return i
        body = self.s[k:stop]
        parts = [p for p in body.split(SEP) if p.strip() and not re.fullmatch(r"[.。…\s]+", p)]
        exp_words = [h for h in heads if h[0] in ("预期目标", "年初设定目标")]
        act_words = [h for h in heads if "完成情况" in h[0]]
        text = "".join(parts) if not self.f.spaced else " ".join(parts)
        if not text:
            return stop
        exp, act = split_goal_text(parts, self.f.spaced)
        if exp_words and act_words:
            self.row([(0, label or "年度总体目标", i), (1, exp_words[0][0], exp_words[0][1]),
                      (2, act_words[0][0], act_words[0][1])])
            if act is None:
                self.row([(1, text, k)])
                self.warn("JX006", "总体目标的预期目标与实际完成情况连在一起，分界无法确定，全部计入预期目标", k, "goal")
            else:
                self.row([(1, exp, k), (2, act, k)])
        else:
            self.row([(0, "年度总体目标", i), (1, "预期目标", i), (2, "实际完成情况", i)])
            self.row([(1, text, k)])
            self.warn("JX006", "总体目标只有一栏文字，计入预期目标", k, "goal")
        return stop

    # -- indicators ------------------------------------------------------------------------------
    def indicators(self, i: int) -> int:
        hit = self.ind_head(i)
        if hit is None:
            self.warn("JX022", "没有找到指标表的表头（一级指标、二级指标 …），指标未读取", i, "indicators")
            self.incomplete = True
            return self.end
        if hit[0] > i:
            self.leftover(i, hit[0], "总体目标之后")
        k = hit[0]
        cols: list[tuple[str, int]] = []
        while True:
            k = self.skip_sep(k)
            w = self.match_word(k, _IND_WORDS)
            if w is None:
                w = self.scrambled_word(k, _IND_WORDS + ("参考分值",))
                if w is None:
                    break
                self.warn("JX013", f"表头“{self.s[k:self._matched_end]}”的字序错乱（竖排单元格按列识别），"
                          f"按“{w}”读取", k, "indicators")
                cols.append((w, k))
                k = self._matched_end
                continue
            j = self._matched_end
            m = _HEAD_NOTE_RE.match(self.s, j)
            if m and m.group(0) not in ("1",):
                j = m.end()
            cols.append((self.clean(k, j), k))
            k = j
        keys = [indicator_key(t) or ("other" if t.startswith("得分计算") else None) for t, _ in cols]
        value_keys = [x for x in keys if x not in ("level1", "level2", "name")]
        if ("name" not in keys or not any(x in value_keys for x in ("target", "value", "actual"))) and self.f.spaced:
            got = self.interleaved_header(i)
            if got is not None:
                k, cols = got
                keys = [indicator_key(t) for t, _ in cols]
                value_keys = [x for x in keys if x not in ("level1", "level2", "name")]
        if "name" not in keys or not any(x in value_keys for x in ("target", "value", "actual")):
            self.warn("JX022", "指标表的表头不完整，指标未读取：“" + self.clean(hit[0], min(self.end, hit[0] + 60)) + "”",
                      hit[0], "indicators")
            self.incomplete = True
            return self.end
        # the layout's header row, as printed
        self.row([(c, t, at) for c, ((t, at), key) in enumerate(zip(cols, keys)) if key != "other"])
        self.col_of = {key: c for c, key in enumerate(keys) if key}
        grammar_keys = []
        for x in value_keys:
            if x in ("sign", "unit"):
                continue
            grammar_keys.append("target" if x == "value" else x or "other")
        self.ind_keys = grammar_keys
        total = self.find(_TOTAL_WORDS, k, self.end)
        after = self.find(("备注", "注:", "注：", "说明"), k, self.end)
        body_end = total[0] if total else (after[0] if after else self.end)
        # no 总分 row and no note after the table: the copy ends inside the table
        self.ends_in_table = total is None and after is None and self.end >= len(self.s.rstrip(SEP + " "))
        total_cells = self.total_row(total)
        self.body(k, body_end)
        if total_cells and self.total_at_end:
            total_cells = self.confirm_total(total_cells)
        if total_cells:
            self.row(total_cells)
        return body_end

    def interleaved_header(self, i: int) -> tuple[int, list[tuple[str, int]]] | None:
        """A header whose wrapped cells came out line by line and between the rows
        (an xlsx dump: ``一级 指标 … 年度 实际 指标值 完成值 … 二级指标 三级指标 … 分值 得分``):
        (where the body starts, the columns). A word split in two (一级 | 指标) or two
        wrapped cells interleaved (年度 实际 | 指标值 完成值 = 年度指标值, 实际完成值) are
        rejoined; the level columns come first, the value columns in the order printed.
        The order is inferred: noted once (JX016)."""
        # the header may start before the goal (its words interleaved with the goal's too)
        m = _LEVEL1_HEAD_RE.search(self.s, self.start, self.end)
        if m is None:
            return None
        toks = [(x.start(), x.group()) for x in re.finditer("[^" + SEP + "]+", self.s[:self.end])
                if m.start() <= x.start() < m.start() + 800]
        found: dict[str, tuple[str, int]] = {}
        self.header_tokens = set()
        interleaved = False
        x = 0
        while x < len(toks):
            (p, t), nxt = toks[x], toks[x + 1:x + 4]
            if len(nxt) == 3:
                a, b = t + nxt[1][1], nxt[0][1] + nxt[2][1]
                ka, kb = indicator_key(a), indicator_key(b)
                if ka and kb and ka != kb and not indicator_key(t):
                    found.setdefault(ka, (a, p))
                    found.setdefault(kb, (b, nxt[0][0]))
                    self.header_tokens.update([t] + [x[1] for x in nxt])
                    interleaved = True
                    x += 4
                    continue
            if nxt and not indicator_key(t) and indicator_key(t + nxt[0][1]):
                found.setdefault(indicator_key(t + nxt[0][1]) or "", (t + nxt[0][1], p))
                self.header_tokens.update([t, nxt[0][1]])
                x += 2
                continue
            if indicator_key(t):
                found.setdefault(indicator_key(t) or "", (t, p))
                self.header_tokens.add(t)
            x += 1
        if not interleaved or "name" not in found or not ({"target", "value"} & set(found)) or "actual" not in found:
            return None
        levels = [k for k in ("level1", "level2", "name") if k in found]
        values = sorted((k for k in found if k not in levels), key=lambda k: found[k][1])
        cols = [found[k] for k in levels + values]
        self.warn("JX016", "指标表的表头各词交错（换行的表头单元格逐行输出），列序按表头词出现的先后推断：" + "、".join(
            t for t, _ in cols), m.start(), "indicators")
        if m.start() > i:
            self.leftover(i, m.start(), "总体目标之后")
        return max(m.end(), i), cols

    def total_row(self, total: tuple[int, str] | None) -> list[tuple[int, str, int]]:
        """The 总分 row's cells (emitted after the body); its figures feed the sums."""
        if total is None:
            return []
        a = total[0] + len(total[1])
        a = self.skip_sep(a)
        b = a
        while b < self.end and (self.s[b].isdigit() or self.s[b] in "." + SEP + "分"):
            b += 1
        raw = self.s[a:b].replace("分", "")
        want = ["weight", "score"] if "weight" in self.ind_keys else ["score"]
        # the copy ends in the figures: the last may be cut short (109.56 → 1); they are
        # read only if the rows confirm them (see confirm_total), and confirm nothing before
        self.total_at_end = bool(raw.strip(SEP)) and b >= len(self.s.rstrip(SEP + " "))
        nums = [t for t in raw.split(SEP) if t] if self.f.spaced else None
        vals: list[str] | None = None
        if nums is not None and len(nums) in (len(want), 1):
            vals = nums
        elif raw:
            cands = []
            for parts in _splits(raw.replace(SEP, ""), len(want)):
                ds = [Decimal(p) for p in parts]
                if all(0 < d <= 100 for d in ds[:1]) and (len(ds) == 1 or ds[1] <= ds[0]):
                    cands.append(parts)
            if len(cands) == 1:
                vals = cands[0]
            else:
                self.warn("JX022", f"总分行的数字“{raw}”连在一起，无法唯一拆分为{'分值与得分' if len(want) == 2 else '得分'}，未读取",
                          a, "total")
        cells = [(0, total[1], total[0])]
        if vals:
            for c, v in enumerate(vals):
                cells.append((c + 1, v, a))
            if self.total_at_end:
                self.total_at_end_vals = [Decimal(v) for v in vals]
            elif len(want) == 2 and len(vals) == 2:
                self.total_weight, self.total = Decimal(vals[0]), Decimal(vals[1])
            elif len(want) == 1:
                self.total = Decimal(vals[0])
        self._after_total = b
        return cells

    def confirm_total(self, cells: list[tuple[int, str, int]]) -> list[tuple[int, str, int]]:
        """The figures of a 总分 row the copy ends in, kept only when the rows
        confirm them: each equals its sum (score: the funds score plus the rows'
        scores; weight: the funds weight plus the rows' weights) when every row was
        read; otherwise it is printed as the rows print theirs (the same decimals:
        a cut figure loses them, 99.97 → 99.9) and is not below what was read."""
        vals = self.total_at_end_vals
        want = ["weight", "score"] if "weight" in self.ind_keys else ["score"]
        ok = bool(vals) and len(vals) == len(want) and bool(self.read_rows)
        for k, key in enumerate(want):
            if not ok:
                break
            funds = self.funds_total.get(key)
            nums = [r.number(key) for r in self.read_rows]
            texts = [_ocr_number(r.get(key)) for r in self.read_rows if r.get(key)]
            if funds is None or None in nums:
                ok = False
                break
            got = funds + sum(nums)  # type: ignore[arg-type]
            if self.incomplete:
                ok = vals[k] >= got and _decimals(str(vals[k])) in {_decimals(t) for t in texts}
            else:
                ok = vals[k] == got
        if ok:
            if len(want) == 2:
                self.total_weight, self.total = vals
            else:
                self.total = vals[0]
            return cells
        raw = " ".join(t for _, t, _ in cells[1:])
        self.warn("JX022", f"文本在总分行的数字{('“' + raw + '”') if raw else ''}处结束，数字可能不完整，"
                  "且与各行的合计无法核对，未读取", cells[0][2], "total")
        self.incomplete = True
        return cells[:1]

    def body(self, a: int, b: int) -> None:
        """Cut the body at level labels into blocks, parse each, confirm by the sums."""
        text = self.s[a:b]
        self.numbered = len(_ROW_NUMBER_RE.findall(text)) >= 3
        labels = _find_labels(text, template=len(re.findall(r"指标\d", text)) >= 2)
        blocks: list[_Block] = []
        cur1 = ""
        implicit = False
        pos = 0
        pending1 = ""
        for k, (st, en, kind, name, printed) in enumerate(labels):
            if st > pos:
                self.block_text(blocks, cur1, pending1, "", text[pos:st], a + pos, unlabelled=True)
            if kind == "level1":
                nxt = labels[k + 1] if k + 1 < len(labels) else None
                is_l2 = (name == "成本指标" and cur1 == "产出指标" and not (nxt and nxt[0] == en and nxt[2] == "level2"
                                                                        and nxt[3] in LEVEL2_BY_LEVEL1["成本指标"]))
                if is_l2 or (name == cur1 and not printed.endswith("分)")):
                    kind = "level2"
            if kind == "level1":
                cur1, pending1 = name, printed
                implicit = False
                pos = en
                continue
            if not cur1 or implicit:
                # no level-1 printed (or an OCR'd one such as 顼目产出): the level-2's own, so that
                # 成本指标 after 时效指标 stays a level-2 of 产出指标 (none is emitted: the grid reader
                # takes the framework's level-1 of the level-2 itself)
                cur1 = next((l1 for l1, l2s in LEVEL2_BY_LEVEL1.items() if name in l2s), cur1)
                implicit = True
            nxt_st = labels[k + 1][0] if k + 1 < len(labels) else len(text)
            self.block_text(blocks, cur1, pending1, name, text[en:nxt_st], a + en)
            pending1 = ""
            pos = nxt_st
        if pos < len(text):
            self.block_text(blocks, cur1, pending1, "", text[pos:], a + pos, unlabelled=True)
        self.place_rows(blocks)

    def block_text(self, blocks: list[_Block], l1: str, l1_printed: str, l2: str, text: str, at: int,
                   unlabelled: bool = False) -> None:
        if self.f.spaced and self.numbered:
            # template-numbered rows with spaces between cells (指标6:… 12次 96次 1 1): each
            # number opens a row, read on its own; a row that does not fit is left alone
            cuts = [m.start() for m in _ROW_NUMBER_RE.finditer(text)]
            if len(cuts) > 1 or (cuts and cuts[0] > 0):
                bounds = ([0] if cuts[0] > 0 else []) + cuts + [len(text)]
                for n, (p, q) in enumerate(zip(bounds, bounds[1:])):
                    self.block_text(blocks, l1, l1_printed if n == 0 else "", l2 if n == 0 else "", text[p:q], at + p,
                                    unlabelled=unlabelled or n > 0)
                return
        self._block_text(blocks, l1, l1_printed, l2, text, at, unlabelled)

    def _block_text(self, blocks: list[_Block], l1: str, l1_printed: str, l2: str, text: str, at: int,
                    unlabelled: bool = False) -> None:
        t = _PLACEHOLDER_RE.sub("", text)
        if self.f.spaced:
            t = re.sub(SEP + "+", SEP, t).strip(SEP)
        if not t.replace(SEP, "").strip():
            if l2:
                blocks.append(_Block(l1_printed, l1, l2, "", at))
            return
        if unlabelled and not blocks and not l1 and not (self.f.spaced and self.numbered
                                                         and _ROW_NUMBER_RE.match(text.lstrip(SEP))):
            # before the first label: a scrambled vertical heading, or text of no row (a
            # numbered row there is read, its levels unknown: JX008); the words of an
            # interleaved header are no loss
            if self.f.spaced and all(x in self.header_tokens for x in t.split(SEP) if x.strip()):
                return
            self.warn("JX022", f"指标表中无法归属的文字，未读取：“{t.replace(SEP, ' ')[:40]}”", at, "indicators")
            return
        blocks.append(_Block(l1_printed, l1, l2, t, at))

    def place_rows(self, blocks: list[_Block]) -> None:
        # the block the copy ends in (no label after it)
        last_text = len(blocks) - 1 if blocks and blocks[-1].text else None
        cut_block = last_text if self.ends_in_table else None
        g = RowGrammar(self.ind_keys, self.f.spaced)
        for bi, bl in enumerate(blocks):
            if bl.text:
                bl.parses = g.parses(bl.text, cut=bi == cut_block)
        chosen = self.confirm(blocks)
        words = self.deviation_column_words(chosen)
        if words:
            g = RowGrammar(self.ind_keys, self.f.spaced, blank_actual_before=words)
            for bi, bl in enumerate(blocks):
                if bl.text:
                    bl.parses = g.parses(bl.text, cut=bi == cut_block)
            chosen = self.confirm(blocks)
        for bi, bl in enumerate(blocks):
            first = True
            label_cells = []
            if bl.level1:
                label_cells.append((self.col_of.get("level1", -1), bl.level1))
            if bl.level2:
                label_cells.append((self.col_of.get("level2", -1), bl.level2))
            label_cells = [(c, t) for c, t in label_cells if c >= 0]
            parse = chosen.get(bi)
            if not bl.text:
                if label_cells:
                    self.row([(c, t, bl.start) for c, t in label_cells])
                continue
            if parse is None:
                why = "没有任何读法符合表头各列" if not bl.parses else f"有{len(bl.parses)}种读法，分值合计也无法确定是哪一种"
                self.warn("JX022", f"“{bl.level2 or bl.level1_name or '指标'}”下的文字连在一起，{why}，"
                          f"未读取：“{bl.text.replace(SEP, ' ')[:80]}”", bl.start, "indicators")
                self.incomplete = True
                if label_cells:
                    self.row([(c, t, bl.start) for c, t in label_cells])
                continue
            rows = parse.rows
            if bi == last_text and self.ends_in_table and not parse.tail.strip() and rows:
                # the copy ends in this row: its last value may be cut short (20.00 → 2), so
                # the row is not read
                cut = rows[-1]
                self.warn("JX022", f"文本在指标“{cut.name}”一行中途结束（复制不完整），这一行未读取："
                          f"“{bl.text[cut.start:].replace(SEP, ' ')[:80]}”", bl.start + cut.start, "indicators")
                self.incomplete = True
                rows = rows[:-1]
            self.read_rows.extend(rows)
            for row in rows:
                cells = list(label_cells) if first else []
                first = False
                cells.append((self.col_of["name"], row.name))
                for key, t in row.cells:
                    if key in ("weight", "score") and t != _ocr_number(t):
                        self.warn("JX013", f"指标“{row.name}”的{'分值' if key == 'weight' else '得分'}“{t}”中的字母按识别错误"
                                  f"修正为“{_ocr_number(t)}”", bl.start + row.start, "indicators")
                        t = _ocr_number(t)
                    if key == "target" and "value" in self.col_of and ("sign" in self.col_of or "unit" in self.col_of):
                        sign, num, unit = _split_quantity(t)
                        for k2, v in (("sign", sign), ("value", num), ("unit", unit)):
                            if k2 in self.col_of and v:
                                cells.append((self.col_of[k2], v))
                        continue
                    col = self.col_of.get(key, self.col_of.get("value") if key == "target" else None)
                    if col is not None:
                        cells.append((col, t))
                self.row([(c, t, bl.start + row.start) for c, t in sorted(cells)])
                if "actual" in self.ind_keys and not row.get("actual"):
                    self.warn("JX016", f"指标“{row.name}”只有一个值和“{row.get('deviation')}”：该词在本表其他行位于"
                              f"“未完成原因”一栏，故实际完成值按空读取、“{row.get('target')}”按年度指标值读取，可能错位",
                              bl.start + row.start, "indicators")
            if parse.tail:
                if "deviation" in self.col_of and parse.rows and re.search(r"[,，;；。]", parse.tail):
                    # text after the last row with clause punctuation: its deviation note
                    self.rows[-1].append(Cell(parse.tail, len(self.rows) - 1, self.col_of["deviation"],
                                              location=self.loc(bl.start)))
                else:
                    self.warn("JX022", f"“{bl.level2 or bl.level1_name}”下最后一行之后的文字无法拆分，未读取："
                              f"“{parse.tail[:60]}”", bl.start, "indicators")
                    self.incomplete = True

    def deviation_column_words(self, chosen: dict[int, Parse]) -> tuple[str, ...]:
        """Achievement words (达成预期指标 …) that rows of this form print in the
        deviation column, after both a target and an actual. The header's last two
        columns must be 实际完成值 and 未完成原因 (no points after them). A copy
        that dropped empty cells then leaves rows of just a target and that word:
        the word keeps its column, the actual is read as empty (JX016)."""
        keys = self.ind_keys
        if self.f.spaced or keys[-2:] != ["actual", "deviation"]:
            return ()
        words = {r.get("deviation") for p in chosen.values() for r in p.rows
                 if r.get("actual") and r.get("target") and r.get("deviation") in _ACHIEVED_COLUMN_WORDS}
        return tuple(sorted(words, key=len, reverse=True))

    def confirm(self, blocks: list[_Block]) -> dict[int, Parse]:
        """The parse of each block: the only one, or the only one the sums allow."""
        idx = [k for k, b in enumerate(blocks) if b.parses]
        out: dict[int, Parse] = {k: blocks[k].parses[0] for k in idx if len(blocks[k].parses) == 1}
        ambiguous = [k for k in idx if len(blocks[k].parses) > 1]
        if not ambiguous:
            return out
        # constraints
        fw = self.funds_total.get("weight")
        fs = self.funds_total.get("score")
        has_w = "weight" in self.ind_keys
        want_w = self.total_weight - fw if (has_w and self.total_weight is not None and fw is not None) else None
        want_s = self.total - fs if (self.total is not None and fs is not None) else None
        block_pts: dict[str, Decimal] = {}
        for b in blocks:
            m = _POINTS_RE.search(b.level1) if b.level1 else None
            if m:
                block_pts[b.level1_name] = Decimal(m.group(0)[1:-2])
        complete = all(b.parses or not b.text for b in blocks)
        if block_pts and want_w is not None and sum(block_pts.values()) != want_w:
            # the headings and 总分 disagree: the form's own sums are broken, the total confirms nothing
            want_w = want_s = None
        sizes = 1
        for k in idx:
            sizes *= len(blocks[k].parses)
        if sizes > 20000:
            return out
        constraints = []
        for l1, pts in block_pts.items():
            ks = [k for k in idx if blocks[k].level1_name == l1]
            if has_w and complete and ks:
                constraints.append(("weight", ks, pts))
        if complete and want_w is not None:
            constraints.append(("weight", idx, want_w))
        if complete and want_s is not None:
            constraints.append(("score", idx, want_s))
        if not constraints:
            return out
        combos = list(itertools.product(*(range(len(blocks[k].parses)) for k in idx)))

        def holds(con: tuple, combo: tuple) -> bool:
            key, ks, want = con
            pick = dict(zip(idx, combo))
            return sum((r.number(key) or 0 for k in ks for r in blocks[k].parses[pick[k]].rows), Decimal(0)) == want

        # a sum the form itself breaks (weights 70+20+10 with 总分 100 and a funds weight of 10)
        # confirms nothing: only the sums some reading satisfies are used
        usable = [con for con in constraints if any(holds(con, c) for c in combos)]
        survivors: dict[int, set[int]] = {k: set() for k in ambiguous}
        for combo in combos:
            if not usable or not all(holds(con, combo) for con in usable):
                continue
            for k, c in zip(idx, combo):
                if k in survivors:
                    survivors[k].add(c)
        for k, cs in survivors.items():
            if len(cs) == 1:
                out[k] = blocks[k].parses[next(iter(cs))]
        return out

    # -- after the table ----------------------------------------------------------------------------
    def bottom(self, i: int) -> None:
        a = getattr(self, "_after_total", None)
        if a is None:
            return
        k = a
        while k < self.end:
            k = self.skip_sep(k)
            w = self.match_word(k, _BOTTOM_WORDS)
            if w is None or w in ("备注", "说明", "注:"):
                break
            v0 = self.skip_sep(self._matched_end)
            v1 = v0
            while v1 < self.end and not self.match_word(v1, _BOTTOM_WORDS):
                v1 += 1
            if w in ("偏差大或目标未完成原因分析", "改进措施及结果应用方案"):
                self.row([(0, w, k), (1, self.clean(v0, v1), v0)])
            k = v1


# --- helpers --------------------------------------------------------------------------------


def _num(t: str) -> str | None:
    t = t.strip().replace(",", "").rstrip("%").removesuffix("万元").removesuffix("万").removesuffix("元")
    return t if re.fullmatch(r"\d+(?:\.\d+)?", t) else None


def _splits(s: str, n: int) -> Iterator[list[str]]:
    """Every way to cut s into n numbers (no leading zeros)."""
    if n == 0:
        if not s:
            yield []
        return
    for j in _num_ends(s, 0):
        for rest in _splits(s[j:], n - 1):
            yield [s[:j]] + rest


def _decimals(t: str) -> int:
    return len(t.split(".")[1]) if "." in t else 0


def split_funds(raw: str, cols: list[str], spaced: bool, total: dict[str, Decimal] | None = None,
                weight: Decimal | None = None) -> dict[str, str] | None:
    """The values of a funds row, column by column, or None when the digits
    cannot be split in exactly one way that the arithmetic confirms.

    ``raw``: the value run as printed (``202010100.00%10``, ``10万10万100%20``).
    Rate = executed / budget (the adjusted budget, else the one budget column);
    score = weight × rate, capped at the weight. A 其中 row compared against the
    ``total`` row must equal it."""
    if spaced:
        toks = [t for t in raw.split(SEP) if t.strip()]
        if len(toks) > len(cols) or not all(_num(t) is not None or t in ("-", "/", "—") for t in toks):
            return None
        return {k: t for k, t in zip(cols, toks)}
    s = raw.replace(SEP, "").replace(",", "")
    # units and % cut the run into pieces; pieces are then split into numbers
    pieces = re.findall(r"\d[\d.]*(?:%|万元|万|元)?|[-/—]", s)
    if "".join(pieces) != s:
        return None
    cands: list[dict[str, str]] = []

    def assign(pi: int, ci: int, acc: list[str]) -> None:
        if len(cands) > 50:
            return
        if pi == len(pieces):
            if ci == len(cols):
                cands.append(dict(zip(cols, acc)))
            return
        p = pieces[pi]
        suffix = re.search(r"(%|万元|万|元)$", p)
        digits = p[:suffix.start()] if suffix else p
        if p in ("-", "/", "—"):
            if ci < len(cols):
                assign(pi + 1, ci + 1, acc + [p])
            return
        for n in range(1, len(cols) - ci + 1):
            for parts in _splits(digits, n):
                if any(parts[k].startswith("0") and parts[k - 1] != "0" for k in range(1, len(parts))):
                    continue  # "10|0%": a cut leaving a number that starts with 0 (only "0|0" is two zeros)
                if suffix:
                    parts = parts[:-1] + [parts[-1] + suffix.group(1)]
                    kinds = cols[ci:ci + n]
                    if suffix.group(1) == "%" and kinds[-1] != "rate":
                        continue
                    if suffix.group(1) != "%" and kinds[-1] not in ("initial_budget", "adjusted_budget", "executed"):
                        continue
                assign(pi + 1, ci + n, acc + parts)

    assign(0, 0, [])
    good = [c for c in cands if _funds_ok(c, total, weight)]
    if len(good) != 1:
        return None
    return good[0]  # a rate printed as a fraction (1) was rewritten as 100% by _funds_ok


def _funds_ok(c: dict[str, str], total: dict[str, Decimal] | None, weight: Decimal | None = None) -> bool:
    v = {k: Decimal(n) for k, t in c.items() if (n := _num(t)) is not None}
    if weight is not None and "weight" not in v:
        v["weight"] = weight
    for k in ("initial_budget", "adjusted_budget", "executed"):
        if k in c and c[k] not in ("-", "/", "—") and _decimals(_num(c[k]) or "") > 4:
            return False
    w = v.get("weight")
    if w is not None and not (0 < w <= 100):
        return False
    ini, adj = v.get("initial_budget"), v.get("adjusted_budget")
    if ini and adj and not (Decimal("0.01") <= adj / ini <= 100):
        return False  # a budget adjusted a hundredfold is a digit run cut in the wrong place
    budget = v.get("adjusted_budget", v.get("initial_budget"))
    ex = v.get("executed")
    rate_t = c.get("rate")
    if rate_t is not None and rate_t not in ("-", "/", "—"):
        r = v.get("rate")
        if r is None or budget is None or ex is None:
            return False
        if budget == 0:
            if ex != 0:
                return False
        else:
            got = ex / budget * 100
            tol = Decimal(1).scaleb(-_decimals(_num(rate_t) or ""))
            if abs(got - r) >= tol:
                if rate_t.endswith("%") or abs(got / 100 - r) >= tol:
                    return False
                c["rate"] = f"{(r * 100).normalize():f}%"  # printed as a fraction
                r = r * 100
        sc = v.get("score")
        w = v.get("weight")
        if sc is not None and w is not None:
            want = min(w, w * r / 100)
            if abs(want - sc) >= max(Decimal(1).scaleb(-_decimals(_num(c["score"]) or "")), Decimal("0.01")):
                return False
    elif "score" in c and w is not None and v.get("score") is not None and v["score"] > w:
        return False
    if total:
        for k in ("initial_budget", "adjusted_budget", "executed"):
            if k in v and k in total and v[k] != total[k]:
                return False
    return True


def split_goal_text(parts: list[str], spaced: bool) -> tuple[str, str | None]:
    """(expected, actual) or (all, None) when the boundary is not certain: the
    actual text opens with a report phrase right after a sentence end, at one
    place only; a spaced copy with exactly two pieces is split there."""
    if spaced and len(parts) == 2:
        return parts[0].strip(), parts[1].strip()
    text = "".join(parts) if not spaced else " ".join(parts)
    openers = ("本项目共完成", "本项目已", "项目已", "已完成", "实际完成", "截至", "全年共", "全年完成")
    cuts = []
    for m in re.finditer(r"[。;；]\s*", text):
        rest = text[m.end():]
        if rest and rest.startswith(openers):
            cuts.append(m.end())
    if len(cuts) == 1:
        return text[:cuts[0]].strip(), text[cuts[0]:].strip()
    return text, None


def _is_quantity(t: str) -> bool:
    return bool(t) and bool(quantity_ends(t, 0)) and len(t) in quantity_ends(t, 0)


def _split_quantity(t: str) -> tuple[str, str, str]:
    m = re.match(r"^([≥≤=<>≧≦═﹦＝＞＜][=＝]?|" + "|".join(_SIGN_WORDS) + r")?(\d+(?:\.\d+)?)(.*)$", t)
    if not m:
        return "", t, ""
    return m.group(1) or "", m.group(2), m.group(3)


_LABEL_WORDS: list[tuple[str, str, str]] = sorted(
    [(n, "level1", n) for n in LEVEL1_NAMES]
    + [(n, "level2", n) for n in LEVEL2_NAMES]
    # short forms long enough not to occur inside names
    + [(n[:-2], "level2", n) for n in LEVEL2_NAMES if len(n) >= 6 and n != "服务对象满意度指标"]
    + [("服务对象满意度", "level2", "服务对象满意度指标")]
    # 产出数量 / 产出质量 / 产出时效 / 产出成本 (Wuhan 区级 forms): 产出 + the level-2's short form
    + [("产出" + n[:-2], "level2", n) for n in LEVEL2_BY_LEVEL1["产出指标"]],
    key=lambda x: -len(x[0]))


def _find_labels(text: str, template: bool = False) -> list[tuple[int, int, str, str, str]]:
    """(start, end, level1/level2, framework name, as printed) of the level labels
    in a block of run-together text (a separator may sit inside a label)."""
    squashed = []
    pos = []
    for k, ch in enumerate(text):
        if ch != SEP:
            squashed.append(ch)
            pos.append(k)
    sq = "".join(squashed)
    out = []
    k = 0
    while k < len(sq):
        hit = next(((w, kind, name) for w, kind, name in _LABEL_WORDS if sq.startswith(w, k)), None)
        if hit is None:
            k += 1
            continue
        w, kind, name = hit
        if template and w.endswith("指标") and sq[k + len(w):k + len(w) + 1].isdigit() and len(w) > 4:
            # 生态效益 + 指标1…: the template numbering of the next name, not the label's 指标
            short = next(((w2, kd, nm) for w2, kd, nm in _LABEL_WORDS if w2 == w[:-2]), None)
            if short is not None:
                w, kind, name = short
        e = k + len(w)
        if kind == "level2" and w != name and sq.startswith("指标", e) and not (template and sq[e + 2:e + 3].isdigit()):
            e += 2
        m = re.match(r"[（(]\d+(?:\.\d+)?分[)）]", sq[e:])
        if m:
            e += m.end()
        start = pos[k]
        end = pos[e - 1] + 1
        out.append((start, end, kind, name, sq[k:e]))
        k = e
    return out


# --- forms ---------------------------------------------------------------------------------------


def _form_starts(flat: Flat) -> list[int]:
    s = flat.s
    out = []
    for m in re.finditer("|".join(_NAME_LABELS), s):
        # a second 项目名称 inside the same form's head (a doc-site title) does not start a form
        if out and "绩效指标" not in s[out[-1]:m.start()] and "一级指标" not in s[out[-1]:m.start()]:
            continue
        out.append(m.start())
    if not out:
        return []
    # each form starts at its title (after the previous form)
    starts = []
    prev = 0
    for p in out:
        window = s[max(prev, p - 80):p]
        k = window.rfind("自评表")
        starts.append(max(prev, p - 80) if k >= 0 else p)
        prev = p
    starts[0] = 0 if starts[0] == 0 else starts[0]
    return starts


_DIGIT_RE = re.compile(r"[0-9\uff10-\uff19]")
_EMPTY_BRACKETS_RE = re.compile(r"[（(]\s*[)）]")
_PAGE_COUNTER_RE = re.compile(r"\d+\s*/\s*\d+|第\s*\d+\s*页")


def _digits_lost(s: str, a: int, b: int, line: int) -> ReadWarning | None:
    """JX025 when a form's text holds no digit at all but brackets left empty
    (预算数(), (分)): the copy dropped every digit and Latin letter (a web page
    whose numbers were in another font or an image), so no amount, target or
    score can be read; saying why beats a bare "no rows read"."""
    span = _PAGE_COUNTER_RE.sub("", s[a:b])  # a site's page counter (1/1, 第2页) is not the form's
    if _DIGIT_RE.search(span) is not None:
        return None
    empty = _EMPTY_BRACKETS_RE.findall(span)
    if not empty:
        return None
    return ReadWarning(code="JX025", line=line, message=(
        f"第{line}行起：这张表的复制文本中没有任何数字，且有 {len(empty)} 处空括号（如“预算数()”），"
        "数字和字母在复制时丢失；金额、指标值和分数无法读取，请取得原件（PDF 或 Excel）"))


def text_to_forms(text: str, *, file: str = "", encoding: str | None = None) -> list[Form]:
    flat = flatten(text)
    starts = _form_starts(flat)
    forms: list[Form] = []
    bounds = starts + [len(flat.s)]
    for a, b in zip(bounds, bounds[1:]):
        bld = _Builder(flat, a, b, file, encoding)
        grid = bld.build()
        for fr in grid_to_forms(grid):
            f = fr.form
            note = ReadWarning(code="JX023", line=flat.line(a), message=(
                f"第{flat.line(a)}行起：单元格连在一起（{'以空格分隔' if flat.spaced else '没有分隔符'}），"
                "各单元格的边界按表头各列、数值格式和合计推断"))
            first, last = flat.line(a), flat.line(b - 1)
            repairs = [ReadWarning(code=code, message=msg, line=no) for no, code, msg in flat.notes
                       if first <= no <= last or (not forms and no < first)]
            f.warnings[:0] = [note] + repairs + bld.warnings
            lost = _digits_lost(flat.s, a, b, flat.line(a))
            if lost is not None:
                f.warnings.append(lost)
                f.complete = False
            if bld.incomplete:
                f.complete = False
            f.source.index = len(forms)
            f.source.line, f.source.end_line = flat.line(a), flat.line(b - 1)
            forms.append(f)
    return forms


def read_runtogether(path: str | Path) -> Iterator[Form]:
    """Read the forms of a text whose cells run together."""
    p = Path(path)
    data = p.read_bytes()
    encoding = detect_encoding(p, data[:SAMPLE_BYTES])
    text = data.decode(encoding, errors="replace")
    forms = text_to_forms(text, file=str(p), encoding=encoding)
    if not forms:
        raise NoFormFoundError(p, "单元格连在一起的文本中没有读到项目支出绩效自评表（缺少“项目名称”和指标表）")
    yield from forms
