"""The checks that take a shortcut through what score_form found in its pass
(ScoreResult.row_facts: RowFacts' lists, the weights equal to the parts)
report what they report without it, for odd forms too."""

from __future__ import annotations

import dataclasses
import random
from decimal import Decimal as D

import pytest

from jixiao.checks import ReviewConfig
from jixiao.checks.base import REGISTRY, Hit
from jixiao.checks.context import FormContext, rows_of
from jixiao.model import Form, ParsedValue, parse_value
from jixiao.scoring import load_rulebook, score_form, score_indicator

from .factory import baseline

_NATIONAL = load_rulebook("national")
_WEIGHTS = [D(20), D("20.00"), D(10), D("10.0"), D(5), D(15), D("4.5"), D(0)]
_ODD = [None, D("NaN"), D("sNaN"), D("Infinity"), D("1E+999999"), 10, 10.5, "10"]


def _value(rnd: random.Random, w):
    r = rnd.random()
    if r < 0.6:
        return w
    if r < 0.75:
        return D(str(w)) if isinstance(w, D) else w  # equal, another object
    if r < 0.85 and isinstance(w, D) and w.is_finite() and abs(w) < 1000:
        return w.quantize(D("0.01"))  # equal, other places
    if r < 0.95:
        return rnd.choice(_WEIGHTS)
    return rnd.choice(_ODD)


def _forms(seed: int, n: int):
    rnd = random.Random(seed)
    base = baseline()
    for _ in range(n):
        rows = []
        for ind in base.indicators:
            d = dict(ind.__dict__)
            w = rnd.choice(_WEIGHTS + [d["weight"]] * 8) if rnd.random() < 0.9 else rnd.choice(_ODD)
            d["weight"], d["score"] = w, _value(rnd, w)
            tp = d["target_parsed"]
            if rnd.random() < 0.06 and tp.kind == "number" and tp.number:
                # the target missed, the score as the formula gives it (points lost, printed right)
                d["actual_parsed"] = ParsedValue(**parse_value(f"{tp.number * D('0.9')}({tp.unit})"))
                if isinstance(w, D) and w.is_finite():
                    d["score"] = score_indicator(type(ind).model_construct(**d), _NATIONAL).score
            rows.append(type(ind).model_construct(**d))
        yield Form.model_construct(**{**base.__dict__, "indicators": rows})


def _run(func, ctx, settings):
    """The hits as the runner takes them, then the error if one is raised (after them)."""
    out: list = []
    try:
        res = func(ctx, settings)
        for h in () if res is None else (res,) if isinstance(res, Hit) else res:
            out.append((h.field, h.message, repr(h.evidence)))
    except Exception as exc:  # noqa: BLE001 - the same error is part of the result
        out.append(f"{type(exc).__name__}: {exc}")
    return out


@pytest.mark.parametrize("rulebook", ["national", "shanghai"])
def test_checks_report_the_same_with_and_without_the_engines_facts(rulebook):
    rb = load_rulebook(rulebook)
    cfg = ReviewConfig.build(rb, select=["ALL"], ignore=["JX9"])
    calls = [(REGISTRY[c].func, cfg.settings[c]) for c in sorted(cfg.enabled)
             if REGISTRY[c].scope == "form" and c[:3] in ("JX1", "JX2", "JX3", "JX6")]
    shortcut = 0
    for form in _forms(11, 400):
        rows = rows_of(form.indicators)
        try:
            sr = score_form(form, rb, rows)
        except Exception:  # noqa: BLE001 - an odd value the engine does not take (a float score)
            continue
        with_facts = FormContext(form, sr, rb, cfg, 0, rows)
        without = FormContext(form, dataclasses.replace(sr, row_facts=None), rb, cfg, 0, rows)
        shortcut += sr.indicators_sum is not None and not sr.row_facts[1] and not sr.row_facts[2]
        for func, settings in calls:
            assert _run(func, with_facts, settings) == _run(func, without, settings), func.__name__
    assert shortcut > 30


def test_weights_that_do_not_add_up_although_the_parts_do():
    """Points lost, printed right: the parts add up to 90 (20 of 25 points), the weights to 95."""
    form = baseline()
    rows = [dict(i.__dict__) for i in form.indicators]
    rows[0].update(weight=D(25), actual="960(人)", actual_parsed=ParsedValue(**parse_value("960(人)")))
    rows[0]["score"] = score_indicator(type(form.indicators[0]).model_construct(**rows[0]), _NATIONAL).score
    assert rows[0]["score"] == D("20.00")
    f = Form.model_construct(**{**form.__dict__, "indicators": [type(form.indicators[0]).model_construct(**r)
                                                                   for r in rows]})
    rb = load_rulebook("national")
    rs = rows_of(f.indicators)
    sr = score_form(f, rb, rs)
    assert sr.indicators_sum == D("90.00") and sr.row_facts[1] == [0]
    hits = _run(REGISTRY["JX104"].func, FormContext(f, sr, rb, None, 0, rs), None)
    assert [h[0] for h in hits] == ["indicators"] and "指标分值合计 95" in hits[0][1]


