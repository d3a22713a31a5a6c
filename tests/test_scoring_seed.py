"""The seed under the shanghai rulebook: every printed figure reproduced."""

from __future__ import annotations

import pytest

from jixiao.ingest import read_forms
from jixiao.scoring import load_rulebook, score_form


@pytest.fixture(scope="module")
def seed_forms(seed_path):
    return list(read_forms(seed_path))


def test_shanghai_reproduces_every_figure(seed_forms):
    rb = load_rulebook("shanghai")
    n_figures = 0
    for form in seed_forms:
        res = score_form(form, rb)
        assert res.differences == [], (form.project_name, res.differences)
        rep, rec = res.reported, res.recomputed
        assert rec.rate == rep.rate == form.funds.rate
        assert rec.budget_score == rep.budget_score == form.funds.score
        assert rec.indicator_scores == [i.score for i in form.indicators]
        assert rec.total == form.total and rec.grade == form.grade
        n_figures += 4 + len(form.indicators)
    assert n_figures == 16 * 4 + 183


def test_national_rounds_the_rate_and_says_so(seed_forms):
    # national rounds the rate half-up: the 8 forms whose third decimal is >= 5
    # differ from the printed (truncated) rate, and only there.
    rb = load_rulebook("national")
    diffs = [(f.project_name, d) for f in seed_forms for d in score_form(f, rb).differences]
    assert len(diffs) == 8
    assert {d.field for _, d in diffs} == {"funds.rate"}
    name, d = next((n, d) for n, d in diffs if n == "购买七宝镇 IP电话安装服务")
    assert (float(d.reported), float(d.recomputed)) == (94.81, 94.82)
