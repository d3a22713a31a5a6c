"""Rulebooks: the scoring conventions of a region, loaded from TOML.

A rulebook is data (``rulebooks/<name>.toml``); this module reads it, merges
it onto the rulebook it ``extends``, validates every key, and freezes the
result into a :class:`Rulebook` whose fields are ready for the hot path
(Decimals, quantize exponents, word look-up tables). Nothing about a region
is hard-coded here: the schema says which keys exist, the files say what
they are. See ``docs/rulebooks.md`` for every key.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import (
    ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation,
)
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

__all__ = [
    "BANDS", "ROUNDING_MODES", "SCHEMA", "Band", "GradeBand", "RateCap", "Rounding", "Rulebook", "RulebookError",
    "deep_merge", "load_rulebook", "normalize_word", "rulebook_from_dict", "shipped_rulebooks",
]

#: Rounding modes a rulebook may name -> the ``decimal`` constant.
ROUNDING_MODES: Mapping[str, str] = MappingProxyType({
    "half_up": ROUND_HALF_UP,      # 四舍五入
    "down": ROUND_DOWN,            # 截位 (toward zero)
    "half_even": ROUND_HALF_EVEN,  # 银行家舍入
})

#: Qualitative bands, best first.
BANDS: tuple[str, ...] = ("achieved", "partial", "not_achieved")
BAND_NAMES_ZH: Mapping[str, str] = MappingProxyType(
    {"achieved": "达成", "partial": "部分达成", "not_achieved": "未达成"})


class RulebookError(ValueError):
    """A rulebook that cannot be used: unreadable, unknown key, bad value.

    The message is Chinese then English and names the file and the key.
    """

    def __init__(self, file: str, key: str | None, zh: str, en: str) -> None:
        self.file = file
        self.key = key
        where_zh = f"规则库 {file}" + (f" 的键 {key}" if key else "")
        where_en = f"rulebook {file}" + (f": key {key}" if key else "")
        super().__init__(f"{where_zh}：{zh}（{where_en}: {en}）")


# --------------------------------------------------------------------------
# Frozen, precomputed pieces


@dataclass(frozen=True, slots=True)
class Rounding:
    """A rounding rule: decimal places and mode."""

    places: int
    mode: str
    exp: Decimal = field(init=False, repr=False, compare=False)
    rounding: str = field(init=False, repr=False, compare=False)
    _zh: str | None = field(init=False, repr=False, compare=False, default=None)  # describe_zh(), once

    def __post_init__(self) -> None:
        object.__setattr__(self, "exp", Decimal(1).scaleb(-self.places))
        object.__setattr__(self, "rounding", ROUNDING_MODES[self.mode])

    def apply(self, value: Decimal) -> Decimal:
        return value.quantize(self.exp, self.rounding)

    def floor(self, value: Decimal) -> Decimal:
        return value.quantize(self.exp, ROUND_FLOOR)

    def ceiling(self, value: Decimal) -> Decimal:
        return value.quantize(self.exp, ROUND_CEILING)

    def describe_zh(self) -> str:
        """The rule in Chinese, for messages (made once: messages of every form quote it)."""
        zh = self._zh
        if zh is None:
            how = {"half_up": "四舍五入", "down": "截位", "half_even": "四舍六入五成双"}[self.mode]
            zh = f"{how}保留{self.places}位小数"
            object.__setattr__(self, "_zh", zh)
        return zh


@dataclass(frozen=True, slots=True)
class Band:
    """A qualitative band as fractions of the weight: ``lo <= score/weight <= hi``.

    ``hi_open`` makes the upper edge exclusive (the edge then belongs to the
    band above, as in "100-80%（含80%）、80-60%（含60%）").
    """

    name: str
    lo: Decimal
    hi: Decimal
    hi_open: bool

    def contains(self, score: Decimal, weight: Decimal) -> bool:
        lo = self.lo * weight
        hi = self.hi * weight
        if score < lo:
            return False
        return score < hi if self.hi_open else score <= hi


@dataclass(frozen=True, slots=True)
class RateCap:
    """Total capped at ``max_total`` when the execution rate (percent) is below ``below``."""

    below: Decimal
    max_total: Decimal


@dataclass(frozen=True, slots=True)
class GradeBand:
    grade: str
    min: Decimal


@dataclass(frozen=True, slots=True, repr=False)
class Rulebook:
    """A loaded, validated, merged rulebook. Immutable; safe to share."""

    name: str
    title: str
    source: str
    path: str
    chain: tuple[str, ...]  # files merged, base first
    # funds block
    funds_weight: Decimal
    budget_base: str  # "adjusted" | "initial"
    funds_cap_at_weight: bool
    rate_rounding: Rounding
    score_rounding: Rounding
    score_from: str  # "ratio" | "rate"
    # quantitative indicators
    indicator_rounding: Rounding
    equal_positive: str  # "positive" | "two_sided"
    no_comparison: str  # "=", "≥", "≤" or "not_computable"
    reverse_formula: str  # "ratio" | "linear"
    zero_target: str  # "all_or_nothing" | "not_computable"
    unit_missing_matches: bool
    unit_canonical: Mapping[str, str]
    # qualitative indicators
    bands: Mapping[str, Band]
    words: Mapping[str, str]  # normalized word -> band
    repeated_target_word: str  # band name or "unknown"
    missing_qualitative_score: str  # "not_computable" | "band_upper" | "band_lower"
    # totals
    total_rounding: Rounding
    caps_enabled: bool
    caps: tuple[RateCap, ...]
    grades_enabled: bool
    grades: tuple[GradeBand, ...]  # best (highest min) first
    # carried for the checks
    over_achievement: Decimal
    indicators_total: Decimal
    level1_weights: Mapping[str, Decimal]
    # comparison of reported vs recomputed
    compare: Rounding
    # the merged document, and section path -> its `source`
    data: Mapping[str, Any] = field(repr=False, compare=False)
    sources: Mapping[str, str] = field(repr=False, compare=False)

    def __repr__(self) -> str:
        return f"Rulebook(name={self.name!r}, chain={self.chain!r})"

    def to_dict(self) -> dict[str, Any]:
        """The merged rulebook document as plain, mutable dicts and lists."""
        return _thaw(self.data)

    def override(self, overrides: Mapping[str, Any], origin: str = "<overrides>") -> Rulebook:
        """A new rulebook with ``overrides`` deep-merged on top (e.g. from a config
        file or the command line). ``origin`` names them in error messages."""
        _check_table(dict(overrides), SCHEMA, origin, "", complete=False, overriding=False)
        merged = deep_merge(self.to_dict(), overrides)
        if "name" not in overrides:
            merged["name"] = self.name
        return rulebook_from_dict(merged, file=origin, chain=(*self.chain, origin))

    def word_band(self, word: str | None, target_word: str | None = None) -> str | None:
        """The band of a qualitative actual word, or None when the word is unknown."""
        if not word:
            return None
        band = self.words.get(word)  # most words are printed clean: skip normalizing
        if band is not None:
            return band
        w = normalize_word(word)
        band = self.words.get(w)
        if band is not None:
            return band
        if target_word is not None and w and w == normalize_word(target_word):
            return None if self.repeated_target_word == "unknown" else self.repeated_target_word
        return None

    def grade_for(self, total: Decimal | None) -> str | None:
        """The grade of a total under this rulebook; None when not graded or no band matches."""
        if total is None or not self.grades_enabled:
            return None
        for band in self.grades:
            if total >= band.min:
                return band.grade
        return None

    def cap_for(self, rate: Decimal | None) -> Decimal | None:
        """The highest total allowed at this execution rate (percent), or None."""
        if not self.caps_enabled or rate is None:
            return None
        cap: Decimal | None = None
        for c in self.caps:
            if rate < c.below and (cap is None or c.max_total < cap):
                cap = c.max_total
        return cap


_PUNCT = str.maketrans("", "", " \t\r\n\u3000。．.；;，,！!")


def normalize_word(word: str) -> str:
    """Normalize a qualitative word for look-up: no spaces or trailing punctuation."""
    return word.translate(_PUNCT)


# --------------------------------------------------------------------------
# Schema: leaves are validators; dicts are tables; [dict] is an array of tables.


@dataclass(frozen=True, slots=True)
class _Leaf:
    check: Callable[[Any], bool]
    zh: str
    en: str
    required: bool = True


@dataclass(frozen=True, slots=True)
class _MapOf:
    """A table with free keys (e.g. level-1 indicator names) and leaf values."""

    value: _Leaf


@dataclass(frozen=True, slots=True)
class _ArrayOf:
    item: dict


def _is_num(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return True
    if isinstance(v, float):
        return math.isfinite(v)
    if isinstance(v, str):
        try:
            return Decimal(v).is_finite()
        except InvalidOperation:
            return False
    return False


def _dec(v: Any) -> Decimal:
    # str() first so 1.30 (a float) becomes Decimal("1.3"), not its binary expansion.
    return Decimal(str(v))


def _one_of(*values: str) -> _Leaf:
    shown = " / ".join(values)
    return _Leaf(lambda v: v in values, f"应为 {shown} 之一", f"expected one of {', '.join(values)}")


_STR = _Leaf(lambda v: isinstance(v, str) and v.strip() != "", "应为非空字符串", "expected a non-empty string")
_BOOL = _Leaf(lambda v: isinstance(v, bool), "应为 true 或 false", "expected true or false")
_PLACES = _Leaf(lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 6,
                "应为 0 到 6 的整数", "expected an integer from 0 to 6")
_MODE = _one_of(*ROUNDING_MODES)
_POS = _Leaf(lambda v: _is_num(v) and _dec(v) > 0, "应为正数", "expected a positive number")
_NONNEG = _Leaf(lambda v: _is_num(v) and _dec(v) >= 0, "应为非负数", "expected a non-negative number")
_PERCENT = _Leaf(lambda v: _is_num(v) and 0 <= _dec(v) <= 100, "应为 0 到 100 的数", "expected a number from 0 to 100")
_BAND = _Leaf(
    lambda v: isinstance(v, list) and len(v) == 2 and all(_is_num(x) and 0 <= _dec(x) <= 100 for x in v)
    and _dec(v[0]) <= _dec(v[1]),
    "应为 [下限, 上限]，0 ≤ 下限 ≤ 上限 ≤ 100（百分比）",
    "expected [low, high] in percent with 0 <= low <= high <= 100")
_WORDS = _Leaf(lambda v: isinstance(v, list) and all(isinstance(x, str) and normalize_word(x) for x in v),
               "应为字符串列表", "expected a list of strings")
_UNIT_GROUPS = _Leaf(
    lambda v: isinstance(v, list) and all(isinstance(g, list) and len(g) >= 2
                                          and all(isinstance(u, str) and u.strip() for u in g) for g in v),
    "应为单位组的列表，每组至少两个单位，如 [[\"小时\", \"h\"]]",
    "expected a list of unit groups of two or more units, e.g. [[\"小时\", \"h\"]]")


_CODES = _Leaf(lambda v: isinstance(v, list) and all(isinstance(x, str) and x.strip() for x in v),
               "应为检查代码或前缀的列表，如 [\"JX1\", \"JX301\"]", "expected a list of check codes or prefixes")
_TABLE = _Leaf(lambda v: isinstance(v, dict), "应为表（table）", "expected a table")


def _rounding_table(**extra: Any) -> dict:
    return {"source": _STR, "places": _PLACES, "mode": _MODE, **extra}


SCHEMA: dict = {
    "name": _STR,
    "title": _STR,
    "source": _STR,
    "extends": _Leaf(_STR.check, _STR.zh, _STR.en, required=False),
    "description": _Leaf(_STR.check, _STR.zh, _STR.en, required=False),
    "funds": {
        "source": _STR,
        "weight": _POS,
        "budget_base": _one_of("adjusted", "initial"),
        "cap_at_weight": _BOOL,
        "rate": _rounding_table(),
        "score": _rounding_table(**{"from": _one_of("ratio", "rate")}),
    },
    "indicators": {
        "source": _STR,
        "places": _PLACES,
        "mode": _MODE,
        "equal_positive": _one_of("positive", "two_sided"),
        "no_comparison": _one_of("=", "≥", "≤", "not_computable"),
        "reverse_formula": _one_of("ratio", "linear"),
        "zero_target": _one_of("all_or_nothing", "not_computable"),
        "units": {"source": _STR, "missing_matches_any": _BOOL, "equivalent": _UNIT_GROUPS},
    },
    "qualitative": {
        "source": _STR,
        "shared_edge": _one_of("upper", "both"),
        "repeated_target_word": _one_of(*BANDS, "unknown"),
        "missing_score": _one_of("not_computable", "band_upper", "band_lower"),
        "bands": {"source": _STR, **{b: _BAND for b in BANDS}},
        "words": {"source": _STR, **{b: _WORDS for b in BANDS}},
    },
    "thresholds": {"source": _STR, "over_achievement": _Leaf(
        lambda v: _is_num(v) and _dec(v) >= 1, "应为不小于 1 的数（如 1.30）", "expected a number >= 1 (e.g. 1.30)")},
    "total": _rounding_table(),
    "caps": {"source": _STR, "enabled": _BOOL,
             "by_rate": _ArrayOf({"below": _PERCENT, "max_total": _NONNEG})},
    "grades": {"source": _STR, "enabled": _BOOL,
               "bands": _ArrayOf({"grade": _STR, "min": _NONNEG})},
    "guideline": {"source": _STR, "indicators_total": _POS, "level1": _MapOf(_NONNEG)},
    "differences": {"source": _STR, "places": _PLACES},
    # Review checks (jixiao.checks): which run, at what severity, with which
    # settings. Optional; the check registry validates codes and settings.
    "checks": {
        "source": _Leaf(_STR.check, _STR.zh, _STR.en, required=False),
        "select": _Leaf(_CODES.check, _CODES.zh, _CODES.en, required=False),
        "ignore": _Leaf(_CODES.check, _CODES.zh, _CODES.en, required=False),
        "severity": _MapOf(_one_of("error", "warning", "info")),
        "settings": _MapOf(_TABLE),
    },
}


def _type_name(v: Any) -> str:
    return type(v).__name__


def _check_table(data: Any, schema: dict, file: str, prefix: str, complete: bool, overriding: bool) -> None:
    """Validate one table. ``complete``: every required key must be present
    (the merged result). ``overriding``: a file that extends another must cite
    a ``source`` in every table where it sets a value."""
    if not isinstance(data, dict):
        raise RulebookError(file, prefix.rstrip(".") or None, f"应为表（table），实际为 {_type_name(data)}",
                            f"expected a table, got {_type_name(data)}")
    for key, value in data.items():
        path = f"{prefix}{key}"
        spec = schema.get(key)
        if spec is None:
            known = "、".join(schema)
            raise RulebookError(file, path, f"未知的键（此处允许：{known}）",
                                f"unknown key (allowed here: {', '.join(schema)})")
        _check_value(value, spec, file, path, complete, overriding)
    if complete:
        for key, spec in schema.items():
            if key not in data and not (isinstance(spec, _Leaf) and not spec.required):
                raise RulebookError(file, f"{prefix}{key}", "缺少此键（合并所继承的规则库之后仍缺失）",
                                    "missing (also after merging the rulebook it extends)")
    if overriding and prefix and "source" in schema and "source" not in data:
        sets_values = any(not isinstance(schema.get(k), dict) for k in data)
        if sets_values:
            raise RulebookError(file, f"{prefix}source", "覆盖了继承的设置，须注明本节依据（source）",
                                "overrides inherited settings, so this section must cite its own source")


def _check_value(value: Any, spec: Any, file: str, path: str, complete: bool, overriding: bool) -> None:
    if isinstance(spec, dict):
        _check_table(value, spec, file, path + ".", complete, overriding)
    elif isinstance(spec, _ArrayOf):
        if not isinstance(value, list):
            raise RulebookError(file, path, "应为表数组（[[...]]）", "expected an array of tables ([[...]])")
        for i, item in enumerate(value):
            _check_table(item, spec.item, file, f"{path}[{i}].", True, False)
    elif isinstance(spec, _MapOf):
        if not isinstance(value, dict):
            raise RulebookError(file, path, "应为表（table）", "expected a table")
        for k, v in value.items():
            _check_value(v, spec.value, file, f"{path}.{k}", complete, overriding)
    elif not spec.check(value):
        raise RulebookError(file, path, f"取值无效：{value!r}，{spec.zh}", f"invalid value {value!r}, {spec.en}")


# --------------------------------------------------------------------------
# Loading and merging

_SHIPPED = "rulebooks"


def shipped_rulebooks() -> list[str]:
    """Names of the rulebooks shipped with jixiao."""
    folder = resources.files(__package__).joinpath(_SHIPPED)
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def _read(name_or_path: str | Path, base_dir: Path | None) -> tuple[dict, str, Path | None]:
    """Read one TOML file; returns (data, display name, directory for relative extends)."""
    text: str
    s = str(name_or_path)
    is_path = isinstance(name_or_path, Path) or s.endswith(".toml") or "/" in s or "\\" in s
    if is_path:
        path = Path(s)
        if base_dir is not None and not path.is_absolute():
            path = base_dir / path
        display = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise RulebookError(display, None, f"无法读取文件（{exc.strerror or exc}）",
                                f"cannot read the file ({exc.strerror or exc})") from exc
        directory: Path | None = path.parent
    else:
        display = f"{s}.toml"
        res = resources.files(__package__).joinpath(_SHIPPED, display)
        if not res.is_file():
            names = ", ".join(shipped_rulebooks())
            raise RulebookError(display, None, f"没有名为 {s} 的内置规则库（可用：{names}），也不是 .toml 文件路径",
                                f"no shipped rulebook named {s!r} (available: {names}) and not a .toml path")
        text = res.read_text(encoding="utf-8")
        directory = None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulebookError(display, None, f"TOML 语法错误：{exc}", f"TOML syntax error: {exc}") from exc
    return data, display, directory


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict:
    """Tables merge key by key; anything else (numbers, strings, arrays) is replaced."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _load_chain(name_or_path: str | Path, base_dir: Path | None, seen: tuple[str, ...]) -> tuple[dict, list[str]]:
    data, display, directory = _read(name_or_path, base_dir)
    if display in seen:
        raise RulebookError(display, "extends", "继承形成循环：" + " → ".join((*seen, display)),
                            "extends forms a cycle: " + " -> ".join((*seen, display)))
    parent = data.get("extends")
    _check_table(data, SCHEMA, display, "", complete=False, overriding=parent is not None)
    if "name" not in data:
        raise RulebookError(display, "name", "每个规则库都须有自己的 name", "every rulebook needs its own name")
    if parent is None:
        return data, [display]
    base, chain = _load_chain(parent, directory, (*seen, display))
    merged = deep_merge(base, data)
    merged.pop("extends", None)
    return merged, [*chain, display]


