"""FormContext keeps the form fields the checks read most in slots; a form
built without validation reads them through its models, failing as they do."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from jixiao.checks.context import FormContext
from jixiao.model import Form, Funds, Goal
from jixiao.scoring import load_rulebook, score_form

from .factory import baseline

_SLOTS = {
    "complete": lambda f: f.complete,
    "goal_expected": lambda f: f.goal.expected,
    "goal_actual": lambda f: f.goal.actual,
    "funds_initial": lambda f: f.funds.initial_budget,
    "funds_adjusted": lambda f: f.funds.adjusted_budget,
    "funds_executed": lambda f: f.funds.executed,
    "funds_weight": lambda f: f.funds.weight,
    "funds_rate": lambda f: f.funds.rate,
    "funds_rows": lambda f: f.funds.rows,
}


def _ctx(form: Form) -> FormContext:
    rb = load_rulebook("national")
    return FormContext(form, score_form(form, rb), rb)


def test_slots_hold_the_models_values():
    form = baseline()
    ctx = _ctx(form)
    assert type(ctx) is FormContext
    assert ctx.funds is form.funds
    for name, read in _SLOTS.items():
        assert getattr(ctx, name) is read(form), name


def _odd_forms():
    d = baseline().__dict__
    goal = Goal(expected="为全区1200名老人提供服务", actual="已完成")
    del goal.__dict__["actual"]
    funds = Funds.model_construct(**d["funds"].__dict__)
    del funds.__dict__["weight"]
    form = Form.model_construct(**d)
    del form.__dict__["complete"]
    yield form
    yield Form.model_construct(**{**d, "goal": goal})
    yield Form.model_construct(**{**d, "goal": None})
    yield Form.model_construct(**{**d, "funds": funds})
    yield Form.model_construct(**{**d, "funds": SimpleNamespace(rate=None)})


@pytest.mark.parametrize("form", list(_odd_forms()))
def test_a_form_built_without_validation_reads_through_its_models(form):
    ctx = FormContext(form, score_form(baseline(), load_rulebook("national")), load_rulebook("national"))
    assert type(ctx) is not FormContext
    for name, read in _SLOTS.items():
        try:
            want = read(form)
        except Exception as exc:  # the same error, raised when the value is read
            with pytest.raises(type(exc)) as got:
                getattr(ctx, name)
            assert str(got.value) == str(exc), name
        else:
            assert getattr(ctx, name) is want, name
