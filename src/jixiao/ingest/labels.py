"""Rebuild the vertical level-1/level-2 labels of the indicator table.

In a PDF the 一级指标 and 二级指标 cells are tall merged cells whose text is
wrapped a few characters per line (``可持`` ``续影`` ``响指`` ``标``). A text
export prints these fragments between the indicator rows, sometimes after
the row they label (at a page break: ``效益 社会 有责投诉发生数 ...`` then
``指标`` ``效益`` ``指标``). :class:`LabelTracker` consumes fragments and
answers, at any moment, which full framework names are in force: a partial
label (``可持续影``) resolves to the only framework name it can start.
"""

from __future__ import annotations

from functools import lru_cache

from ..model.framework import LEVEL1_NAMES, LEVEL2_BY_LEVEL1, LEVEL2_NAMES

# Longest label fragment a vertical cell prints on one line. Longer tokens are
# names, not label pieces (a whole label on one line is also accepted).
_MAX_FRAGMENT = 4


_PREFIXES: dict[tuple[str, ...], frozenset[str]] = {}


def _prefix_of(buf: str, names: tuple[str, ...]) -> bool:
    # Called for every token of the table: a set lookup, not a scan.
    pre = _PREFIXES.get(names)
    if pre is None:
        pre = _PREFIXES[names] = frozenset(n[:i] for n in names for i in range(1, len(n) + 1))
    return buf in pre


@lru_cache(maxsize=1024)
def _resolve(buf: str, names: tuple[str, ...]) -> str | None:
    if buf in names:
        return buf
    hits = [n for n in names if n.startswith(buf)]
    return hits[0] if len(hits) == 1 else None


class LabelTracker:
    """State of the level-1 and level-2 label columns while reading rows."""

    __slots__ = ("l1", "l2", "l1_line", "l2_line")

    def __init__(self) -> None:
        self.l1 = ""  # printed fragments so far, concatenated
        self.l2 = ""
        self.l1_line: int | None = None
        self.l2_line: int | None = None

    # -- queries ---------------------------------------------------------
    def _l2_names(self) -> tuple[str, ...]:
        l1 = _resolve(self.l1, LEVEL1_NAMES) if self.l1 else None
        if l1 is None:
            return LEVEL2_NAMES
        return LEVEL2_BY_LEVEL1[l1]

    def level1(self) -> tuple[str, bool]:
        """(full name, resolved?) of the level-1 label in force."""
        r = _resolve(self.l1, LEVEL1_NAMES) if self.l1 else None
        return (r, True) if r else (self.l1, False)

    def level2(self) -> tuple[str, bool]:
        r = _resolve(self.l2, self._l2_names()) if self.l2 else None
        if r is None and self.l2:
            r = _resolve(self.l2, LEVEL2_NAMES)
        return (r, True) if r else (self.l2, False)

    # -- feeding ---------------------------------------------------------
    def can_feed(self, frag: str) -> bool:
        return self._plan(frag) is not None

    def feed(self, frag: str, line: int | None = None) -> bool:
        """Consume ``frag`` if it is a piece of a label; False if it is not."""
        plan = self._plan(frag)
        if plan is None:
            return False
        kind, value = plan
        if kind == "l1+":
            self.l1 = value
        elif kind == "l2+":
            self.l2 = value
        elif kind == "l1":
            self.l1, self.l2 = value, ""
            self.l1_line, self.l2_line = line, None
        elif kind == "l2":
            self.l2 = value
            self.l2_line = line
        elif kind == "cost-l1":  # 成本指标 read as level 2 was the new framework's level 1
            self.l1, self.l2 = "成本指标", value
            self.l2_line = line
        return True

    def _plan(self, frag: str) -> tuple[str, str] | None:
        return _plan(self.l1, self.l2, frag)


@lru_cache(maxsize=4096)
def _plan(l1: str, l2: str, frag: str) -> tuple[str, str] | None:
    """What feeding ``frag`` does in state (l1, l2); a pure function, cached
    because the same few fragments recur in every form."""
    if not frag or (len(frag) > _MAX_FRAGMENT and frag not in LEVEL1_NAMES and frag not in LEVEL2_NAMES):
        return None
    l1_done = l1 in LEVEL1_NAMES
    l1_full = _resolve(l1, LEVEL1_NAMES) if l1 else None
    l2_names = LEVEL2_BY_LEVEL1[l1_full] if l1_full else LEVEL2_NAMES
    l2_done = l2 in LEVEL2_NAMES
    # 1. continue an unfinished label (the level-1 column prints first).
    if l1 and not l1_done and _prefix_of(l1 + frag, LEVEL1_NAMES):
        return ("l1+", l1 + frag)
    if l2 and not l2_done and _prefix_of(l2 + frag, LEVEL2_NAMES):
        return ("l2+", l2 + frag)
    # 2. start a new label. 成本指标 is ambiguous (level 2 under 产出指标,
    # level 1 in the newer framework); inside 产出指标 it is level 2.
    starts_l2 = _prefix_of(frag, l2_names)
    starts_l1 = _prefix_of(frag, LEVEL1_NAMES)
    if starts_l1 and not (starts_l2 and l1.startswith("产出")):
        return ("l1", frag)
    if starts_l2:
        return ("l2", frag)
    if _prefix_of(frag, LEVEL2_BY_LEVEL1["成本指标"]) and l2.startswith("成本"):
        return ("cost-l1", frag)
    if _prefix_of(frag, LEVEL2_NAMES):  # a level 2 that does not fit its level 1, kept as printed
        return ("l2", frag)
    return None
