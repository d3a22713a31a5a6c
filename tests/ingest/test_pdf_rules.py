"""PDF reader on tables drawn without their vertical rules, and on rows left
alone on a page.

* Horizontal rules only: the seed forms printed by reportlab with each cell's
  top and bottom rule (a merged cell's rule runs across the columns it covers),
  and by Chromium from the official HTML table with ``border-left/right: none``
  (Chromium draws a rule per column, whatever the cells: the text decides the
  merged cells). The level-1/level-2 labels wrap inside their narrow merged
  cells (满意度指 / 标 beside 服务对象满 / 意度指标): they must stay two cells.
* A row that continues alone on a new page (the 评分等级 row under a page
  break): two horizontal rules, or, without an outer border, only the rules
  between its cells; and, without an outer border, a form's first row alone
  at the foot of a page (项目名称 | name).
* A form's title left alone at the foot of a page, its table on the next one.

Every form must read back identical to its golden, without warnings."""

from __future__ import annotations

import pytest

pytest.importorskip("pypdfium2")
pytest.importorskip("reportlab")

from jixiao.ingest import read_forms  # noqa: E402
from jixiao.ingest.pdfium import Document  # noqa: E402

from .render_pdf import to_pdf  # noqa: E402


def _check(path, goldens, golden_check, n):
    forms = list(read_forms(path))
    assert len(forms) == n
    for got, want in zip(forms, goldens):
        golden_check(got.to_json_dict(), want)
        assert got.warnings == [], got.warnings
    return forms


HORIZONTAL = {
    "a4": dict(),
    "short-pages": dict(page_size=(595, 300)),
    "repeated-header": dict(page_size=(595, 300), repeat_header=1),
    "numbered": dict(page_size=(595, 260), page_numbers=True),
    "rotated": dict(rotate=90, page_size=(842, 300), repeat_header=1, page_numbers=True),
    "tall-pages": dict(page_size=(595, 1400)),
}


@pytest.mark.parametrize("layout", sorted(HORIZONTAL))
def test_horizontal_rules_only(tmp_path, seed_models, goldens, golden_check, layout):
    p = to_pdf(seed_models, tmp_path / f"h-{layout}.pdf", borders="horizontal", **HORIZONTAL[layout])
    with Document(p) as doc:
        assert all(not page.vsegs for page in doc.pages())
    _check(p, goldens, golden_check, 16)


def test_horizontal_rules_only_from_chromium(tmp_path, seed_models, goldens, golden_check, need_binary):
    need_binary("chromium")
    from jixiao.render.html import forms_html
    from jixiao.render.pdf import print_pdf

    css = "table.jx-form td { border-left: none; border-right: none; }"
    html = forms_html(seed_models).replace("</style>", css + "</style>")
    p = print_pdf(html, tmp_path / "chromium-h.pdf")
    with Document(p) as doc:
        pages = list(doc.pages())
    assert all(not page.vsegs for page in pages) and all(page.hsegs for page in pages)
    forms = _check(p, goldens, golden_check, 16)
    assert {f.indicators[-1].level1 for f in forms} == {"满意度指标"}


def _pages_with_one_row(path, borders):
    """Pages holding a table row alone: two horizontal rules, or (no outer
    border) rules between cells that no horizontal rule touches."""
    out = []
    with Document(path) as doc:
        for page in doc.pages():
            ys = {round(h[0]) for h in page.hsegs}
            lone = [v for v in page.vsegs if not any(abs(h[0] - y) < 2 and h[1] - 2 < v[0] < h[2] + 2
                                                     for h in page.hsegs for y in (v[1], v[2]))]
            if borders == "horizontal" and len(ys) == 2 or borders == "inner" and lone:
                out.append(page.number)
    return out


@pytest.mark.parametrize("borders,height", [("horizontal", 277), ("horizontal", 466), ("inner", 207),
                                            ("inner", 277), ("inner", 487)])
def test_row_alone_on_a_page(tmp_path, seed_models, goldens, golden_check, borders, height):
    p = to_pdf(seed_models[:2], tmp_path / f"{borders}-{height}.pdf", borders=borders, page_size=(595, height),
               min_rows=1)
    assert _pages_with_one_row(p, borders), "the layout no longer leaves a row alone on a page"
    _check(p, goldens, golden_check, 2)


@pytest.mark.parametrize("borders", ["all", "horizontal"])
def test_title_alone_at_the_foot_of_a_page(tmp_path, seed_models, goldens, golden_check, borders):
    p = to_pdf(seed_models[:2], tmp_path / f"title-{borders}.pdf", borders=borders, page_size=(595, 242),
               min_rows=1)
    forms = _check(p, goldens, golden_check, 2)
    assert forms[1].year == 2024
    title = forms[1].location_of("project_name").page - 1
    with Document(p) as doc:
        page = list(doc.pages())[title - 1]
    assert "自评表" in "".join(c[0] for c in page.chars[-30:])
