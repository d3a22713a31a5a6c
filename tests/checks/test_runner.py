"""The runner: a crashing check is reported and the review goes on."""

import dataclasses
from collections import Counter

from jixiao.checks import REGISTRY, ReviewConfig, load_families, review_forms
from jixiao.scoring import load_rulebook

from .factory import baseline, edit


def test_a_crashing_check_does_not_stop_the_review(monkeypatch):
    load_families()

    def boom(ctx, s):
        raise ZeroDivisionError("division by zero")
        yield  # pragma: no cover

    monkeypatch.setitem(REGISTRY, "JX304", dataclasses.replace(REGISTRY["JX304"], func=boom))
    rb = load_rulebook("national")
    f = edit(baseline(), **{"funds.rate": __import__("decimal").Decimal("60.00")})  # JX101 still reports
    r = review_forms([f, baseline()], rb, ReviewConfig.build(rb))
    assert len(r.check_errors) == 2
    assert r.check_errors[0]["code"] == "JX304" and "ZeroDivisionError" in r.check_errors[0]["error"]
    assert "JX101" in {x.code for x in r.findings}
    assert len(r.forms) == 2
    assert r.to_json_dict()["check_errors"][1]["project_name"] == baseline().project_name


def _report_order(findings):
    """The documented order, as the runner once sorted the whole run: by form
    (batch-level findings first), severity (worst first), code, field; ties
    in the order found (stable sorts from the last key to the first)."""
    sev = {"error": 0, "warning": 1, "info": 2}
    out = list(findings)
    out.sort(key=lambda f: f.field)
    out.sort(key=lambda f: f.code)
    out.sort(key=lambda f: sev[f.severity])
    out.sort(key=lambda f: -1 if f.form_index is None else f.form_index)
    return out


def test_findings_come_in_report_order_with_and_without_batch_checks():
    """add() sorts each form's findings and finish() sorts only when batch
    findings join them: both runs must give the order of one sort of all."""
    from jixiao.checks import Reviewer
    from jixiao.cli import sample_path
    from jixiao.ingest import read_forms

    rb = load_rulebook("shanghai")
    forms = list(read_forms(sample_path()))
    for ignore in (["JX9"], []):
        r = Reviewer(rb, ReviewConfig.build(rb, ignore=ignore))
        found = [f for form in forms for f in r.add(form)]  # as each add() returned them
        review = r.finish()
        batch = [f for f in review.findings if f.code.startswith("JX9")]
        assert bool(batch) == (not ignore)
        assert len(review.findings) == len(found) + len(batch) > 50
        # several findings per form, in another order than found: the sort is exercised
        assert [f.code for f in found] != [f.code for f in _report_order(found)]
        assert [id(f) for f in review.findings] == [id(f) for f in _report_order(found + batch)]
        for rec in review.forms:  # the per-form counts by severity
            mine = [f for f in review.findings if f.form_index == rec.index]
            assert dict(rec.findings) == {s: n for s in ("error", "warning", "info")
                                          if (n := sum(1 for f in mine if f.severity == s))}


def test_a_check_reporting_several_findings_comes_in_field_order(monkeypatch):
    """add() groups a form's findings by severity as the checks report them
    (in code order) and sorts only when a check reported several: by field,
    ties in the order found; the counts by severity keep the order found."""
    from jixiao.checks import Hit, Reviewer

    load_families()
    rb = load_rulebook("national")
    cfg = ReviewConfig.build(rb)

    def several(ctx, s):  # JX304 (an error check) reporting three findings, fields out of order
        yield Hit("indicators[1].actual", "b1", {})
        yield Hit("funds.rate", "a", {})
        yield Hit("indicators[1].actual", "b2", {})

    monkeypatch.setitem(REGISTRY, "JX304", dataclasses.replace(REGISTRY["JX304"], func=several))
    r = Reviewer(rb, cfg)
    forms = [edit(baseline(), **{"funds.rate": __import__("decimal").Decimal("60.00")}), baseline()]
    found = [r.add(f) for f in forms]
    review = r.finish()
    assert [f.message for f in found[0] if f.code == "JX304"] == ["b1", "a", "b2"]  # as reported
    assert [f.message for f in review.findings if f.code == "JX304"] == ["a", "b1", "b2"] * 2
    mine = [f for fs in found for f in fs]
    batch = [f for f in review.findings if f.form_index is None or f.code.startswith("JX9")]
    assert [id(f) for f in review.findings] == [id(f) for f in _report_order(mine + batch)]
    for f in review.findings:  # add() sets the slots of a Finding itself: every field is set
        assert dataclasses.replace(f) == f  # reads every field (AttributeError for a slot not set)
    for rec, fs in zip(review.forms, found):
        firsts = {}
        for f in fs:
            firsts.setdefault(f.severity, 0)
            firsts[f.severity] += 1
        assert list(rec.findings.items()) == list(firsts.items())


