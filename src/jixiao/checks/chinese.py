"""Chinese text tools for the checks: normalization, character n-gram
profiles and their similarity, and quantities (numbers with units, Arabic or
Chinese numerals) read from free text.

Pure Python, no dictionaries to download: Chinese has no spaces, so text is
compared by character n-grams (the usual choice for Chinese near-duplicate
detection): :func:`profile` gives string bigrams and trigrams,
:func:`bigram_codes` integer-coded bigrams, :func:`bigram_overlap` the sizes
JX801 needs from two such sets; quantities are found by a small grammar
(number, optional multiplier, a unit from a table) instead of a word segmenter.

The optional C kernel ``_textops`` (built by setup.py when a compiler is
there) does the review's text hot path: :func:`normalize`,
:func:`bigram_overlap`, :func:`decimal_numbers`, :func:`has_phrase`, and in
:func:`extract_quantities` the excluded phrases and the scan for numbers.
The pure-Python code here is its reference (tests/checks/test_textops.py
compares the two) and the fallback; ``JIXIAO_NO_KERNEL=1`` in the
environment leaves the kernel out.

The tables are data: units (which ones denote a countable target, which are
dates, ordinals or descriptors to leave out), phrases to ignore, come from
``rules/narrative.toml`` (the JX801 and JX802 settings), each with its
source. :func:`default_unit_table` and :func:`default_stop_phrases` read the
shipped defaults for use outside a review.

    >>> t = default_unit_table()
    >>> [(q.value, q.unit, q.noun) for q in extract_quantities("建设七个片区的综合治理平台", t)]
    [(Decimal('7'), '个', '片区')]
    >>> stop = default_stop_phrases()  # 根据文件要求, 已经 ...
    >>> containment(profile("根据文件要求，已经聘用政府雇员30人", stop), profile("聘用政府雇员 30人，充实岗位", stop))
    1.0
"""

from __future__ import annotations

import codecs
import os
import re
import tomllib
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from math import sqrt
from operator import add
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from .context import FormContext

try:
    from . import _textops
except ImportError:  # not built (no C compiler at install): the pure-Python functions below
    _textops = None
if os.environ.get("JIXIAO_NO_KERNEL") == "1":
    _textops = None
# The kernel's functions, None without it (tests set them to None to run the fallback).
_k_normalize = _textops.normalize if _textops is not None else None
_k_bigram_overlap = _textops.bigram_overlap if _textops is not None else None
_k_decimal_numbers = _textops.decimal_numbers if _textops is not None else None
_k_run_starts = _textops.number_run_starts if _textops is not None else None
_k_blank_phrases = _textops.blank_phrases if _textops is not None else None

# -- normalization ------------------------------------------------------

# Full-width ASCII forms (U+FF01-FF5E) to half-width, except the full-width
# comma: Chinese text uses "，" between clauses, and turning it into "," would
# make "30，200" look like one number with a thousands separator.
_HALF: dict[int, Any] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if cp != 0xFF0C}
_HALF.update({ord("㎡"): "m2", ord("㎞"): "km", ord("㎏"): "kg", ord("﹪"): "%", 0x200B: None, 0xFEFF: None})
# ``str.translate`` looks every character up (slow on CJK text): translate
# only the runs of characters that have a half-width form (（）： are common).
_NEEDS_HALF = re.compile("[\uff01-\uff0b\uff0d-\uff5e㎡㎞㎏﹪\u200b\ufeff]+")
# The same class without "+": the regex engine finds a single character of a
# class about three times faster than a run, and most texts have none.
_ANY_HALF = re.compile("[\uff01-\uff0b\uff0d-\uff5e㎡㎞㎏﹪\u200b\ufeff]")


# Characters that neither fold to half-width nor change under ``str.lower``:
# ASCII except A-Z, the CJK ideographs and punctuation, the full-width comma,
# general punctuation (dashes, quotes, ellipsis) and the middle dot. A text
# made only of these (most goal texts) is normalized once its spaces are
# gone; any other character sends it through folding and lower-casing as
# before (a superset: exactness does not depend on the list being complete).
_NEEDS_WORK = re.compile("[^\x00-\x40\x5b-\x7f\u00b7\u2010-\u2027\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff0c]")


def _half(m: re.Match[str]) -> str:
    return m.group().translate(_HALF)


