"""The official table as PDF: the HTML of ``render.html`` printed by headless Chromium.

``write_form_pdf(form, path)`` prints one form (pass ``browser=`` to reuse one
Chromium over a batch); ``write_forms_pdf(forms, path)`` prints several forms in
one PDF, each starting on a new page.

The text layer is repaired after printing. Chromium embeds Noto Sans CJK as
Type 3 fonts whose ToUnicode maps name each glyph by its *lowest* code point;
Noto draws 目 and the Kangxi radical ⽬ (U+2F6C), 民 and ⺠ (U+2EA0) with one
glyph, so text extracted from the PDF (copy/paste, search, ``pdfplumber``) would
read 项⽬ instead of 项目. ``fix_text_layer`` rewrites the ToUnicode maps so
those glyphs name the ideograph (table ``data/radicals.tsv``, derived from the
font's cmap). Nothing else in the file changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..model import Form
from ..scoring import Rulebook
from .browser import Browser
from .html import form_html, forms_html

__all__ = ["fix_text_layer", "print_pdf", "radical_table", "write_form_pdf", "write_forms_pdf"]


def write_form_pdf(form: Form, path: str | Path, *, findings: Iterable[Any] | None = None,
                   rulebook: Rulebook | None = None, browser: Browser | None = None) -> Path:
    """Print one form to ``path`` (A4 portrait). ``browser``: a started ``Browser`` to reuse."""
    html = form_html(form, findings=findings, rulebook=rulebook)
    return print_pdf(html, Path(path), browser)


def write_forms_pdf(forms: Iterable[Form], path: str | Path, *, findings: Iterable[Any] | None = None,
                    rulebook: Rulebook | None = None, browser: Browser | None = None) -> Path:
    """Print several forms into one PDF, each from a new page."""
    html = forms_html(forms, findings=findings, rulebook=rulebook)
    return print_pdf(html, Path(path), browser)


def print_pdf(html: str, path: Path, browser: Browser | None = None) -> Path:
    """Print ``html`` to ``path`` with Chromium (``browser`` when given) and repair its text layer."""
    if browser is None:
        with Browser() as b:
            b.html_to_pdf(html, path)
    else:
        browser.html_to_pdf(html, path)
    fix_text_layer(path)
    return path


@lru_cache(maxsize=1)
def radical_table() -> dict[int, int]:
    """Radical code point -> the unified ideograph drawn with the same glyph."""
    text = resources.files("jixiao.render").joinpath("data/radicals.tsv").read_text(encoding="utf-8")
    table: dict[int, int] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            a, b = line.split("\t")
            table[int(a, 16)] = int(b, 16)
    return table


_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f]*)>")
_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])")


def _utf16(hexstr: bytes) -> str:
    return bytes.fromhex(hexstr.decode()).decode("utf-16-be", "surrogatepass")


def _hex16(text: str) -> str:
    return text.encode("utf-16-be", "surrogatepass").hex().upper()


def _fix_cmap(data: bytes, table: dict[int, int]) -> bytes | None:
    """The ToUnicode CMap with radicals mapped to ideographs; None when nothing changes."""
    mapping: dict[bytes, str] = {}  # source code (hex, as written) -> unicode text
    width = 2
    for block in _BFCHAR.findall(data):
        codes = _HEX.findall(block)
        for src, dst in zip(codes[::2], codes[1::2]):
            mapping[src.upper()] = _utf16(dst)
            width = len(src)
    for block in _BFRANGE.findall(data):
        for lo, hi, dst in _RANGE.findall(block):
            width = len(lo)
            a, b = int(lo, 16), int(hi, 16)
            if dst.startswith(b"["):
                for k, d in enumerate(_HEX.findall(dst)):
                    mapping[f"{a + k:0{len(lo)}X}".encode()] = _utf16(d)
            else:
                start = _utf16(dst[1:-1])
                for k in range(b - a + 1):
                    # bfrange increments the last UTF-16 unit of the destination
                    mapping[f"{a + k:0{len(lo)}X}".encode()] = start[:-1] + chr(ord(start[-1]) + k)
    if not any(ord(ch) in table for text in mapping.values() for ch in text):
        return None
    fixed = {src: "".join(chr(table.get(ord(ch), ord(ch))) for ch in text) for src, text in mapping.items()}
    items = sorted(fixed.items(), key=lambda kv: int(kv[0], 16))
    body = []
    for i in range(0, len(items), 100):  # at most 100 entries per block (PDF spec)
        chunk = items[i:i + 100]
        body.append(f"{len(chunk)} beginbfchar")
        body += [f"<{src.decode().zfill(width)}> <{_hex16(text)}>" for src, text in chunk]
        body.append("endbfchar")
    head = data.split(b"endcodespacerange", 1)
    if len(head) != 2:
        return None
    tail = b"\nendcmap" + data.split(b"endcmap", 1)[1] if b"endcmap" in data else b"\nendcmap\n"
    return head[0] + b"endcodespacerange\n" + "\n".join(body).encode() + tail


def fix_text_layer(path: str | Path) -> int:
    """Map radical code points in the ToUnicode maps of ``path`` to ideographs, in place.

    Also copies a Type 3 font's ``FontBBox`` into its descriptor when missing (pdfminer warns
    otherwise). Returns how many objects were changed (0: the file is left untouched)."""
    import pikepdf

    table = radical_table()
    changed = 0
    with pikepdf.open(str(path), allow_overwriting_input=True) as pdf:
        seen: set[tuple[int, int]] = set()
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != pikepdf.Name.Font:
                continue
            tu = obj.get("/ToUnicode")
            if not isinstance(tu, pikepdf.Stream) or tu.objgen in seen:
                continue
            seen.add(tu.objgen)
            # Chromium's Type 3 fonts keep FontBBox on the font only; pdfminer looks in the descriptor.
            desc = obj.get("/FontDescriptor")
            if isinstance(desc, pikepdf.Dictionary) and "/FontBBox" not in desc and "/FontBBox" in obj:
                desc.FontBBox = obj.FontBBox
                changed += 1
            new = _fix_cmap(tu.read_bytes(), table)
            if new is not None:
                tu.write(new)
                changed += 1
        if changed:
            pdf.save(str(path))
    return changed
