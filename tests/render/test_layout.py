"""The official layout as data: spans, roles, field paths, printed numbers."""

from __future__ import annotations

from decimal import Decimal

from jixiao.render.layout import N_COLS, amount_text, form_layout


def test_every_row_fills_eight_columns(forms):
    for form in forms:
        lay = form_layout(form)
        width: dict[int, int] = {}
        for p in lay.placed():
            for dr in range(p.cell.rowspan):
                width[p.row + dr] = width.get(p.row + dr, 0) + p.cell.colspan
        assert set(width.values()) == {N_COLS}, form.project_name


def test_field_paths_and_roles(forms, shanghai):
    form = forms[7]  # 区扣交通信号系统: 64.84%
    lay = form_layout(form, shanghai)
    pos = lay.field_positions()
    assert pos["funds.executed"].cell.role == "input"
    assert pos["funds.rate"].cell.role == "computed"
    assert pos["funds.rate"].cell.text == "64.84"
    assert pos["funds.rows[0].adjusted_budget"].cell.role == "input"
    assert pos["goal.expected"].cell.text == form.goal.expected
    assert pos["total"].cell.role == "computed" and pos["grade"].cell.role == "computed"
    for i, ind in enumerate(form.indicators):
        score = pos[f"indicators[{i}].score"].cell
        quantitative = ind.target_parsed.kind == "number"
        assert score.role == ("computed" if quantitative else "input"), ind.name
        assert pos[f"indicators[{i}].actual"].cell.text == ind.actual


def test_row_of_walks_up_the_path(forms):
    lay = form_layout(forms[0])
    ind_row = lay.parts["indicators"]
    assert lay.row_of("indicators[0].actual") == ind_row
    assert lay.row_of("indicators[3]") == ind_row + 3
    assert lay.row_of("funds") == lay.parts["funds_total"]
    assert lay.row_of("funds.rows[1].executed") == lay.parts["funds_total"] + 2
    assert lay.row_of("total") == lay.parts["total"]
    assert lay.row_of("goal.actual") == lay.parts["goal"] + 1
    assert lay.row_of("nothing") is None and lay.row_of("") is None


def test_numbers_print_as_the_seed():
    assert amount_text(Decimal("2060")) == "2,060.00"
    assert amount_text(Decimal("64.8")) == "64.80"
    assert amount_text(None) == "-"


def test_level_labels_span_their_rows(forms):
    lay = form_layout(forms[0])
    level1 = [p.cell for p in lay.placed() if p.cell.field and p.cell.field.endswith(".level1")]
    assert sum(c.rowspan for c in level1) == len(forms[0].indicators)
