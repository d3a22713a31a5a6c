"""The seed forms laid out as the official table (HTML, markdown pipe text),
read back through the grid path and compared with the seed goldens."""

from __future__ import annotations

import pytest

from jixiao.ingest import read_forms
from jixiao.ingest.gridform import grid_to_forms
from jixiao.ingest.html import html_to_grids

from .render import to_html


@pytest.fixture(scope="module")
def html_forms(seed_html):
    return [f.to_json_dict() for f in read_forms(seed_html)]


@pytest.fixture(scope="module")
def pipe_forms(seed_pipe):
    return [f.to_json_dict() for f in read_forms(seed_pipe)]


@pytest.mark.parametrize("i", range(16))
def test_html_matches_golden(html_forms, goldens, golden_check, i):
    golden_check(html_forms[i], goldens[i])


@pytest.mark.parametrize("i", range(16))
def test_pipe_matches_golden(pipe_forms, goldens, golden_check, i):
    golden_check(pipe_forms[i], goldens[i])


def test_clean_tables_read_without_warnings(html_forms, pipe_forms):
    for f in html_forms + pipe_forms:
        assert f["warnings"] == []
        assert f["complete"] is True
    assert {f["source"]["format"] for f in html_forms} == {"html"}
    assert [f["source"]["index"] for f in html_forms] == list(range(16))


def test_html_locations_are_cell_refs(seed_html):
    forms = list(read_forms(seed_html))
    f = forms[13]
    j = next(k for k, ind in enumerate(f.indicators) if ind.name == "尾款支付率")
    # the official layout: 5 header rows, funds 1+3, goal 2, indicator header 1
    loc = f.location_of(f"indicators[{j}].deviation")
    assert loc.sheet == "table14" and loc.cell.startswith("table14!R") and loc.cell.endswith("C8")
    assert f.location_of("funds.executed").cell == "table14!R6C5"
    assert f.location_of("project_name").cell == "table14!R3C2"
    assert f.location_of("goal.actual").cell == "table14!R11C5"
    assert f.location_of("funds.executed").line is not None


def test_pipe_locations_are_lines(seed_pipe):
    lines = seed_pipe.read_text(encoding="utf-8").split("\n")
    f = list(read_forms(seed_pipe))[0]
    loc = f.location_of("indicators[0]")
    assert "社工人员到岗数" in lines[loc.line - 1]
    assert "年度资金总额" in lines[f.location_of("funds.executed").line - 1]


def test_html_gbk_with_meta_charset(tmp_path, seed_models):
    p = tmp_path / "gbk.htm"
    p.write_bytes(to_html(seed_models[:2], encoding="gbk").encode("gbk"))
    forms = list(read_forms(p))
    assert [f.project_name for f in forms] == [m.project_name for m in seed_models[:2]]
    assert forms[0].source.encoding == "gb18030"


def test_html_saved_as_txt_is_sniffed(tmp_path, seed_models):
    p = tmp_path / "page.txt"
    p.write_text(to_html(seed_models[:1]), encoding="utf-8")
    assert list(read_forms(p))[0].source.format == "html"


def test_spans_cover_rows(seed_models):
    g = html_to_grids(to_html(seed_models[:1]))[0]
    header = next(r for r in range(g.n_rows) if g.texts(r)[:1] == ["一级指标"])
    level1 = g.cell_at(header + 2, 0)
    assert level1 is not None and level1.row == header + 1 and level1.text == "产出指标"
    assert len(grid_to_forms(g)) == 1 and grid_to_forms(g)[0].family == "central"
