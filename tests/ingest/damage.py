"""Damage harness: the 16 seed forms written as web copies of other layouts, damaged.

The readers are judged on real forms we do not have: forms of the dev corpus's
layout families (domain.md section 5), copied from web pages and damaged the
way the corpus's copies are (``corpus/manifest.tsv``). This module writes such
copies from forms whose every value is known (the seed, read by the text
reader and pinned by ``tests/golden/seed``), so a test can say, per row, whether
a reader read it right, left it out, or invented it.

A copy is made in three steps, each a parameter:

* **layout** – the header words and column order of a family:
  ``central`` (the seed's own: 年初/全年预算数, 全年执行数, 分值, 执行率, 得分;
  年度指标值, 实际完成值, 分值, 得分, 偏差原因分析及改进措施),
  ``anhui`` (score first: 全年预算数(A)/全年执行数(B); 分值 before 年度指标值,
  全年实际值, 得分, 未完成原因及拟采取的改进措施; headings 产出指标(60分)),
  ``hubei`` (20/80: 预算数(A)/执行数(B)/执行率(B/A)/得分(20分*执行率);
  年初目标值(A)/实际完成值(B)/得分, no weight column; funds worth 20).
* **shape** – how the cells of the copied table came out:
  ``glued`` (every cell run together, no separator: 026),
  ``spaced`` (one line, a space between cells: 001/012),
  ``pipe`` (one table row per line, cells between pipes, merged cells printed
  once, empty cells pushed to the end as ``|||``: 009/014),
  ``cells`` (an HTML table flattened to one cell per paragraph, an empty cell a
  paragraph holding a space: 018/025).
* **damage** – a set of kinds met in the corpus, applied in this order:
  ``traditional`` (a few common words in traditional characters, some with the
  pinyin a conversion tool adds: 021/023/036), ``fullwidth`` (full-width digits,
  ％, and the look-alike signs ≧ ＞＝ ＝ that some copies print), ``prefix`` (a docx
  metadata dump or a doc site's boilerplate before the form: 001/013/041),
  ``docsite`` (a doc site's page markers: the text cut at arbitrary characters
  into pages ``1、…`` ``2、…``, each page a paragraph: 041/006), ``truncated``
  (the copy ends at an arbitrary character: most of the corpus); ``mixed`` is all
  of them in one copy.

Every choice that is random (where a page or the copy is cut, which of the
look-alike signs) comes from a ``random.Random(seed)``, so a case is replayable.

``expected_rows(form, layout)`` gives the golden rows as the layout can show
them (a Hubei form has no weight column, so the weight is expected to be None);
``rows_of(form)`` the rows a reader returned, in the same normalised shape;
``invented`` the returned rows that are not the golden row at their place (a
value left empty is "not read", not invented); ``expected_head`` / ``wrong_head``
the same for the head fields, the funds total row and the 总分.

The Hubei copies keep the seed's indicator scores (they add up to 90, not 80),
so their 总分 (20 x rate + the scores) is above 100: the sums are the form's
own, which is what the readers check.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from jixiao.model import Form

LAYOUTS = ("central", "anhui", "hubei")
SHAPES = ("glued", "spaced", "pipe", "cells")
DAMAGES = ("none", "traditional", "fullwidth", "prefix", "docsite", "truncated", "mixed")

# --- the layouts ----------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    title: str
    funds_label: str
    funds_head: tuple[str, ...]
    funds_cols: tuple[str, ...]  # of initial_budget adjusted_budget executed weight rate score
    total_row: str
    goal_head: tuple[str, ...]
    ind_head: tuple[str, ...]
    ind_cols: tuple[str, ...]  # of weight target actual score deviation
    block_points: bool  # 产出指标(60分) headings
    funds_weight: Decimal
    bottom: tuple[str, ...] = ()


LAYOUT: dict[str, Layout] = {
    "central": Layout(
        title="财政项目支出绩效自评表（{year}年度）", funds_label="项目资金（万元）",
        funds_head=("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"),
        funds_cols=("initial_budget", "adjusted_budget", "executed", "weight", "rate", "score"),
        total_row="年度资金总额", goal_head=("预期目标", "实际完成情况"),
        ind_head=("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"),
        ind_cols=("target", "actual", "weight", "score", "deviation"), block_points=False, funds_weight=Decimal(10)),
    "anhui": Layout(
        title="绩效目标自评表({year}年度)", funds_label="资金情况(万元)",
        funds_head=("全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分"),
        funds_cols=("adjusted_budget", "executed", "weight", "rate", "score"),
        total_row="年度资金总额:", goal_head=("年初设定目标", "年度总体目标完成情况综述"),
        ind_head=("一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分", "未完成原因及拟采取的改进措施"),
        ind_cols=("weight", "target", "actual", "score", "deviation"), block_points=True, funds_weight=Decimal(10)),
    "hubei": Layout(
        title="{year}年度财政项目绩效自评表", funds_label="预算执行情况(万元)(20分)",
        funds_head=("预算数(A)", "执行数(B)", "执行率(B/A)", "得分(20分*执行率)"),
        funds_cols=("adjusted_budget", "executed", "rate", "score"),
        total_row="年度财政资金总额", goal_head=(),
        ind_head=("年度绩效目标(80分)", "一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "得分"),
        ind_cols=("target", "actual", "score"), block_points=False, funds_weight=Decimal(20),
        bottom=("偏差大或目标未完成原因分析", "无", "改进措施及结果应用方案", "无")),
}

IND_FIELDS = ("level1", "level2", "name", "target", "actual", "weight", "score")


def _q2(d: Decimal) -> Decimal:
    return d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _s(d: Decimal | None) -> str:
    return "" if d is None else str(d)


def funds_values(form: Form, layout: str) -> dict[str, str]:
    """The total funds row as the layout prints it (Hubei: worth 20, 20 x rate)."""
    lay = LAYOUT[layout]
    fu = form.funds
    vals = {"initial_budget": _s(fu.initial_budget), "adjusted_budget": _s(fu.adjusted_budget),
            "executed": _s(fu.executed), "weight": _s(fu.weight), "rate": _s(fu.rate) + "%", "score": _s(fu.score)}
    if lay.funds_weight != fu.weight and fu.rate is not None:
        vals["weight"] = str(lay.funds_weight)
        vals["score"] = str(_q2(lay.funds_weight * min(fu.rate, Decimal(100)) / 100))
    return vals


def total_score(form: Form, layout: str) -> Decimal | None:
    if form.total is None:
        return None
    lay = LAYOUT[layout]
    if lay.funds_weight == form.funds.weight:
        return form.total
    return Decimal(funds_values(form, layout)["score"]) + sum((i.score or Decimal(0)) for i in form.indicators)


def table_rows(form: Form, layout: str) -> list[list[str]]:
    """The form as the layout's table: one list of cell texts per printed row,
    merged cells printed once (in the first row they cover)."""
    lay = LAYOUT[layout]
    rows: list[list[str]] = [[lay.title.format(year=form.year)]]
    rows.append(["项目名称", form.project_name, "主管部门", form.department])
    rows.append(["实施单位", form.implementing_unit])
    rows.append([lay.funds_label, *lay.funds_head])
    fv = funds_values(form, layout)
    rows.append([lay.total_row, *(fv[c] for c in lay.funds_cols)])
    for k, r in enumerate(form.funds.rows):
        label = ("其中：" if k == 0 else "") + r.label
        cells = [label]
        for c in lay.funds_cols:
            if c in ("initial_budget", "adjusted_budget", "executed"):
                cells.append(_s(getattr(r, c)))
        rows.append(cells)
    if lay.goal_head:
        rows.append(["年度总体目标", *lay.goal_head])
        rows.append([form.goal.expected, form.goal.actual])
    rows.append(list(lay.ind_head))
    points: dict[str, Decimal] = {}
    for i in form.indicators:
        points[i.level1] = points.get(i.level1, Decimal(0)) + (i.weight or 0)
    last1 = last2 = None
    for i in form.indicators:
        cells: list[str] = []
        if i.level1 != last1:
            l1 = i.level1
            if lay.block_points:
                l1 += f"({points[i.level1].normalize():f}分)"
            cells.append(l1)
            last1, last2 = i.level1, None
        if i.level2 != last2:
            cells.append(i.level2)
            last2 = i.level2
        vals = {"weight": _s(i.weight), "target": i.target, "actual": i.actual, "score": _s(i.score),
                "deviation": i.deviation}
        cells += [i.name, *(vals[c] for c in lay.ind_cols)]
        rows.append(cells)  # empty cells kept: the shapes drop them or print them blank
    total = total_score(form, layout)
    if layout == "hubei":
        rows.append(["总分", _s(total)])  # the score only (010: 总分100)
    else:
        rows.append(["总分", "100", _s(total), form.grade or ""])
    if lay.bottom:
        rows.append(list(lay.bottom))
    return rows


# --- the shapes -------------------------------------------------------------------------


def shape_text(rows: list[list[str]], shape: str) -> str:
    if shape == "glued":
        return "".join("".join(r) for r in rows) + "\n"
    if shape == "spaced":
        return " ".join(" ".join(c for c in r if c) for r in rows) + "\n"
    if shape == "pipe":
        width = max(len(r) for r in rows)
        out = []
        for r in rows:
            cells = [c for c in r if c]
            out.append(" | ".join(cells) + " |" + "|" * (width - len(cells)))
        return "\n".join(out) + "\n"
    if shape == "cells":  # an empty cell is a paragraph holding a space (018/025)
        return "\n\n".join(c or " " for r in rows for c in r) + "\n"
    raise ValueError(shape)


# --- the damage -------------------------------------------------------------------------

# Words whose traditional spelling the copies show, and the pinyin a conversion tool
# adds after some characters (項(xiàng)).
TRADITIONAL = (("项目", "項目"), ("预算", "預算"), ("绩效", "績效"), ("指标", "指標"), ("资金", "資金"), ("执行", "執行"),
               ("实际", "實際"), ("质量", "質量"), ("数量", "數量"), ("时效", "時效"), ("满意度", "滿意度"),
               ("经济", "經濟"), ("达成", "達成"), ("单位", "單位"))
PINYIN = (("項目", "項(xiàng)目"), ("經濟", "經(jīng)濟"), ("執行", "執(zhí)行"))

FULLWIDTH_DIGITS = str.maketrans("0123456789%", "０１２３４５６７８９％")


def traditional(text: str, rnd: random.Random) -> str:
    for simp, trad in TRADITIONAL:
        text = text.replace(simp, trad)
    if rnd.random() < 0.5:
        for trad, pin in PINYIN:
            text = text.replace(trad, pin)
    return text


def fullwidth(text: str, rnd: random.Random) -> str:
    ge = rnd.choice(("≧", "＞＝"))
    text = text.replace("≥", ge).replace("≤", rnd.choice(("≦", "＜＝"))).replace("=", "＝")
    return text.translate(FULLWIDTH_DIGITS)


DOCX_META = ("安福全 zlnb210061 1 2019-05-22T04:56:35Z 2006-09-13T11:21:51Z 2022-05-16T06:53:23Z 15.00 "
             "2052-11.1.0.11691 FEAB6FBF67D44AA19C24BC22CBB840E5 9300 22370 0 0 False False False 附件: ")
SITE_BOILERPLATE = ("项目支出绩效自评表.doc\n\n项目支出绩效自评表.doc\n\nID:60761775\n\n大小:43.50 KB\n\n页数:2页\n\n"
                    "时间:2020-12-15\n\n项目支出绩效自评表.doc_第1页\n项目支出绩效自评表.doc_第2页\n资源描述:\n\n"
                    "《项目支出绩效自评表.doc》由会员上传分享,免费在线阅读,更多相关内容在教育资源-天天文库\n\n")


def prefix(text: str, rnd: random.Random) -> str:
    if rnd.random() < 0.5:
        first, _, rest = text.partition("\n")
        return DOCX_META + first + ("\n" + rest if rest else "")
    return SITE_BOILERPLATE + text


def docsite(text: str, rnd: random.Random) -> str:
    """Cut the text into pages at arbitrary characters (not inside the title),
    each page a paragraph opening ``N、``."""
    n = rnd.randint(1, 3)
    lo = min(60, len(text) // 4)
    cuts = sorted(rnd.sample(range(lo, len(text) - 1), n))
    parts, prev = [], 0
    for c in cuts + [len(text)]:
        parts.append(text[prev:c])
        prev = c
    return "\n\n".join(f"{k}、{p}" for k, p in enumerate(parts, 1))


def truncate(text: str, rnd: random.Random) -> str:
    """End the copy at an arbitrary character after the indicator header."""
    start = max(text.find("三级指标"), text.find("三級指標"))
    start = start + 8 if start >= 0 else len(text) // 2
    return text[:rnd.randint(start, max(start, len(text) - 20))]


KINDS = {"traditional": traditional, "fullwidth": fullwidth, "prefix": prefix, "docsite": docsite,
         "truncated": truncate}
# several kinds in one copy, applied in the order a copy picks them up
MIXED = ("traditional", "fullwidth", "prefix", "docsite", "truncated")


def damage_text(text: str, damage: str, seed: int) -> str:
    """``damage``: one of :data:`DAMAGES` (``mixed``: all of :data:`MIXED`)."""
    rnd = random.Random(seed)
    if damage == "none":
        return text
    for kind in (MIXED if damage == "mixed" else (damage,)):
        text = KINDS[kind](text, rnd)
    return text


def rows_before_cut(form: Form, layout: str, shape: str, text: str) -> int:
    """How many indicator rows a copy cut short (``truncated`` alone: a prefix of
    the undamaged copy) still prints whole: the recall a reader can reach."""
    rows = table_rows(form, layout)
    first = next(k for k, r in enumerate(rows) if r and r[0] in ("一级指标", "年度绩效目标(80分)")) + 1
    n = 0
    for i in range(len(form.indicators)):
        whole = shape_text(rows[:first + i + 1], shape).rstrip("\n")
        if len(text) >= len(whole):
            n += 1
    return n


def web_copy(form: Form, layout: str, shape: str, damage: str, seed: int = 0) -> str:
    """The text a web copy of ``form`` would give, in ``layout`` and ``shape``, with ``damage``."""
    return damage_text(shape_text(table_rows(form, layout), shape), damage, seed)


# --- comparing --------------------------------------------------------------------------

_WS_RE = re.compile(r"\s+")


def norm_text(t: str) -> str:
    """What the readers document they normalise: whitespace inside a cell (a copy
    wraps cells anywhere) and ASCII/full-width parentheses and colons."""
    return _WS_RE.sub("", t).replace("（", "(").replace("）", ")").replace("：", ":")


def _norm_row(vals: tuple) -> tuple:
    return tuple(norm_text(v) if isinstance(v, str) else (None if v is None else Decimal(v).normalize()) for v in vals)


def expected_rows(form: Form, layout: str) -> list[tuple]:
    """The golden rows as ``layout`` can show them (Hubei prints no weight)."""
    lay = LAYOUT[layout]
    out = []
    for i in form.indicators:
        w = i.weight if "weight" in lay.ind_cols else None
        out.append(_norm_row((i.level1, i.level2, i.name, i.target, i.actual, w, i.score)))
    return out


def rows_of(form: Form) -> list[tuple]:
    return [_norm_row((i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score)) for i in form.indicators]


def matches(got: tuple, want: tuple) -> bool:
    """Every value read equals the golden one; a value left empty (None, "") was
    not read, which is not an invention (the reader warns of it: JX007)."""
    return all(g == w or g in (None, "") for g, w in zip(got, want))


def partial(got: tuple, want: tuple) -> bool:
    return got != want


def invented(got: list[tuple], want: list[tuple]) -> list[tuple]:
    """Rows of ``got`` that are not the golden rows, in order (a subsequence of
    ``want``); the name must be read (a row is placed by its name)."""
    bad, k = [], 0
    for r in got:
        j = k
        while j < len(want) and not (r[2] and matches(r, want[j])):
            j += 1
        if j == len(want):
            bad.append(r)
        else:
            k = j + 1
    return bad


def head_of(form: Form) -> dict:
    """The head fields and totals a reader returned (None / "" when not read)."""
    fu = form.funds
    return {"project_name": norm_text(form.project_name), "department": norm_text(form.department),
            "implementing_unit": norm_text(form.implementing_unit), "year": form.year,
            "adjusted_budget": fu.adjusted_budget, "executed": fu.executed, "rate": fu.rate, "score": fu.score,
            "total": form.total}


def expected_head(form: Form, layout: str) -> dict:
    fv = funds_values(form, layout)
    fu = form.funds
    return {"project_name": norm_text(form.project_name), "department": norm_text(form.department),
            "implementing_unit": norm_text(form.implementing_unit), "year": form.year,
            "adjusted_budget": fu.adjusted_budget, "executed": fu.executed, "rate": fu.rate,
            "score": Decimal(fv["score"]), "total": total_score(form, layout)}


def wrong_head(got: dict, want: dict) -> dict:
    """Head fields read with a value other than the golden one (numbers compared as numbers)."""
    out = {}
    for k, g in got.items():
        if g in (None, ""):
            continue
        w = want[k]
        if isinstance(g, Decimal) and w is not None and g == Decimal(w):
            continue
        if g != w:
            out[k] = (g, w)
    return out