def _location(form, fld):
    # The reference: Form.location_of, else the form's own place.
    src = form.source
    loc = form.location_of(fld) if fld else None
    if loc is None:
        return {"file": src.file, "page": src.page, "line": src.line, "end_line": src.end_line,
                "sheet": None, "cell": None}
    return {"file": src.file, "page": loc.page, "line": loc.line, "end_line": loc.end_line,
            "sheet": loc.sheet, "cell": loc.cell}


def test_findings_at_one_place_share_a_location_equal_to_location_of():
    """_Locator.find gives what Form.location_of gives (the form's own lines
    when nothing is located); findings of a form at the same place share the
    dict, other forms get their own."""
    from jixiao.checks.runner import _Locator
    from jixiao.cli import sample_path
    from jixiao.ingest import read_forms

    forms = list(read_forms(sample_path()))[:3]
    parents = {}
    made = []
    for form in forms:
        fields = ["", "funds.rate", "funds.executed", "funds", "goal.actual", "indicators", "indicators[2]",
                  "indicators[2].actual", "indicators[2].actual.number", "funds.rows[0].rate", "no.such[3].path",
                  *form.locations]
        find = _Locator(form.locations, form.source.__dict__, parents).find
        for fld in fields + fields:
            assert find(fld) == _location(form, fld), fld
        assert find("funds.rate") is find("funds.executed") is find("funds")
        assert find("") is find("no.such[3].path")
        made.append(find("funds.rate"))
    assert made[0] is not made[1] and parents["indicators[2].actual.number"] == ("indicators[2].actual",
                                                                                  "indicators[2]", "indicators")


def test_form_records_set_every_field_as_the_class_call_would():
    """add() makes a FormRecord without calling the class, and a reason of
    the form's confidence as a copy of the model's dict: every field set, the
    same values (and key order) as FormRecord(...) and model_dump."""
    import json

    from jixiao.checks import Reviewer
    from jixiao.checks.runner import FormRecord, _confidence_dict
    from jixiao.cli import sample_path
    from jixiao.ingest import read_forms
    from jixiao.model import Confidence, ConfidenceReason

    rb = load_rulebook("shanghai")
    forms = list(read_forms(sample_path()))
    forms[0].confidence = Confidence(level="medium", reasons=[
        ConfidenceReason(kind="repairs", level="medium", message="修复 2 处", count=2),
        ConfidenceReason(kind="ocr", level="high", message="OCR")])
    r = Reviewer(rb, ReviewConfig.build(rb))
    for form in forms:
        r.add(form)
    review = r.finish()
    assert len(review.forms[0].confidence["reasons"]) == 2
    for form, rec in zip(forms, review.forms):
        assert dataclasses.replace(rec) == rec  # reads every field (AttributeError for a slot not set)
        assert type(rec.findings) is Counter
        want = form.confidence.model_dump() if form.confidence is not None else None
        assert json.dumps(rec.confidence, ensure_ascii=False) == json.dumps(want, ensure_ascii=False)
        assert rec.project_name == form.project_name and rec.n_indicators == len(form.indicators)
        assert rec.total_reported == form.total and rec.file == form.source.file
    assert [f.name for f in dataclasses.fields(FormRecord)] == list(FormRecord.__slots__)
    # a reason built without validation, a field missing: read as before (KeyError), not copied
    odd = Confidence(level="low", reasons=[ConfidenceReason.model_construct(kind="ocr", level="low")])
    try:
        _confidence_dict(odd)
    except KeyError as exc:
        assert exc.args == ("message",)
    else:  # pragma: no cover
        raise AssertionError("expected KeyError")
    ok = Confidence(level="low", reasons=[ConfidenceReason.model_construct(kind="ocr", level="low", message="m")])
    assert _confidence_dict(ok) == ok.model_dump() and list(_confidence_dict(ok)["reasons"][0]) == [
        "kind", "level", "message", "count"]


def test_the_review_collects_young_objects_once_and_restores_the_thresholds():
    import gc
    import sys

    from jixiao.checks import Reviewer
    from jixiao.checks.runner import _empty_counter

    rb = load_rulebook("national")
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        r1, r2 = Reviewer(rb, ReviewConfig.build(rb)), Reviewer(rb, ReviewConfig.build(rb))
        one_sweep = sys.implementation.name == "cpython" and sys.version_info < (3, 14)
        if one_sweep:
            assert gc.get_threshold() == (7000, -1, 100)
        gens = []

        def seen(phase, info):
            if phase == "stop":
                gens.append((info["generation"], info["collected"]))

        gc.callbacks.append(seen)
        try:
            for _ in range(20000):  # cycles are still collected
                a, b = [], []
                a.append(b)
                b.append(a)
        finally:
            gc.callbacks.remove(seen)
        assert sum(n for _g, n in gens) > 0
        assert not one_sweep or 0 not in {g for g, _n in gens}  # no sweep of generation 0 alone
        r1.finish()
        assert gc.get_threshold() != (700, 10, 10)  # r2 still runs
        r2.finish()
        assert gc.get_threshold() == (700, 10, 10)
    finally:
        gc.set_threshold(*before)
    c = _empty_counter()
    assert type(c) is Counter and c == Counter() and c["x"] == 0 and not c
    c["warning"] += 1
    assert c == Counter(warning=1)


