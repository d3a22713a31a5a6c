"""The review report: one call writes HTML, XLSX and PDF from the same data.

    from jixiao.report.build import build_report
    paths = build_report(forms, review, Path("报告"))   # {"html": ..., "xlsx": ..., "pdf": ...}

:func:`collect` turns a review (and its forms, for the per-form sections) into a
:class:`ReportData`: the director's summary, the five most serious findings,
the charts (SVG) and, per form, reported vs recomputed scores. The writers
(``html.py``, ``xlsx.py``, ``pdf.py``) only lay that data out, so the three
outputs always agree. Generation is linear in forms and findings: no per-form
objects beyond a few small dicts, and the HTML is built as one list of strings.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..checks import REGISTRY, SEVERITY_RANK, Finding, FormRecord, Review, load_families
from ..model import Form
from ..scoring import Rulebook, RulebookError, load_rulebook, score_form
from . import charts

FORMATS = ("html", "xlsx", "pdf")
FILE_STEM = "审核报告"  # report file names: 审核报告.html / .xlsx / .pdf

# Amounts are shown in 万元 whatever the form printed.
UNIT_TO_WAN = {"万元": Decimal(1), "元": Decimal("0.0001"), "千元": Decimal("0.1"), "亿元": Decimal(10000)}
DEFAULT_THRESHOLD = Decimal(90)  # JX301's default attention line, used when the config has none
DEFAULT_GRADES = (("优", Decimal(90)), ("良", Decimal(80)), ("中", Decimal(60)), ("差", Decimal(0)))
TOP_N = 5
PDF_FORMS_PER_PART = 100  # longer reports are printed in parts of this many forms, then joined

RULE_ZH = {"positive": "正向定量", "reverse": "反向定量", "two_sided": "等于目标", "zero": "零值目标",
           "qualitative": "定性（档次）", "not_computable": "无法复算"}

# Progress callback: (done, total, description): called at the start of each stage
# with the stage's Chinese name (STAGES), and once more at the end (done == total).
Progress = Callable[[int, int, str], None]
STAGES = {"collect": "汇总数据", "html": "HTML 报告", "xlsx": "Excel 报告", "pdf": "PDF 报告", "done": "完成"}


@dataclass(slots=True)
class IndicatorLine:
    """One indicator row with its reported and recomputed score (for the per-form sections)."""

    row: int  # 1-based
    level1: str
    name: str
    weight: Decimal | None
    reported: Decimal | None
    recomputed: Decimal | None
    rule: str


@dataclass
class ReportData:
    """Everything the three writers show, computed once."""

    review: Review
    summary: dict[str, Any]
    rulebook_title: str
    threshold: Decimal | None  # execution-rate attention line (JX301's rate_below)
    grades: tuple[tuple[str, Decimal], ...]  # grade, minimum total; best first
    grades_recomputed: dict[str, int]
    below_threshold: int  # forms whose recomputed (else reported) rate is below the threshold
    top_findings: list[Finding]
    titles: dict[str, str]  # check code -> Chinese title
    units: list[str]  # implementing units, most forms first
    years: list[int]
    rulebook: Rulebook | None = None  # the review's rulebook, when it could be loaded
    charts: dict[str, str] = field(default_factory=dict)  # name -> <svg>
    indicators: dict[int, list[IndicatorLine]] = field(default_factory=dict)  # form index -> rows
    indicator_rows: list[dict] | None = None  # the workbook's 指标 sheet when the review kept none


def wan(rec: FormRecord, value: Decimal | None) -> Decimal | None:
    """An amount of the form in 万元 (None when the unit is unknown)."""
    k = UNIT_TO_WAN.get(rec.funds_unit)
    return None if k is None or value is None else value * k


def rate_of(rec: FormRecord) -> Decimal | None:
    """The execution rate to show: recomputed when possible, else as printed."""
    return rec.rate_recomputed if rec.rate_recomputed is not None else rec.rate_reported


def field_label(path: str) -> str:
    """A finding's field path in the official form's words: ``indicators[3].actual`` → 第4行指标 实际完成值."""
    if not path:
        return ""
    names = {
        "funds.rate": "执行率", "funds.score": "预算执行得分", "funds.executed": "全年执行数",
        "funds.adjusted_budget": "全年预算数", "funds.initial_budget": "年初预算数", "funds.weight": "预算执行分值",
        "funds": "项目资金", "goal.actual": "实际完成情况", "goal.expected": "预期目标", "goal": "年度总体目标",
        "total": "总分", "grade": "评分等级", "indicators": "绩效指标", "project_name": "项目名称",
        "department": "主管部门", "implementing_unit": "实施单位", "total_weight": "总分分值",
    }
    if path in names:
        return names[path]
    parts = {"name": "三级指标", "target": "年度指标值", "actual": "实际完成值", "weight": "分值", "score": "得分",
             "deviation": "偏差原因分析及改进措施", "level1": "一级指标", "level2": "二级指标",
             "initial_budget": "年初预算数", "adjusted_budget": "全年预算数", "executed": "全年执行数"}
    for prefix, what in (("indicators[", "指标"), ("funds.rows[", "资金来源")):
        if path.startswith(prefix):
            num, _, rest = path[len(prefix):].partition("]")
            if num.isdigit():
                label = f"第{int(num) + 1}行{what}"
                rest = rest.lstrip(".")
                return f"{label} {parts.get(rest, rest)}" if rest else label
    return path


def location_label(loc: dict[str, Any] | None) -> str:
    """Where a finding was read: 第12行, 第12–14行, 第3页, Sheet1!B7."""
    if not loc:
        return ""
    cell = loc.get("cell")
    if cell:
        return f"{loc['sheet']}!{cell}" if loc.get("sheet") else str(cell)
    line, end = loc.get("line"), loc.get("end_line")
    page = loc.get("page")
    out = f"第{page}页" if page else ""
    if line:
        out += f"第{line}行" if not end or end == line else f"第{line}–{end}行"
    return out


def location_key(loc: dict[str, Any] | None) -> int:
    """A number to sort locations by (page, then line)."""
    if not loc:
        return 0
    return (loc.get("page") or 0) * 100000 + (loc.get("line") or 0)


def _settings_value(review: Review, code: str, key: str) -> Any:
    s = review.config.settings.get(code)
    if s is None:
        return None
    try:
        return s[key]
    except KeyError:
        return None


def _rulebook(review: Review, rulebook: Rulebook | None) -> Rulebook | None:
    if rulebook is not None:
        return rulebook
    try:
        return load_rulebook(review.rulebook)  # a shipped name; a custom file's name may not load
    except (RulebookError, OSError):
        return None


def top_findings(review: Review, n: int = TOP_N) -> list[Finding]:
    """The ``n`` findings a director should read first.

    Order: severity (errors first); then the money at stake (the form's full-year
    budget in 万元; a finding about the whole batch counts as the whole budget);
    then code. Distinct codes are preferred: one finding per code until ``n``
    are chosen, then the rest in the same order, so five copies of one
    boilerplate warning do not fill the list."""
    budgets = [wan(r, r.adjusted_budget) or Decimal(0) for r in review.forms]
    whole = sum(budgets, Decimal(0)) + 1

    def key(f: Finding):
        money = whole if f.form_index is None else budgets[f.form_index] if f.form_index < len(budgets) else 0
        return (-SEVERITY_RANK[f.severity], -money, f.code, f.form_index or 0)

    ranked = sorted(review.findings, key=key)
    chosen: list[Finding] = []
    seen: set[str] = set()
    for f in ranked:
        if f.code not in seen:
            seen.add(f.code)
            chosen.append(f)
            if len(chosen) == n:
                break
    if len(chosen) < n:
        ids = {id(f) for f in chosen}
        chosen += [f for f in ranked if id(f) not in ids][: n - len(chosen)]
        chosen.sort(key=key)
    return chosen


def _indicator_lines(forms: Sequence[Form], review: Review, rb: Rulebook | None) -> tuple[
        dict[int, list[IndicatorLine]], list[dict] | None]:
    """Per form, each indicator's reported and recomputed score; and the workbook's
    indicator rows when the review did not keep them."""
    out: dict[int, list[IndicatorLine]] = {}
    if review.indicator_rows is not None:
        for d in review.indicator_rows:
            out.setdefault(d["form_index"], []).append(IndicatorLine(
                d["row"], d["level1"], d["name"], d["weight"], d["score"], d["recomputed"], d["rule"]))
        return out, None
    if rb is None:
        return out, None
    rows: list[dict] = []
    for i, form in enumerate(forms):
        sr = score_form(form, rb)
        lines = out[i] = []
        for j, (ind, d) in enumerate(zip(form.indicators, sr.indicators)):
            lines.append(IndicatorLine(j + 1, ind.level1, ind.name, ind.weight, ind.score, d.score, d.rule))
            rows.append({"form_index": i, "project_name": form.project_name, "row": j + 1, "level1": ind.level1,
                         "level2": ind.level2, "name": ind.name, "target": ind.target, "actual": ind.actual,
                         "weight": ind.weight, "score": ind.score, "recomputed": d.score, "rule": d.rule,
                         "deviation": ind.deviation})
    return out, rows


def _charts(review: Review, data: ReportData) -> dict[str, str]:
    recs = review.forms
    rates = [(charts.Bar(r.project_name, f"form-{r.index}"), float(rt)) for r in recs
             if (rt := rate_of(r)) is not None]
    budgets = []
    for r in recs:
        a, b = wan(r, r.initial_budget), wan(r, r.adjusted_budget)
        if b is not None:
            budgets.append((charts.Bar(r.project_name, f"form-{r.index}"), float(a or 0), float(b)))
    by_code: dict[str, Counter] = defaultdict(Counter)
    for f in review.findings:
        by_code[f.code][f.severity] += 1
    return {
        "rate": charts.rate_chart(rates, threshold=None if data.threshold is None else float(data.threshold)),
        "scores": charts.score_histogram(
            [float(r.total_reported) for r in recs if r.total_reported is not None],
            [float(r.total_recomputed) for r in recs if r.total_recomputed is not None],
            grade_lines=[(g, float(m)) for g, m in data.grades if m > 0]),
        "findings": charts.findings_chart([(c, data.titles.get(c, ""), dict(n)) for c, n in by_code.items()]),
        "budget": charts.budget_chart(budgets),
    }


def collect(forms: Sequence[Form] | None, review: Review, *, rulebook: Rulebook | None = None) -> ReportData:
    """Everything the report shows, computed once from the review (and its forms)."""
    load_families()
    forms = list(forms or ())
    if forms and len(forms) != len(review.forms):
        raise ValueError(f"report: {len(forms)} forms for a review of {len(review.forms)}")
    rb = _rulebook(review, rulebook)
    thr = _settings_value(review, "JX301", "rate_below")
    threshold = Decimal(str(thr)) if thr is not None else DEFAULT_THRESHOLD
    grades: tuple[tuple[str, Decimal], ...] = DEFAULT_GRADES
    if rb is not None and rb.grades_enabled and rb.grades:
        grades = tuple((g.grade, g.min) for g in rb.grades)
    below = sum(1 for r in review.forms if (rt := rate_of(r)) is not None and rt < threshold)
    units = Counter(r.implementing_unit for r in review.forms if r.implementing_unit)
    data = ReportData(
        review=review, summary=review.summary(),
        rulebook_title=f"{rb.title}（{rb.name}）" if rb is not None else review.rulebook,
        threshold=threshold, grades=grades,
        grades_recomputed=dict(Counter(r.grade_recomputed or "（无）" for r in review.forms)),
        below_threshold=below, top_findings=top_findings(review),
        titles={c: i.title for c, i in REGISTRY.items()},
        units=[u for u, _ in units.most_common()],
        years=sorted({r.year for r in review.forms if r.year is not None}),
        rulebook=rb,
    )
    data.charts = _charts(review, data)
    if forms:
        data.indicators, data.indicator_rows = _indicator_lines(forms, review, rb)
    return data


def build_report(forms: Sequence[Form] | None, review: Review, out_dir: str | Path, *,
                 formats: Sequence[str] = FORMATS, progress: Progress | None = None,
                 rulebook: Rulebook | None = None) -> dict[str, Path]:
    """Write the review report to ``out_dir`` as 审核报告.html / .xlsx / .pdf.

    ``forms`` are the reviewed forms in review order (``review.forms[i]`` ↔
    ``forms[i]``); they give the per-form sections in the official layout. With
    ``forms=None`` the report has the summary, charts and findings only.
    ``rulebook`` is the one the review ran under (loaded by ``review.rulebook``
    when omitted). The PDF is the HTML printed by headless Chromium
    (:mod:`jixiao.render.browser`); ``ChromiumMissingError`` when there is none.
    ``progress(done, total, description)`` is called at the start of each stage
    (汇总数据, HTML 报告, Excel 报告, PDF 报告; see ``STAGES``) and once at the end.
    Returns {format: path} of the files written."""
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValueError(f"unknown report format(s) {bad}; choose from {FORMATS}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stages = ["collect"] + [f for f in FORMATS if f in formats]
    step = 0

    def stage(name: str) -> None:
        nonlocal step
        if progress is not None:
            progress(step, len(stages), STAGES[name])
        step += 1

    stage("collect")
    data = collect(forms, review, rulebook=rulebook)
    written: dict[str, Path] = {}
    html_text = ""
    if "html" in formats or "pdf" in formats:
        from .html import render_html

        if "html" in formats:
            stage("html")
        html_text = render_html(data, forms)
    for fmt in stages[1:]:
        path = out / f"{FILE_STEM}.{fmt}"
        if fmt == "html":
            path.write_text(html_text, encoding="utf-8")
        elif fmt == "xlsx":
            stage("xlsx")
            from .xlsx import write_xlsx

            write_xlsx(review, path, report=data)
        else:
            stage("pdf")
            from .pdf import write_pdf, write_pdf_parts

            if len(review.forms) <= PDF_FORMS_PER_PART:
                write_pdf(html_text, path)  # the very page of the HTML report (links work)
            else:
                from .html import render_html_parts

                write_pdf_parts(render_html_parts(data, forms, forms_per_part=PDF_FORMS_PER_PART), path)
        written[fmt] = path
    if progress is not None:
        progress(len(stages), len(stages), STAGES["done"])
    return written
