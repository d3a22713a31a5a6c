"""The runner: a crashing check is reported and the review goes on."""

import dataclasses

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
