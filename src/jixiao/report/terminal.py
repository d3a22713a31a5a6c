"""The terminal report: a department summary, then each form's findings."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console
from rich.table import Table

from ..checks import SEVERITY_ZH, Review

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _n(v, unit: str = "") -> str:
    if v is None:
        return "—"
    if isinstance(v, (Decimal, float, int)):
        return f"{v:,.2f}{unit}"
    return str(v)


def print_review(review: Review, console: Console, *, show_hints: bool = True) -> None:
    s = review.summary()
    console.rule(f"[bold]绩效自评表审核（评分规则：{s['rulebook']}）[/bold]")
    t = Table(show_header=False, box=None, pad_edge=False)
    t.add_column(style="bold")
    t.add_column()
    t.add_row("自评表", f"{s['forms']} 张" + (f"（{s['incomplete_forms']} 张未能完整读取）" if s["incomplete_forms"] else "")
              + (f"；{s['unreadable_files']} 个文件无法读取" if s["unreadable_files"] else ""))
    t.add_row("资金（万元）", f"年初预算 {_n(s['initial_budget'])}  全年预算 {_n(s['adjusted_budget'])}  "
                          f"全年执行 {_n(s['executed'])}  加权执行率 {_n(s['weighted_rate'], '%')}")
    t.add_row("评分等级", "  ".join(f"{g} {n}" for g, n in sorted(s["grades"].items())) or "—")
    t.add_row("总分", f"填报平均 {_n(s['total_reported_mean'])}  复算平均 {_n(s['total_recomputed_mean'])}  "
                    f"总分与复算不一致 {s['forms_with_total_difference']} 张")
    sev = s["findings_by_severity"]
    t.add_row("发现问题", f"共 {s['findings']} 条：错误 {sev['error']}  警告 {sev['warning']}  提示 {sev['info']}")
    if s["findings_by_code"]:
        t.add_row("按代码", "  ".join(f"{c}×{n}" for c, n in s["findings_by_code"].items()))
    console.print(t)

    hinted: set[str] = set()  # a hint is shown at a code's first finding only

    def hint(f) -> None:
        if show_hints and f.code not in hinted:
            hinted.add(f.code)
            console.print(f"      [dim]建议：{f.hint}[/dim]")

    by_form: dict[int | None, list] = {}
    for f in review.findings:
        by_form.setdefault(f.form_index, []).append(f)
    for rec in review.forms:
        items = by_form.get(rec.index, [])
        if not items and rec.complete and not rec.warnings:
            continue
        console.print()
        head = (f"[bold]{rec.project_name or '（无项目名称）'}[/bold]  执行率 {_n(rec.rate_reported, '%')}  "
                f"总分 {_n(rec.total_reported)}（复算 {_n(rec.total_recomputed)}）  {rec.grade_reported or ''}")
        console.print(head)
        console.print(f"[dim]{rec.file}" + (f" 第{rec.line}行起" if rec.line else "") + "[/dim]")
        if not rec.complete:
            console.print("  [bold red]本表未能完整读取[/bold red]")
        for w in rec.warnings:
            console.print(f"  [magenta]读取 {w['code']}[/magenta] {w['message']}")
        for f in items:
            where = ""
            loc = f.location or {}
            if loc.get("cell"):
                where = f" [dim]{loc['sheet'] + '!' if loc.get('sheet') else ''}{loc['cell']}[/dim]"
            elif loc.get("line"):
                where = f" [dim]第{loc['line']}行[/dim]"
            console.print(f"  [{_STYLE[f.severity]}]{SEVERITY_ZH[f.severity]} {f.code}[/{_STYLE[f.severity]}]"
                          f" {f.message}{where}")
            hint(f)
    batch = by_form.get(None, [])
    if batch:
        console.print()
        console.print("[bold]全部表格[/bold]")
        for f in batch:
            console.print(f"  [{_STYLE[f.severity]}]{SEVERITY_ZH[f.severity]} {f.code}[/{_STYLE[f.severity]}] {f.message}")
            hint(f)
    clean = sum(1 for r in review.forms if not by_form.get(r.index) and r.complete and not r.warnings)
    if clean:
        console.print(f"\n[green]{clean} 张表未发现问题。[/green]")