def test_finish_freezes_the_run_for_the_batch_checks_and_thaws_it():
    """finish() hides what the run holds from full collections while the batch
    findings are made (runner._FewerFullCollections.freeze), and always thaws."""
    import gc

    from jixiao.checks import Reviewer
    from jixiao.checks.runner import _GC

    rb = load_rulebook("national")
    cfg = ReviewConfig.build(rb, select=["JX9"])
    assert gc.get_freeze_count() == 0
    r = Reviewer(rb, cfg)
    forms = [baseline(), edit(baseline(), project_name="另一个项目")]  # same indicator table: JX901 reports
    for f in forms:
        r.add(f)
    seen = []
    info, state, severity = r._batch[0]
    real = state.finish

    def watched():
        seen.append(gc.get_freeze_count())
        return real()

    state.finish = watched
    review = r.finish()
    assert seen and seen[0] > 0  # the run's objects were frozen during the batch checks
    assert gc.get_freeze_count() == 0  # and thawed after
    assert "JX901" in {x.code for x in review.findings}

    # Thawed when finish() fails, too.
    r2 = Reviewer(rb, cfg)
    r2.add(baseline())
    r2.review = None  # finish() meets an error
    try:
        r2.finish()
    except AttributeError:
        pass
    else:
        raise AssertionError("finish() should have failed")
    assert gc.get_freeze_count() == 0

    # A caller's own freeze is left as it was.
    gc.freeze()
    try:
        held = gc.get_freeze_count()
        r3 = Reviewer(rb, cfg)
        r3.add(baseline())
        r3.finish()
        assert gc.get_freeze_count() == held
    finally:
        gc.unfreeze()

    # Overlapping finishes share one freeze, thawed by the last.
    _GC.freeze()
    _GC.freeze()
    _GC.thaw()
    assert gc.get_freeze_count() > 0
    _GC.thaw()
    assert gc.get_freeze_count() == 0


def test_checks_quiet_if_rows_agree_find_nothing_on_forms_whose_rows_agree():
    """The runner skips a check marked ``quiet_if_rows_agree`` on a form whose
    ScoreResult.indicators_sum is set: called there anyway, each finds nothing
    (the sample's forms under every rulebook, and baseline forms with
    odd rows that the engine still sums)."""
    from jixiao.checks.base import iter_hits
    from jixiao.checks.context import FormContext, rows_of
    from jixiao.cli import sample_path
    from jixiao.ingest import read_forms
    from jixiao.scoring import score_form

    load_families()
    quiet = sorted(c for c, info in REGISTRY.items() if info.quiet_if_rows_agree)
    assert quiet == ["JX103", "JX201", "JX202", "JX203", "JX204", "JX205"]
    forms = list(read_forms(sample_path())) + [baseline()]
    agreed = 0
    for name in ("national", "shanghai", "hubei"):
        rb = load_rulebook(name)
        config = ReviewConfig.build(rb)
        for form in forms:
            rows = rows_of(form.indicators)
            sr = score_form(form, rb, rows)
            if sr.indicators_sum is None:
                continue
            agreed += 1
            ctx = FormContext(form, sr, rb, config, 0, rows)
            for code in quiet:
                assert list(iter_hits(REGISTRY[code].func(ctx, config.settings[code]))) == [], (name, code)
    assert agreed > 10


def test_checks_quiet_if_rows_agree_still_run_when_rows_differ():
    """A form with a row score off the formula (no indicators_sum): the
    marked checks run and report as before."""
    from decimal import Decimal

    from jixiao.checks import Reviewer

    from .factory import edit_indicator

    rb = load_rulebook("national")
    form = baseline()
    i = next(k for k, ind in enumerate(form.indicators) if ind.score == ind.weight and ind.weight > 1)
    form = edit_indicator(form, i, score=form.indicators[i].weight - Decimal(1))
    r = Reviewer(rb, ReviewConfig.build(rb))
    assert r._form_calls != r._agreed_calls
    found = r.add(form)
    assert ("JX203", f"indicators[{i}].score") in [(f.code, f.field) for f in found]  # points lost although met