def _fund_rows(rnd: random.Random):
    from types import SimpleNamespace

    from jixiao.model import FundRow
    values = [D("100.00"), D("95.00"), D("0.00"), D(0), D("5"), None, D("NaN"), D("sNaN"), 1.5, "x"]
    rows = []
    for source in ("当年财政拨款", "上年结转资金", "其他资金")[:rnd.randint(1, 3)]:
        d = {"source": source, "label": source, "initial_budget": rnd.choice(values[:6] * 5 + values),
             "adjusted_budget": rnd.choice(values[:6] * 5 + values), "executed": rnd.choice(values[:6] * 5 + values),
             "rate": None}
        how = rnd.random()
        if how < 0.85:
            rows.append(FundRow.model_construct(**d))
        elif how < 0.9:
            del d[rnd.choice(["source", "executed"])]
            rows.append(FundRow.model_construct(**d))
        elif how < 0.95:
            del d[rnd.choice(list(d))]
            rows.append(SimpleNamespace(**d))
        else:
            rows.append(rnd.choice([None, (1, 2), "row"]))
    return rows


def test_fund_rows_read_from_their_dicts_as_from_their_attributes():
    """JX108 reads a list of sub-rows from their __dict__; a tuple of the same
    rows is read through their attributes (as before): the same hits, or the
    same error after the same hits."""
    from jixiao.model import Funds

    rb = load_rulebook("national")
    func = REGISTRY["JX108"].func
    rnd = random.Random(13)
    base = baseline()
    found = 0
    for _ in range(1500):
        rows = _fund_rows(rnd)
        got = []
        for seq in (rows, tuple(rows)):
            funds = Funds.model_construct(**{**base.funds.__dict__, "rows": seq,
                                             "initial_budget": rnd.choice([D("100.00"), None]) if seq is rows
                                             else got_ib, "executed": D("95.00")})
            got_ib = funds.initial_budget
            form = Form.model_construct(**{**base.__dict__, "funds": funds})
            ctx = FormContext(form, score_form(base, rb), rb)
            hits = []
            try:
                res = func(ctx, None)
                for h in (res or ()):
                    hits.append((h.field, h.message, repr(h.evidence)))
            except Exception as exc:  # noqa: BLE001 - the same error, after the same hits
                hits.append(f"{type(exc).__name__}: {exc}")
            got.append(hits)
        assert got[0] == got[1]
        found += bool(got[0])
    assert found > 300


def test_checks_without_a_generator_for_a_clean_form_report_as_their_generators():
    """JX109 and JX111 test first and make their generator only for a form
    with a finding: the same hits (or the same error after the same hits)
    as the generator alone, which reads everything again."""
    from jixiao.checks import arithmetic
    from jixiao.model import Funds

    rb = load_rulebook("national")
    rnd = random.Random(17)
    base = baseline()
    pairs = [(arithmetic.score_above_weight, arithmetic._score_above_weight_rest),
             (arithmetic.executed_over_budget, arithmetic._executed_over_budget_rest)]
    values = [D("100.00"), D("95.00"), D("105.00"), D("10.00"), D("12"), None, D("NaN"), D("sNaN"), 1.5]
    seen = 0
    for form in _forms(19, 300):
        rows = _fund_rows(rnd)
        seq = rows if rnd.random() < 0.9 else iter(rows)
        funds = Funds.model_construct(**{**base.funds.__dict__, "rows": seq, "executed": rnd.choice(values),
                                         "adjusted_budget": rnd.choice(values), "score": rnd.choice(values),
                                         "weight": rnd.choice(values)})
        f = Form.model_construct(**{**form.__dict__, "funds": funds})
        try:
            sr = score_form(f, rb, rows_of(f.indicators))
        except Exception:  # noqa: BLE001 - an odd value the engine does not take
            continue
        for check_, rest in pairs:
            if seq is not rows:
                seq = iter(rows)
                f.funds.__dict__["rows"] = seq
            got = _run(check_, FormContext(f, sr, rb, None, 0, sr.row_facts[0] if sr.row_facts else None), None)
            if seq is not rows:
                seq = iter(rows)
                f.funds.__dict__["rows"] = seq
            want = _run(rest, FormContext(f, sr, rb, None, 0, sr.row_facts[0] if sr.row_facts else None), None)
            assert got == want, check_.__name__
            seen += bool(want)
    assert seen > 100
