"""The value grammar for 年度指标值 (target) and 实际完成值 (actual) cells.

A cell is kept as printed (``raw``) and parsed into a comparison, a number and
a unit, or a qualitative word. The grammar is deliberately small and total:
every string parses to *something* (``kind`` says what), so a reader never
has to drop a value it cannot understand.

    "≥95(%)"         -> ≥, 95, "%"
    "=175.00(点位)"  -> =, 175.00, "点位"
    "≤2.00(小时)"    -> ≤, 2.00, "小时"
    "2,060.00"       -> None, 2060.00, ""
    "及时"           -> qualitative word "及时"
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Literal

# Look-alike and full-width comparison symbols seen in published forms, mapped
# to the five canonical ones. Longer spellings first so ">=" wins over ">".
_COMPARATORS: tuple[tuple[str, str], ...] = (
    (">=", "≥"), ("＞＝", "≥"), ("＞=", "≥"), (">＝", "≥"), ("≧", "≥"), ("≥", "≥"),
    ("<=", "≤"), ("＜＝", "≤"), ("＜=", "≤"), ("<＝", "≤"), ("≦", "≤"), ("≤", "≤"),
    ("==", "="), ("＝", "="), ("═", "="), ("﹦", "="), ("=", "="),
    ("＞", ">"), (">", ">"), ("＜", "<"), ("<", "<"),
)

Comparison = Literal["=", "≥", "≤", ">", "<"]
ValueKind = Literal["number", "text", "empty"]

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，％（）", "0123456789.,%()")

_NUMBER_RE = re.compile(
    r"""^(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+)
        \s*(?P<unit>.*?)\s*$""",
    re.VERBOSE,
)
_FAST_RE = re.compile(r"^([=≥≤><]?)(\d+(?:\.\d+)?)(?:\(([^()]*)\)|(%?))$")
_QUALIFIERS = {"及以上": "≥", "以上": "≥", "及以下": "≤", "以下": "≤", "以内": "≤", "之内": "≤", "内": "≤"}
_QUALIFIER_RE = re.compile(r"(及以上|以上|及以下|以下|以内|之内|(?<=[天日时分秒周月年])内)$")
# Cells that mean "nothing here".
_EMPTY = frozenset({"", "/", "-", "—", "--", "——", "无", "空"})


_CANONICAL = dict(_COMPARATORS)
_COMPARISON_RE = re.compile(r"\s*(" + "|".join(re.escape(s) for s, _ in _COMPARATORS) + r")\s*")


def normalize_comparison(text: str) -> tuple[Comparison | None, str]:
    """Split a leading comparison sign (any spelling) off ``text``."""
    m = _COMPARISON_RE.match(text)
    if m is None:
        return None, text.lstrip()
    return _CANONICAL[m.group(1)], text[m.end():]  # type: ignore[return-value]


def parse_number(text: str) -> Decimal | None:
    """Parse a printed number such as ``2,060.00`` or ``93.00``; None if it is not one."""
    s = text.strip().translate(_FULLWIDTH).replace(",", "")
    if not s:
        return None
    try:
        d = Decimal(s)
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def _strip_unit(unit: str) -> str:
    u = unit.strip()
    # "(人)" / "（人）" -> "人"; an unclosed "(点" keeps its text.
    if u.startswith("(") and u.endswith(")"):
        u = u[1:-1].strip()
    elif u.startswith("("):
        u = u[1:].strip()
    return u


def parse_value(raw: str) -> dict:
    """Parse a target/actual cell into the fields of :class:`ParsedValue`.

    Returns a plain dict (the model validates it) so the hot path of the
    reader does not build a model per cell twice.
    """
    text = raw.strip()
    m = _FAST_RE.match(text)
    if m is not None:  # the common printed shapes: "=30.00(人)", "100.00(%)", "≥95%"
        return {"raw": raw, "kind": "number", "comparison": _CANONICAL.get(m.group(1)),
                "number": Decimal(m.group(2)), "unit": m.group(3) or m.group(4) or "", "word": None}
    if text in _EMPTY:
        return {"raw": raw, "kind": "empty", "comparison": None, "number": None, "unit": "", "word": None}
    norm = text.translate(_FULLWIDTH)
    comparison, rest = normalize_comparison(norm)
    m = _NUMBER_RE.match(rest)
    if m is not None:
        unit = _strip_unit(m.group("unit"))
        # A number followed by more words ("100%以上", "2个工作日内") keeps the
        # tail as its unit: it is still a quantity, just with a longer unit.
        try:
            number = Decimal(m.group("num").replace(",", ""))
        except InvalidOperation:  # pragma: no cover - regex guarantees digits
            number = None
        if number is not None:
            # "95%以上" / "2小时以内": the words after the unit are the comparison.
            m2 = _QUALIFIER_RE.search(unit)
            if m2 is not None:
                comparison = comparison or _QUALIFIERS[m2.group(1)]
                unit = _strip_unit(unit[: m2.start()])
            return {"raw": raw, "kind": "number", "comparison": comparison, "number": number,
                    "unit": unit, "word": None}
    return {"raw": raw, "kind": "text", "comparison": comparison, "number": None, "unit": "",
            "word": rest if comparison else text}
