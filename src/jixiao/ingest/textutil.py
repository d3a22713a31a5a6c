"""Small text helpers shared by the readers: joining wrapped lines, widths."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable


def is_cjk(ch: str) -> bool:
    """True for CJK ideographs, kana, Hangul and full-width punctuation."""
    return unicodedata.east_asian_width(ch) in "WF"


def display_width(s: str) -> int:
    """Columns a string takes in a monospaced CJK rendering (CJK = 2)."""
    w = 0
    for ch in s:
        w += 2 if ch >= "\u1100" and unicodedata.east_asian_width(ch) in "WF" else 1
    return w


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
