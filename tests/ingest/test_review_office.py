"""A review of forms read from a workbook points at sheet and cell."""

from __future__ import annotations

from jixiao.checks import ReviewConfig, review_forms
from jixiao.ingest import read_forms
from jixiao.report.tabular import FINDING_COLUMNS, finding_rows
from jixiao.scoring import load_rulebook

from .render_office import to_xlsx


def test_findings_on_a_workbook_carry_sheet_and_cell(tmp_path, seed_models):
    path = to_xlsx([seed_models[7]], tmp_path / "区扣.xlsx")  # 区扣交通信号: JX402, JX505, JX507 ...
    rb = load_rulebook("shanghai")
    review = review_forms(read_forms(path), rb, ReviewConfig.build(rb))
    f = next(x for x in review.findings if x.code == "JX505")  # 交通设施完好率 ≥100.00(%)
    loc = f.location
    assert loc["file"] == str(path) and loc["line"] is None
    assert loc["sheet"] and loc["cell"] and loc["cell"][0].isalpha()
    rows = {r[0]: dict(zip(FINDING_COLUMNS, r)) for r in finding_rows(review)}
    assert rows["JX505"]["cell"] == f"{loc['sheet']}!{loc['cell']}"
    # The same problems as when the form is read from its text export.
    text_codes = {x.code for x in review_forms([seed_models[7]], rb, ReviewConfig.build(rb)).findings}
    assert {x.code for x in review.findings} == text_codes
