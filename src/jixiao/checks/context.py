"""What a per-form check sees: the form, its recomputed scores, the rulebook,
and derived values computed once per form and shared by all checks."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from ..model import Form, Indicator
from ..scoring import Rulebook, ScoreResult

T = TypeVar("T")
_MISSING = object()

# Placeholders that do not count as a deviation analysis.
EMPTY_NOTES = frozenset({"", "无", "/", "-", "—", "——", "无偏差", "不涉及", "暂无", "0", "空", "无。", "／"})


class FormContext:
    """One form under review. Checks read; they never modify the form."""

    __slots__ = ("form", "score", "rb", "config", "index", "_memo", "_notes")

    def __init__(self, form: Form, score: ScoreResult, rb: Rulebook, config: Any = None, index: int = 0):
        self.form = form
        self.score = score
        self.rb = rb
        self.config = config  # the run's ReviewConfig: settings of other checks, when one defers to another
        self.index = index
        self._memo: dict[str, Any] = {}
        self._notes: list[bool] | None = None

    def memo(self, key: str, compute: Callable[..., T], *args: Any) -> T:
        """A value derived from the form, computed once for all checks:
        ``compute(*args)`` (pass the arguments rather than a closure: no
        function object is built per call)."""
        v = self._memo.get(key, _MISSING)
        if v is _MISSING:
            v = self._memo[key] = compute(*args)
        return v

    # -- common derived values ------------------------------------------
    @property
    def indicators(self) -> list[Indicator]:
        return self.form.indicators

    @property
    def rate(self) -> Decimal | None:
        """Execution rate in percent: as printed, else as recomputed."""
        r = self.form.funds.rate
        return r if r is not None else self.score.recomputed.rate

    @property
    def notes(self) -> list[bool]:
        """Per row: True when it has a real deviation note (not a placeholder)."""
        notes = self._notes
        if notes is None:
            notes = self._notes = [ind.deviation.strip() not in EMPTY_NOTES for ind in self.form.indicators]
        return notes

    def has_note(self, i: int) -> bool:
        """True when row ``i`` has a real deviation note (not a placeholder)."""
        return self.notes[i]

    @property
    def any_note(self) -> bool:
        return any(self.notes)

    def lost_points(self, i: int) -> bool:
        ind = self.form.indicators[i]
        return ind.weight is not None and ind.score is not None and ind.score < ind.weight

    def full_points(self, i: int) -> bool:
        ind = self.form.indicators[i]
        return ind.weight is not None and ind.score is not None and ind.score >= ind.weight