def fold_width(text: str) -> str:
    """Full-width letters, digits and signs to half-width (the Chinese comma stays)."""
    return _NEEDS_HALF.sub(_half, text) if _ANY_HALF.search(text) is not None else text


def normalize(text: str) -> str:
    """Full-width letters, digits and signs to half-width; every space removed
    (PDF text breaks words with spaces: "服 务供应商"); Latin lower-cased.

    >>> normalize("聘用政府雇员 ３０人，ＩＰ 电话")
    '聘用政府雇员30人，ip电话'

    In C when the kernel is built (a str only: anything else takes the
    Python path, and fails there as it always did).
    """
    if _k_normalize is not None and type(text) is str:
        return _k_normalize(text)
    return _normalize_py(text)


def _normalize_py(text: str) -> str:
    # The reference for the kernel's normalize (and the fallback).
    s = "".join(text.split())
    if _NEEDS_WORK.search(s) is None:  # nothing to fold or lower-case
        return s
    if _ANY_HALF.search(s) is not None:
        s = _NEEDS_HALF.sub(_half, s)
    return s.lower()


def normalized_goal(ctx: FormContext) -> tuple[str, str]:
    """The form's 预期目标 and 实际完成情况, normalized once per form (in
    ``ctx.memo``, shared by the narrative and batch checks)."""
    texts = ctx.memoized.get("text.goal")
    return texts if texts is not None else ctx.memo("text.goal", _normalized_goal, ctx)


def _normalized_goal(ctx: FormContext) -> tuple[str, str]:
    # The context's slots (the goal model's values), not two model reads.
    return normalize(ctx.goal_expected), normalize(ctx.goal_actual)


# Runs of "content" characters: CJK, Latin letters, digits (with . and %).
# Everything else (punctuation, quotes, brackets) separates runs. [c][c]*
# rather than [c]+: the regex engine then skips to the next content character
# instead of trying a match at every position.
_CONTENT_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffa-z0-9.%][\u3400-\u4dbf\u4e00-\u9fffa-z0-9.%]*")


def stop_phrase_order(phrases: Iterable[str]) -> tuple[str, ...]:
    """The phrases as :func:`bigram_overlap` (and the kernel's
    ``blank_phrases``) take them: normalized, longest first, the order in
    which :func:`phrase_stripper`'s alternation tries them (at any position
    the longest phrase found there matches). Without the empty ones
    ("\u200b" normalizes to ""): an empty branch would change nothing."""
    ps = sorted({normalize(p) for p in phrases if p.strip()}, key=len, reverse=True)
    return tuple(p for p in ps if p)


@lru_cache(maxsize=64)
def _alternation(ordered: tuple[str, ...]) -> re.Pattern[str] | None:
    return re.compile("|".join(map(re.escape, ordered))) if ordered else None


