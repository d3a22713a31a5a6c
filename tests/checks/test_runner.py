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
