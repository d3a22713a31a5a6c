"""Render a form in the official layout: HTML, XLSX (a fillable workbook with formulas), PDF.

    from jixiao.render import render_file
    render_file(form, "xlsx", "自评表.xlsx", rulebook)

``layout`` holds the official table as data (text, spans, role, field path of each
cell); ``html``, ``xlsx`` and ``pdf`` print it; ``browser`` drives headless Chromium.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..model import Form
from ..scoring import Rulebook

__all__ = ["FORMATS", "render_file", "render_forms"]

#: Output formats of ``render_file`` (also the file extensions).
FORMATS = ("xlsx", "html", "pdf")


def render_file(form: Form, to: str, out_path: str | Path, rulebook: Rulebook | None = None, *,
                findings: Any = None, browser: Any = None) -> Path:
    """Write ``form`` in the official layout as ``to`` (xlsx, html or pdf) to ``out_path``.

    ``rulebook`` decides the formulas of the workbook and which scores are computed
    (default: national). ``findings`` mark rows in HTML/PDF. ``browser``: a started
    ``jixiao.render.browser.Browser`` to reuse over a batch of PDFs."""
    return render_forms([form], to, out_path, rulebook, findings=findings, browser=browser)


def render_forms(forms: list[Form], to: str, out_path: str | Path, rulebook: Rulebook | None = None, *,
                 findings: Any = None, browser: Any = None) -> Path:
    """Write forms into one file: one sheet each (xlsx; a single form's sheet is
    named 自评表), one table each (html), one page each (pdf). With several
    forms, ``findings`` are matched by ``form_index``; with one, all are its own."""
    fmt = to.lower().lstrip(".")
    out = Path(out_path)
    one = len(forms) == 1
    if fmt == "xlsx":
        from .xlsx import write_forms_xlsx

        return write_forms_xlsx(forms, out, rulebook)
    if fmt in ("html", "htm", "pdf"):
        from .html import form_html, forms_html

        html = (form_html(forms[0], findings=findings, rulebook=rulebook) if one
                else forms_html(forms, findings=findings, rulebook=rulebook))
        if fmt == "pdf":
            from .pdf import print_pdf

            return print_pdf(html, out, browser)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8")
        return out
    raise ValueError(f"不支持的输出格式：{to}（可选：{'、'.join(FORMATS)}）")
