"""The report's charts as plain SVG strings (no JavaScript, no external resources).

Each function takes plain numbers and labels and returns one ``<svg>`` element
that is inlined in the HTML report (and so printed as vectors into the PDF).
Every bar carries a ``class`` (``bar``, ``bar-initial`` ...) and a ``data-*``
key so tests can count them, and a ``<title>`` so the full label and value
show on hover. Labels are Chinese; text is escaped here, callers pass raw text.

Long lists are cut to ``max_items`` bars (the ones a reviewer looks at first:
lowest execution rates, largest budget changes) with a caption saying so; the
full figures are in the report's project table and the workbook.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

FONT = "'Noto Sans CJK SC', 'Noto Sans CJK', 'Source Han Sans SC', sans-serif"
WIDTH = 760

# Colours: one meaning each, across charts and the HTML.
C_BAD = "#c0392b"  # below the attention line / errors
C_WARN = "#d68910"  # below 100% / warnings
C_OK = "#2e6da4"  # at or above 100% / adjusted budget / reported
C_INFO = "#7f8c8d"  # info findings
C_LIGHT = "#a9c4e0"  # initial budget / recomputed
C_AXIS = "#555"
C_GRID = "#ddd"

HALO = ' stroke="#fff" stroke-width="3" paint-order="stroke"'  # keeps a value readable over a line
SEVERITY_COLOURS = {"error": C_BAD, "warning": C_WARN, "info": C_INFO}
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


def _e(s: object) -> str:
    return escape(str(s), quote=True)


def text_width(s: str, size: float) -> float:
    """Approximate printed width: CJK and full-width characters 1em, others 0.58em."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.58 for ch in s)


def _w(ch: str, size: float) -> float:
    return size if ord(ch) > 0x2E7F else size * 0.58


def clip(s: str, size: float, width: float) -> str:
    """``s`` shortened to fit ``width`` at font ``size``, with an ellipsis in the
    middle: batches often differ only at the end (项目（第12号）)."""
    if text_width(s, size) <= width:
        return s
    room = width - size  # the ellipsis
    tail_room = room * 0.4
    tail: list[str] = []
    w = 0.0
    for ch in reversed(s):
        if w + _w(ch, size) > tail_room:
            break
        tail.append(ch)
        w += _w(ch, size)
    head: list[str] = []
    for ch in s:
        if w + _w(ch, size) > room:
            break
        head.append(ch)
        w += _w(ch, size)
    return "".join(head) + "…" + "".join(reversed(tail))


def _fmt(v: float, places: int = 2) -> str:
    return f"{v:,.{places}f}"


def _svg(width: float, height: float, label: str, body: list[str]) -> str:
    return (f'<svg class="jx-chart" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
            f'height="{height:.0f}" role="img" aria-label="{_e(label)}" font-family="{FONT}" font-size="12">'
            f"<title>{_e(label)}</title>{''.join(body)}</svg>")


def _legend(x: float, y: float, items: Sequence[tuple[str, str]], *, dashed: set[str] = frozenset()) -> list[str]:
    out = []
    for label, colour in items:
        if label in dashed:
            out.append(f'<line x1="{x:.1f}" y1="{y + 5:.1f}" x2="{x + 14:.1f}" y2="{y + 5:.1f}" stroke="{colour}" '
                       f'stroke-width="2" stroke-dasharray="4 2"/>')
        else:
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="12" height="10" fill="{colour}"/>')
        out.append(f'<text x="{x + 17:.1f}" y="{y + 9.5:.1f}" fill="{C_AXIS}">{_e(label)}</text>')
        x += 17 + text_width(label, 12) + 16
    return out