def phrase_stripper(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """A regex matching any of ``phrases`` (normalized), the longest one
    where several start at a position (``sub`` removes them, ``match`` finds
    the longest a text starts with), or None when there is none."""
    return _alternation(stop_phrase_order(phrases))


@lru_cache(maxsize=64)
def _stripper(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    return phrase_stripper(phrases)


def content_runs(text: str, stop_phrases: Sequence[str] = (), *, normalized: bool = False) -> list[str]:
    """The normalized text cut into runs of content characters, after removing
    the stop phrases; punctuation separates runs (n-grams never span it)."""
    s = text if normalized else normalize(text)
    rx = _stripper(tuple(stop_phrases)) if stop_phrases else None
    if rx is not None:
        s = rx.sub("", s)
    return _CONTENT_RE.findall(s)


# -- n-gram profiles and similarity --------------------------------------

def ngrams(runs: Iterable[str], sizes: Sequence[int] = (2, 3)) -> frozenset[str]:
    """The set of character n-grams of each run, for each size in ``sizes``.
    A run shorter than a size contributes itself once (so a one-character
    clause is not lost)."""
    out: set[str] = set()
    for r in runs:
        for n in sizes:
            if len(r) < n:
                out.add(r)
            elif n == 2:
                out.update(map(add, r, r[1:]))
            elif n == 3:
                out.update(map("".join, zip(r, r[1:], r[2:], strict=False)))
            else:
                out.update(r[i:i + n] for i in range(len(r) - n + 1))
    return frozenset(out)


def profile(text: str, stop_phrases: Sequence[str] = (), sizes: Sequence[int] = (2, 3)) -> frozenset[str]:
    """The n-gram set of ``text``: normalized, stop phrases removed, punctuation
    ignored. Compare two profiles with :func:`dice` or :func:`containment`."""
    return ngrams(content_runs(text, stop_phrases), sizes)


_U32 = next(c for c in "IL" if array(c).itemsize == 4)  # a 32-bit item type: two UTF-16 code units
_utf16 = codecs.utf_16_le_encode  # str.encode("utf-16-le") without the codec look-up by name


def bigram_codes(text: str, stop_phrases: Sequence[str] | re.Pattern[str] = (), *,
                 normalized: bool = False) -> set[int]:
    """The character bigrams of ``text`` as integers, for hot paths.

    Like ``profile(text, stop_phrases, (2,))`` (normalized, stop phrases
    removed), except that punctuation becomes a boundary mark rather than a
    cut: "维护，完成" gives |维, 维护, 护|, |完, 完成, 成| (boundary-padded
    bigrams, as in character n-gram language models). Built in C from the
    UTF-16 code units (each bigram one 32-bit integer), about twice as fast as
    string bigrams. ``stop_phrases`` may be a compiled :func:`phrase_stripper`.
    """
    s = text if normalized else normalize(text)
    if isinstance(stop_phrases, re.Pattern):
        s = stop_phrases.sub("", s)
    elif stop_phrases:
        rx = _stripper(tuple(stop_phrases))
        if rx is not None:
            s = rx.sub("", s)
    # The content runs joined by one boundary mark (as replacing each run of
    # other characters by the mark, which costs more in the regex engine):
    # t = "\x00" + j + "\x00". Its bigrams are the pairs of code units at even
    # and at odd offsets: t followed by t shifted by one character (with one
    # more mark so that the shifted copy starts at an even offset) gives them
    # all as the 32-bit items of one UTF-16 buffer, read straight into a set.
    # The extra marks only add the pair (0, 0), discarded.
    j = "\x00".join(_CONTENT_RE.findall(s))
    u = f"\x00{j}\x00{j}\x00\x00" if len(j) % 2 == 0 else f"\x00{j}\x00\x00{j}\x00"
    out = set(memoryview(_utf16(u)[0]).cast(_U32))
    out.discard(0)
    return out


def bigram_overlap(act: str, exp: str, stop: tuple[str, ...] = ()) -> tuple[int, int, int]:
    """``(len(A), len(E), len(A & E))`` for ``A``, ``E`` the :func:`bigram_codes`
    of the normalized texts ``act`` and ``exp``, the ``stop`` phrases (as
    :func:`stop_phrase_order` gives them) removed: what JX801's containment
    and Dice coefficient need.

    >>> bigram_overlap("已经完成维护，更新", "完成维护", stop_phrase_order(["已经"]))
    (8, 5, 5)

    In C when the kernel is built: no Python object per bigram.
    """
    if _k_bigram_overlap is not None and type(act) is str and type(exp) is str:
        return _k_bigram_overlap(act, exp, stop)
    return _bigram_overlap_py(act, exp, stop)


def _bigram_overlap_py(act: str, exp: str, stop: tuple[str, ...] = ()) -> tuple[int, int, int]:
    # The reference for the kernel's bigram_overlap (and the fallback).
    rx = _alternation(stop)
    a = bigram_codes(act, rx or (), normalized=True)
    e = bigram_codes(exp, rx or (), normalized=True)
    return len(a), len(e), len(a) - len(a - e)


# \d\d* rather than \d+: a pattern that starts with a character class lets
# the regex engine skip to the next digit; one that starts with a repeat
# tries a match at every position (twice the time on a goal text).
_DECIMAL_RE = re.compile(r"\d\d*(?:\.\d+)?")


def decimal_numbers(text: str) -> list[str]:
    r"""The numbers written in digits, as they stand: ``re.findall(r"\d+(?:\.\d+)?",
    text)`` (any decimal digit, as ``\d`` in a str pattern; no thousands separator).

    >>> decimal_numbers("聘用30人，完成98.5%，1.2.3")
    ['30', '98.5', '1.2', '3']

    In C when the kernel is built (a str only).
    """
    if _k_decimal_numbers is not None and type(text) is str:
        return _k_decimal_numbers(text)
    return _DECIMAL_RE.findall(text)


def dice(a: AbstractSet[Any], b: AbstractSet[Any]) -> float:
    """Dice coefficient 2|A∩B| / (|A|+|B|): 1 for the same n-grams, 0 for none shared."""
    if not a and not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def containment(a: AbstractSet[Any], b: AbstractSet[Any]) -> float:
    """The share of ``a``'s n-grams found in ``b``: how much of ``a`` is copied
    from ``b`` (asymmetric; 1 when every n-gram of ``a`` occurs in ``b``)."""
    if not a:
        return 0.0
    return len(a & b) / len(a)


def cosine(a: Counter[str], b: Counter[str]) -> float:
    """Cosine similarity of two n-gram count vectors (``Counter``)."""
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    na = sqrt(sum(v * v for v in a.values()))
    nb = sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb)


def ngram_counts(text: str, stop_phrases: Sequence[str] = (), sizes: Sequence[int] = (2, 3)) -> Counter[str]:
    """Like :func:`profile`, counting repeats (for :func:`cosine`)."""
    c: Counter[str] = Counter()
    for r in content_runs(text, stop_phrases):
        for n in sizes:
            c.update(r[i:i + n] for i in range(max(len(r) - n + 1, 1)))
    return c


# -- Chinese numerals -----------------------------------------------------

_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}


