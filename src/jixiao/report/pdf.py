"""The review report as PDF: the HTML report printed by headless Chromium.

Printing the same HTML keeps the PDF and the HTML identical in content; the
charts are inline SVG, so they print as vectors. The report's print CSS sets
A4, starts each form on a new page and hides the interactive parts (filters,
sort arrows). Chromium comes from :mod:`jixiao.render.browser` (the system's
``/usr/bin/chromium`` through Playwright; never downloaded). After printing,
the text layer is repaired with :func:`jixiao.render.pdf.fix_text_layer` (so
copied or extracted text reads 项目, not the Kangxi radical ⽬).

A long report is printed in parts (:func:`write_pdf_parts`: the front matter,
then the forms a hundred at a time) with one Chromium, and the parts are joined
with pikepdf: one huge page makes Chromium slow and memory-hungry, while parts
keep the cost linear in pages.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: Chromium's time limit for printing one part (ms); a part is at most ~100 forms.
PART_TIMEOUT_MS = 300_000


def write_pdf(html: str, path: str | Path, *, browser: Any = None) -> Path:
    """Print ``html`` to ``path``. ``browser``: an open ``jixiao.render.browser.Browser``
    to reuse (a batch of reports); otherwise one is started for this call.

    Raises ``jixiao.render.browser.ChromiumMissingError`` when Chromium or
    Playwright is not installed, ``BrowserError`` when printing fails."""
    return write_pdf_parts([html], path, browser=browser)


def write_pdf_parts(parts: Iterable[str], path: str | Path, *, browser: Any = None) -> Path:
    """Print each HTML document of ``parts`` and join them, in order, into ``path``."""
    from ..render.browser import Browser
    from ..render.pdf import fix_text_layer

    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    own = browser is None
    b = Browser(timeout_ms=PART_TIMEOUT_MS) if own else browser
    try:
        with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as tmp:
            files = []
            for i, html in enumerate(parts):
                files.append(b.html_to_pdf(html, Path(tmp) / f"part-{i:04d}.pdf"))
            if len(files) == 1:
                shutil.move(str(files[0]), str(out))
            else:
                _join(files, out)
    finally:
        if own:
            b.close()
    fix_text_layer(out)
    return out


def _join(files: list[Path], out: Path) -> None:
    import pikepdf

    with pikepdf.new() as pdf:
        sources = [pikepdf.open(str(f)) for f in files]
        try:
            for src in sources:
                pdf.pages.extend(src.pages)
            pdf.save(str(out))
        finally:
            for src in sources:
                src.close()
