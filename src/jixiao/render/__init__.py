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
    fmt = to.lower().lstrip(".")
    out = Path(out_path)
    if fmt == "xlsx":
        from .xlsx import write_form_xlsx

        return write_form_xlsx(form, out, rulebook)
    if fmt in ("html", "htm"):
        from .html import form_html

        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(form_html(form, findings=findings, rulebook=rulebook), encoding="utf-8")
        return out
    if fmt == "pdf":
        from .pdf import write_form_pdf

        return write_form_pdf(form, out, findings=findings, rulebook=rulebook, browser=browser)
    raise ValueError(f"不支持的输出格式：{to}（可选：{'、'.join(FORMATS)}）")


def render_forms(forms: list[Form], to: str, out_path: str | Path, rulebook: Rulebook | None = None, *,
                 findings: Any = None, browser: Any = None) -> Path:
    """Write several forms into one file: one sheet each (xlsx), one table each
    (html), one page each (pdf). ``findings`` are matched by ``form_index``."""
    fmt = to.lower().lstrip(".")
    out = Path(out_path)
    if len(forms) == 1:
        one = [f for f in findings or () if getattr(f, "form_index", 0) in (0, None)] if findings else None
        return render_file(forms[0], fmt, out, rulebook, findings=one, browser=browser)
    if fmt == "xlsx":
        from .xlsx import write_forms_xlsx

        return write_forms_xlsx(forms, out, rulebook)
    if fmt in ("html", "htm"):
        from .html import forms_html

        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(forms_html(forms, findings=findings, rulebook=rulebook), encoding="utf-8")
        return out
    if fmt == "pdf":
        from .pdf import write_forms_pdf

        return write_forms_pdf(forms, out, findings=findings, rulebook=rulebook, browser=browser)
    raise ValueError(f"不支持的输出格式：{to}（可选：{'、'.join(FORMATS)}）")
