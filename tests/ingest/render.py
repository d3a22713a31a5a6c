"""Fixture generator: lay out seed forms as the official table.

``form_table(form)`` builds the official 8-column layout of the
项目支出绩效自评表 with its merged cells (项目资金 label, 年度总体目标, the
level-1/level-2 cells spanning their rows); ``to_html`` and ``to_markdown``
print it. The HTML keeps rowspan/colspan; the markdown table (no merges in
markdown) leaves covered positions empty, as a copy of the page would.

Run as a script to write the seed fixtures next to this file:
``python tests/ingest/render.py out_dir``.
"""

from __future__ import annotations

import html
import sys
from decimal import Decimal
from pathlib import Path

from jixiao.model import Form

Row = list[tuple[str, int, int]]  # (text, rowspan, colspan)
N_COLS = 8


def _amount(d: Decimal | None) -> str:
    if d is None:
        return "-"
    return f"{d:,.2f}" if abs(d) >= 1000 else f"{d:.2f}"


def _num(d: Decimal | None) -> str:
    return "-" if d is None else f"{d:.2f}"


def form_table(form: Form) -> list[Row]:
    f = form.funds
    rows: list[Row] = [
        [(form.title or "财政项目支出绩效自评表", 1, N_COLS)],
        [(f"（{form.year}年度）", 1, N_COLS)],
        [("项目名称", 1, 1), (form.project_name, 1, N_COLS - 1)],
        [("主管部门", 1, 1), (form.department, 1, 3), ("实施单位", 1, 1), (form.implementing_unit, 1, 3)],
        [(f"项目资金（{form.funds_unit}）", 1 + 1 + len(f.rows), 1), ("", 1, 1), ("年初预算数", 1, 1),
         ("全年预算数", 1, 1), ("全年执行数", 1, 1), ("分数", 1, 1), ("执行率(%)", 1, 1), ("得分", 1, 1)],
        [("年度资金总额：", 1, 1), (_amount(f.initial_budget), 1, 1), (_amount(f.adjusted_budget), 1, 1),
         (_amount(f.executed), 1, 1), (_num(f.weight), 1, 1), (_num(f.rate), 1, 1), (_num(f.score), 1, 1)],
    ]
    for fr in f.rows:
        label = fr.label or fr.source
        rows.append([(label, 1, 1), (_amount(fr.initial_budget), 1, 1), (_amount(fr.adjusted_budget), 1, 1),
                     (_amount(fr.executed), 1, 1), ("-", 1, 1), (_num(fr.rate), 1, 1), ("-", 1, 1)])
    rows += [
        [("年度总体目标", 2, 1), ("预期目标", 1, 3), ("实际完成情况", 1, 4)],
        [(form.goal.expected, 1, 3), (form.goal.actual, 1, 4)],
        [("一级指标", 1, 1), ("二级指标", 1, 1), ("三级指标", 1, 1), ("年度指标值", 1, 1), ("实际完成值", 1, 1),
         ("分值", 1, 1), ("得分", 1, 1), ("偏差原因分析及改进措施", 1, 1)],
    ]
    inds = form.indicators
    for i, ind in enumerate(inds):
        row: Row = []
        if i == 0 or inds[i - 1].level1 != ind.level1:
            span = next((k for k in range(i, len(inds)) if inds[k].level1 != ind.level1), len(inds)) - i
            row.append((ind.level1, span, 1))
        if i == 0 or (inds[i - 1].level1, inds[i - 1].level2) != (ind.level1, ind.level2):
            span = next((k for k in range(i, len(inds))
                         if (inds[k].level1, inds[k].level2) != (ind.level1, ind.level2)), len(inds)) - i
            row.append((ind.level2, span, 1))
        row += [(ind.name, 1, 1), (ind.target, 1, 1), (ind.actual, 1, 1), (_num(ind.weight), 1, 1),
                (_num(ind.score), 1, 1), (ind.deviation, 1, 1)]
        rows.append(row)
    rows.append([("总分", 1, 5), (_num(form.total_weight), 1, 1), (_num(form.total), 1, 1), ("", 1, 1)])
    rows.append([("评分等级", 1, 5), (form.grade or "", 1, 3)])
    return rows


def to_html(forms: list[Form], *, encoding: str = "utf-8") -> str:
    out = [f'<!DOCTYPE html>\n<html><head><meta charset="{encoding}"><title>项目支出绩效自评表</title></head><body>']
    for form in forms:
        out.append('<table border="1">')
        for row in form_table(form):
            cells = []
            for text, rs, cs in row:
                attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
                cells.append(f"<td{attrs}>{html.escape(text)}</td>")
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</table>")
    out.append("</body></html>\n")
    return "\n".join(out)


def to_markdown(forms: list[Form]) -> str:
    out = []
    for form in forms:
        taken: set[tuple[int, int]] = set()
        grid: list[list[str]] = []
        for r, row in enumerate(form_table(form)):
            line = [""] * N_COLS
            col = 0
            for text, rs, cs in row:
                while (r, col) in taken:
                    col += 1
                line[col] = text.replace("|", "｜")
                for dr in range(rs):
                    for dc in range(cs):
                        taken.add((r + dr, col + dc))
                col += cs
            grid.append(line)
        for r, line in enumerate(grid):
            out.append("| " + " | ".join(line) + " |")
            if r == 0:
                out.append("|" + "---|" * N_COLS)
        out.append("")
    return "\n".join(out)


def main(out_dir: str) -> None:  # pragma: no cover - a helper for humans
    from jixiao.cli import sample_path
    from jixiao.ingest import read_text

    forms = list(read_text(sample_path()))
    d = Path(out_dir)
    d.mkdir(parents=True, exist_ok=True)
    (d / "seed.html").write_text(to_html(forms), encoding="utf-8")
    (d / "seed-pipe.txt").write_text(to_markdown(forms), encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
