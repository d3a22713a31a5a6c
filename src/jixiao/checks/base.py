"""The shapes every check shares: findings, check metadata, the registry.

A check is a small function with its metadata, registered with :func:`check`
(per-form) or :func:`batch_check` (across the forms of a run) in the module
of its family (``arithmetic.py``, ``design.py`` ...). Its docstring is the
catalogue entry: what it does, why (its basis), an example that fails and one
that passes, its settings and its known limits; ``docs/checks.md`` is
generated from it (``python -m jixiao.checks.catalogue``).

A per-form check receives a :class:`~jixiao.checks.context.FormContext` and
its settings, and yields :class:`Hit` records; the runner turns them into
:class:`Finding` records with the code, severity, form and source location.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
SEVERITY_RANK: dict[str, int] = {"info": 1, "warning": 2, "error": 3}
SEVERITY_ZH: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}

# One category per group of domain.md section 4.
CATEGORIES: dict[str, str] = {
    "arithmetic": "计算",        # 1. arithmetic
    "score": "得分与完成值",      # 2. score vs values
    "deviation": "偏差说明",      # 3. deviation analysis
    "consistency": "执行与绩效一致性",  # 4-6. spending vs results, budget changes, perfect scores
    "design": "指标设置",         # 7. indicator design
    "actual": "实际完成值",       # 8. actual values
    "satisfaction": "满意度",     # 9. satisfaction
    "narrative": "目标与完成情况表述",  # 10. narrative
    "batch": "多表对比",          # 11. across forms
}

_CODE_RE = re.compile(r"^JX\d{3}$")


@dataclass(slots=True)
class Hit:
    """What a check found: the field it is about, a Chinese message naming the
    values, and the evidence as data. ``form_index`` is for batch checks (which
    form of the run); per-form checks leave it None."""

    field: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    form_index: int | None = None


@dataclass(slots=True)
class Finding:
    """One problem in one form (or, for some batch checks, in the batch)."""

    code: str
    name: str
    severity: str
    category: str
    message: str
    hint: str
    project_name: str
    file: str
    form_index: int | None  # position of the form in the run; None for a batch-level finding
    field: str
    location: dict[str, Any] | None  # {file, page, line, end_line} from the form's source locations
    evidence: dict[str, Any]

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "name": self.name, "severity": self.severity, "category": self.category,
            "project_name": self.project_name, "file": self.file, "form_index": self.form_index,
            "field": self.field, "location": self.location, "message": self.message, "hint": self.hint,
            "evidence": _jsonable(self.evidence),
        }


def _jsonable(v: Any) -> Any:
    from decimal import Decimal

    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set, frozenset)):
        return [_jsonable(x) for x in v]
    return v


@dataclass(frozen=True, slots=True)
class CheckInfo:
    """A registered check and its catalogue metadata."""

    code: str
    name: str  # short English name, kebab-case
    title: str  # Chinese title
    severity: str  # default severity
    category: str
    basis: str  # the rule, guideline or review practice it comes from
    hint: str  # Chinese fix hint
    family: str  # module name
    scope: Literal["form", "batch"]
    func: Callable[..., Any]
    doc: str
    # The check reports only indicator rows whose printed score differs from
    # the engine's or that the engine could not score: it finds nothing (and
    # raises nothing) for a form whose ScoreResult.indicators_sum is set, so
    # the runner does not call it there (a call costs ~600 instructions).
    quiet_if_rows_agree: bool = False

    @property
    def settings_key(self) -> str:
        return self.code


REGISTRY: dict[str, CheckInfo] = {}


def _register(code: str, name: str, *, title: str, severity: str, category: str, basis: str, hint: str,
              scope: str, func: Callable[..., Any], quiet_if_rows_agree: bool = False) -> None:
    if not _CODE_RE.match(code):
        raise ValueError(f"bad check code {code!r}")
    if code in REGISTRY:
        raise ValueError(f"check code {code} registered twice ({REGISTRY[code].family}, {func.__module__})")
    if severity not in SEVERITIES:
        raise ValueError(f"{code}: bad severity {severity!r}")
    if category not in CATEGORIES:
        raise ValueError(f"{code}: bad category {category!r}")
    doc = inspect.getdoc(func) or ""
    if not doc:
        raise ValueError(f"{code}: a check needs a docstring (it is its catalogue entry)")
    REGISTRY[code] = CheckInfo(code, name, title, severity, category, basis, hint,
                               func.__module__.rsplit(".", 1)[-1], scope, func, doc,  # type: ignore[arg-type]
                               quiet_if_rows_agree)


def check(code: str, name: str, *, title: str, severity: Severity, category: str, basis: str, hint: str,
          quiet_if_rows_agree: bool = False):
    """Register a per-form check: ``fn(ctx, settings) -> Iterable[Hit]``.

    ``quiet_if_rows_agree``: the check returns nothing, without raising, when
    ``ctx.score.indicators_sum`` is set (every row scored, each printed score
    equal to the engine's): the runner then skips it (see CheckInfo)."""

    def deco(fn: Callable[..., Iterable[Hit]]):
        _register(code, name, title=title, severity=severity, category=category, basis=basis, hint=hint,
                  scope="form", func=fn, quiet_if_rows_agree=quiet_if_rows_agree)
        return fn

    return deco


def batch_check(code: str, name: str, *, title: str, severity: Severity, category: str, basis: str, hint: str):
    """Register a batch check: a class with ``__init__(settings)``,
    ``collect(ctx)`` called once per form (keep only small summaries: runs may
    hold 100,000 forms) and ``finish() -> Iterable[Hit]`` (a Hit with
    ``form_index`` points at a form; without it, at the whole batch)."""

    def deco(cls):
        _register(code, name, title=title, severity=severity, category=category, basis=basis, hint=hint,
                  scope="batch", func=cls)
        return cls

    return deco


def select_codes(select: Iterable[str], ignore: Iterable[str], codes: Iterable[str]) -> list[str]:
    """Codes enabled by ``select`` minus ``ignore`` (codes or prefixes; "ALL")."""

    def matches(code: str, patterns: list[str]) -> bool:
        return any(p == "ALL" or code.startswith(p) for p in patterns)

    sel = [p.strip().upper() for p in select if p.strip()]
    ign = [p.strip().upper() for p in ignore if p.strip()]
    return [c for c in sorted(codes) if matches(c, sel) and not matches(c, ign)]


def iter_hits(result: Any) -> Iterator[Hit]:
    """Accept a generator, a list, a single Hit or None from a check."""
    if result is None:
        return iter(())
    if isinstance(result, Hit):
        return iter((result,))
    return iter(result)
