"""What a per-form check sees: the form, its recomputed scores, the rulebook,
and derived values computed once per form and shared by all checks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from ..model import Form, Funds, Indicator
from ..scoring import Rulebook, ScoreResult

T = TypeVar("T")
_MISSING = object()

# Placeholders that do not count as a deviation analysis.
EMPTY_NOTES = frozenset({"", "无", "/", "-", "—", "——", "无偏差", "不涉及", "暂无", "0", "空", "无。", "／"})


class Row:
    """One indicator row as plain slots: the fields of
    :class:`~jixiao.model.Indicator` (the same values, not copies).

    The checks read about thirty fields of each row per form; a field of the
    pydantic model costs several dict look-ups per read (its attribute
    hook, and an instance dict the interpreter cannot specialize), a slot
    a fraction of that. The parsed target and actual stay the model's.
    """

    __slots__ = ("level1", "level2", "name", "target", "actual", "weight", "score", "deviation", "target_parsed",
                 "actual_parsed")


def rows_of(indicators: list[Indicator]) -> Sequence[Any]:
    """The rows of an indicator table as :class:`Row` objects, each read once
    from the model's ``__dict__``; the models themselves when a row lacks a
    field (a form built without validation: the checks then meet the
    missing field as they always did).

    The values are taken in the order of the ``__dict__``, without a look-up
    per field (a quarter less): a model's ``__dict__`` lists its fields
    in their declared order, which ``Row.__slots__`` repeats (a test holds
    them equal), whether validated or made by ``model_construct``; one
    lacking a field has fewer values (ValueError). Only a field deleted and
    set again (``del ind.score; ind.score = x``) would move it to the end."""
    out = []
    append = out.append
    try:
        for ind in indicators:
            r = Row()  # cheaper than object.__new__(Row): no argument tuple
            (r.level1, r.level2, r.name, r.target, r.actual, r.weight, r.score, r.deviation, r.target_parsed,
             r.actual_parsed) = ind.__dict__.values()
            append(r)
    except (ValueError, AttributeError, TypeError):
        return indicators
    return out


class RowFacts:
    """Which indicator rows each row-by-row check has to look at, found in one
    pass over the table (``FormContext.rows``).

    Most rows of most forms are clean: full points, actual as printed. A
    check that walked the whole table on every form to find the rare row it
    reports (points lost, a score above its weight, an actual with a sign)
    paid for the walk on every clean form; with these lists it tests an empty
    list. Each list holds, in row order, every row where the check's own
    condition *can* hold (a superset): the checks still apply their exact
    condition to each listed row, so what they report (or raise, for odd
    values) is unchanged. A score or weight that is not a finite Decimal
    (only possible in forms built without validation) is listed wherever a
    comparison is made, so the check meets it as before.

    score_form finds the same lists in its own pass over the rows
    (``ScoreResult.row_facts``); they are taken from there when the context's
    rows are the ones it scored (the runner's), else found here.
    """

    __slots__ = ("lost", "above", "signed_actual", "exceeded")

    def __init__(self, ctx: FormContext):
        # Found by score_form in its pass over these very rows (the runner
        # scores the rows it gives the context): the same lists.
        facts = ctx.score.row_facts
        if facts is not None and facts[0] is ctx.indicators:
            _, self.lost, self.above, self.signed_actual, self.exceeded = facts
            return
        lost: list[int] = []  # score < weight (JX302)
        above: list[int] = []  # score > weight (JX109)
        signed: list[int] = []  # an actual printed with a comparison sign (JX602)
        exceeded: list[int] = []  # positive rule, actual above target (JX303, JX605)
        details = ctx.score.indicators
        # Every printed score equals its recomputed one, an exact Decimal
        # (ScoreResult.indicators_sum): a row the engine gave full points
        # (its score is the weight itself, checked finite) has score == weight.
        by_value = ctx.score.indicators_sum is not None
        for i, ind in enumerate(ctx.indicators):
            sc, w = ind.score, ind.weight
            d = details[i]
            if by_value and d.score is w and type(w) is Decimal:
                pass  # full points: neither lost nor above
            elif sc is not None and w is not None:
                # both finite Decimals (inline: no call per row)
                if isinstance(sc, Decimal) and isinstance(w, Decimal) and sc.is_finite() and w.is_finite():
                    if sc != w:  # full points, the common row, need one comparison
                        if sc < w:
                            lost.append(i)
                        else:
                            above.append(i)
                else:
                    lost.append(i)
                    above.append(i)
            if ind.actual_parsed.comparison is not None:
                signed.append(i)
            # The rule "positive" means the engine checked target and actual
            # (finite, target > 0): an over-achievement needs actual > target.
            if d.rule == "positive" and d.actual > d.target:
                exceeded.append(i)
        self.lost, self.above, self.signed_actual, self.exceeded = lost, above, signed, exceeded


class FormContext:
    """One form under review. Checks read; they never modify the form."""

    __slots__ = ("form", "score", "rb", "config", "index", "indicators", "funds", "memoized", "_notes", "_rows", "_noted",
                 "complete", "goal_expected", "goal_actual", "funds_initial", "funds_adjusted", "funds_executed",
                 "funds_weight", "funds_rate", "funds_rows")

    def __init__(self, form: Form, score: ScoreResult, rb: Rulebook, config: Any = None, index: int = 0,
                 rows: Sequence[Any] | None = None):
        self.form = form
        self.score = score
        self.rb = rb
        self.config = config  # the run's ReviewConfig: settings of other checks, when one defers to another
        self.index = index
        # Read by most checks: slots, not attributes of the pydantic form
        # (each read of which goes through the model's __getattr__ hook);
        # the rows likewise (:class:`Row`; ``rows``: ``rows_of(form.indicators)``
        # when the caller has them already).
        self.indicators: Sequence[Any] = rows if rows is not None else rows_of(form.indicators)
        # The form's fields the checks read most (about 25 reads a form),
        # each read once from the models' __dict__: ``complete``, the goal's
        # ``expected`` and ``actual``, the funds' ``initial_budget``,
        # ``adjusted_budget``, ``executed``, ``weight``, ``rate`` and ``rows``
        # (the same values, not copies). A form built without validation (a
        # field missing, or not a model) gets :class:`_ModelReads`: the same
        # names read through the models on each use, failing as they do.
        try:
            fd = form.__dict__
            funds = fd["funds"]
            f, g = funds.__dict__, fd["goal"].__dict__
            self.complete = fd["complete"]
            self.goal_expected, self.goal_actual = g["expected"], g["actual"]
            self.funds_initial, self.funds_adjusted, self.funds_executed = (
                f["initial_budget"], f["adjusted_budget"], f["executed"])
            self.funds_weight, self.funds_rate, self.funds_rows = f["weight"], f["rate"], f["rows"]
        except (KeyError, AttributeError, TypeError):
            self.__class__ = _ModelReads
            funds = form.funds
        self.funds: Funds = funds
        # The values of memo() by key. The accessors called several times a
        # form look here first (``ctx.memoized.get(key)``): a dict look-up
        # instead of a method call with its arguments.
        self.memoized: dict[str, Any] = {}
        self._notes: list[bool] | None = None
        self._rows: RowFacts | None = None
        self._noted: list[int] | None = None

    def memo(self, key: str, compute: Callable[..., T], *args: Any) -> T:
        """A value derived from the form, computed once for all checks:
        ``compute(*args)`` (pass the arguments rather than a closure: no
        function object is built per call)."""
        v = self.memoized.get(key, _MISSING)
        if v is _MISSING:
            v = self.memoized[key] = compute(*args)
        return v

    # -- common derived values ------------------------------------------
    @property
    def rate(self) -> Decimal | None:
        """Execution rate in percent: as printed, else as recomputed."""
        r = self.funds_rate
        return r if r is not None else self.score.recomputed.rate

    @property
    def notes(self) -> list[bool]:
        """Per row: True when it has a real deviation note (not a placeholder)."""
        notes = self._notes
        if notes is None:
            notes = self._notes = [ind.deviation.strip() not in EMPTY_NOTES for ind in self.indicators]
        return notes

    @property
    def rows(self) -> RowFacts:
        """The rows each row-by-row check has to look at (:class:`RowFacts`)."""
        rows = self._rows
        if rows is None:
            rows = self._rows = RowFacts(self)
        return rows

    @property
    def noted(self) -> list[int]:
        """The rows with a real deviation note, in order (usually few)."""
        noted = self._noted
        if noted is None:
            noted = self._noted = [i for i, n in enumerate(self.notes) if n]
        return noted

    def has_note(self, i: int) -> bool:
        """True when row ``i`` has a real deviation note (not a placeholder)."""
        return self.notes[i]

    @property
    def any_note(self) -> bool:
        return any(self.notes)

    def lost_points(self, i: int) -> bool:
        ind = self.indicators[i]
        return ind.weight is not None and ind.score is not None and ind.score < ind.weight

    def full_points(self, i: int) -> bool:
        ind = self.indicators[i]
        return ind.weight is not None and ind.score is not None and ind.score >= ind.weight


class _ModelReads(FormContext):
    """The context of a form built without validation whose fields could not
    all be read at once: the form's values :class:`FormContext` keeps in
    slots are read here through the models on each use, so that a check
    meets a missing field (or a value that is not a model) as it always did."""

    __slots__ = ()

    complete = property(lambda self: self.form.complete)
    goal_expected = property(lambda self: self.form.goal.expected)
    goal_actual = property(lambda self: self.form.goal.actual)
    funds_initial = property(lambda self: self.funds.initial_budget)
    funds_adjusted = property(lambda self: self.funds.adjusted_budget)
    funds_executed = property(lambda self: self.funds.executed)
    funds_weight = property(lambda self: self.funds.weight)
    funds_rate = property(lambda self: self.funds.rate)
    funds_rows = property(lambda self: self.funds.rows)
