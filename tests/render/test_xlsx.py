"""XLSX: a fillable workbook whose formulas give the engine's numbers.

openpyxl writes formulas without values, so every workbook here is recalculated by
one LibreOffice headless run (session fixture) and read back: through
``read_forms`` against the goldens, and cell by cell against ``score_form``.
"""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from jixiao.ingest import read_forms
from jixiao.model import ParsedValue
from jixiao.model.values import parse_value
from jixiao.render.layout import form_layout
from jixiao.render.xlsx import _ref, recalculate, write_form_xlsx
from jixiao.scoring import load_rulebook, score_form

from support import require_binary

FACTORS = [Decimal(x) for x in ("0.8", "1.37", "0.5", "0.9537", "1", "2.5", "0.333")]
EXEC = [Decimal(x) for x in ("0.5", "0.97099", "1.2", "0.123456", "0.6484", "0.99995")]


def _variant_rulebook():
    return load_rulebook("national").override({
        "funds": {"rate": {"mode": "half_even"}, "score": {"from": "rate", "mode": "down"}},
        "indicators": {"reverse_formula": "linear", "equal_positive": "two_sided", "mode": "down"},
        "caps": {"enabled": True, "by_rate": [{"below": 80, "max_total": 89}, {"below": 60, "max_total": 69}]},
    }, origin="test-variant")


def _perturbed(form, k: int):
    """The form with other actual values and spending (misses, over-achievement, zero hits)."""
    inds = []
    for j, ind in enumerate(form.indicators):
        tp = ind.target_parsed
        if tp.kind == "number" and tp.number is not None:
            if tp.number == 0:
                n = Decimal(j % 3)
            else:
                n = (tp.number * FACTORS[(j + k) % len(FACTORS)]).quantize(Decimal("0.01"))
            unit = f"({tp.unit})" if tp.unit else ""
            actual = f"{n:.2f}{unit}"
            ind = ind.model_copy(update={"actual": actual, "actual_parsed": ParsedValue(**parse_value(actual))})
        inds.append(ind)
    funds = form.funds
    if funds.adjusted_budget:
        ex = (funds.adjusted_budget * EXEC[k % len(EXEC)]).quantize(Decimal("0.01"))
        funds = funds.model_copy(update={"executed": ex})
    return form.model_copy(update={"indicators": inds, "funds": funds})


@pytest.fixture(scope="session")
def cases(forms):
    """(name, form, rulebook) for every workbook checked: the seed under both shipped
    rulebooks and perturbed seed forms under shanghai, national and a variant rulebook."""
    rbs = {"shanghai": load_rulebook("shanghai"), "national": load_rulebook("national"),
           "variant": _variant_rulebook()}
    out = []
    for i, form in enumerate(forms):
        out.append((f"seed{i + 1:02d}-shanghai", form, rbs["shanghai"]))
        out.append((f"seed{i + 1:02d}-national", form, rbs["national"]))
        for name, rb in rbs.items():
            out.append((f"perturbed{i + 1:02d}-{name}", _perturbed(form, i), rb))
    return out


@pytest.fixture(scope="session")
def recalculated(tmp_path_factory, cases):
    """Every case written, then recalculated by one LibreOffice run: name -> path."""
    require_binary("soffice")
    raw = tmp_path_factory.mktemp("xlsx")
    paths = [write_form_xlsx(form, raw / f"{name}.xlsx", rb) for name, form, rb in cases]
    done = recalculate(paths, raw / "calc")
    return {name: p for (name, _, _), p in zip(cases, done)}


@pytest.mark.parametrize("i", range(16))
def test_round_trip_matches_golden(i, recalculated, goldens, golden_check):
    back = list(read_forms(recalculated[f"seed{i + 1:02d}-shanghai"]))
    assert len(back) == 1
    golden_check(back[0].to_json_dict(), goldens[i])


def _num(v) -> Decimal | None:
    return None if v is None or isinstance(v, str) else Decimal(repr(float(v)))


def test_formulas_give_the_engine_numbers(cases, recalculated):
    checked = 0
    for name, form, rb in cases:
        res = score_form(form, rb)
        pos = {f: _ref(p) for f, p in form_layout(form, rb).field_positions().items()}
        ws = openpyxl.load_workbook(recalculated[name], data_only=True).active
        rec = res.recomputed
        assert _num(ws[pos["funds.rate"]].value) == rec.rate, f"{name} rate"
        assert _num(ws[pos["funds.score"]].value) == rec.budget_score, f"{name} budget score"
        for i, d in enumerate(res.indicators):
            if d.rule in ("positive", "reverse", "zero", "two_sided"):
                assert _num(ws[pos[f"indicators[{i}].score"]].value) == d.score, f"{name} indicators[{i}] {d}"
                checked += 1
        if all(d.score is None or d.in_band is not False for d in res.indicators):
            assert _num(ws[pos["total"]].value) == rec.total, f"{name} total"
            assert ws[pos["grade"]].value == rec.grade, f"{name} grade"
    assert checked > 300


def test_perturbed_cases_exercise_every_rule(cases):
    rules = {(rb.name, d.rule, d.met) for _, form, rb in cases for d in score_form(form, rb).indicators}
    for rule in ("positive", "reverse", "zero"):
        assert any(r[1] == rule and r[2] is False for r in rules), rule
    assert any(r[1] == "two_sided" and r[2] is False for r in rules)


def test_sheet_is_protected_and_inputs_unlocked(tmp_path, forms, shanghai):
    path = write_form_xlsx(forms[7], tmp_path / "f.xlsx", shanghai)
    ws = openpyxl.load_workbook(path).active
    pos = {f: _ref(p) for f, p in form_layout(forms[7], shanghai).field_positions().items()}
    assert ws.protection.sheet
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    for field in ("funds.executed", "funds.adjusted_budget", "indicators[0].actual", "goal.actual",
                  "indicators[0].deviation"):
        assert ws[pos[field]].protection.locked is False, field
    for field in ("funds.rate", "funds.score", "total", "grade", "indicators[0].score"):
        assert ws[pos[field]].protection.locked is True, field
        value = ws[pos[field]].value
        assert str(getattr(value, "text", value)).startswith("="), field
    assert ws[pos["funds.executed"]].number_format == "#,##0.00"
    qualitative = next(i for i, ind in enumerate(forms[7].indicators) if ind.target_parsed.kind == "text")
    cell = ws[pos[f"indicators[{qualitative}].score"]]
    assert isinstance(cell.value, (int, float)) and cell.protection.locked is False
    assert any(str(cell.coordinate) in str(dv.sqref) for dv in ws.data_validations.dataValidation)
    assert ws[pos["indicators[0].target"]].data_type == "s"  # "=100.00(%)" stays text
    assert any(str(r) == "A1:H1" for r in ws.merged_cells.ranges)