def chinese_to_int(s: str) -> int | None:
    """The value of a Chinese numeral, or None when ``s`` is not one.

    Positional forms (十二 12, 三百零五 305, 一千二百 1200, 两万 20000, 十 10);
    the colloquial trailing digit (一千二 = 1200, 三百五 = 350); digit strings
    are not numbers here ("一二", "十四五" are lists or names).

    >>> [chinese_to_int(x) for x in ("七", "两", "十二", "三百", "一千二百零五", "十四五")]
    [7, 2, 12, 300, 1205, None]
    """
    if not s:
        return None
    if len(s) == 1 and type(s) is str:  # most numerals in goal texts are one character (七个, 两项)
        return 10 if s == "十" else _CN_DIGIT.get(s)
    total = 0  # completed 亿 / 万 sections
    section = 0  # within the current 万 section
    digit: int | None = None  # pending digit
    last_small = 0  # the last small unit seen in the section (for 一千二 = 1200)
    zero_seen = False
    prev = ""  # "d" digit, "s" small unit, "b" big unit
    for ch in s:
        if ch in _CN_DIGIT:
            if prev == "d" and digit not in (None, 0):
                return None  # two digits in a row: "一二", "四五"
            d = _CN_DIGIT[ch]
            if d == 0:
                zero_seen = True
            digit = d
            prev = "d"
        elif ch in _CN_SMALL:
            u = _CN_SMALL[ch]
            if prev == "s" or (last_small and u >= last_small):
                return None  # "十百", "百二百"
            if digit is None:
                if ch != "十":
                    return None  # "百" alone is not a number here
                digit = 1
            section += digit * u
            digit = None
            last_small = u
            zero_seen = False
            prev = "s"
        elif ch in _CN_BIG:
            u = _CN_BIG[ch]
            if prev == "b" and not section and digit is None:
                return None
            section += digit or 0
            if section == 0:
                return None
            if u == 100_000_000:
                total = (total + section) * u
            else:
                total += section * u
            section, digit, last_small, zero_seen = 0, None, 0, False
            prev = "b"
        else:
            return None
    if digit is not None:
        if prev == "d" and last_small >= 100 and not zero_seen and digit:
            digit = digit * last_small // 10  # 一千二 = 1200, 三百五 = 350
        section += digit
    return total + section


# -- units ----------------------------------------------------------------

# Kinds of quantity. "count" are countable targets (30人, 175个点位, 107家企业);
# dates, ordinals and descriptors are recognized so that they are NOT taken
# for targets (2024年, 第三方, 八号桥, 15年以上, 60岁以上).
TARGET_KINDS = ("count", "percent", "measure", "money", "duration", "other")
EXCLUDED_KINDS = ("date", "ordinal", "descriptor")
GENERIC = "generic"  # the group of generic classifiers (个, 项, 件, 处): compatible with any count


