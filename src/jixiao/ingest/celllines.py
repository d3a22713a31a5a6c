"""One-cell-per-line text exports → :class:`~.grid.Grid` → forms.

Some sites publish a form as an HTML table that a copy (or a crawler) flattened
to one cell per paragraph: cells separated by blank lines, empty cells left as
a line holding only spaces or NBSP, a cell with ``<p>``/``<br>`` inside broken
over several paragraphs (``年初`` / ``预算数``), merged cells printed once, at
their first row. Nothing marks the end of a table row.

The rows are rebuilt from the header words of the known layout families
(:mod:`.gridform`): the funds header fixes the funds columns (a funds row runs
from its label to the next label); the indicator header fixes the row length
(its columns after 一级/二级指标), so after the level labels, which are
recognised by their words, each row is the next *n* cells, empty ones
included. A row whose 分值/得分 cells are not numbers is not guessed: it is
skipped with a JX007 warning and reading resumes at the next level label. The
rebuilt grid is dense and goes through the same reading as every other table.

A doc site's page markers (``1、`` before the form, then ``2、`` … opening a
paragraph) are removed (JX002); the cells on either side of a page break, and
the last cell of a copy that ends inside its table, may be cut in two: no value
is read from them (the row is skipped with JX007, a funds row's figures with
JX005). A copy in traditional characters is converted cell by cell (JX012).

Each cell's location is its line range in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..model import Form, Location, ReadWarning, parse_number
from ..model.framework import LEVEL2_BY_LEVEL1
from .decode import SAMPLE_BYTES, detect_encoding
from .errors import NoFormFoundError
from .grid import Cell, Grid
from .normalize import looks_traditional, strip_pinyin_pairs, to_simplified
from .gridform import (
    _BOTTOM_NOTE_LABELS, _CHECKBOX_LABELS, _HEAD_LABELS, _is_fund_total, _level_label, funds_key, grid_to_forms,
    indicator_key,
)
from .textutil import DOCSITE_MARK_RE, join_wrapped

_WS_RE = re.compile(r"\s+")
_FUND_SOURCE_WORDS = ("其中", "财政拨款", "上年结转", "其他资金", "财政资金")
_IND_START = ("一级指标", "绩效指标", "年度绩效目标", "绩效目标")
_POINTS_CELL_RE = re.compile(r"^[（(]?\d+(?:\.\d+)?分?[)）]$|^[（(]\d+(?:\.\d+)?分?[)）]?$")
_HEADER_WORDS = ("项目名称", "主管部门", "实施单位", "年度资金总额", "一级指标", "二级指标", "三级指标", "得分",
                 "分值", "执行率", "预期目标", "实际完成情况", "年度总体目标", "年初目标值(A)", "预算数(A)")


@dataclass(slots=True)
class _Para:
    text: str  # "" for an empty cell
    line: int
    end_line: int
    broken: bool = False  # a doc site's page break fell here: the cell may be cut in two

    @property
    def bare(self) -> str:
        return _WS_RE.sub("", self.text)




def _paragraphs(text: str) -> list[_Para]:
    """Cells: runs of non-blank lines; a line of spaces/NBSP alone is an empty cell."""
    out: list[_Para] = []
    run: list[tuple[int, str]] = []

    def flush() -> None:
        if run:
            out.append(_Para(join_wrapped(t for _, t in run), run[0][0], run[-1][0]))
            run.clear()

    for no, raw in enumerate(text.split("\n"), 1):
        ln = raw.replace("\u00a0", " ").replace("\u3000", " ").rstrip("\r")
        if ln == "":
            flush()
        elif not ln.strip():
            flush()
            out.append(_Para("", no, no))
        elif (m := DOCSITE_MARK_RE.match(ln)) and ln[m.end():] and not ln[m.end():].strip():
            # a doc site's page marker on an empty cell (a line of spaces): the marker, then the cell
            flush()
            out.append(_Para(ln.strip(), no, no))
            out.append(_Para("", no, no))
        else:
            run.append((no, ln))
    flush()
    return out


def _page_breaks(paras: list[_Para]) -> tuple[list[_Para], list[ReadWarning]]:
    """A doc site's page markers (``1、`` before the form, then ``2、`` ``3、`` … in
    order, each opening a paragraph): removed (JX002). A page is cut at any
    character, so the cell before the marker and the one it opens may be the two
    halves of one cell: both are marked broken and no value is read from them
    A marker alone in its paragraph broke the page between two cells: the
    paragraph is dropped (it is no empty cell) and nothing is cut."""
    notes: list[ReadWarning] = []
    out: list[_Para] = []
    expect, seen_name = 1, False
    for c in paras:
        m = DOCSITE_MARK_RE.match(c.text)
        if m and int(m.group(1)) == expect and (expect > 1 or not seen_name):
            c.text = c.text[m.end():].strip()
            notes.append(ReadWarning(code="JX002", line=c.line, message=f"第{c.line}行：文档网站的分页标记“{expect}、”已删除"
                                     + ("（分页处的单元格可能被切成两段，不从中读取数值）" if c.text and expect > 1 else "")))
            expect += 1
            if not c.text:
                continue
            if expect > 2:
                c.broken = True
                prev = next((x for x in reversed(out) if x.text), None)
                if prev is not None:
                    prev.broken = True
        seen_name = seen_name or c.bare.startswith("项目名称")
        out.append(c)
    return out, notes


def looks_like_cell_lines(text: str) -> bool:
    """Most non-blank lines are followed by a blank line, and at least four
    header words of a form stand alone on their line."""
    lines = text.split("\n")
    filled = [i for i, ln in enumerate(lines) if ln.strip("\r")]
    if len(filled) < 20:
        return False
    spaced = sum(1 for i in filled if i + 1 < len(lines) and not lines[i + 1].strip("\r"))
    words = [_WS_RE.sub("", ln) for ln in lines]
    if looks_traditional(words[:400]):  # 項目名稱 is 项目名称
        words = [to_simplified(strip_pinyin_pairs(w)[0])[0] for w in words]
    alone = {w for w in words if w in _HEADER_WORDS}
    return spaced * 10 >= len(filled) * 6 and len(alone) >= 4


class _Builder:
    """Walks the cells and lays them out as rows of a dense grid."""

    def __init__(self, paras: list[_Para], file: str, encoding: str | None) -> None:
        self.p = paras
        self.i = 0
        self.rows: list[list[Cell]] = []
        self.file = file
        self.encoding = encoding
        self.warnings: list[ReadWarning] = []
        self.incomplete = False
        self.level1 = ""

    # -- helpers -------------------------------------------------------------
    def row(self, cells: list[tuple[int, _Para | str]]) -> None:
        r = len(self.rows)
        out = []
        for col, c in cells:
            if isinstance(c, str):
                out.append(Cell(c, r, col, location=Location()))
            else:
                out.append(Cell(c.text, r, col, location=Location(
                    line=c.line, end_line=c.end_line if c.end_line != c.line else None), cut=c.broken))
        self.rows.append(out)

    def peek(self, k: int = 0) -> _Para | None:
        j = self.i + k
        return self.p[j] if j < len(self.p) else None

    def next_filled(self, start: int) -> int | None:
        j = start
        while j < len(self.p) and not self.p[j].text:
            j += 1
        return j if j < len(self.p) else None

    def joined(self, j: int, test, most: int = 3, longest: bool = False) -> tuple[int, str, object] | None:
        """The shortest (or longest) run of 1..most non-empty cells from ``j``
        whose joined text passes ``test``: header words are joined as soon as
        they make a word (``年初`` + ``预算数``), labels as far as they go
        (``经济效益`` + ``指标``)."""
        for n in (range(most, 0, -1) if longest else range(1, most + 1)):
            parts = self.p[j:j + n]
            if len(parts) < n or any(not x.text for x in parts):
                continue
            if n > 1 and any(len(x.bare) > 8 for x in parts):
                continue
            text = "".join(x.text.strip() for x in parts)
            got = test(text)
            if got:
                return n, text, got
        return None

    def warn(self, code: str, msg: str, para: _Para, fld: str | None = None) -> None:
        self.warnings.append(ReadWarning(code=code, message=f"第{para.line}行：{msg}", line=para.line, field=fld))

    # -- sections --------------------------------------------------------------
    def build(self) -> Grid:
        self.head()
        self.funds()
        self.goal()
        self.indicators()
        return Grid(self.rows, file=self.file, format="text", name="", dense=True, encoding=self.encoding)

    def head(self) -> None:
        p = self.p
        while self.i < len(p):
            c = p[self.i]
            b = c.bare
            if not b:
                self.i += 1
                continue
            if self.funds_header_start():
                return
            label = next((x for x in _HEAD_LABELS + _CHECKBOX_LABELS + ("项目负责人",) if b.startswith(x)), None)
            if label and len(b.rstrip(":：")) == len(label):
                j = self.next_filled(self.i + 1)
                nxt = p[j] if j is not None else None
                if nxt is not None and not nxt.bare.startswith(_HEAD_LABELS + _CHECKBOX_LABELS) \
                        and not self.is_funds_word(j):
                    self.row([(0, c), (1, nxt)])
                    self.i = j + 1
                    continue
            self.row([(0, c)])
            self.i += 1

    def is_funds_word(self, j: int) -> bool:
        b = self.p[j].bare
        return b.startswith(("项目资金", "预算执行情况", "资金投入")) or funds_key(self.p[j].text) is not None

    def funds_header_start(self) -> bool:
        """项目资金 (万元) / 预算执行情况(万元)(20分), or a funds key, followed by more keys."""
        keys = 0
        j = self.i
        seen = 0
        while j < len(self.p) and seen < 12:
            if self.p[j].text:
                got = self.joined(j, funds_key)
                if got:
                    keys += 1
                    j += got[0]
                    seen += 1
                    continue
                if seen and not self.is_funds_word(j) and "万元" not in self.p[j].bare:
                    break
                if not seen and not self.is_funds_word(j):
                    return False
                seen += 1
            j += 1
        return keys >= 3

    def funds(self) -> None:
        p = self.p
        if self.i >= len(p):
            return
        label_parts: list[_Para] = []
        keys: list[tuple[str, _Para]] = []
        while self.i < len(p):
            c = p[self.i]
            if not c.text:
                self.i += 1
                continue
            if self.is_fund_label(c.bare) or c.bare.startswith(("年度总体目标",) + _IND_START):
                break
            got = self.joined(self.i, funds_key)
            if got:
                n, text, _ = got
                keys.append((text, c))
                self.i += n
            else:
                label_parts.append(c)
                self.i += 1
        label: _Para | str = _Para("".join(x.text for x in label_parts), label_parts[0].line,
                                   label_parts[-1].end_line) if label_parts else "项目资金"
        self.row([(0, label)] + [(k + 1, t) for k, (t, _) in enumerate(keys)])
        n = len(keys)
        # a header cell cut by a page break: the columns are unsure, so are the figures
        header_cut = next((c for c in label_parts + [c for _, c in keys] if c.broken), None)
        while self.i < len(p):
            c = p[self.i]
            if not c.text:
                self.i += 1
                continue
            if not self.is_fund_label(c.bare):
                return
            self.i += 1
            vals: list[_Para] = []
            while self.i < len(p) and not self.is_fund_label(p[self.i].bare) \
                    and not p[self.i].bare.startswith(("年度总体目标", "预期目标") + _IND_START):
                vals.append(p[self.i])
                self.i += 1
            broken = header_cut or next((v for v in vals if v.broken), None)
            if broken is not None:
                # a page break may have cut a cell in two: every cell after it may have moved
                self.warn("JX005", f"资金行“{c.text.strip()}”的单元格在复制中断处（文本结束或分页）可能被切断，数字未读取："
                          + " | ".join(v.text for v in vals if v.text)[:60], broken)
                self.incomplete = True
                self.row([(0, c)])
                continue
            extra = [v for v in vals[n:] if v.text]
            for v in extra:
                self.warn("JX005", f"资金行“{c.text.strip()}”多出的“{v.text[:20]}”无法对应到表头的列，未读取", v)
            self.row([(0, c)] + [(k + 1, v) for k, v in enumerate(vals[:n])])

    @staticmethod
    def is_fund_label(b: str) -> bool:
        return bool(b) and (_is_fund_total(b) or b.startswith(_FUND_SOURCE_WORDS)
                            or (len(b) <= 12 and any(w in b for w in _FUND_SOURCE_WORDS[1:])))

    def goal(self) -> None:
        p = self.p
        j = self.next_filled(self.i)
        if j is None or not p[j].bare.startswith("年度总体目标"):
            return
        head = [p[j]]
        k = self.next_filled(j + 1)
        while k is not None and p[k].bare in ("预期目标", "实际完成情况", "年初设定目标", "年度总体目标完成情况综述",
                                               "年度总体目标完成情况", "全年实际完成情况") and len(head) < 3:
            head.append(p[k])
            k = self.next_filled(k + 1)
        self.row([(c, x) for c, x in enumerate(head)])
        self.i = k if k is not None else len(p)
        body: list[_Para] = []
        while self.i < len(p) and not p[self.i].bare.startswith(_IND_START):
            if p[self.i].text:
                body.append(p[self.i])
            self.i += 1
        if len(head) == 3 and len(body) == 2:
            self.row([(1, body[0]), (2, body[1])])
        elif body:
            rest = _Para("".join(b.text for b in body[1:]), body[1].line, body[-1].end_line) if len(body) > 1 else None
            self.row([(1, body[0])] + ([(2, rest)] if rest is not None else []))
            if len(body) > 2:
                self.warn("JX006", f"总体目标有{len(body)}段文字，第一段按预期目标、其余按实际完成情况读取，请核对",
                          body[0], "goal")

    def indicators(self) -> None:
        p = self.p
        j = self.next_filled(self.i)
        if j is None:
            return
        self.i = j
        # header: label cells (绩效指标, 年度绩效目标(80分)), then the column words
        head: list[tuple[str | None, str, _Para]] = []
        while self.i < len(p):
            c = p[self.i]
            if not c.text:
                self.i += 1
                continue
            got = self.joined(self.i, indicator_key, most=4)
            if got:
                n, text, key = got
                head.append((key, text, c))  # type: ignore[arg-type]
                self.i += n
                continue
            if not head and c.bare.startswith(_IND_START):
                head.append((None, c.text, c))
                self.i += 1
                continue
            if head and head[-1][0] == "deviation" and len(c.bare) <= 8 and _level_label(c.text) is None:
                key, text, first = head[-1]
                head[-1] = (key, text + c.text.strip(), first)
                self.i += 1
                continue
            break
        keys = [k for k, _, _ in head if k]
        if not keys:
            return
        self.row([(col, text) for col, (_, text, _) in enumerate(head)])
        col_of = {k: col for col, (k, _, _) in enumerate(head) if k}
        value_keys = [k for k in keys if k not in ("level1", "level2")]
        n = len(value_keys)
        numeric = {k for k in value_keys if k in ("weight", "score")}
        while self.i < len(p):
            j = self.next_filled(self.i)
            if j is None:
                return
            c = p[j]
            b = c.bare
            if b.startswith(("总分", "合计")):
                self.i = j
                self.total()
                return
            self.i = j
            cells: list[tuple[int, _Para | str]] = []
            for lk in ("level1", "level2"):
                got = self.joined(self.i, lambda t, lk=lk: self.label_kind(t) == lk, longest=True)
                if got is None:
                    continue
                if lk == "level1":
                    self.level1 = _level_label(got[1])[1]  # type: ignore[index]
                m, text, _ = got
                para = p[self.i]
                self.i += m
                nxt = self.peek()
                if lk == "level1" and nxt is not None and _POINTS_CELL_RE.match(nxt.bare):
                    text += nxt.text.strip()  # 产出指标 / (50分)
                    self.i += 1
                cells.append((col_of.get(lk, 0), _Para(text, para.line, p[self.i - 1].end_line)))
                if lk == "level1":
                    j2 = self.next_filled(self.i)
                    if j2 is not None and j2 != self.i and self.joined(
                            j2, lambda t: (lab := _level_label(t)) is not None and lab[0] == "level2"):
                        self.i = j2
            vals = p[self.i:self.i + n]
            if any(v.broken for v in vals):
                bad = next(v for v in vals if v.broken)
                self.warn("JX007", "这一行有单元格在复制中断处（文本结束或分页）可能被切断，未读取："
                          + " | ".join(v.text for v in vals if v.text)[:80], bad, "indicators")
                self.incomplete = True
                if cells:
                    self.row(cells)
                self.resync()  # the cut may have moved every cell after it: read on from the next label
                continue
            if not vals:
                return
            if len(vals) < n or not vals[0].text or not self.fits(vals, value_keys, numeric):
                if len(vals) < n and all(not v.text or _level_label(v.text) for v in vals):
                    if cells:
                        self.row(cells)
                    return
                bad = next((v for v in vals if v.text), c)
                why = ("文件在这一行中途结束（只有{}格，表头有{}列）".format(len(vals), n) if len(vals) < n
                       else "这一行的单元格无法与表头的列对应")
                self.warn("JX007", f"{why}，未读取：" + " | ".join(v.text for v in vals if v.text)[:80], bad,
                          "indicators")
                self.incomplete = True
                if cells:
                    self.row(cells)
                self.resync()
                continue
            cells += [(col_of[k], v) for k, v in zip(value_keys, vals)]
            self.row(cells)
            self.i += n

    def label_kind(self, text: str) -> str | None:
        """level1 / level2 / None; 成本指标 is a level 2 inside a block that has it
        (产出指标), unless a level-2 label follows (the 2021 成本指标 block)."""
        lab = _level_label(text)
        if lab is None:
            return None
        if lab[0] == "level1" and lab[1] in LEVEL2_BY_LEVEL1.get(self.level1, ()):
            j = self.next_filled(self.i + 1)
            after = self.joined(j, lambda t: (x := _level_label(t)) is not None and x[0] == "level2",
                                longest=True) if j is not None else None
            if after is None:
                return "level2"
        return lab[0]

    @staticmethod
    def fits(vals: list[_Para], keys: list[str], numeric: set[str]) -> bool:
        for k, v in zip(keys, vals):
            if k in numeric and v.text and parse_number(v.bare.removesuffix("分")) is None:
                return False
            if k == "name" and v.text and (parse_number(v.bare) is not None or v.bare[:1] in "≥≤=<>≧≦＝＞＜"):
                return False  # a figure or a target (=100.00(%)) in the name column: the cells moved
        return True

    def resync(self) -> None:
        """Skip to the next cell that starts a level block or the total."""
        self.i += 1
        while self.i < len(self.p):
            c = self.p[self.i]
            if c.text and (_level_label(c.text) is not None or c.bare.startswith(("总分", "合计"))):
                return
            self.i += 1

    def total(self) -> None:
        p = self.p
        first = p[self.i]
        cells: list[tuple[int, _Para | str]] = [(0, first)]
        self.i += 1
        while self.i < len(p):
            c = p[self.i]
            if c.text and (parse_number(c.bare.removesuffix("分")) is None and c.bare not in "优良中差"):
                break
            if c.text:
                cells.append((len(cells), c))
            self.i += 1
        self.row(cells)
        while self.i < len(p):
            c = p[self.i]
            if not c.text:
                self.i += 1
                continue
            if c.bare.startswith(_BOTTOM_NOTE_LABELS + ("评分等级",)):
                j = self.next_filled(self.i + 1)
                nxt = p[j] if j is not None else None
                if nxt is not None and not nxt.bare.startswith(_BOTTOM_NOTE_LABELS + ("评分等级", "备注")):
                    self.row([(0, c), (1, nxt)])
                    self.i = j + 1  # type: ignore[operator]
                else:
                    self.row([(0, c)])
                    self.i += 1
                continue
            return


def _segments(paras: list[_Para]) -> list[list[_Para]]:
    """One list of cells per form: from the title (or 项目名称) to the next form's."""
    starts: list[int] = []
    for k, c in enumerate(paras):
        if c.bare.rstrip(":：") == "项目名称":
            s = k
            back = k - 1
            seen = 0
            while back >= 0 and seen < 3:
                b = paras[back].bare
                if b:
                    seen += 1
                    if "自评表" in b and len(b) <= 40 or re.search(r"\d{4}年度", b) and len(b) <= 12:
                        s = back
                back -= 1
            starts.append(s)
    return [paras[a:b] for a, b in zip(starts, starts[1:] + [len(paras)])]


