"""Normalisation of cell text, every repair recorded.

Copies of published forms come damaged in a few recurring ways; each function
here turns one kind of damage into clean text and says what it changed, so the
caller can record a warning at the cell's location (nothing is repaired
silently):

* conversion mojibake of web copies that ran simplified → traditional through
  a tool that annotates readings: ``預(yù)覽`` → ``預覽`` (the pinyin is dropped),
  then traditional → simplified with a small table kept as data
  (``data/t2s.txt``, the vocabulary of the forms);
* full-width digits and, in numeric cells, full-width punctuation;
* look-alike comparison signs (``≧ ═ ﹦ ＞＝ >=``), reusing the model's table;
* amounts with a unit inside the cell (``4753.66万元``) or thousands separators;
* OCR confusions in target cells, repaired only when the row confirms them.

The standard print of an amount (``2,060.00``) is parsed, not "repaired": it
is how the official form prints money, so it is not recorded as damage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources

from ..model.values import _COMPARATORS, normalize_comparison, parse_number


@dataclass(frozen=True, slots=True)
class Repair:
    """One change made to a cell: the reading-warning code and a Chinese note."""

    code: str
    message: str


# --- traditional characters and their mojibake -------------------------------

_PINYIN_PAIR_RE = re.compile(r"(?<=[\u4e00-\u9fff])\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6})\)")


@lru_cache(maxsize=1)
def t2s_table() -> dict[int, str]:
    """The traditional → simplified table (``data/t2s.txt``) as a translate map."""
    text = (resources.files("jixiao.ingest") / "data" / "t2s.txt").read_text(encoding="utf-8")
    table: dict[int, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if len(line) == 2 and not line.startswith("#"):
            table[ord(line[0])] = line[1]
    return table


def strip_pinyin_pairs(text: str) -> tuple[str, list[Repair]]:
    """``預(yù)覽`` → ``預覽``: drop the reading a conversion tool put after a character."""
    if "(" not in text:
        return text, []
    found = _PINYIN_PAIR_RE.findall(text)
    if not found:
        return text, []
    out = _PINYIN_PAIR_RE.sub("", text)
    return out, [Repair("JX012", f"删除了转换工具加注的拼音（{len(found)}处，如“({found[0]})”）")]


def count_traditional(text: str) -> int:
    table = t2s_table()
    return sum(1 for ch in text if ord(ch) in table)


def to_simplified(text: str) -> tuple[str, list[Repair]]:
    """Map traditional characters of the table to simplified ones."""
    table = t2s_table()
    out = text.translate(table)
    if out == text:
        return text, []
    changed = "".join(dict.fromkeys(a for a, b in zip(text, out) if a != b))
    return out, [Repair("JX012", f"繁体字已转为简体：“{text}”→“{out}”（{changed[:8]}）")]


# --- full-width forms ----------------------------------------------------------

_FW_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_FW_NUMERIC_PUNCT = str.maketrans("．，％＋－／", ".,%+-/")
_NUMERICISH_RE = re.compile(r"^[\s0-9０-９.．,，%％+＋\-－/／≥≤=<>＞＜＝≧≦═﹦()（）]*[0-9０-９][\s0-9０-９.．,，%％+＋\-－/／()（）]*"
                            r"[\u4e00-\u9fff]{0,4}$")


def fullwidth_to_ascii(text: str) -> tuple[str, list[Repair]]:
    """Full-width digits always; full-width ``．，％`` only in a numeric cell
    (Chinese prose uses full-width commas legitimately)."""
    out = text.translate(_FW_DIGITS)
    if _NUMERICISH_RE.match(out):
        out = out.translate(_FW_NUMERIC_PUNCT)
    if out == text:
        return text, []
    return out, [Repair("JX011", f"全角数字或标点已转为半角：“{text}”→“{out}”")]


def normalize_cell_text(text: str, *, traditional: bool = False) -> tuple[str, list[Repair]]:
    """Whitespace (NBSP, ideographic space) and the character-level repairs.

    ``traditional``: the grid as a whole is written in traditional characters
    (decided once per grid, so a simplified form is never touched by the table).
    """
    repairs: list[Repair] = []
    t = text.replace("\u00a0", " ").replace("\u3000", " ").strip()
    if traditional:
        t, r = strip_pinyin_pairs(t)
        repairs += r
        t, r = to_simplified(t)
        repairs += r
    t, r = fullwidth_to_ascii(t)
    repairs += r
    return t, repairs


def looks_traditional(texts: list[str]) -> bool:
    """Whether a table is written in traditional characters (or carries the
    mojibake pairs): enough table hits, not one stray character."""
    joined = "".join(texts)
    if _PINYIN_PAIR_RE.search(joined):
        return True
    return count_traditional(joined) >= 5


# --- comparison signs ------------------------------------------------------------

_CANONICAL_SIGNS = frozenset("=≥≤><")
_LOOKALIKES = tuple(s for s, _ in _COMPARATORS if s not in _CANONICAL_SIGNS)


def canonical_comparison(text: str) -> tuple[str, list[Repair]]:
    """Rewrite a leading look-alike comparison sign (``≧90%`` → ``≥90%``)."""
    t = text.lstrip()
    for spelling in _LOOKALIKES:
        if t.startswith(spelling):
            sign, rest = normalize_comparison(t)
            out = f"{sign}{rest}"
            return out, [Repair("JX010", f"比较符号“{spelling}”已统一为“{sign}”：“{text}”→“{out}”")]
    return text, []


def sign_cell(text: str) -> tuple[str | None, list[Repair]]:
    """A cell that holds only a comparison sign (Yunnan 指标性质): the canonical sign."""
    t = text.strip()
    if not t:
        return None, []
    sign, rest = normalize_comparison(t)
    if sign is None or rest.strip():
        return None, []
    if t != sign:
        return sign, [Repair("JX010", f"比较符号“{t}”已统一为“{sign}”")]
    return sign, []


# --- amounts ------------------------------------------------------------------------

_AMOUNT_RE = re.compile(r"^(?P<num>[+-]?[0-9][0-9,]*(?:\.[0-9]+)?)\s*(?P<unit>万元|万|元|亿元)?$")
_GROUPED_RE = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def parse_amount(text: str, table_unit: str | None) -> tuple[Decimal | None, str | None, list[Repair]]:
    """An amount cell: (number, unit printed in the cell or None, repairs).

    ``2,060.00`` is the official print and parses silently; a malformed
    grouping (``2,06.00``) is read without the commas and warned about. A unit
    inside the cell is kept (never converted); it is warned about when it
    differs from the table's unit.
    """
    t = text.strip()
    m = _AMOUNT_RE.match(t)
    if m is None:
        return parse_number(t), None, []
    repairs: list[Repair] = []
    num = m.group("num")
    if "," in num and not _GROUPED_RE.match(num):
        repairs.append(Repair("JX018", f"数字的千分位分隔符不规范：“{t}”，按“{num.replace(',', '')}”读取"))
    try:
        value = Decimal(num.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits digits only
        return None, None, repairs
    unit = m.group("unit")
    if unit == "万":
        unit = "万元"
    if unit and table_unit and unit != table_unit:
        repairs.append(Repair("JX015", f"单元格自带单位“{unit}”，与表头单位“{table_unit}”不同（未换算）：“{t}”"))
    return value, unit, repairs


# --- OCR confusions ---------------------------------------------------------------

_OCR_GE_RE = re.compile(r"^2(?P<num>\d{2}(?:\.\d+)?)(?P<unit>%)$")
_OCR_LE_RE = re.compile(r"^[Ww](?P<rest>\d.*)$")
_OCR_DIGIT_RE = re.compile(r"^[0-9IO.]*[IO][0-9IO.]*$")


def repair_ocr_target(target: str, actual: str) -> tuple[str, list[Repair]]:
    """Repair a target cell misread by OCR, only when the row confirms it.

    * ``290%`` (a rate above 100 %) is ``≥90%`` read with ``≥`` as ``2`` when
      the actual of the row is a percentage: repaired; otherwise only warned.
    * ``W5%`` is ``≤5%`` (``≤`` read as ``W``): a W never starts a target.
    * ``IO`` is ``10`` when the cell is otherwise all digits, or the row's
      actual is a number.
    """
    t = target.strip()
    m = _OCR_GE_RE.match(t)
    if m is not None and Decimal(t[:-1]) > 100 and not m.group("num").startswith("0"):
        fixed = f"≥{m.group('num')}{m.group('unit')}"
        a = actual.strip()
        got = parse_number(a.lstrip("≥≤=<>")[:-1]) if a.endswith("%") else None
        if got is not None and got <= 100:
            return fixed, [Repair("JX013", f"“{t}”超过100%，实际完成值为百分数，按“≥”被识别为“2”修正为“{fixed}”")]
        return t, [Repair("JX014", f"“{t}”超过100%，疑似“{fixed}”被误识别，未修正")]
    m = _OCR_LE_RE.match(t)
    if m is not None and parse_value_number(m.group("rest")):
        fixed = f"≤{m.group('rest')}"
        return fixed, [Repair("JX013", f"“{t}”开头的“W”按“≤”的识别错误修正为“{fixed}”")]
    if _OCR_DIGIT_RE.match(t) and (any(ch.isdigit() for ch in t) or parse_number(actual.strip()) is not None):
        fixed = t.replace("I", "1").replace("O", "0")
        return fixed, [Repair("JX013", f"数字中的字母按识别错误修正：“{t}”→“{fixed}”")]
    return target, []


def parse_value_number(text: str) -> bool:
    m = re.match(r"^\d+(?:\.\d+)?", text)
    return m is not None
