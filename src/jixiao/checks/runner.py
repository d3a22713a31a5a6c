"""Run the enabled checks over a stream of forms and collect the results.

Forms are not kept: each is scored, checked and reduced to a small record
(for the summary, the forms table and the batch checks), so a run over
100,000 forms holds records and findings, not forms.
"""

from __future__ import annotations

import gc
import sys
import threading
import weakref
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter
from typing import Any

from ..model import Confidence, ConfidenceReason, Form
from ..scoring import Rulebook, score_form
from .base import REGISTRY, SEVERITY_RANK, Finding, Hit, iter_hits
from .config import ReviewConfig
from .context import FormContext, rows_of

_WAN = {"万元": Decimal(1), "元": Decimal("0.0001"), "千元": Decimal("0.1"), "亿元": Decimal(10000)}


def _empty_counter() -> Counter:
    """``Counter()`` without ``Counter.__init__``, Python code that updates
    the new Counter from nothing (4k instructions, once per form record)."""
    return dict.__new__(Counter)


@dataclass(slots=True)
class FormRecord:
    """One reviewed form, reduced to what reports need."""

    index: int
    project_name: str
    department: str
    implementing_unit: str
    year: int | None
    file: str
    line: int | None
    funds_unit: str
    initial_budget: Decimal | None
    adjusted_budget: Decimal | None
    executed: Decimal | None
    rate_reported: Decimal | None
    rate_recomputed: Decimal | None
    budget_score_reported: Decimal | None
    budget_score_recomputed: Decimal | None
    total_reported: Decimal | None
    total_recomputed: Decimal | None
    grade_reported: str | None
    grade_recomputed: str | None
    complete: bool
    warnings: list[dict]
    n_indicators: int
    confidence: dict | None = None  # Form.confidence as JSON (level, reasons); None for forms not read by read_forms
    findings: Counter = field(default_factory=_empty_counter)  # severity -> count

    def to_json_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__slots__ if k != "findings"}
        d["findings"] = dict(self.findings)
        return {k: (float(v) if isinstance(v, Decimal) else v) for k, v in d.items()}


@dataclass
class Review:
    """The result of a review run."""

    rulebook: str
    config: ReviewConfig
    forms: list[FormRecord] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    unreadable: list[dict] = field(default_factory=list)
    indicator_rows: list[dict] | None = None  # kept only when asked (spreadsheet output)
    check_errors: list[dict] = field(default_factory=list)  # checks that crashed (bugs), with the form

    def findings_of(self, index: int) -> list[Finding]:
        return [f for f in self.findings if f.form_index == index]

    def worst_severity(self) -> str | None:
        ranks = [SEVERITY_RANK[f.severity] for f in self.findings]
        if not ranks:
            return None
        return {v: k for k, v in SEVERITY_RANK.items()}[max(ranks)]

    def failed(self) -> bool:
        """True when a finding is at or above the configured --fail-on severity."""
        if self.config.fail_on == "never":
            return False
        bar = SEVERITY_RANK[self.config.fail_on]
        return any(SEVERITY_RANK[f.severity] >= bar for f in self.findings)

    def summary(self) -> dict[str, Any]:
        """The department summary: what a director reads first."""
        budget = executed = initial = Decimal(0)
        n_money = 0
        units = Counter(r.funds_unit for r in self.forms)
        for r in self.forms:
            k = _WAN.get(r.funds_unit)
            if k is None or r.adjusted_budget is None or r.executed is None:
                continue
            budget += r.adjusted_budget * k
            executed += r.executed * k
            initial += (r.initial_budget or Decimal(0)) * k
            n_money += 1
        rep = [r.total_reported for r in self.forms if r.total_reported is not None]
        rec = [r.total_recomputed for r in self.forms if r.total_recomputed is not None]
        grades = Counter(r.grade_reported or "（无）" for r in self.forms)
        by_sev = Counter(f.severity for f in self.findings)
        by_code = Counter(f.code for f in self.findings)
        return {
            "rulebook": self.rulebook,
            "forms": len(self.forms),
            "unreadable_files": len(self.unreadable),
            "incomplete_forms": sum(1 for r in self.forms if not r.complete),
            "funds_unit": "万元",
            "funds_units_seen": dict(units),
            "initial_budget": _round2(initial),
            "adjusted_budget": _round2(budget),
            "executed": _round2(executed),
            "weighted_rate": _round2(executed / budget * 100) if budget else None,
            "grades": dict(grades),
            "total_reported_mean": _round2(sum(rep) / len(rep)) if rep else None,
            "total_recomputed_mean": _round2(sum(rec) / len(rec)) if rec else None,
            "forms_with_total_difference": sum(
                1 for r in self.forms if r.total_reported is not None and r.total_recomputed is not None
                and r.total_reported != r.total_recomputed),
            "findings": len(self.findings),
            "findings_by_severity": {s: by_sev.get(s, 0) for s in ("error", "warning", "info")},
            "findings_by_code": dict(sorted(by_code.items())),
        }

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "summary": _plain(self.summary()),
            "forms": [r.to_json_dict() for r in self.forms],
            "findings": [f.to_json_dict() for f in self.findings],
            "unreadable": self.unreadable,
            "check_errors": self.check_errors,
        }


