"""Small text helpers shared by the readers: joining wrapped lines, widths."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# A doc site's page marker: each page of a copy opens ``1、`` ``2、`` … (cut at any
# character, even inside a cell). The run-together, pipe and cell-lines readers
# each remove them in their own structure (lines, rows, paragraphs); this is the
# one pattern. Use ``.match(line, pos)``: it matches at ``pos`` only.
DOCSITE_MARK_RE = re.compile(r"(\d{1,2})、")


def is_cjk(ch: str) -> bool:
    """True for CJK ideographs, kana, Hangul and full-width punctuation."""
    return unicodedata.east_asian_width(ch) in "WF"


def display_width(s: str) -> int:
    """Columns a string takes in a monospaced CJK rendering, approximately:
    a character encoded in three or four UTF-8 bytes (CJK, full-width forms)
    counts 2, others 1. Used only as layout evidence, so speed beats the
    exactness of ``unicodedata.east_asian_width``."""
    if s.isascii():
        return len(s)
    return len(s) + (len(s.encode("utf-8")) - len(s)) // 2


def join_wrapped(parts: Iterable[str]) -> str:
    """Join the lines of a cell that the PDF wrapped.

    A wrap inserts nothing between Chinese characters, so lines are glued back
    without a separator; only a break between two Latin letters (an English
    word boundary) gets a space back. Spaces inside a line are kept as printed.
    """
    out = ""
    for raw in parts:
        p = raw.strip()
        if not p:
            continue
        if out and out[-1].isascii() and out[-1].isalpha() and p[0].isascii() and p[0].isalpha():
            out += " " + p
        else:
            out += p
    return out
