"""What a per-form check sees: the form, its recomputed scores, the rulebook,
and derived values computed once per form and shared by all checks."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from ..model import Form, Indicator
from ..scoring import Rulebook, ScoreResult

T = TypeVar("T")

# Placeholders that do not count as a deviation analysis.
EMPTY_NOTES = frozenset({"", "无", "/", "-", "—", "——", "无偏差", "不涉及", "暂无", "0", "空", "无。", "／"})


class FormContext:
    """One form under review. Checks read; they never modify the form."""

    __slots__ = ("form", "score", "rb", "config", "index", "_memo")

    def __init__(self, form: Form, score: ScoreResult, rb: Rulebook, config: Any = None, index: int = 0):
        self.form = form
        self.score = score
        self.rb = rb
        self.config = config  # the run's ReviewConfig: settings of other checks, when one defers to another
        self.index = index
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """A value derived from the form, computed once for all checks."""
        try:
            return self._memo[key]
        except KeyError:
            v = self._memo[key] = compute()
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

    def has_note(self, i: int) -> bool:
        """True when row ``i`` has a real deviation note (not a placeholder)."""
        return self.form.indicators[i].deviation.strip() not in EMPTY_NOTES

    @property
    def any_note(self) -> bool:
        return self.memo("any_note", lambda: any(self.has_note(i) for i in range(len(self.form.indicators))))

    def lost_points(self, i: int) -> bool:
        ind = self.form.indicators[i]
        return ind.weight is not None and ind.score is not None and ind.score < ind.weight

    def full_points(self, i: int) -> bool:
        ind = self.form.indicators[i]
        return ind.weight is not None and ind.score is not None and ind.score >= ind.weight
