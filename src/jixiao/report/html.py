"""The review report as one self-contained HTML page (inline CSS, SVG and a little JS).

Sections, in reading order: the director's summary (first printed page), the
charts, the project table, every finding (sortable, filterable), and one
section per form in the official layout (:func:`jixiao.render.html.form_html`)
with its findings marked at their rows and the reported vs recomputed scores.

Nothing is fetched: no external URL, font or script, so the file works offline
and prints the same in Chromium (the PDF). All user text is escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from ..checks import CATEGORIES, SEVERITY_RANK, SEVERITY_ZH, Finding, FormRecord
from ..model import Form
from .build import RULE_ZH, ReportData, field_label, location_key, location_label, rate_of, wan
from .charts import FONT

TITLE = "项目支出绩效自评审核报告"
_DIFF = ' class="diff"'
_LOW = ' style="color:var(--bad);font-weight:bold"'


def _e(s: object) -> str:
    return "" if s is None else escape(str(s), quote=True)


def num(v: Decimal | float | int | None, places: int = 2, unit: str = "") -> str:
    """A figure as printed in the report: thousands separators, fixed places, — for none."""
    if v is None:
        return "—"
    return f"{v:,.{places}f}{unit}"


def _same(a: object, b: object) -> bool:
    return a is None or b is None or a == b


CSS = """
:root { --bad: #c0392b; --warn: #d68910; --info: #5d6d7e; --ok: #2e6da4; --line: #d5d8dc; --muted: #666; }
* { box-sizing: border-box; }
body { font-family: FONT; margin: 0 auto; max-width: 1100px; padding: 16px 24px 48px; color: #222;
  font-size: 14px; line-height: 1.5; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--ok); }