@dataclass(frozen=True, slots=True)
class Unit:
    text: str
    kind: str
    group: str
    factor: Decimal  # to the group's base unit (公里 -> 1000 米)


class UnitTable:
    """Units by kind and synonym group, built from ``unit_groups`` entries:
    ``{kind, group, units, factors?, source}``. Units of one group are
    synonyms (人, 名, 位); ``group = "*"`` makes each unit its own group; the
    group ``generic`` holds classifiers that count anything (个, 项)."""

    def __init__(self, groups: Iterable[Mapping[str, Any]], exclude_phrases: Iterable[str] = ()):
        self.units: dict[str, Unit] = {}
        for g in groups:
            kind = str(g["kind"])
            if kind not in TARGET_KINDS + EXCLUDED_KINDS:
                raise ValueError(f"unit group {g.get('group')!r}: unknown kind {kind!r}")
            factors = {k: Decimal(str(v)) for k, v in dict(g.get("factors", {})).items()}
            for u in g["units"]:
                un = normalize(str(u))
                group = un if g["group"] == "*" else str(g["group"])
                self.units[un] = Unit(un, kind, group, factors.get(un, Decimal(1)))
        self.exclude_phrases = tuple(exclude_phrases)
        self._exclude = phrase_stripper(self.exclude_phrases)
        self._exclude_order = stop_phrase_order(self.exclude_phrases)  # the same, for the kernel
        # First character -> the units starting with it, longest first: most
        # characters after a number start no unit, and are ruled out by one look-up.
        by_first: dict[str, list[Unit]] = {}
        for u in sorted(self.units.values(), key=lambda u: -len(u.text)):
            if u.text:
                by_first.setdefault(u.text[0], []).append(u)
        self._by_first = {k: tuple(v) for k, v in by_first.items()}
        self._empty = self.units.get("")  # an empty unit matches anywhere, as the shortest
        self._classified: dict[str, tuple[Unit | None, Decimal]] = {}
        self._quantity = _quantity_pattern(self._by_first, self._empty is not None)

    def unit_at(self, text: str, pos: int) -> Unit | None:
        """The longest table unit starting at ``text[pos]``, or None."""
        for u in self._by_first.get(text[pos:pos + 1], ()):
            if text.startswith(u.text, pos):
                return u
        return self._empty

    def classify(self, unit: str) -> tuple[Unit | None, Decimal]:
        """The table unit an indicator's printed unit starts with, and the
        multiplier in front of it: "万人次" -> (人次, 10000); "个工作日内" ->
        (个工作日, 1); "点位" -> (点位, 1); unknown -> (None, 1). Cached: a run
        has few distinct units."""
        hit = self._classified.get(unit)
        if hit is not None:
            return hit
        u = normalize(unit)
        mult = Decimal(1)
        found = None
        if len(u) > 1 and u[0] in _MULT:
            found = self.unit_at(u, 1)
            if found is not None and not (u[0] == "千" and found.text == "米"):  # 千米 is a unit, not 1000 米
                mult = _MULT[u[0]]
            else:
                found = None
        if found is None:
            found = self.unit_at(u, 0)
        out = (found, mult if found is not None else Decimal(1))
        if len(self._classified) < 10_000:
            self._classified[unit] = out
        return out

    def strip_excluded(self, text: str) -> str:
        """``text`` with the excluded phrases (slogans such as 四个意识, false
        friends such as 两位数) blanked out, keeping positions."""
        if self._exclude is None:
            return text
        if _k_blank_phrases is not None and type(text) is str:
            return _k_blank_phrases(text, self._exclude_order)
        return self._exclude.sub(_blanked, text)


def has_phrase(text: str, phrases: tuple[str, ...]) -> bool:
    """Whether one of ``phrases`` (each a non-empty str) occurs in ``text``:
    ``any(p in text for p in phrases)``, one scan of the text in C when the
    kernel is built (its ``blank_phrases`` hands back the text itself, an
    exact str, when it finds no phrase)."""
    if _k_blank_phrases is not None and type(text) is str:
        return _k_blank_phrases(text, phrases) is not text
    return any(p in text for p in phrases)


def _blanked(m: re.Match[str]) -> str:
    return "　" * len(m.group(0))


