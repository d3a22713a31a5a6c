"""HTML: round trip through the HTML reader, escaping, findings at their rows, the fragment."""

from __future__ import annotations

import re

import pytest

from jixiao.checks.base import Finding
from jixiao.ingest import read_forms
from jixiao.render import render_file
from jixiao.render.html import FORM_CSS, form_html


def _finding(field: str, code: str = "JX201", severity: str = "error", message: str = "得分与完成值不符") -> Finding:
    return Finding(code=code, name="x", severity=severity, category="得分与完成值", message=message, hint="",
                   project_name="p", file="f", form_index=0, field=field, location=None, evidence={})


@pytest.mark.parametrize("i", range(16))
def test_round_trip_matches_golden(i, forms, goldens, golden_check, shanghai, tmp_path):
    path = render_file(forms[i], "html", tmp_path / "form.html", shanghai)
    back = list(read_forms(path))
    assert len(back) == 1
    golden_check(back[0].to_json_dict(), goldens[i])


def test_standalone_page_has_print_css_and_font(forms):
    page = form_html(forms[0])
    assert page.startswith("<!DOCTYPE html>")
    assert "size: A4 portrait" in page
    assert '"Noto Sans CJK SC"' in page
    assert 'lang="zh-CN"' in page


def test_fragment_is_just_the_table(forms):
    frag = form_html(forms[0], standalone=False)
    assert frag.startswith('<table class="jx-form">') and frag.endswith("</table>")
    assert "<style" not in frag and "table.jx-form" in FORM_CSS


def test_text_is_escaped(forms):
    form = forms[0].model_copy(update={"project_name": '<script>alert("x")</script> & 项目'})
    page = form_html(form, findings=[_finding("project_name", message="<b>坏</b>")])
    assert "<script>" not in page and "<b>坏</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 项目" in page


def test_findings_marked_at_their_rows(forms):
    form = forms[0]
    findings = [_finding("indicators[3].actual"), _finding("indicators[3].score", "JX602", "warning", "警告一"),
                _finding("funds.rate", "JX101", "info", "执行率提示"), _finding("", "JX901", "warning", "整表")]
    frag = form_html(form, findings=findings, standalone=False)
    rows = re.findall(r"<tr[^>]*>.*?</tr>", frag, re.S)
    flagged = [k for k, r in enumerate(rows) if 'class="jx-flag' in r]
    assert len(flagged) == 3
    ind_row = next(r for r in rows if f'data-field="indicators[3].name"' in r)
    assert 'jx-flag-error' in ind_row  # the worst severity of the row
    note = rows[rows.index(ind_row) + 1]
    assert "JX201" in note and "JX602" in note and "警告一" in note and "jx-sev-error" in note
    assert "执行率提示" in rows[rows.index(next(r for r in rows if 'data-field="funds.rate"' in r)) + 1]
    assert "整表" in frag


def test_notes_keep_the_table_rectangular(forms):
    """A note row inside the level-1/level-2 spans lengthens those spans."""
    form = forms[0]
    findings = [_finding(f"indicators[{i}].score") for i in range(len(form.indicators))]
    frag = form_html(form, findings=findings, standalone=False)
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(re.findall(r"<tr[^>]*>(.*?)</tr>", frag, re.S)):
        col = 0
        for attrs in re.findall(r"<td([^>]*)>", row):
            while (r, col) in taken:
                col += 1
            rs = int((re.search(r'rowspan="(\d+)"', attrs) or [0, 1])[1])
            cs = int((re.search(r'colspan="(\d+)"', attrs) or [0, 1])[1])
            for dr in range(rs):
                for dc in range(cs):
                    assert (r + dr, col + dc) not in taken
                    taken.add((r + dr, col + dc))
            col += cs
        assert max(c for rr, c in taken if rr == r) == 7, f"row {r}"