def _round2(d: Decimal) -> Decimal:
    return d.quantize(Decimal("0.01"))


def _plain(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v


def _form_record(index: int, project: str, file: str, fd: dict[str, Any], src: dict[str, Any],
                 sr: Any) -> FormRecord:
    """The :class:`FormRecord` of a form, from the form's ``__dict__``, its
    source's and its score: made without the class call (a type call with 23
    arguments, then the generated ``__init__``), which costs about as much as
    the stores themselves. test_runner checks that every field is set."""
    f = fd["funds"].__dict__
    rep, rec = sr.reported, sr.recomputed
    conf = fd["confidence"]
    warnings = fd["warnings"]
    indicators = fd["indicators"]
    r = _new(FormRecord)
    r.index = index
    r.project_name = project
    r.department = fd["department"]
    r.implementing_unit = fd["implementing_unit"]
    r.year = fd["year"]
    r.file = file
    r.line = src["line"]
    r.funds_unit = fd["funds_unit"]
    r.initial_budget = f["initial_budget"]
    r.adjusted_budget = f["adjusted_budget"]
    r.executed = f["executed"]
    r.rate_reported = rep.rate
    r.rate_recomputed = rec.rate
    r.budget_score_reported = rep.budget_score
    r.budget_score_recomputed = rec.budget_score
    r.total_reported = rep.total
    r.total_recomputed = rec.total
    r.grade_reported = rep.grade
    r.grade_recomputed = rec.grade
    r.complete = fd["complete"]
    r.warnings = [w.model_dump() for w in warnings] if warnings else []
    r.n_indicators = len(indicators)
    r.confidence = _confidence_dict(conf)
    r.findings = dict.__new__(Counter)  # see _empty_counter
    return r


def _confidence_dict(conf: Confidence | None) -> dict | None:
    """``conf.model_dump()``, read from the model's own dicts when it is an
    exact Confidence of ConfidenceReasons (every form a reader made): a third
    of the cost of pydantic's serializer, once per form."""
    if conf is None:
        return None
    if type(conf) is Confidence:
        d = conf.__dict__
        reasons = []
        for r in d["reasons"]:
            if type(r) is not ConfidenceReason:
                return conf.model_dump()
            rd = r.__dict__
            if len(rd) == 4:
                # A reason's __dict__ is its four fields in this order (a
                # model's dict holds its fields only, in their order): a copy
                # costs a fraction of building a dict of four items.
                reasons.append(rd.copy())
            else:  # a field missing (deleted from the model): read by name, failing as before
                reasons.append({"kind": rd["kind"], "level": rd["level"], "message": rd["message"],
                                "count": rd["count"]})
        return {"level": d["level"], "reasons": reasons}
    return conf.model_dump()


class _Locator:
    """Where a finding of one form was read, as a dict (file, page, line,
    end_line, sheet, cell): the field's own location, else the nearest one
    above it (as ``Form.location_of``), else the form's own lines. Read from
    the form's own dicts (its ``locations`` and the ``__dict__`` of its source
    and locations): nine findings a form read the same pydantic attributes
    otherwise.

    Findings read at the same place share one location dict (reports, web
    and store only read it), and the parents to try for a field missing from
    ``locations`` are remembered for the run in ``parents`` (the field paths
    are the form's structure: ``funds.rate`` -> ``funds``). The runner calls
    ``find`` as a bound method (cheaper than ``__call__`` on an instance)."""

    __slots__ = ("locs", "src", "parents", "made")

    def __init__(self, locs: dict[str, Any], src: dict[str, Any], parents: dict[str, tuple[str, ...]]):
        self.locs = locs
        self.src = src
        self.parents = parents
        self.made: dict[str | None, dict[str, Any]] = {}  # the path found in locs (None: the form's own place) -> dict

    def find(self, fld: str) -> dict[str, Any]:
        locs = self.locs
        at = fld if fld else None
        loc = locs.get(fld) if fld else None
        if loc is None and fld:  # Form.location_of: walk up the path (cell, row, block)
            up = self.parents.get(fld)
            if up is None:
                up = self.parents[fld] = _parents(fld)
            at = None
            for p in up:
                loc = locs.get(p)
                if loc is not None:
                    at = p
                    break
        d = self.made.get(at)
        if d is None:
            src = self.src
            if loc is None:
                d = {"file": src["file"], "page": src["page"], "line": src["line"], "end_line": src["end_line"],
                     "sheet": None, "cell": None}
            else:
                ld = loc.__dict__
                d = {"file": src["file"], "page": ld["page"], "line": ld["line"], "end_line": ld["end_line"],
                     "sheet": ld["sheet"], "cell": ld["cell"]}
            self.made[at] = d
        return d

    __call__ = find


def _parents(fld: str) -> tuple[str, ...]:
    """The paths above ``fld``, nearest first (``indicators[3].actual`` ->
    ``indicators[3]``, ``indicators``), as Form.location_of walks them."""
    out = []
    p = fld
    while True:
        cut = p.rfind(".")
        b = p.rfind("[")
        if b > cut:
            cut = b
        if cut <= 0:
            return tuple(out)
        p = p[:cut]
        out.append(p)


class _FewerFullCollections:
    """While a review runs, CPython's garbage collections examine a young
    object once, and full collections wait for 10x more young sweeps.

    A review keeps every finding, so the heap grows with each form, and each
    full collection scans all of it (with whatever the caller holds): about a
    tenth of the review time at the default thresholds. The findings and
    records a form leaves were also examined twice before they reach the old
    generation: by a sweep of generation 0 and again by one of generation 1.
    Here every young sweep takes both young generations (a second threshold
    below zero: CPython 3.11-3.13 sweep generation 1 when its count exceeds
    it), as often as generation 1 was swept (the first threshold times the
    second), which halves the traversals of what a form leaves. Only the
    timing of collections changes; cycles are still collected. Shared by
    overlapping reviewers (a count); the thresholds are restored when the
    last one is finished or dropped."""

    FULL_EVERY = 100  # the third threshold: young sweeps per full collection (CPython's default is 10)
    # The generational collector whose thresholds work as above (3.14 has an incremental one).
    ONE_YOUNG_SWEEP = sys.implementation.name == "cpython" and (3, 11) <= sys.version_info < (3, 14)

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._saved: tuple[int, int, int] | None = None
        self._finishing = 0  # finish() calls running
        self._froze = False  # the first of them froze the heap

    def enter(self) -> None:
        with self._lock:
            if self._users == 0:
                self._saved = t = gc.get_threshold()
                if self.ONE_YOUNG_SWEEP and t[1] > 0:
                    gc.set_threshold(t[0] * t[1], -1, max(t[2], self.FULL_EVERY))
                else:
                    gc.set_threshold(t[0], t[1], max(t[2], self.FULL_EVERY))
            self._users += 1

    def leave(self) -> None:
        with self._lock:
            self._users -= 1
            if self._users == 0 and self._saved is not None:
                gc.set_threshold(*self._saved)
                self._saved = None

    def freeze(self) -> None:
        """For finish(): what is alive when the batch checks start (the run's
        records and collected batch state, whatever the caller holds) is moved
        out of the collector's sight (``gc.freeze``) until :meth:`thaw`.

        The batch findings of a large run are made in one burst (about three
        per form) that doubles the tracked heap; each full collection it
        triggers scanned the whole run again, so finish() grew faster than
        the run (3 full scans at 100k forms, against 1 at 10k). Frozen, those
        collections scan only what finish() made. Nothing is frozen when the
        caller froze objects itself (its gc.freeze() stays as it was);
        overlapping finishes share one freeze, thawed by the last."""
        with self._lock:
            if self._finishing == 0:
                self._froze = gc.get_freeze_count() == 0
                if self._froze:
                    gc.freeze()
            self._finishing += 1

    def thaw(self) -> None:
        with self._lock:
            self._finishing -= 1
            if self._finishing == 0 and self._froze:
                gc.unfreeze()  # back in the oldest generation: collected as before from here on
                self._froze = False


_GC = _FewerFullCollections()

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}  # worst first