_MULT = {"万": Decimal(10_000), "亿": Decimal(100_000_000), "千": Decimal(1000), "百": Decimal(100)}
_CN_NUM_CHARS = "零〇一二两三四五六七八九十百千万亿"


# Candidate numbers: a run starting with a digit, a Chinese digit or 百 (百分之).
# Scanning for one character class is fast; the grammar below then runs
# only where a number may start.
_RUN_RE = re.compile(r"[\d零〇一二两三四五六七八九十百][\d.,零〇一二两三四五六七八九十百千万亿分之]*")


def _run_starts(scan: str) -> list[int]:
    """Where each run of _RUN_RE starts (in C when the kernel is built)."""
    if _k_run_starts is not None and type(scan) is str:
        return _k_run_starts(scan)
    return [m.start() for m in _RUN_RE.finditer(scan)]


# A number: in digits (with a multiplier), 百分之 and a number, or in Chinese numerals.
_AR = r"(?P<ar>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?P<mul>[万亿千])?"
_PCT = r"百分之(?P<pct>[零〇一二两三四五六七八九十百]+|\d+(?:\.\d+)?)"
_CN = r"(?P<cn>[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*)"
_NUM_RE = re.compile(f"{_AR}|{_PCT}|{_CN}")


def _quantity_pattern(by_first: Mapping[str, tuple[Unit, ...]], empty: bool) -> re.Pattern[str]:
    """_NUM_RE and, after a number in digits or Chinese numerals, the table's
    longest unit there (``unit_at``), as one regex: a number followed by no
    unit fails in the regex engine, not in Python. The number is an atomic
    group: it matches as _NUM_RE alone does (no backtracking to fit a unit);
    the units are grouped by first character, longest first (an empty unit,
    when the table has one, last). 百分之 takes no unit (its unit is %)."""
    branches, single = [], []
    for first, units in by_first.items():  # each tuple longest first
        if len(units) == 1 and len(units[0].text) == 1:
            single.append(re.escape(first))  # the units of one character: one class
        else:
            branches.append(re.escape(first) + "(?:" + "|".join(re.escape(u.text[1:]) for u in units) + ")")
    if single:
        branches.append(f"[{''.join(single)}]")
    if empty:
        branches.append("")
    units = "|".join(branches) if branches else "(?!)"  # no unit at all: never
    return re.compile(f"(?>{_AR}|{_CN})(?P<unit>{units})|{_PCT}")


# Characters after the unit that name what is counted, up to a particle.
_NOUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffa-z]{1,4}")
_NOUN_STOP = re.compile(r"[的和与及等或并]")
# Before a number: 第 (ordinal), 数/几/十几 (approximate: 数十个 "dozens").
_BAD_BEFORE = frozenset("第数几")
_RANGE_BEFORE = frozenset("-~～至到—")


class Quantity(NamedTuple):
    """A number with its unit read from free text.

    Immutable, compared and hashed by its fields. A named tuple rather than
    a frozen dataclass: a frozen dataclass's ``__init__`` sets each field
    through ``object.__setattr__`` (about 15k instructions for these ten, a
    tuple about 2k), and extract_quantities builds one per quantity found.
    """

    text: str  # as it stands in the normalized text: "七个", "14.4万人次", "50%"
    value: Decimal  # the number as written, multipliers applied: 14.4万 -> 144000
    unit: str  # the table unit: 个, 人次, %, 元
    kind: str  # count, percent, measure, money, duration, other (or an excluded kind)
    group: str  # synonym group: person, generic, 点位 ...
    base: Decimal  # value in the group's base unit (3公里 -> 3000)
    noun: str  # what is counted, when written after the unit: 七个片区 -> 片区
    start: int  # span in the normalized text
    end: int
    chinese: bool  # written in Chinese numerals

    @property
    def label(self) -> str:
        """The quantity with its noun, for messages: 七个片区, 107家企业, 50%."""
        return self.text + self.noun


