"""The HTML report in headless Chromium (filter, sort, screenshot) and the printed PDF.

Needs /usr/bin/chromium: skipped without it, unless JIXIAO_REQUIRE_ALL=1 (then failed).
Screenshots go to tests/artifacts/ (gitignored) for a human to look at.
"""

from __future__ import annotations

import re
import unicodedata

import pytest

from .conftest import ARTIFACTS, need_chromium


@pytest.fixture(scope="module")
def page(report_dir):
    from jixiao.render.browser import Browser

    with Browser(need_chromium()) as b:
        pg = b.new_page(viewport={"width": 1200, "height": 900})
        requests: list[str] = []
        pg.on("request", lambda r: requests.append(r.url))
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(report_dir["html"].as_uri())
        pg.wait_for_load_state("load")
        pg.requests, pg.errors = requests, errors  # type: ignore[attr-defined]
        yield pg


def visible_rows(page) -> int:
    return page.eval_on_selector_all("#jx-findings tbody tr", "rs => rs.filter(r => !r.hidden).length")


def shown_count(page) -> int:
    return int(page.inner_text("#f-count"))


def reset(page) -> None:
    page.click("#f-reset")


def test_loads_offline_without_errors(page, report_dir):
    assert page.errors == []
    assert all(u.startswith(("file:", "data:", "about:")) for u in page.requests), page.requests
    assert page.title() == "项目支出绩效自评审核报告"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-summary.png"))
    page.locator("#charts").screenshot(path=str(ARTIFACTS / "report-charts.png"))
    page.locator("#form-11").screenshot(path=str(ARTIFACTS / "report-form-12.png"))


def test_filter(page, sample_review):
    total = len(sample_review.findings)
    reset(page)
    assert visible_rows(page) == total == shown_count(page)
    errors = sum(1 for f in sample_review.findings if f.severity == "error")
    page.select_option("#f-sev", "error")
    assert visible_rows(page) == errors == shown_count(page) == 2
    reset(page)
    page.select_option("#f-code", "JX511")
    assert visible_rows(page) == 16
    page.select_option("#f-sev", "warning")  # JX511 is info: nothing left
    assert visible_rows(page) == 0 == shown_count(page)
    reset(page)
    page.select_option("#f-form", "0")
    assert visible_rows(page) == sum(1 for f in sample_review.findings if f.form_index == 0)
    reset(page)
    page.fill("#f-text", "残保金")
    want = sum(1 for f in sample_review.findings if "残保金" in f.project_name + f.message)
    assert visible_rows(page) == want > 0
    reset(page)
    page.select_option("#f-form", "batch")
    assert visible_rows(page) == sum(1 for f in sample_review.findings if f.form_index is None)
    page.select_option("#f-sev", "warning")
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#findings").screenshot(path=str(ARTIFACTS / "report-findings-filtered.png"))
    reset(page)


def test_sort(page, sample_review):
    reset(page)

    def column(i: int) -> list[str]:
        return page.eval_on_selector_all(f"#jx-findings tbody tr td:nth-child({i})",
                                         "tds => tds.map(td => td.textContent.trim())")

    page.click("#jx-findings th:nth-child(2)")  # 严重程度: errors first
    sev = column(2)
    assert sev[:2] == ["错误", "错误"] and sev[-1] == "提示"
    assert page.get_attribute("#jx-findings th:nth-child(2)", "aria-sort") == "ascending"
    page.click("#jx-findings th:nth-child(2)")
    assert column(2)[0] == "提示"
    page.click("#jx-findings th:nth-child(3)")  # 代码
    codes = column(3)
    assert codes == sorted(codes) and len(codes) == len(sample_review.findings)
    page.click("#jx-findings th:nth-child(1)")  # back to the original order
    assert [int(x) for x in column(1)] == list(range(1, len(codes) + 1))
    page.select_option("#f-sev", "error")  # sorting keeps the filter
    page.click("#jx-findings th:nth-child(3)")
    assert visible_rows(page) == 2
    reset(page)


def test_pdf_text(report_dir):
    need_chromium()
    import pdfplumber

    with pdfplumber.open(report_dir["pdf"]) as pdf:
        first = pdf.pages[0]
        text = first.extract_text()
        assert "项目支出绩效自评审核报告" in text
        for s in ("16", "93.22%", "2,572.37", "2,397.95", "优 16", "99.10 / 99.10", "最需要关注的 5 个问题"):
            assert s in text, s
        # Every CJK character was printed with a CJK font (no fallback boxes).
        cjk = [c for c in first.chars if "\u4e00" <= c["text"] <= "\u9fff"]
        assert len(cjk) > 200
        fonts = {c["fontname"] for c in cjk}
        assert all("CJK" in f or "Noto" in f for f in fonts), fonts
    import pypdfium2  # pdfplumber's own backend; much faster for the whole document

    doc = pypdfium2.PdfDocument(str(report_dir["pdf"]))
    all_text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    assert "\ufffd" not in all_text
    assert not any(unicodedata.category(ch) == "Co" for ch in all_text)  # private-use glyphs
    assert all_text.count("财政项目支出绩效自评表") >= 16  # each form's official layout
    assert re.search(r"全部问题（\d+ 条）", all_text)
    assert "清除筛选" not in all_text  # the JS-only filter bar is not printed
