"""Fixture generator: lay out seed forms as the official table.

``form_table(form)`` is the official 8-column layout of the
项目支出绩效自评表 with its merged cells (项目资金 label, 年度总体目标, the
level-1/level-2 cells spanning their rows), taken from the library
(``jixiao.render.layout``, one implementation); ``to_html`` and ``to_markdown``
print it. The HTML keeps rowspan/colspan; the markdown table (no merges in
markdown) leaves covered positions empty, as a copy of the page would.

Run as a script to write the seed fixtures next to this file:
``python tests/ingest/render.py out_dir``.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

from jixiao.model import Form
from jixiao.render.layout import N_COLS, form_layout

Row = list[tuple[str, int, int]]  # (text, rowspan, colspan)


def form_table(form: Form) -> list[Row]:
    """The official layout (``jixiao.render.layout``) as rows of (text, rowspan, colspan)."""
    return [[(c.text, c.rowspan, c.colspan) for c in row] for row in form_layout(form).rows]


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