def load_rulebook(name_or_path: str | Path) -> Rulebook:
    """Load a shipped rulebook by name (``national``, ``shanghai``) or a ``.toml`` file by path.

    Raises :class:`RulebookError` naming the file and key for anything unusable.
    Shipped rulebooks are cached (a Rulebook is immutable).
    """
    s = str(name_or_path)
    if not isinstance(name_or_path, Path) and not (s.endswith(".toml") or "/" in s or "\\" in s):
        return _load_shipped(s)
    return _build(name_or_path)


@cache
def _load_shipped(name: str) -> Rulebook:
    return _build(name)


def _build(name_or_path: str | Path) -> Rulebook:
    data, chain = _load_chain(name_or_path, None, ())
    return rulebook_from_dict(data, file=chain[-1], chain=tuple(chain))


def rulebook_from_dict(data: Mapping[str, Any], file: str = "<dict>", chain: tuple[str, ...] = ()) -> Rulebook:
    """Validate a complete (already merged) rulebook document and freeze it."""
    doc: dict = _thaw(data)
    doc.pop("extends", None)
    _check_table(doc, SCHEMA, file, "", complete=True, overriding=False)
    return _freeze(doc, file, chain or (file,))


def _freeze(d: dict, file: str, chain: tuple[str, ...]) -> Rulebook:
    f, ind, q = d["funds"], d["indicators"], d["qualitative"]

    # Words: one band per word, across all lists.
    words: dict[str, str] = {}
    for band in BANDS:
        for w in q["words"][band]:
            nw = normalize_word(w)
            if words.get(nw, band) != band:
                raise RulebookError(file, f"qualitative.words.{band}",
                                    f"词语「{w}」同时出现在 {words[nw]} 和 {band} 中",
                                    f"word {w!r} is listed in both {words[nw]} and {band}")
            words[nw] = band

    # Bands: an upper edge shared with another band's lower edge is open when
    # shared_edge = "upper" (the edge belongs to the band above).
    los = {_dec(q["bands"][b][0]) for b in BANDS}
    bands = {}
    for b in BANDS:
        lo, hi = (_dec(x) / 100 for x in q["bands"][b])
        bands[b] = Band(b, lo, hi, q["shared_edge"] == "upper" and hi * 100 in los and hi < 1)

    unit_canonical: dict[str, str] = {}
    for group in ind["units"]["equivalent"]:
        canon = group[0].strip()
        for u in group:
            unit_canonical[u.strip()] = canon

    grades = []
    seen_grades: set[str] = set()
    for i, g in enumerate(d["grades"]["bands"]):
        if g["grade"] in seen_grades:
            raise RulebookError(file, f"grades.bands[{i}].grade", f"等级「{g['grade']}」重复",
                                f"grade {g['grade']!r} is listed twice")
        seen_grades.add(g["grade"])
        grades.append(GradeBand(g["grade"], _dec(g["min"])))
    grades.sort(key=lambda g: g.min, reverse=True)
    if d["grades"]["enabled"] and not grades:
        raise RulebookError(file, "grades.bands", "启用评级时须至少有一个等级",
                            "grading is enabled, so at least one band is needed")

    caps = tuple(RateCap(_dec(c["below"]), _dec(c["max_total"])) for c in d["caps"]["by_rate"])
    if d["caps"]["enabled"] and not caps:
        raise RulebookError(file, "caps.by_rate", "启用总分上限时须至少有一条规则",
                            "caps are enabled, so at least one rule is needed")

    return Rulebook(
        name=d["name"], title=d["title"], source=d["source"], path=file, chain=chain,
        funds_weight=_dec(f["weight"]), budget_base=f["budget_base"], funds_cap_at_weight=f["cap_at_weight"],
        rate_rounding=Rounding(f["rate"]["places"], f["rate"]["mode"]),
        score_rounding=Rounding(f["score"]["places"], f["score"]["mode"]), score_from=f["score"]["from"],
        indicator_rounding=Rounding(ind["places"], ind["mode"]),
        equal_positive=ind["equal_positive"], no_comparison=ind["no_comparison"],
        reverse_formula=ind["reverse_formula"], zero_target=ind["zero_target"],
        unit_missing_matches=ind["units"]["missing_matches_any"],
        unit_canonical=MappingProxyType(unit_canonical),
        bands=MappingProxyType(bands), words=MappingProxyType(words),
        repeated_target_word=q["repeated_target_word"], missing_qualitative_score=q["missing_score"],
        total_rounding=Rounding(d["total"]["places"], d["total"]["mode"]),
        caps_enabled=d["caps"]["enabled"], caps=caps,
        grades_enabled=d["grades"]["enabled"], grades=tuple(grades),
        over_achievement=_dec(d["thresholds"]["over_achievement"]),
        indicators_total=_dec(d["guideline"]["indicators_total"]),
        level1_weights=MappingProxyType({k: _dec(v) for k, v in d["guideline"]["level1"].items()}),
        compare=Rounding(d["differences"]["places"], "half_up"),
        data=_freeze_data(d), sources=MappingProxyType(_collect_sources(d)),
    )


def _freeze_data(v: Any) -> Any:
    if isinstance(v, dict):
        return MappingProxyType({k: _freeze_data(x) for k, x in v.items()})
    if isinstance(v, list):
        return tuple(_freeze_data(x) for x in v)
    return v


def _thaw(v: Any) -> Any:
    if isinstance(v, Mapping):
        return {k: _thaw(x) for k, x in v.items()}
    if isinstance(v, tuple):
        return [_thaw(x) for x in v]
    return v


def _collect_sources(d: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    if "source" in d:
        out[prefix.rstrip(".") or "."] = d["source"]
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_collect_sources(v, f"{prefix}{k}."))
    return out