h3 { font-size: 16px; margin: 18px 0 8px; }
a { color: var(--ok); text-decoration: none; }
.sub { color: var(--muted); margin: 0 0 12px; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; margin: 12px 0; }
.kpi { border: 1px solid var(--line); border-radius: 4px; padding: 8px 10px; }
.kpi .k { color: var(--muted); font-size: 12px; }
.kpi .v { font-size: 22px; font-weight: bold; white-space: nowrap; }
.kpi .v small { font-size: 13px; font-weight: normal; }
.kpi .d { font-size: 12px; color: var(--muted); }
.kpi.alert .v { color: var(--bad); }
table.jx { border-collapse: collapse; width: 100%; font-size: 13px; }
table.jx th, table.jx td { border: 1px solid var(--line); padding: 3px 6px; vertical-align: top; text-align: left; }
table.jx th { background: #eef2f7; font-weight: bold; white-space: nowrap; }
table.jx td.n, table.jx th.n { text-align: right; white-space: nowrap; }
table.jx tr.diff td { background: #fdecea; }
td.nowrap { white-space: nowrap; }
.sev { display: inline-block; padding: 0 6px; border-radius: 3px; color: #fff; font-size: 12px; white-space: nowrap; }
.sev-error { background: var(--bad); } .sev-warning { background: var(--warn); } .sev-info { background: var(--info); }
.code { font-family: monospace; white-space: nowrap; }
.charts { display: grid; grid-template-columns: 1fr; gap: 18px; }
.chart { break-inside: avoid; }
svg.jx-chart { max-width: 100%; height: auto; }
svg.jx-chart a text, svg.jx-chart text a { fill: #1f4e79; }
.filters { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 8px 0; padding: 8px;
  background: #f6f8fa; border: 1px solid var(--line); border-radius: 4px; }
.filters label { font-size: 13px; }
.filters select, .filters input { font: inherit; font-size: 13px; padding: 2px 4px; max-width: 280px; }
.filters input[type=search] { min-width: 220px; }
#jx-findings { table-layout: fixed; }  /* thousands of rows: columns from the colgroup, not measured */
#jx-findings th[data-sort] { cursor: pointer; user-select: none; }
#jx-findings th[data-sort]::after { content: " ↕"; color: #aaa; font-weight: normal; }
#jx-findings th[aria-sort=ascending]::after { content: " ↑"; color: #222; }
#jx-findings th[aria-sort=descending]::after { content: " ↓"; color: #222; }
.form-section { margin-top: 36px; }
.form-section .meta { color: var(--muted); font-size: 13px; margin: 0 0 8px; }
.pair { display: flex; gap: 16px; align-items: flex-start; flex-wrap: wrap; margin-bottom: 10px; }
.pair > div { flex: 1 1 320px; }
ul.flist { margin: 6px 0 12px; padding-left: 0; list-style: none; }
ul.flist li { margin: 4px 0; padding: 4px 8px; border-left: 3px solid var(--line); }
ul.flist li.error { border-color: var(--bad); } ul.flist li.warning { border-color: var(--warn); }
ul.flist li.info { border-color: var(--info); }
ul.flist .hint { color: var(--muted); font-size: 12px; }
.note { color: var(--muted); font-size: 12px; }
.grade { display: inline-block; border: 1px solid var(--ok); color: var(--ok); padding: 0 6px; border-radius: 3px;
  font-size: 14px; margin-left: 6px; }
.warn-box { border: 1px solid var(--bad); background: #fdecea; padding: 6px 10px; border-radius: 4px; }
@media screen {
  /* Long batches: the browser lays out a form section only when it scrolls into view. */
  .form-section { content-visibility: auto; contain-intrinsic-size: auto 1800px; }
}
@page { size: A4; margin: 12mm 10mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11.5px; }
  .noprint { display: none !important; }
  #jx-findings tr[hidden] { display: table-row; }
  #jx-findings th[data-sort]::after { content: ""; }
  h2 { break-after: avoid; }
  .page { break-before: page; }
  .form-section { break-before: page; margin-top: 0; }
  .jx-official { break-before: page; }  /* the official table on pages of its own, as printed */
  table.jx { font-size: 10.5px; }
  tr, li { break-inside: avoid; }
  a { color: inherit; }
  .kpi .v { font-size: 18px; }
}
""".replace("FONT", FONT)

# Sorting and filtering of the findings table. Rows carry data-sev/-code/-form;
# a cell's data-k (when present) is its sort key.
JS = """
(function () {
  var table = document.getElementById('jx-findings');
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
  var sev = document.getElementById('f-sev'), code = document.getElementById('f-code'),
      form = document.getElementById('f-form'), text = document.getElementById('f-text'),
      count = document.getElementById('f-count'), reset = document.getElementById('f-reset');
  function apply() {
    var s = sev.value, c = code.value, f = form.value, q = text.value.trim().toLowerCase(), n = 0;
    rows.forEach(function (r, i) {
      var ok = (!s || r.getAttribute('data-sev') === s) && (!c || r.getAttribute('data-code') === c) &&
               (!f || r.getAttribute('data-form') === f) && (!q || texts[i].indexOf(q) >= 0);
      if (r.hidden === ok) r.hidden = !ok;
      if (ok) n++;
    });
    count.textContent = String(n);
  }
  [sev, code, form].forEach(function (el) { el.addEventListener('change', apply); });
  text.addEventListener('input', apply);
  reset.addEventListener('click', function () { sev.value = code.value = form.value = text.value = ''; apply(); });
  function key(r, col) {
    var td = r.cells[col];
    var k = td.getAttribute('data-k');
    return k !== null ? k : td.textContent.trim();
  }
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, col) {
    if (!th.hasAttribute('data-sort')) return;
    th.setAttribute('tabindex', '0');
    function sort() {
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var numeric = th.getAttribute('data-sort') === 'num';
      var idx = rows.map(function (r, i) { return i; });
      idx.sort(function (a, b) {
        var x = key(rows[a], col), y = key(rows[b], col), d;
        if (numeric) d = (parseFloat(x) || 0) - (parseFloat(y) || 0);
        else d = x < y ? -1 : x > y ? 1 : 0;
        return (asc ? d : -d) || a - b;
      });
      rows = idx.map(function (i) { return rows[i]; });
      texts = idx.map(function (i) { return texts[i]; });
      var frag = document.createDocumentFragment();
      rows.forEach(function (r) { frag.appendChild(r); });
      body.appendChild(frag);
    }
    th.addEventListener('click', sort);
    th.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') sort(); });
  });
  apply();
})();
"""


def _official(d: ReportData, form: Form, findings: list[Finding]) -> str:
    from ..render.html import form_html

    return form_html(form, findings=findings, standalone=False, rulebook=d.rulebook)


def _form_css() -> str:
    from ..render.html import FORM_CSS

    return FORM_CSS


def _summary(d: ReportData, out: list[str]) -> None:
    s = d.summary
    sev = s["findings_by_severity"]
    out.append('<section id="summary">')
    out.append(f"<h1>{TITLE}</h1>")
    who = "、".join(d.units[:3]) + ("等" if len(d.units) > 3 else "")
    years = "、".join(f"{y}年度" for y in d.years)
    out.append(f'<p class="sub">{_e(who)}{"　" if who else ""}{_e(years)}　评分规则：{_e(d.rulebook_title)}</p>')
    if s["unreadable_files"] or s["incomplete_forms"]:
        out.append(f'<p class="warn-box">有 {s["unreadable_files"]} 个文件无法读取、{s["incomplete_forms"]} 张表未能完整读取；'
                   "下列数字只包括已读取的内容。</p>")

    def kpi(k: str, v: str, detail: str = "", alert: bool = False, key: str = "") -> None:
        out.append(f'<div class="kpi{" alert" if alert else ""}" data-kpi="{key}"><div class="k">{k}</div>'
                   f'<div class="v">{v}</div><div class="d">{detail}</div></div>')

    out.append('<div class="kpis">')
    kpi("自评表", f'{s["forms"]:,} <small>张</small>',
        f'未完整读取 {s["incomplete_forms"]} 张；无法读取文件 {s["unreadable_files"]} 个', key="forms")
    kpi("全年预算数", f'{num(s["adjusted_budget"])} <small>万元</small>', f'年初预算数 {num(s["initial_budget"])} 万元',
        key="budget")
    kpi("全年执行数", f'{num(s["executed"])} <small>万元</small>',
        f'未执行 {num(s["adjusted_budget"] - s["executed"])} 万元', key="executed")
    thr = f"{d.threshold:g}%" if d.threshold is not None else ""
    kpi("加权执行率", num(s["weighted_rate"], unit="%"),
        f"执行率低于关注线 {thr} 的项目 {d.below_threshold} 个" if thr else "= 全年执行数 ÷ 全年预算数",
        alert=d.below_threshold > 0, key="rate")
    order = [g for g, _ in d.grades]
    order += sorted(set(s["grades"]) - set(order))
    kpi("评分等级（自评）", "　".join(f'{_e(g)} {s["grades"].get(g, 0)}' for g in order),
        "复算：" + "　".join(f"{_e(g)} {d.grades_recomputed.get(g, 0)}"
                           for g in order + sorted(set(d.grades_recomputed) - set(order))), key="grades")
    kpi("总分（自评 / 复算平均）", f'{num(s["total_reported_mean"])} / {num(s["total_recomputed_mean"])}',
        f'自评总分与复算不一致 {s["forms_with_total_difference"]} 张', alert=s["forms_with_total_difference"] > 0,
        key="totals")
    kpi("发现问题", f'{s["findings"]:,} <small>条</small>',
        f'错误 {sev["error"]}　警告 {sev["warning"]}　提示 {sev["info"]}', alert=sev["error"] > 0, key="findings")
    kpi("涉及检查", f'{len(s["findings_by_code"])} <small>项</small>',
        f'有问题的自评表 {sum(1 for r in d.review.forms if r.findings)} 张', key="codes")
    out.append("</div>")
    out.append(f"<h3>最需要关注的 {len(d.top_findings)} 个问题</h3>")
    if d.top_findings:
        out.append('<table class="jx" id="jx-top"><thead><tr><th>严重程度</th><th>代码</th><th>项目名称</th>'
                   "<th>问题</th></tr></thead><tbody>")
        for f in d.top_findings:
            out.append(f"<tr><td>{_sev(f.severity)}</td><td class=\"code\">{_e(f.code)}</td>"
                       f"<td>{_project_link(f)}</td><td><b>{_e(d.titles.get(f.code, ''))}</b>：{_e(f.message)}</td></tr>")
        out.append("</tbody></table>")
        out.append('<p class="note">排序：严重程度，其次涉及的全年预算数（涉及全部表格的问题视为全部预算），'
                   "每个检查代码先取一条。</p>")
    else:
        out.append("<p>没有发现问题。</p>")
    out.append("</section>")


def _sev(sev: str) -> str:
    return f'<span class="sev sev-{_e(sev)}">{_e(SEVERITY_ZH.get(sev, sev))}</span>'


def _project_link(f: Finding) -> str:
    if f.form_index is None:
        return "（全部表格）"
    return f'<a href="#form-{f.form_index}">{_e(f.project_name or "（无项目名称）")}</a>'


def _charts(d: ReportData, out: list[str]) -> None:
    out.append('<section id="charts" class="page"><h2>图表</h2><div class="charts">')
    for name in ("rate", "scores", "findings", "budget"):
        out.append(f'<div class="chart" id="chart-{name}">{d.charts[name]}</div>')
    out.append("</div></section>")


def _projects(d: ReportData, out: list[str]) -> None:
    out.append('<section id="projects" class="page"><h2>项目一览</h2>')
    out.append('<table class="jx" id="jx-projects"><thead><tr><th class="n">序号</th><th>项目名称</th>'
               '<th class="n">年初预算数</th><th class="n">全年预算数</th><th class="n">全年执行数</th>'
               '<th class="n">执行率</th><th class="n">自评得分</th><th class="n">复算得分</th><th>评分等级</th>'
               '<th class="n">错误</th><th class="n">警告</th><th class="n">提示</th></tr></thead><tbody>')
    for r in d.review.forms:
        rt = rate_of(r)
        low = d.threshold is not None and rt is not None and rt < d.threshold
        diff = not _same(r.total_reported, r.total_recomputed) or not _same(r.grade_reported, r.grade_recomputed)
        grade = _e(r.grade_reported or "—")
        if r.grade_recomputed and r.grade_recomputed != r.grade_reported:
            grade += f"（复算 {_e(r.grade_recomputed)}）"
        out.append(
            f'<tr{_DIFF if diff else ""}><td class="n">{r.index + 1}</td>'
            f'<td><a href="#form-{r.index}">{_e(r.project_name or "（无项目名称）")}</a></td>'
            f'<td class="n">{num(wan(r, r.initial_budget))}</td><td class="n">{num(wan(r, r.adjusted_budget))}</td>'
            f'<td class="n">{num(wan(r, r.executed))}</td>'
            f'<td class="n"{_LOW if low else ""}>{num(rt, unit="%")}</td>'
            f'<td class="n">{num(r.total_reported)}</td><td class="n">{num(r.total_recomputed)}</td><td>{grade}</td>'
            f'<td class="n">{r.findings.get("error", 0)}</td><td class="n">{r.findings.get("warning", 0)}</td>'
            f'<td class="n">{r.findings.get("info", 0)}</td></tr>')
    out.append("</tbody></table><p class=\"note\">金额单位：万元。执行率为复算值（无法复算时为填报值）；"
               "红色底纹：自评总分或等级与复算不一致；红字：执行率低于关注线。</p></section>")


def _findings(d: ReportData, out: list[str]) -> None:
    rv = d.review
    s = d.summary
    out.append(f'<section id="findings" class="page"><h2>全部问题（{len(rv.findings):,} 条）</h2>')
    out.append('<div class="filters noprint"><label>严重程度 <select id="f-sev"><option value="">全部</option>')
    for sev in ("error", "warning", "info"):
        out.append(f'<option value="{sev}">{SEVERITY_ZH[sev]}（{s["findings_by_severity"][sev]}）</option>')
    out.append('</select></label><label>检查 <select id="f-code"><option value="">全部</option>')
    for code, n in s["findings_by_code"].items():
        out.append(f'<option value="{_e(code)}">{_e(code)} {_e(d.titles.get(code, ""))}（{n}）</option>')
    out.append('</select></label><label>自评表 <select id="f-form"><option value="">全部</option>')
    if any(f.form_index is None for f in rv.findings):
        out.append('<option value="batch">（全部表格）</option>')
    for r in rv.forms:
        if r.findings:
            out.append(f'<option value="{r.index}">{r.index + 1}. {_e(r.project_name)}</option>')
    out.append('</select></label><label>搜索 <input type="search" id="f-text" placeholder="问题、项目名称、字段…"></label>'
               f'<button type="button" id="f-reset">清除筛选</button>'
               f'<span>显示 <b id="f-count">{len(rv.findings)}</b> / {len(rv.findings)} 条；点击表头排序</span></div>')
    out.append('<table class="jx" id="jx-findings"><colgroup><col style="width:4%"><col style="width:7%">'
               '<col style="width:7%"><col style="width:9%"><col style="width:13%"><col style="width:11%">'
               '<col style="width:9%"><col></colgroup><thead><tr><th data-sort="num" class="n">序号</th>'
               '<th data-sort="num">严重程度</th><th data-sort="text">代码</th><th data-sort="text">类别</th>'
               '<th data-sort="text">项目名称</th><th data-sort="text">字段</th><th data-sort="num">位置</th>'
               "<th data-sort=\"text\">问题</th></tr></thead><tbody>")
    for i, f in enumerate(rv.findings, 1):
        form_key = "batch" if f.form_index is None else str(f.form_index)
        form_sort = -1 if f.form_index is None else f.form_index
        out.append(
            f'<tr data-sev="{_e(f.severity)}" data-code="{_e(f.code)}" data-form="{form_key}">'
            f'<td class="n">{i}</td><td data-k="{3 - SEVERITY_RANK.get(f.severity, 0)}">{_sev(f.severity)}</td>'
            f'<td class="code">{_e(f.code)}</td><td>{_e(CATEGORIES.get(f.category, f.category))}</td>'
            f'<td data-k="{form_sort:06d}">{_project_link(f)}</td><td>{_e(field_label(f.field))}</td>'
            f'<td class="nowrap" data-k="{location_key(f.location)}">{_e(location_label(f.location))}</td>'
            f'<td><b>{_e(d.titles.get(f.code, ""))}</b>：{_e(f.message)}</td></tr>')
    out.append("</tbody></table></section>")


def _compare(d: ReportData, r: FormRecord, out: list[str]) -> None:
    """Reported vs recomputed scores of one form, side by side."""
    out.append('<div class="pair"><div><table class="jx jx-compare"><thead><tr><th>项目</th><th class="n">自评（填报）</th>'
               '<th class="n">复算</th></tr></thead><tbody>')
    lines = d.indicators.get(r.index, [])
    ind_rep = sum((x.reported for x in lines if x.reported is not None), Decimal(0)) if lines else None
    ind_rec = (sum((x.recomputed for x in lines if x.recomputed is not None), Decimal(0))
               if lines and all(x.recomputed is not None for x in lines) else None)
    rows = [("执行率", num(r.rate_reported, unit="%"), num(r.rate_recomputed, unit="%"),
             _same(r.rate_reported, r.rate_recomputed)),
            ("预算执行得分", num(r.budget_score_reported), num(r.budget_score_recomputed),
             _same(r.budget_score_reported, r.budget_score_recomputed)),
            ("指标得分合计", num(ind_rep), num(ind_rec), _same(ind_rep, ind_rec)),
            ("总分", num(r.total_reported), num(r.total_recomputed), _same(r.total_reported, r.total_recomputed)),
            ("评分等级", _e(r.grade_reported or "—"), _e(r.grade_recomputed or "—"),
             _same(r.grade_reported, r.grade_recomputed))]
    for label, a, b, same in rows:
        out.append(f'<tr{"" if same else _DIFF}><td>{label}</td><td class="n">{a}</td>'
                   f'<td class="n">{b}</td></tr>')
    out.append("</tbody></table></div>")
    if lines:
        out.append('<div><table class="jx jx-indscores"><thead><tr><th class="n">行</th><th>三级指标</th>'
                   '<th class="n">分值</th><th class="n">自评得分</th><th class="n">复算得分</th><th>复算规则</th>'
                   "</tr></thead><tbody>")
        for x in lines:
            same = _same(x.reported, x.recomputed)
            out.append(f'<tr{"" if same else _DIFF}><td class="n">{x.row}</td><td>{_e(x.name)}</td>'
                       f'<td class="n">{num(x.weight)}</td><td class="n">{num(x.reported)}</td>'
                       f'<td class="n">{num(x.recomputed)}</td><td class="nowrap">{_e(RULE_ZH.get(x.rule, x.rule))}</td>'
                       "</tr>")
        out.append("</tbody></table></div>")
    out.append("</div>")


def _form_section(d: ReportData, r: FormRecord, form: Form | None, findings: list[Finding], out: list[str]) -> None:
    out.append(f'<section class="form-section" id="form-{r.index}">')
    grade = f'<span class="grade">{_e(r.grade_reported)}</span>' if r.grade_reported else ""
    out.append(f"<h2>{r.index + 1}. {_e(r.project_name or '（无项目名称）')}{grade}</h2>")
    where = _e(r.file) + (f" 第{r.line}行起" if r.line else "")
    out.append(f'<p class="meta">主管部门：{_e(r.department or "—")}　实施单位：{_e(r.implementing_unit or "—")}'
               f"<br>来源：{where}</p>")
    if not r.complete:
        out.append('<p class="warn-box">本表未能完整读取，以下内容可能不全。</p>')
    _compare(d, r, out)
    if findings:
        # With the official table below, each message is printed at its row there;
        # the list gives what to do. Without it, the list carries the messages.
        heading = "问题与建议（问题说明标在下方原表的所在行）" if form is not None else "问题与建议"
        out.append(f'<h3>{heading}（{len(findings)} 条）</h3><ul class="flist">')
        for f in findings:
            where = " · ".join(x for x in (field_label(f.field), location_label(f.location)) if x)
            msg = "" if form is not None else f"<br>{_e(f.message)}"
            out.append(f'<li class="{_e(f.severity)}">{_sev(f.severity)} <span class="code">{_e(f.code)}</span> '
                       f'<b>{_e(d.titles.get(f.code, ""))}</b>'
                       f'{f" <span class=note>（{_e(where)}）</span>" if where else ""}{msg}'
                       f'<div class="hint">建议：{_e(f.hint)}</div></li>')
        out.append("</ul>")
    if r.warnings:
        out.append("<h3>读取提示</h3><ul class=\"flist\">")
        for w in r.warnings:
            at = f"（第{w['line']}行）" if w.get("line") else ""
            out.append(f'<li class="info"><span class="code">{_e(w.get("code"))}</span> {_e(w.get("message"))}'
                       f"{_e(at)}</li>")
        out.append("</ul>")
    if form is not None:
        out.append('<div class="jx-official"><h3>自评表原表（问题标在所在行）</h3>')
        out.append(_official(d, form, findings))
        out.append("</div>")
    out.append("</section>")


def _batch_notes(d: ReportData, out: list[str]) -> None:
    rv = d.review
    if not rv.unreadable and not rv.check_errors:
        return
    out.append('<section id="notes"><h2>无法处理的内容</h2><ul class="flist">')
    for u in rv.unreadable:
        out.append(f'<li class="error">{_e(u.get("file"))}：{_e(u.get("message") or u.get("error") or u)}</li>')
    for e in rv.check_errors:
        out.append(f'<li class="error">检查 {_e(e["code"])} 出错（程序缺陷，已跳过）：{_e(e["project_name"])} '
                   f'{_e(e["error"])}</li>')
    out.append("</ul></section>")


def _by_form(d: ReportData) -> dict[int, list[Finding]]:
    by_form: dict[int, list[Finding]] = {}
    for f in d.review.findings:
        if f.form_index is not None:
            by_form.setdefault(f.form_index, []).append(f)
    return by_form


def _open(forms: Sequence[Form]) -> str:
    form_css = _form_css() if forms else ""
    return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{TITLE}</title><style>{CSS}{form_css}</style></head><body>")


def _front(d: ReportData, out: list[str]) -> None:
    _summary(d, out)
    _charts(d, out)
    _projects(d, out)
    _findings(d, out)
    _batch_notes(d, out)


def render_html(d: ReportData, forms: Sequence[Form] | None = None) -> str:
    """The whole report as one HTML document (str)."""
    forms = list(forms or ())
    by_form = _by_form(d)
    out: list[str] = [_open(forms)]
    _front(d, out)
    for r in d.review.forms:
        _form_section(d, r, forms[r.index] if r.index < len(forms) else None, by_form.get(r.index, []), out)
    out.append(f"<script>{JS}</script></body></html>")
    return "".join(out)


def render_html_parts(d: ReportData, forms: Sequence[Form] | None = None, *, forms_per_part: int = 100):
    """The report for printing in parts: the front matter (summary, charts, tables,
    findings), then the form sections ``forms_per_part`` at a time, each part a
    whole HTML document with the same CSS (no script: nothing to click on paper).
    Printing a long report in parts keeps each Chromium job small."""
    forms = list(forms or ())
    by_form = _by_form(d)
    out: list[str] = [_open(forms)]
    _front(d, out)
    yield "".join(out) + "</body></html>"
    recs = d.review.forms
    for start in range(0, len(recs), forms_per_part):
        out = [_open(forms)]
        for r in recs[start:start + forms_per_part]:
            _form_section(d, r, forms[r.index] if r.index < len(forms) else None, by_form.get(r.index, []), out)
        yield "".join(out) + "</body></html>"