def _simplified(paras: list[_Para]) -> list[ReadWarning]:
    """A copy in traditional characters (or with a conversion tool's pinyin):
    each cell normalised once, here, so that the layout's words are found; each
    repair noted at its line (JX012)."""
    if not looks_traditional([c.text for c in paras]):
        return []
    notes = []
    for c in paras:
        if not c.text:
            continue
        t, reps = strip_pinyin_pairs(c.text)
        t2, reps2 = to_simplified(t)
        for rep in reps + reps2:
            notes.append(ReadWarning(code=rep.code, line=c.line, message=f"第{c.line}行：{rep.message}"))
        c.text = t2
    return notes


def text_to_forms(text: str, *, file: str = "", encoding: str | None = None) -> list[Form]:
    forms: list[Form] = []
    paras = _paragraphs(text)
    paras, notes = _page_breaks(paras)
    notes += _simplified(paras)
    segs = _segments(paras)
    last = next((c for c in reversed(segs[-1]) if c.text), None) if segs else None
    in_table = bool(segs) and any(c.bare in ("一级指标", "三级指标") for c in segs[-1]) \
        and not any(c.bare.startswith(("总分", "合计")) for c in segs[-1])
    if last is not None and (in_table or parse_number(last.bare.removesuffix("分")) is not None):
        # the copy ends inside the indicator table (no 总分 row) or in a figure: its last
        # cell may be cut short (109.94 → 1). (Prose cut short, a goal text, stays read.)
        last.broken = True
    for seg in segs:
        b = _Builder(seg, file, encoding)
        grid = b.build()
        first, last = seg[0].line, seg[-1].end_line
        for fr in grid_to_forms(grid):
            fr.form.warnings[:0] = [w for w in notes if w.line is not None and (
                first <= w.line <= last or (not forms and w.line < first))] + b.warnings
            if b.incomplete:
                fr.form.complete = False
            fr.form.source.index = len(forms)
            forms.append(fr.form)
    return forms


def read_celllines(path: str | Path) -> Iterator[Form]:
    """Read the forms of a one-cell-per-line text export."""
    p = Path(path)
    data = p.read_bytes()
    encoding = detect_encoding(p, data[:SAMPLE_BYTES])
    text = data.decode(encoding, errors="replace").replace("\r\n", "\n")
    forms = text_to_forms(text, file=str(p), encoding=encoding)
    if not forms:
        raise NoFormFoundError(p, "逐格分行的文本中没有找到项目支出绩效自评表（缺少“项目名称”和指标表）")
    yield from forms