_CODE_FIELD = attrgetter("code", "field")
_new = object.__new__


class Reviewer:
    """Checks forms one at a time; ``finish()`` runs the batch checks."""

    def __init__(self, rb: Rulebook, config: ReviewConfig, *, keep_indicator_rows: bool = False):
        self.rb = rb
        self.config = config
        self.review = Review(rulebook=rb.name, config=config,
                             indicator_rows=[] if keep_indicator_rows else None)
        enabled = set(config.enabled)
        self._form_checks = [(REGISTRY[c], config.settings[c], config.severity[c])
                             for c in sorted(enabled) if REGISTRY[c].scope == "form"]
        # What every finding of a check repeats, looked up once per run, with
        # the rank of its severity (worst first) for the report order.
        self._form_calls = [(info.func, settings,
                             (info.code, info.name, severity, info.category, info.hint, _SEVERITY_ORDER[severity]))
                            for info, settings, severity in self._form_checks]
        # The calls for a form whose rows all agree with the engine
        # (ScoreResult.indicators_sum set, most forms): without the checks that
        # then find nothing (CheckInfo.quiet_if_rows_agree), in the same order.
        self._agreed_calls = [call for call, (info, _s, _sev) in zip(self._form_calls, self._form_checks)
                              if not info.quiet_if_rows_agree]
        self._batch = [(REGISTRY[c], REGISTRY[c].func(config.settings[c]), config.severity[c])
                       for c in sorted(enabled) if REGISTRY[c].scope == "batch"]
        self._n = 0
        self._parents: dict[str, tuple[str, ...]] = {}  # field path -> the paths above it (see _Locator)
        # One locator for the run, pointed at each form that has findings
        # (three stores, not a new object a form).
        self._locator = _Locator({}, {}, self._parents)
        _GC.enter()
        self._gc_done = weakref.finalize(self, _GC.leave)  # at finish(), or when dropped unfinished

    def _batch_finding(self, info, severity: str, hit: Hit) -> Finding:
        """A finding of a batch check: about one form of the run (``hit.form_index``,
        named from its record) or about the batch (no form)."""
        index = hit.form_index
        if index is not None:
            rec = self.review.forms[index]
            project, file = rec.project_name, rec.file
            loc: dict[str, Any] | None = {"file": file}
        else:
            project, file, loc = "", "", None
        return Finding(code=info.code, name=info.name, severity=severity, category=info.category,
                       message=hit.message, hint=info.hint, project_name=project, file=file, form_index=index,
                       field=hit.field, location=loc, evidence=hit.evidence)

    def add(self, form: Form) -> list[Finding]:
        index = self._n
        self._n += 1
        rows = rows_of(form.indicators)  # read once, for the engine and the checks
        sr = score_form(form, self.rb, rows)
        ctx = FormContext(form, sr, self.rb, self.config, index, rows)
        found: list[Finding] = []
        # The form's fields from its __dict__: a pydantic attribute read costs
        # about five dict look-ups (see scoring.engine._ROW).
        fd = form.__dict__
        project, src = fd["project_name"], fd["source"].__dict__
        file = src["file"]
        where = None
        prev = None
        several = False  # a check reported several findings
        calls = self._form_calls if sr.indicators_sum is None else self._agreed_calls
        for func, settings, info in calls:
            try:
                result = func(ctx, settings)
                if not result:  # None or (), what most checks return for most forms
                    continue
                for hit in (result,) if isinstance(result, Hit) else result:
                    code, name, severity, category, hint, rank = info  # unpacked only for a finding
                    if where is None:
                        locator = self._locator
                        locator.locs, locator.src, locator.made = fd["locations"], src, {}
                        where = locator.find
                        by_rank: tuple[list[Finding], ...] = ([], [], [])  # errors, warnings, infos
                    # Finding(...) without calling its __init__ (in CPython 3.11 a
                    # C-level call with a frame of its own): 40% of the cost of
                    # a finding. test_runner checks that every field is set.
                    x = _new(Finding)
                    x.code = code
                    x.name = name
                    x.severity = severity
                    x.category = category
                    x.message = hit.message
                    x.hint = hint
                    x.project_name = project
                    x.file = file
                    x.form_index = index
                    x.field = fld = hit.field
                    x.location = where(fld)
                    x.evidence = hit.evidence
                    found.append(x)
                    by_rank[rank].append(x)
                    if code is prev:
                        several = True
                    prev = code
            except Exception as exc:  # a bug in one check must not stop the review
                self._check_error(info[0], form, exc)
        for info, state, _sev in self._batch:
            try:
                state.collect(ctx)
            except Exception as exc:
                self._check_error(info.code, form, exc)
        rec_ = _form_record(index, project, file, fd, src, sr)
        if found:
            # The run's findings are kept in report order (see finish()), a
            # form's own few put in order here, so a run without batch
            # findings needs no sort of them all at the end. The checks ran in
            # code order, each at one severity: the findings of a severity are
            # in code order already, and need sorting only when a check
            # reported several (field order).
            out = self.review.findings
            firsts = []  # (first code, findings) per severity found
            for g in by_rank:
                if g:
                    if several and len(g) > 1:
                        g.sort(key=_CODE_FIELD)
                    out.extend(g)
                    firsts.append((g[0].code, g))
            if len(firsts) > 1:
                firsts.sort()  # the counts by severity, severities in the order found
            counts = rec_.findings  # a Counter; Counter.update is Python code, its dict methods are not
            for _code, g in firsts:
                counts[g[0].severity] = len(g)
        self.review.forms.append(rec_)
        if self.review.indicator_rows is not None:
            for i, (ind, d) in enumerate(zip(fd["indicators"], sr.indicators)):
                self.review.indicator_rows.append({
                    "form_index": index, "project_name": form.project_name, "row": i + 1,
                    "level1": ind.level1, "level2": ind.level2, "name": ind.name, "target": ind.target,
                    "actual": ind.actual, "weight": ind.weight, "score": ind.score, "recomputed": d.score,
                    "rule": d.rule, "deviation": ind.deviation,
                })
        return found

    def _check_error(self, code: str, form: Form | None, exc: Exception) -> None:
        self.review.check_errors.append({
            "code": code, "project_name": form.project_name if form else "", "file": form.source.file if form else "",
            "error": f"{type(exc).__name__}: {exc}",
        })

    def finish(self) -> Review:
        _GC.freeze()
        try:
            return self._finish()
        finally:
            _GC.thaw()

    def _finish(self) -> Review:
        loc = self._locator
        loc.locs, loc.src, loc.made = {}, {}, {}  # the last form's values let go
        findings = self.review.findings
        n_form_findings = len(findings)
        for info, state, severity in self._batch:
            try:
                hits = list(iter_hits(state.finish()))
            except Exception as exc:
                self._check_error(info.code, None, exc)
                continue
            for hit in hits:
                fnd = self._batch_finding(info, severity, hit)
                self.review.findings.append(fnd)
                if hit.form_index is not None:
                    self.review.forms[hit.form_index].findings[severity] += 1
        # Stable order: by form, then severity (worst first), then code, then
        # field. add() kept each form's findings in that order, forms in run
        # order, so only batch findings call for a sort. Python's sort is
        # stable: sorting by each key from the last to the first gives that
        # order (ties in the order found) without building a tuple per finding.
        if len(findings) > n_form_findings:
            findings.sort(key=attrgetter("field"))
            findings.sort(key=attrgetter("code"))
            findings.sort(key=lambda f: _SEVERITY_ORDER[f.severity])
            findings.sort(key=lambda f: f.form_index if f.form_index is not None else -1)
        self._gc_done()
        return self.review


def review_forms(forms: Iterable[Form], rb: Rulebook, config: ReviewConfig | None = None, *,
                 keep_indicator_rows: bool = False,
                 on_form: Callable[[Form, list[Finding]], None] | None = None) -> Review:
    """Review a stream of forms under a rulebook; returns the :class:`Review`."""
    config = config or ReviewConfig.build(rb)
    r = Reviewer(rb, config, keep_indicator_rows=keep_indicator_rows)
    for form in forms:
        found = r.add(form)
        if on_form is not None:
            on_form(form, found)
    return r.finish()