def extract_quantities(text: str, table: UnitTable, *, min_chinese: int = 2, normalized: bool = False,
                       keep_excluded: bool = False) -> list[Quantity]:
    """Every quantity with a unit in ``text``, in order.

    A number without a unit is not a quantity here (12345热线, 2021、2022年 the
    first year). Left out: units of excluded kinds (年 月 日: dates; 号 届 级
    期: ordinals; 岁: descriptors, so 15年以上 and 60岁以上 are not targets);
    numbers after 第 (第三方, 第2批), 数 or 几 (数十个); ranges (3-5个); the
    table's excluded phrases (四个意识, 两位数); Chinese numerals below
    ``min_chinese`` (一张图, 一网统管: "one" is nearly always idiom).

    >>> t = default_unit_table()
    >>> [q.label for q in extract_quantities("2024年完成15年以上老旧电梯改造十二项，服务14.4万人次，覆盖50%", t)]
    ['十二项', '14.4万人次', '50%']
    """
    s = text if normalized else normalize(text)
    scan = table.strip_excluded(s)
    out: list[Quantity] = []
    match = table._quantity.match  # _NUM_RE and the unit after it (UnitTable.unit_at) in one match
    units = table.units
    for start in _run_starts(scan):
        m = match(scan, start)
        if m is None:  # no number there, or no unit after it
            continue
        end = m.end()  # after the unit (after the number for 百分之)
        ar, mul, cn, u, pct = m.groups()
        unit = units.get("%") if pct is not None else units[u]
        if unit is None:
            continue
        if unit.kind in EXCLUDED_KINDS and not keep_excluded:
            continue
        if start:
            before = scan[start - 1]
            if before in _BAD_BEFORE:
                continue
            if before in _RANGE_BEFORE and start >= 2 and (scan[start - 2].isdigit()
                                                           or scan[start - 2] in _CN_NUM_CHARS):
                continue
        chinese = False
        if ar is not None:
            value = Decimal(ar.replace(",", ""))
            if mul:
                value *= _MULT[mul]
        elif pct is not None:
            if pct[0].isdigit():
                value = Decimal(pct)
            else:
                v = chinese_to_int(pct) if pct != "百" else 100
                if v is None:
                    continue
                value, chinese = Decimal(v), True
        else:
            v = chinese_to_int(cn)
            if v is None or v < min_chinese:
                continue
            value, chinese = Decimal(v), True
        noun = ""
        nm = _NOUN_RE.match(scan, end)
        if nm is not None:
            noun = nm.group(0)
            cut = _NOUN_STOP.search(noun)
            if cut is not None:
                noun = noun[:cut.start()]
        out.append(Quantity(s[start:end], value, unit.text, unit.kind, unit.group, value * unit.factor, noun,
                            start, end, chinese))
    return out


def compatible(a_group: str, b_group: str) -> bool:
    """Two count units can count the same thing: same group, or one of them
    a generic classifier (个, 项)."""
    return a_group == b_group or a_group == GENERIC or b_group == GENERIC


_CLAUSE_END = re.compile(r"[，。；;！!？?、\n]")
# Up to the last clause end: match(text, 0, start) ends after the last one
# before ``start`` (the greedy .* backs off from ``start`` to it), one match
# instead of a match object for every clause end from the text's start.
_TO_LAST_CLAUSE_END = re.compile(r"(?s:.*)[，。；;！!？?、\n]")


def clause_around(text: str, start: int, end: int, limit: int = 40) -> str:
    """The clause of ``text`` (normalized) holding the span, for messages."""
    m = _TO_LAST_CLAUSE_END.match(text, 0, start)
    left = m.end() if m is not None else 0
    m = _CLAUSE_END.search(text, end)
    right = m.start() if m is not None else len(text)
    if right - left > limit:
        left = max(left, start - limit // 2)
        right = min(right, left + limit)
    return text[left:right]


# -- shipped defaults -----------------------------------------------------

@lru_cache(maxsize=1)
def _narrative_rules() -> dict[str, Any]:
    path = resources.files("jixiao.checks").joinpath("rules", "narrative.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def default_unit_table() -> UnitTable:
    """The unit table shipped in ``rules/narrative.toml`` (JX802 settings)."""
    d = _narrative_rules()["JX802"]
    return UnitTable(d["unit_groups"], d.get("exclude_phrases", ()))


def default_stop_phrases() -> tuple[str, ...]:
    """The stop phrases shipped in ``rules/narrative.toml`` (JX801 settings)."""
    return tuple(_narrative_rules()["JX801"]["stop_phrases"])
