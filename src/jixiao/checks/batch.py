"""JX9xx: across the forms of a run (汇总 / 抽查 of a department's projects).

What no single form shows: different projects with the same indicator table
or the same goal text (copy-paste), rows that every form carries whatever the
project (长效管理机制健全性 / 健全), scores that do not discriminate (every form
优, totals 95-100).

A run may hold 100,000 forms. Each check keeps small summaries only, never
a form: per form a 64-bit hash in an array (indicator table, goal texts) with
its project key and a reference to its project name (a string the run keeps
for its records anyway), grouped by sorting at the end, about 70 bytes a form
for JX901 and JX904 together; counters and a histogram of totals; boilerplate
rows counted with lossy counting (Manku & Motwani 2002), so memory stays
bounded however many distinct indicator names a run has.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal

from .base import Hit, batch_check
from .chinese import fold_width, normalize, normalized_goal
from .context import EMPTY_NOTES, FormContext

_NON_CONTENT = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fffa-z0-9.%]+")
# For names: also keeps capitals (not lower-cased, for speed) and the \x01 joining them.
_NAME_NON_CONTENT = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9.%\x01]+")


def text_key(text: str) -> str:
    """A text reduced for comparison: half-width, no spaces, no punctuation."""
    return _NON_CONTENT.sub("", normalize(text))


def row_keys(names: list[str], targets: list[str]) -> tuple[list[str], list[str]]:
    """Keys of indicator names (half-width, no spaces or punctuation) and
    targets (half-width, no spaces: signs such as ≥ and = matter), each list
    in one pass."""
    n = _NAME_NON_CONTENT.sub("", fold_width("\x01".join(names))).split("\x01")
    t = fold_width("".join("\x01".join(targets).split())).split("\x01")
    return n, t


def _rows(ctx: FormContext) -> list[tuple[str, str, str, bool]]:
    """Per row: (name key, target key, level 1, full points), computed once per form."""
    def compute():
        inds = ctx.indicators
        if not inds:
            return []
        names, targets = row_keys([ind.name for ind in inds], [ind.target for ind in inds])
        return [(names[i], targets[i], ind.level1, ind.weight is not None and ind.score is not None
                 and ind.score >= ind.weight) for i, ind in enumerate(inds)]
    return ctx.memo("batch.rows", compute)


def _project_key(ctx: FormContext) -> int:
    """A hash of the normalized project name; a form without a name is a project of its own."""
    def compute() -> int:
        k = text_key(ctx.form.project_name)
        return hash(k) if k else -1 - ctx.index
    return ctx.memo("batch.project", compute)


Member = tuple[int, str, int, int]  # (form index, project name, project key, row or -1)


class _Forms:
    """Per form of the run, what a finding about a group needs: its index,
    its project name (a reference to the string the run keeps for its
    records anyway) and its project key. About 24 bytes a form."""

    __slots__ = ("index", "keys", "names")

    def __init__(self) -> None:
        self.index = array("q")
        self.names: list[str] = []
        self.keys = array("q")

    def add(self, ctx: FormContext) -> None:
        key = _project_key(ctx)  # first: nothing is appended if it fails
        self.index.append(ctx.index)
        self.names.append(ctx.form.project_name)
        self.keys.append(key)

    def member(self, pos: int, row: int = -1) -> Member:
        return (self.index[pos], self.names[pos], self.keys[pos], row)


def _same_hash(col: array) -> Iterator[list[int]]:
    """Positions of the forms sharing a hash (0: not compared), in groups of
    two or more, each in run order. Sorting, not a dict per form: O(n log n)
    time, 8 bytes a form."""
    order = sorted((i for i, h in enumerate(col) if h), key=col.__getitem__)
    run: list[int] = []
    prev = None
    for i in order:
        h = col[i]
        if h != prev:
            if len(run) > 1:
                yield run
            run, prev = [i], h
        else:
            run.append(i)
    if len(run) > 1:
        yield run


def _projects_differ(group: list[Member]) -> bool:
    k0 = group[0][2]
    return any(m[2] != k0 for m in group)


def _named_others(group: list[Member], limit: int) -> Callable[[int], tuple[list[str], list[int], int]]:
    """For a group, a function giving a member's other projects (names up to
    ``limit``, their form indices, and the number of forms of other projects).
    Linear in the group: a group may hold thousands of forms."""
    per_key: Counter[int] = Counter(m[2] for m in group)
    kept: dict[int, list[Member]] = {}
    for m in group:  # the first ``limit`` forms of the first ``limit + 1`` projects suffice for any member
        lst = kept.get(m[2])
        if lst is None:
            if len(kept) > limit:
                continue
            lst = kept[m[2]] = []
        if len(lst) < limit:
            lst.append(m)
    candidates = sorted((m for lst in kept.values() for m in lst), key=lambda m: m[0])

    def others(own_key: int) -> tuple[list[str], list[int], int]:
        picked = [m for m in candidates if m[2] != own_key][:limit]
        return ([m[1] or f"第{m[0] + 1}张表" for m in picked], [m[0] for m in picked],
                len(group) - per_key[own_key])

    return others


class _Groups:
    """Items grouped by a hash, for rare items (deviation notes): the first
    member of each hash is kept; a group list is made when a second arrives."""

    __slots__ = ("first", "groups")

    def __init__(self) -> None:
        self.first: dict[int, Member] = {}
        self.groups: dict[int, list[Member]] = {}

    def add(self, h: int, member: Member) -> None:
        g = self.groups.get(h)
        if g is not None:
            g.append(member)
            return
        f = self.first.get(h)
        if f is None:
            self.first[h] = member
        else:
            self.groups[h] = [f, member]

    def shared(self) -> Iterator[tuple[int, list[Member]]]:
        """Groups holding at least two different projects."""
        for h, g in self.groups.items():
            if _projects_differ(g):
                yield h, g


def _list(names: list[str], total: int) -> str:
    shown = "、".join(f"“{n}”" for n in names)
    return shown + (f"等{total}个" if total > len(names) else "")


# -- JX901 ------------------------------------------------------------------------


@batch_check("JX901", "identical-indicator-set", title="不同项目的指标体系完全相同", severity="warning",
             category="batch", basis="domain.md §4.11；财预〔2020〕10号：绩效指标应与项目的具体内容相对应",
             hint="按本项目的实际内容和产出设置指标，不要套用其他项目的指标表。")
class IdenticalIndicatorSet:
    """Forms of different projects whose indicator tables are the same: the
    same set of indicator names and (``compare_targets``) target values, in any
    order. One finding per form involved, naming the other projects.

    Why: indicators should measure what this project produces; the same table
    for different projects was copied, not designed.

    Fails: 社区居家养老服务补贴 and 老年助餐点运营补贴 in one run with the
    same 8 indicators and targets.
    Passes: the same two forms where one target differs (=6(个) vs =8(个)),
    or where both forms are the same project (same 项目名称; e.g. two years).

    Settings: ``min_rows`` (tables with fewer rows are not compared, default 3),
    ``compare_targets`` (default true; false compares names only), ``max_names``
    (other projects named in a message, default 5).
    Limits: exact after normalization (spaces, punctuation, full-width): one
    renamed row makes the tables differ. Keeps a hash, a project key and a
    name reference per form (about 30 bytes); groups by sorting at the end.
    """

    def __init__(self, settings):
        self.s = settings
        self.forms = _Forms()
        self.hashes = array("q")
        self.sizes = array("H")

    def collect(self, ctx: FormContext) -> None:
        # Compute first, append last: the arrays stay aligned if a form fails.
        rows = _rows(ctx)
        if len(rows) < self.s.min_rows:
            h = size = 0
        else:
            if self.s.compare_targets:
                h = hash(tuple(sorted((r[0], r[1]) for r in rows))) or 1
            else:
                h = hash(tuple(sorted(r[0] for r in rows))) or 1
            size = min(len(rows), 65535)
        self.forms.add(ctx)
        self.hashes.append(h)
        self.sizes.append(size)

    def finish(self):
        limit = int(self.s.max_names)
        what = "名称和目标值" if self.s.compare_targets else "名称"
        for run in _same_hash(self.hashes):
            g = [self.forms.member(p) for p in run]
            if not _projects_differ(g):
                continue
            others = _named_others(g, limit)
            size = self.sizes[run[0]]
            for i, _name, key, _row in g:
                names, idx, n = others(key)
                if n:
                    yield Hit("indicators", f"本表{size}个指标的{what}与{_list(names, n)}项目的指标完全相同",
                              {"others": names, "other_indices": idx, "other_forms": n, "n_indicators": size},
                              form_index=i)


# -- JX902 ------------------------------------------------------------------------


class _LossyCounter:
    """Lossy counting of indicator names per form (Manku & Motwani 2002):
    every name present in at least ``epsilon`` of the forms is kept, with a
    count too low by at most ``epsilon`` x forms; memory is O(1/epsilon)."""

    __slots__ = ("bucket", "entries", "n", "width")

    def __init__(self, epsilon: float):
        self.width = max(int(1 / epsilon), 1)
        self.n = 0
        self.bucket = 1
        # name -> [count, max undercount, full-points count, Counter of targets]
        self.entries: dict[str, list] = {}

    def add(self, names: dict[str, tuple[str, bool]]) -> None:
        self.n += 1
        entries = self.entries
        for name, (target, full) in names.items():
            e = entries.get(name)
            if e is None:
                e = entries[name] = [0, self.bucket - 1, 0, Counter()]
            e[0] += 1
            e[2] += full
            t = e[3]
            if target in t or len(t) < 20:
                t[target] += 1
        if self.n % self.width == 0:
            b = self.bucket
            for k in [k for k, e in entries.items() if e[0] + e[1] <= b]:
                del entries[k]
            self.bucket += 1


@batch_check("JX902", "boilerplate-row", title="几乎每张表都有的模板指标", severity="info",
             category="batch", basis="domain.md §4.11：每张表都有的套话指标不反映项目绩效",
             hint="删除或改写与本项目无关的通用指标（如“长效管理机制健全性/健全”），代之以可衡量的项目指标。")
class BoilerplateRow:
    """An indicator name found in at least ``min_share`` of the forms of a run
    of at least ``min_forms`` forms. One batch-level finding per such row (at
    most ``max_rows``; the rest in one more finding), naming its count, its
    target words and how many forms gave it full points.

    Names are compared after normalization; a name differing from a frequent
    one in a single character (长效管理机制建全性, a typo) counts as it.
    Satisfaction rows (``skip_level1``) are left out: the framework requires
    one in every form; whether it is measured is JX7xx's.

    Why: a row every project carries whatever it does (长效管理机制健全性 /
    健全 / 达成指标, full points) measures no project; it pads the score.

    Fails: 长效管理机制健全性 in all 16 seed forms (目标 健全 or 建立健全).
    Passes: a row in 5 of 16 forms (设施设备完好率); any row in a run of 4 forms.

    Settings: ``min_forms`` (5), ``min_share`` (0.9), ``skip_level1``,
    ``variant_min_chars`` (6: shorter names are not merged), ``max_rows`` (10),
    ``epsilon`` (0.005: counting error bound, as a share of forms).
    Limits: counts are exact unless the run is longer than 1/epsilon forms and
    the row was rare at its start (then low by at most epsilon x forms).
    """

    def __init__(self, settings):
        self.s = settings
        self.counter = _LossyCounter(float(settings.epsilon))
        self.skip = frozenset(settings.skip_level1)

    def collect(self, ctx: FormContext) -> None:
        names: dict[str, tuple[str, bool]] = {}
        for name, target, level1, full in _rows(ctx):
            if name and level1 not in self.skip and name not in names:
                names[name] = (target, full)
        self.counter.add(names)

    def finish(self):
        c = self.counter
        n = c.n
        if n < self.s.min_forms:
            return
        bar = float(self.s.min_share) * n
        entries = c.entries
        heads = sorted((k for k, e in entries.items() if e[0] + e[1] >= bar / 2),
                       key=lambda k: (-entries[k][0], k))
        merged: dict[str, list] = {k: [entries[k][0], entries[k][2], Counter(entries[k][3]), {}] for k in heads}
        min_len = int(self.s.variant_min_chars)
        head_set = set(heads)
        for k, e in entries.items():
            if k in head_set or len(k) < min_len:
                continue
            for h in heads:
                if len(h) == len(k) and sum(a != b for a, b in zip(h, k, strict=True)) == 1:
                    m = merged[h]
                    m[0] += e[0]
                    m[1] += e[2]
                    m[2].update(e[3])
                    m[3][k] = e[0]
                    break
        rows = [(h, m) for h, m in merged.items() if min(m[0], n) >= bar]
        rows.sort(key=lambda x: (-x[1][0], x[0]))
        cap = int(self.s.max_rows)
        for name, (count, full, targets, variants) in rows[:cap]:
            count = min(count, n)
            top = [t or "（空）" for t, _ in targets.most_common(3)]
            tw = "、".join(f"“{t}”" for t in top)
            var = f"（含写法{'、'.join(f'“{v}”' for v in variants)}）" if variants else ""
            full_s = "，均得满分" if full >= count else (f"，其中{full}张得满分" if full else "")
            yield Hit("indicators",
                      f"指标“{name}”{var}出现在本批{n}张表中的{count}张（{round(count * 100 / n)}%），"
                      f"目标值多为{tw}{full_s}，是与项目内容无关的通用指标",
                      {"name": name, "forms": count, "of": n, "share": round(count / n, 3),
                       "targets": dict(targets.most_common(5)), "full_points": full, "variants": variants})
        rest = rows[cap:]
        if rest:
            names = [r[0] for r in rest]
            yield Hit("indicators",
                      f"另有{len(rest)}个指标也出现在本批{float(self.s.min_share) * 100:.0f}%以上的表中："
                      + "、".join(f"“{x}”" for x in names[:10]) + ("等" if len(names) > 10 else ""),
                      {"names": names, "of": n})


# -- JX903 ------------------------------------------------------------------------

_CENT = Decimal("0.01")


@batch_check("JX903", "scores-not-discriminating", title="分数普遍偏高、没有区分度", severity="warning",
             category="batch", basis="domain.md §1、§4.11：多数自评表得95-100分，自评结果缺乏区分度",
             hint="抽查高分项目的佐证材料，核实完成值和得分；对评分尺度偏松的单位加大复核比例。")
class ScoresNotDiscriminating:
    """In a run of at least ``min_forms`` forms, at least ``top_grade_share``
    of them have the best grade (优), or at least ``high_share`` have a total of
    at least ``high_total``. One batch-level finding naming the grade counts,
    the range and median of the totals.

    Why: self-evaluation that gives (nearly) every project the top grade does
    not tell good projects from poor ones; the reviewer should sample the
    evidence behind the scores.

    Fails: the seed, 16 forms all graded 优 with totals 95.61-100.00.
    Passes: the same 16 forms with 3 graded 良; any run of 9 forms.

    Settings: ``min_forms`` (10), ``high_total`` (99), ``high_share`` (0.8),
    ``top_grade_share`` (0.95).
    Limits: uses the printed total and grade, else the recomputed ones; the
    best grade is the rulebook's first band. Keeps a histogram of totals.
    """

    def __init__(self, settings):
        self.s = settings
        self.totals: Counter[Decimal] = Counter()
        self.grades: Counter[str] = Counter()
        self.top: str | None = None

    def collect(self, ctx: FormContext) -> None:
        sr = ctx.score
        total = ctx.form.total if ctx.form.total is not None else sr.recomputed.total
        if total is not None:
            self.totals[total.quantize(_CENT)] += 1
        grade = ctx.form.grade or sr.recomputed.grade
        if grade:
            self.grades[grade] += 1
        if self.top is None and ctx.rb.grades_enabled and ctx.rb.grades:
            self.top = ctx.rb.grades[0].grade

    def finish(self):
        s = self.s
        n = sum(self.totals.values())
        if n < s.min_forms:
            return
        high = sum(c for t, c in self.totals.items() if t >= s.high_total)
        graded = sum(self.grades.values())
        top = self.grades.get(self.top, 0) if self.top else 0
        high_hit = high >= s.high_share * n
        top_hit = graded >= s.min_forms and top >= s.top_grade_share * graded
        if not (high_hit or top_hit):
            return
        keys = sorted(self.totals)
        lo, hi = keys[0], keys[-1]
        median = _median(self.totals, keys, n)
        parts = []
        if top_hit or top:
            parts.append(f"{top}张评为“{self.top}”（{round(top * 100 / graded)}%）")
        parts.append(f"{high}张总分≥{s.high_total}（{round(high * 100 / n)}%）")
        yield Hit("total",
                  f"本批{n}张表中{'，'.join(parts)}，总分{lo}–{hi}（中位数{median}）：自评分数普遍偏高，没有区分度",
                  {"forms": n, "grades": dict(self.grades), "top_grade": self.top, "top_grade_forms": top,
                   "high_total": s.high_total, "high_forms": high, "min": lo, "max": hi, "median": median})


def _median(hist: Counter[Decimal], keys: list[Decimal], n: int) -> Decimal:
    lo_i, hi_i = (n - 1) // 2, n // 2
    seen = 0
    lo = hi = None
    for k in keys:
        seen += hist[k]
        if lo is None and seen > lo_i:
            lo = k
        if seen > hi_i:
            hi = k
            break
    assert lo is not None and hi is not None
    return ((lo + hi) / 2).quantize(_CENT)


# -- JX904 / JX905 ---------------------------------------------------------------------


@batch_check("JX904", "identical-goal-text", title="不同项目的目标或完成情况文字完全相同", severity="warning",
             category="batch", basis="domain.md §4.10–4.11：年度目标应针对本项目填写",
             hint="按本项目的实际内容重写预期目标和实际完成情况。")
class IdenticalGoalText:
    """Forms of different projects with the same 预期目标 or the same
    实际完成情况 (compared after removing spaces and punctuation; texts shorter
    than ``min_chars`` are not compared). One finding per form and text,
    naming the other projects.

    Why: a goal written for one project and pasted into another describes
    neither.

    Fails: 社区居家养老服务补贴 and 老年助餐点运营补贴 with the same 预期目标.
    Passes: the same goal text in two forms of the same project; or goals
    that differ in one number.

    Settings: ``min_chars`` (15), ``max_names`` (5).
    Limits: exact after normalization; a reworded copy is not found. Keeps
    two hashes, a project key and a name reference per form (about 40 bytes).
    """

    FIELDS = (("goal.expected", "预期目标"), ("goal.actual", "实际完成情况"))

    def __init__(self, settings):
        self.s = settings
        self.forms = _Forms()
        self.hashes = {f: array("q") for f, _ in self.FIELDS}

    def collect(self, ctx: FormContext) -> None:
        hs = []
        for text in normalized_goal(ctx):
            k = _NON_CONTENT.sub("", text)
            hs.append((hash(k) or 1) if len(k) >= self.s.min_chars else 0)
        self.forms.add(ctx)  # appended last: the arrays stay aligned if a form fails
        for (fld, _), h in zip(self.FIELDS, hs, strict=True):
            self.hashes[fld].append(h)

    def finish(self):
        limit = int(self.s.max_names)
        for fld, label in self.FIELDS:
            for run in _same_hash(self.hashes[fld]):
                g = [self.forms.member(p) for p in run]
                if not _projects_differ(g):
                    continue
                others = _named_others(g, limit)
                for i, _name, key, _row in g:
                    names, idx, n = others(key)
                    if n:
                        yield Hit(fld, f"本表的{label}与{_list(names, n)}项目的{label}一字不差",
                                  {"others": names, "other_indices": idx, "other_forms": n}, form_index=i)


@batch_check("JX905", "identical-deviation-note", title="不同项目的偏差说明完全相同", severity="info",
             category="batch", basis="domain.md §3：偏差说明应针对该指标写明原因和措施",
             hint="针对本项目该指标的实际情况写偏差原因和改进措施。")
class IdenticalDeviationNote:
    """A deviation note (偏差原因分析) of at least ``min_chars`` characters found,
    word for word, in forms of different projects. One finding per form and
    note, naming the other projects.

    Why: the cause of a deviation belongs to one project and one indicator;
    the same explanation in several projects was pasted.

    Fails: "因第三方服务合同于12月到期，尾款于次年支付" in two projects.
    Passes: the same note twice in one project's form; short notes ("无", "已完成").

    Settings: ``min_chars`` (12), ``max_names`` (5).
    Limits: exact after normalization. Keeps one hash per note.
    """

    def __init__(self, settings):
        self.s = settings
        self.groups = _Groups()
        self.notes: dict[int, str] = {}  # only for notes seen twice

    def collect(self, ctx: FormContext) -> None:
        seen: set[int] = set()
        for row, ind in enumerate(ctx.indicators):
            d = ind.deviation
            if not d or d.strip() in EMPTY_NOTES:
                continue
            k = text_key(d)
            if len(k) < self.s.min_chars:
                continue
            h = hash(k)
            if h in seen:
                continue
            seen.add(h)
            self.groups.add(h, (ctx.index, ctx.form.project_name, _project_key(ctx), row))
            if h in self.groups.groups and h not in self.notes:
                self.notes[h] = d.strip()[:40]

    def finish(self):
        limit = int(self.s.max_names)
        for h, g in self.groups.shared():
            note = self.notes[h]
            others = _named_others(g, limit)
            for i, _name, key, row in g:
                names, idx, n = others(key)
                if n:
                    yield Hit(f"indicators[{row}].deviation",
                              f"偏差说明“{note}”与{_list(names, n)}项目的偏差说明一字不差",
                              {"note": note, "others": names, "other_indices": idx, "other_forms": n},
                              form_index=i)