def _nice_step(span: float, ticks: int = 5) -> float:
    """A round tick step (1, 2, 2.5, 5 × 10^k) giving about ``ticks`` intervals."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def _caption(shown: int, total: int, what: str) -> str:
    return f"（共 {total} 个项目，图中为{what}的 {shown} 个）" if shown < total else ""


@dataclass(frozen=True, slots=True)
class Bar:
    """One project in a per-project chart: its label, values and the id it links to."""

    label: str
    anchor: str = ""  # id of the project's section in the report ("" = no link)


def _link(anchor: str, inner: str) -> str:
    return f'<a href="#{_e(anchor)}">{inner}</a>' if anchor else inner


def rate_chart(items: Sequence[tuple[Bar, float]], *, threshold: float | None = 90.0,
               max_items: int = 60) -> str:
    """Execution rate (执行率, %) per project, lowest first, with the attention line.

    ``items``: (project, rate in percent). Bars below ``threshold`` are red,
    below 100% amber, others blue."""
    total = len(items)
    rows = sorted(items, key=lambda it: (it[1], it[0].label))[:max_items]
    label_w, right = 230.0, 70.0
    top = 44.0
    bar_h, gap = 16.0, 6.0
    plot_w = WIDTH - label_w - right
    hi = max([100.0] + [r for _, r in rows])
    hi = math.ceil(hi / 10) * 10
    x0 = label_w

    def sx(v: float) -> float:
        return x0 + max(0.0, min(v, hi)) / hi * plot_w

    height = top + len(rows) * (bar_h + gap) + 30
    title = "各项目预算执行率（%，由低到高）" + _caption(len(rows), total, "执行率最低")
    body = [f'<text x="0" y="16" font-size="14" font-weight="bold" fill="#222">{_e(title)}</text>']
    legend = [("低于关注线", C_BAD), ("未达100%", C_WARN), ("达到100%", C_OK)]
    if threshold is not None:
        legend.append((f"关注线 {threshold:g}%", C_BAD))
    body += _legend(0, 24, legend, dashed={f"关注线 {threshold:g}%"} if threshold is not None else set())
    bottom = top + len(rows) * (bar_h + gap)
    step = _nice_step(hi, 5)
    t = 0.0
    while t <= hi + 1e-9:
        x = sx(t)
        body.append(f'<line x1="{x:.1f}" y1="{top - 4:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="{C_GRID}"/>'
                    f'<text x="{x:.1f}" y="{bottom + 14:.1f}" text-anchor="middle" fill="{C_AXIS}">{t:g}</text>')
        t += step
    values: list[str] = []  # drawn last, over the threshold line
    for i, (bar, rate) in enumerate(rows):
        y = top + i * (bar_h + gap)
        colour = C_BAD if threshold is not None and rate < threshold else C_WARN if rate < 100 else C_OK
        w = sx(rate) - x0
        label = clip(bar.label or "（无项目名称）", 12, label_w - 8)
        body.append(
            f'<text x="{label_w - 6:.1f}" y="{y + bar_h - 4:.1f}" text-anchor="end" fill="#222">'
            f'{_link(bar.anchor, _e(label))}</text>'
            f'<rect class="bar" data-project="{_e(bar.label)}" data-value="{rate:.2f}" x="{x0:.1f}" y="{y:.1f}" '
            f'width="{w:.1f}" height="{bar_h:.0f}" fill="{colour}"><title>{_e(bar.label)}：执行率 {rate:.2f}%</title>'
            "</rect>")
        values.append(f'<text x="{x0 + w + 4:.1f}" y="{y + bar_h - 4:.1f}" fill="#222"{HALO}>{rate:.2f}%</text>')
    if threshold is not None:
        x = sx(threshold)
        body.append(f'<line class="threshold" data-value="{threshold:g}" x1="{x:.1f}" y1="{top - 6:.1f}" x2="{x:.1f}" '
                    f'y2="{bottom:.1f}" stroke="{C_BAD}" stroke-width="1.5" stroke-dasharray="5 3"/>')
    body.append(f'<line x1="{x0:.1f}" y1="{top - 4:.1f}" x2="{x0:.1f}" y2="{bottom:.1f}" stroke="{C_AXIS}"/>')
    body += values
    if not rows:
        body.append(f'<text x="{x0:.1f}" y="{top + 14:.1f}" fill="{C_AXIS}">（没有可计算执行率的项目）</text>')
    return _svg(WIDTH, height, title, body)


def _bins(values: Sequence[float]) -> tuple[float, float]:
    """(first bin start, bin width) for totals on a 0-100 scale: at most 25 bins."""
    lo = min(values) if values else 90.0
    lo = max(0.0, min(lo, 99.0))
    for w in (1.0, 2.0, 5.0, 10.0):
        start = math.floor(lo / w) * w
        if (100 - start) / w <= 25:
            return start, w
    return 0.0, 10.0


def score_histogram(reported: Sequence[float], recomputed: Sequence[float], *,
                    grade_lines: Sequence[tuple[str, float]] = (("优", 90), ("良", 80), ("中", 60))) -> str:
    """Histogram of total scores: 自评总分 and 复算总分 side by side in each bin.

    The last bin includes 100; grade boundaries inside the range are drawn as lines."""
    return score_histogram_counts([(v, 1) for v in reported], [(v, 1) for v in recomputed],
                                  grade_lines=grade_lines)


def score_histogram_counts(reported: Sequence[tuple[float, int]], recomputed: Sequence[tuple[float, int]], *,
                           grade_lines: Sequence[tuple[str, float]] = (("优", 90), ("良", 80), ("中", 60))) -> str:
    """:func:`score_histogram` from (score, count) pairs: a database gives counts per
    score (a ``GROUP BY``), and 100,000 totals need not be listed one by one."""
    start, w = _bins([v for v, _ in reported] + [v for v, _ in recomputed])
    n = max(1, int(round((100 - start) / w)))

    def index(v: float) -> int:
        return min(n - 1, max(0, int((v - start) // w)))

    rep = [0] * n
    rec = [0] * n
    for v, c in reported:
        rep[index(v)] += c
    for v, c in recomputed:
        rec[index(v)] += c
    left, right, top, bottom_pad = 46.0, 16.0, 48.0, 42.0
    plot_h = 220.0
    height = top + plot_h + bottom_pad
    plot_w = WIDTH - left - right
    slot = plot_w / n
    ymax = max([1] + rep + rec)
    ystep = max(1, int(_nice_step(ymax, 5)))
    ytop = math.ceil(ymax / ystep) * ystep

    def sy(c: float) -> float:
        return top + plot_h - c / ytop * plot_h

    title = "总分分布（自评得分与复算得分）"
    body = [f'<text x="0" y="16" font-size="14" font-weight="bold" fill="#222">{_e(title)}</text>']
    body += _legend(0, 26, [("自评总分", C_OK), ("复算总分", C_LIGHT)])
    for c in range(0, ytop + 1, ystep):
        y = sy(c)
        body.append(f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{WIDTH - right:.1f}" y2="{y:.1f}" stroke="{C_GRID}"/>'
                    f'<text x="{left - 6:.1f}" y="{y + 4:.1f}" text-anchor="end" fill="{C_AXIS}">{c}</text>')
    bw = min(28.0, slot * 0.4)
    for i in range(n):
        x = left + i * slot + slot / 2
        lo_edge, hi_edge = start + i * w, start + (i + 1) * w
        rng = f"{lo_edge:g}–{hi_edge:g}" + ("" if i < n - 1 else "（含）")
        for cls, counts, colour, dx, who in (("bin-reported", rep, C_OK, -bw, "自评"),
                                             ("bin-recomputed", rec, C_LIGHT, 0.0, "复算")):
            c = counts[i]
            y = sy(c)
            body.append(f'<rect class="{cls}" data-bin="{lo_edge:g}" data-count="{c}" x="{x + dx:.1f}" y="{y:.1f}" '
                        f'width="{bw:.1f}" height="{top + plot_h - y:.1f}" fill="{colour}">'
                        f'<title>{who}总分 {rng} 分：{c} 张</title></rect>')
            if c:
                body.append(f'<text x="{x + dx + bw / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                            f'font-size="10" fill="#222">{c}</text>')
        if n <= 12 or i % 2 == 0:
            body.append(f'<text x="{left + i * slot:.1f}" y="{top + plot_h + 14:.1f}" text-anchor="middle" '
                        f'fill="{C_AXIS}">{lo_edge:g}</text>')
    body.append(f'<text x="{WIDTH - right:.1f}" y="{top + plot_h + 14:.1f}" text-anchor="middle" '
                f'fill="{C_AXIS}">100</text>')
    body.append(f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h + 32:.1f}" text-anchor="middle" '
                f'fill="{C_AXIS}">总分（分）；纵轴：自评表张数</text>')
    for grade, edge in grade_lines:
        if start < edge < 100:
            x = left + (edge - start) / w * slot
            body.append(f'<line class="grade-line" x1="{x:.1f}" y1="{top - 6:.1f}" x2="{x:.1f}" '
                        f'y2="{top + plot_h:.1f}" stroke="{C_AXIS}" stroke-dasharray="3 3"/>'
                        f'<text x="{x + 3:.1f}" y="{top + 4:.1f}" fill="{C_AXIS}">{_e(grade)} ≥ {edge:g}</text>')
    body.append(f'<line x1="{left:.1f}" y1="{top + plot_h:.1f}" x2="{WIDTH - right:.1f}" y2="{top + plot_h:.1f}" '
                f'stroke="{C_AXIS}"/>')
    return _svg(WIDTH, height, title, body)


def findings_chart(rows: Sequence[tuple[str, str, dict[str, int]]]) -> str:
    """Findings per check code, stacked by severity (错误 / 警告 / 提示), most frequent first.

    ``rows``: (code, Chinese title, {severity: count})."""
    rows = sorted(rows, key=lambda r: (-sum(r[2].values()), r[0]))
    label_w, right, top = 250.0, 50.0, 44.0
    bar_h, gap = 14.0, 5.0
    plot_w = WIDTH - label_w - right
    hi = max([1] + [sum(r[2].values()) for r in rows])
    step = max(1, int(_nice_step(hi, 5)))
    hi = math.ceil(hi / step) * step
    bottom = top + len(rows) * (bar_h + gap)
    height = bottom + 34
    title = "问题按检查代码和严重程度"
    body = [f'<text x="0" y="16" font-size="14" font-weight="bold" fill="#222">{_e(title)}</text>']
    body += _legend(0, 24, [(SEVERITY_LABELS[s], SEVERITY_COLOURS[s]) for s in ("error", "warning", "info")])
    for t in range(0, hi + 1, step):
        x = label_w + t / hi * plot_w
        body.append(f'<line x1="{x:.1f}" y1="{top - 4:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="{C_GRID}"/>'
                    f'<text x="{x:.1f}" y="{bottom + 14:.1f}" text-anchor="middle" fill="{C_AXIS}">{t}</text>')
    for i, (code, name, counts) in enumerate(rows):
        y = top + i * (bar_h + gap)
        label = clip(f"{code} {name}", 12, label_w - 8)
        body.append(f'<text x="{label_w - 6:.1f}" y="{y + bar_h - 3:.1f}" text-anchor="end" fill="#222">'
                    f'{_e(label)}<title>{_e(code)} {_e(name)}</title></text>')
        x = label_w
        for sev in ("error", "warning", "info"):
            c = counts.get(sev, 0)
            if not c:
                continue
            w = c / hi * plot_w
            body.append(f'<rect class="seg seg-{sev}" data-code="{_e(code)}" data-count="{c}" x="{x:.1f}" '
                        f'y="{y:.1f}" width="{w:.1f}" height="{bar_h:.0f}" fill="{SEVERITY_COLOURS[sev]}">'
                        f'<title>{_e(code)} {SEVERITY_LABELS[sev]}：{c} 条</title></rect>')
            x += w
        body.append(f'<text x="{x + 4:.1f}" y="{y + bar_h - 3:.1f}" fill="#222">{sum(counts.values())}</text>')
    body.append(f'<line x1="{label_w:.1f}" y1="{top - 4:.1f}" x2="{label_w:.1f}" y2="{bottom:.1f}" stroke="{C_AXIS}"/>')
    body.append(f'<text x="{label_w + plot_w / 2:.1f}" y="{bottom + 30:.1f}" text-anchor="middle" '
                f'fill="{C_AXIS}">问题条数</text>')
    if not rows:
        body.append(f'<text x="{label_w:.1f}" y="{top + 12:.1f}" fill="{C_AXIS}">（没有发现问题）</text>')
    return _svg(WIDTH, height, title, body)


def budget_chart(items: Sequence[tuple[Bar, float, float]], *, max_items: int = 60) -> str:
    """Initial (年初预算数) and adjusted (全年预算数) budget per project, in 万元, as paired bars.

    Projects are ordered by the size of the adjustment (largest first), so the
    budgets changed most during the year come first."""
    total = len(items)
    rows = sorted(items, key=lambda it: (-abs(it[2] - it[1]), it[0].label))[:max_items]
    label_w, right, top = 230.0, 130.0, 44.0
    pair_h, gap = 22.0, 8.0
    plot_w = WIDTH - label_w - right
    hi = max([0.0] + [max(a, b) for _, a, b in rows])
    step = _nice_step(hi, 5) if hi > 0 else 1.0
    hi = math.ceil(hi / step) * step if hi > 0 else 1.0
    bottom = top + len(rows) * (pair_h + gap)
    height = bottom + 34
    title = "年初预算数与全年预算数（万元，按调整幅度排序）" + _caption(len(rows), total, "调整金额最大")
    body = [f'<text x="0" y="16" font-size="14" font-weight="bold" fill="#222">{_e(title)}</text>']
    body += _legend(0, 24, [("年初预算数", C_LIGHT), ("全年预算数", C_OK)])
    t = 0.0
    while t <= hi + 1e-9:
        x = label_w + t / hi * plot_w
        body.append(f'<line x1="{x:.1f}" y1="{top - 4:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="{C_GRID}"/>'
                    f'<text x="{x:.1f}" y="{bottom + 14:.1f}" text-anchor="middle" fill="{C_AXIS}">{t:,.0f}</text>')
        t += step
    half = pair_h / 2
    for i, (bar, initial, adjusted) in enumerate(rows):
        y = top + i * (pair_h + gap)
        label = clip(bar.label or "（无项目名称）", 12, label_w - 8)
        body.append(f'<text x="{label_w - 6:.1f}" y="{y + pair_h / 2 + 4:.1f}" text-anchor="end" fill="#222">'
                    f'{_link(bar.anchor, _e(label))}</text>')
        for cls, v, colour, dy, who in (("bar-initial", initial, C_LIGHT, 0.0, "年初预算数"),
                                        ("bar-adjusted", adjusted, C_OK, half, "全年预算数")):
            w = max(0.0, v) / hi * plot_w
            body.append(f'<rect class="{cls}" data-project="{_e(bar.label)}" data-value="{v:.2f}" x="{label_w:.1f}" '
                        f'y="{y + dy:.1f}" width="{w:.1f}" height="{half - 1:.1f}" fill="{colour}">'
                        f'<title>{_e(bar.label)}：{who} {_fmt(v)} 万元</title></rect>')
        change = adjusted - initial
        if abs(change) < 0.005:
            note = "未调整"
        else:
            note = f"{change:+,.2f}" + (f"（{change / initial * 100:+.1f}%）" if initial else "")
        colour = C_BAD if change < -0.005 else C_OK if change > 0.005 else C_AXIS
        end = label_w + max(0.0, max(initial, adjusted)) / hi * plot_w
        body.append(f'<text x="{end + 4:.1f}" y="{y + pair_h / 2 + 4:.1f}" font-size="11" fill="{colour}">'
                    f'{_e(note)}</text>')
    body.append(f'<line x1="{label_w:.1f}" y1="{top - 4:.1f}" x2="{label_w:.1f}" y2="{bottom:.1f}" stroke="{C_AXIS}"/>')
    if not rows:
        body.append(f'<text x="{label_w:.1f}" y="{top + 12:.1f}" fill="{C_AXIS}">（没有预算数据）</text>')
    return _svg(WIDTH, height, title, body)
