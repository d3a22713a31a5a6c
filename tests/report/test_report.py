"""The review report of the sample: the same figures in HTML and XLSX, charts, escaping, offline."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from jixiao.report import charts
from jixiao.report.build import build_report, collect, field_label, location_label, top_findings

from .conftest import review_of

# The sample's department summary (16 forms of 七宝镇, shanghai rulebook).
FORMS = 16
WEIGHTED_RATE = "93.22%"
BUDGET = "2,572.37"
EXECUTED = "2,397.95"


def test_summary_figures_in_html(report_html, sample_review):
    s = sample_review.summary()
    assert s["forms"] == FORMS and s["grades"] == {"优": 16}
    first_page = report_html[report_html.index('<section id="summary">'):report_html.index('<section id="charts"')]
    assert "项目支出绩效自评审核报告" in first_page
    assert re.search(r'data-kpi="forms">.*?<div class="v">16 <small>张', first_page)
    assert WEIGHTED_RATE in first_page and BUDGET in first_page and EXECUTED in first_page
    assert "优 16" in first_page and "良 0" in first_page
    assert "99.10 / 99.10" in first_page  # reported vs recomputed mean total
    assert f'{s["findings"]:,} <small>条' in first_page
    top = first_page[first_page.index('id="jx-top"'):]
    assert top.count("<tr>") == 1 + 5  # header + the five most serious findings
    assert "上海市（区、镇级项目支出绩效自评表）（shanghai）" in first_page
    # Every finding is listed, and each form has its section in the official layout.
    assert report_html.count('<tr data-sev="') == s["findings"]
    assert report_html.count('class="form-section"') == FORMS
    assert report_html.count('<table class="jx-form"') == FORMS


def test_html_is_self_contained(report_html):
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", report_html, re.I)
    assert not re.search(r"<(script|link|img|iframe)[^>]*\b(src|href)=", report_html, re.I)
    for m in re.finditer(r'\b(?:href|src)="([^"]*)"', report_html):
        assert m.group(1).startswith("#"), m.group(0)
    assert "@import" not in report_html and "url(" not in report_html
    assert report_html.count("<script>") == 1
    js = report_html[report_html.index("<script>"):report_html.index("</script>")]
    assert len(js.strip().splitlines()) < 150


def test_charts_one_bar_per_project(report_html, sample_review):
    n = len(sample_review.forms)
    rate_svg = re.search(r'<div class="chart" id="chart-rate">(.*?)</div>', report_html, re.S).group(1)
    assert rate_svg.count('class="bar"') == n
    assert 'class="threshold" data-value="90"' in rate_svg  # JX301's rate_below, from the check config
    values = [float(v) for v in re.findall(r'class="bar" data-project="[^"]*" data-value="([\d.]+)"', rate_svg)]
    assert values == sorted(values) and values[0] == pytest.approx(56.06)
    budget_svg = re.search(r'id="chart-budget">(.*?)</div>', report_html, re.S).group(1)
    assert budget_svg.count('class="bar-initial"') == n and budget_svg.count('class="bar-adjusted"') == n
    hist = re.search(r'id="chart-scores">(.*?)</div>', report_html, re.S).group(1)
    counts = [int(c) for c in re.findall(r'class="bin-reported" data-bin="[\d.]+" data-count="(\d+)"', hist)]
    assert sum(counts) == n
    fsvg = re.search(r'id="chart-findings">(.*?)</div>', report_html, re.S).group(1)
    segs = re.findall(r'class="seg seg-(\w+)" data-code="(JX\d+)" data-count="(\d+)"', fsvg)
    assert sum(int(c) for *_, c in segs) == len(sample_review.findings)
    assert {code for _, code, _ in segs} == set(sample_review.summary()["findings_by_code"])
    assert 'font-family="' in rate_svg and "Noto Sans CJK SC" in rate_svg


def test_threshold_follows_check_config(sample_forms):
    from jixiao.checks import ReviewConfig, Reviewer
    from jixiao.scoring import load_rulebook

    rb = load_rulebook("shanghai")
    cfg = ReviewConfig.build(rb)
    settings = dict(cfg.settings)
    settings["JX301"] = type(settings["JX301"])({**settings["JX301"], "rate_below": Decimal(95)})
    cfg = type(cfg)(cfg.enabled, cfg.severity, settings, cfg.fail_on)
    r = Reviewer(rb, cfg)
    for f in sample_forms:
        r.add(f)
    data = collect(sample_forms, r.finish())
    assert data.threshold == 95
    assert 'class="threshold" data-value="95"' in data.charts["rate"]
    assert data.below_threshold == 7  # 56.06 64.84 77.92 86.00 93.00 94.77 94.81


def test_top_findings_order(sample_review):
    top = top_findings(sample_review)
    assert len(top) == 5
    ranks = {"error": 0, "warning": 1, "info": 2}
    assert [ranks[f.severity] for f in top] == sorted(ranks[f.severity] for f in top)
    assert top[0].severity == "error"
    assert len({f.code for f in top}) == 5  # one per code first


def test_xlsx_has_director_sheet(report_dir, sample_review):
    wb = load_workbook(report_dir["xlsx"])
    assert wb.sheetnames == ["报告摘要", "摘要", "自评表", "指标", "问题"]
    ws = wb["报告摘要"]
    kv = {r[0]: r[1] for r in ws.iter_rows(min_row=4, max_col=2, values_only=True) if r[0]}
    assert kv["自评表（张）"] == FORMS
    assert kv["加权执行率（%）"] == pytest.approx(93.22)
    assert kv["全年预算数（万元）"] == pytest.approx(2572.37)
    assert kv["自评总分平均"] == pytest.approx(99.10) and kv["复算总分平均"] == pytest.approx(99.10)
    assert kv["评分等级（自评）"].startswith("优 16")
    assert kv["发现问题（条）"] == len(sample_review.findings)
    assert kv["其中错误（条）"] == 2
    texts = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(t.startswith("最需要关注的 5 个问题") for t in texts)
    # The review kept no indicator rows: the report rescored them for the 指标 sheet.
    assert wb["指标"].max_row - 1 == sum(r.n_indicators for r in sample_review.forms)
    assert wb["问题"].max_row - 1 == len(sample_review.findings)
    with zipfile.ZipFile(report_dir["xlsx"]) as z:
        assert len([n for n in z.namelist() if n.startswith("xl/charts/chart")]) == 2


def test_xlsx_without_report_unchanged(tmp_path, sample_review):
    from jixiao.report import write_xlsx

    write_xlsx(sample_review, tmp_path / "r.xlsx")
    assert load_workbook(tmp_path / "r.xlsx").sheetnames == ["摘要", "自评表", "问题"]


def test_user_text_is_escaped(tmp_path, sample_forms):
    evil = '<script>alert("x")</script>&<img src=x onerror=1>'
    forms = [f.model_copy(update={"project_name": evil + f.project_name, "implementing_unit": evil})
             for f in sample_forms[:3]]
    rv = review_of(forms)
    paths = build_report(forms, rv, tmp_path, formats=("html",))
    html = paths["html"].read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&lt;img" in html
    assert html.count("<script>") == 1


def test_report_without_forms(tmp_path, sample_review):
    paths = build_report(None, sample_review, tmp_path, formats=("html", "xlsx"))
    html = paths["html"].read_text(encoding="utf-8")
    assert WEIGHTED_RATE in html and 'class="jx-form"' not in html
    assert html.count('class="form-section"') == FORMS  # headings and scores, no official table


def test_progress_and_formats(tmp_path, sample_forms, sample_review):
    seen = []
    paths = build_report(sample_forms, sample_review, tmp_path, formats=("xlsx",),
                         progress=lambda done, total, what: seen.append((done, total, what)))
    assert set(paths) == {"xlsx"} and paths["xlsx"].name == "审核报告.xlsx"
    assert seen == [(0, 2, "汇总数据"), (1, 2, "Excel 报告"), (2, 2, "完成")]
    with pytest.raises(ValueError):
        build_report(sample_forms, sample_review, tmp_path, formats=("docx",))


def test_labels():
    assert field_label("indicators[3].actual") == "第4行指标 实际完成值"
    assert field_label("funds.rate") == "执行率"
    assert field_label("funds.rows[0].executed") == "第1行资金来源 全年执行数"
    assert field_label("goal.actual") == "实际完成情况"
    assert location_label({"line": 12, "end_line": 14}) == "第12–14行"
    assert location_label({"sheet": "Sheet1", "cell": "B7"}) == "Sheet1!B7"
    assert location_label({"page": 3, "line": None}) == "第3页"


def test_chart_cuts_long_lists():
    items = [(charts.Bar(f"项目{i}"), float(i)) for i in range(100)]
    svg = charts.rate_chart(items, threshold=90, max_items=60)
    assert svg.count('class="bar"') == 60 and "共 100 个项目" in svg
    assert 'data-value="0.00"' in svg and 'data-value="99.00"' not in svg  # the lowest rates are kept
    short = charts.clip("七宝镇智慧街区系统" * 4 + "（第976号）", 12, 200)
    assert "…" in short and short.endswith("（第976号）") and charts.text_width(short, 12) <= 200
