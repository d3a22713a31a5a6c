"""The official table as a fillable Excel workbook (openpyxl).

``write_form_xlsx(form, path, rulebook)`` writes one sheet in the official
layout: merged level-1/level-2 cells, wrapped text, column widths, A4 portrait
fitted to the page width, amounts as numbers formatted ``#,##0.00``.

It is a form a unit can keep filling in: the sheet is protected (no password),
input cells (amounts, goal, targets, actuals, weights, qualitative scores,
deviation notes) are unlocked, and the computed cells are Excel formulas that
give the numbers of ``jixiao.scoring.score_form`` under the given rulebook:

- 执行率 = 全年执行数 / 全年预算数 × 100 (or 年初, per ``funds.budget_base``),
  rounded per ``funds.rate`` (``down`` → ROUNDDOWN, ``half_up`` → ROUND);
- 得分 = weight × the unrounded ratio (or the rounded rate, per ``funds.score.from``),
  rounded per ``funds.score``, capped at the weight;
- quantitative indicator rows (the engine's positive / reverse / zero / two-sided
  rules): the target and actual numbers are taken out of the cells' text
  (``=30.00(人)``), the sign and the rulebook's formula are written into the formula;
- 总分 = budget score + Σ indicator scores, rounded per ``total``, capped per ``caps``;
- 评分等级 from ``grades``.

Rows the engine cannot score by formula (qualitative rows, rows it cannot
recompute) stay input cells holding the reported score; qualitative scores get a
data validation (0 to the row's weight). Before rounding, every formula rounds
its value to 10 decimals (``ROUND(x,10)``): the engine computes in exact
decimals, the spreadsheet in binary floating point, and this removes the float
noise (97.1 stored as 97.09999999999999) that would otherwise cut 97.10 to 97.09.

openpyxl writes formulas without their values. Excel and LibreOffice compute
them when the file is opened; tools that read cached values (``jixiao.ingest``
reads with ``data_only``) see empty computed cells until the file has been saved
by a spreadsheet program. ``recalculate(paths, out_dir)`` does that with
LibreOffice headless.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..model import Form
from ..scoring import Rulebook, load_rulebook
from ..scoring.rulebook import Rounding
from .layout import FORMULA_RULES, N_COLS, Cell, Layout, Placed, form_layout

__all__ = [
    "AMOUNT_FORMAT", "LibreOfficeMissingError", "add_form_sheet", "find_soffice", "form_workbook",
    "recalculate", "write_form_xlsx", "write_forms_xlsx",
]

AMOUNT_FORMAT = "#,##0.00"
FONT_NAME = "宋体"  # what Chinese budget systems use; LibreOffice on Linux substitutes Noto CJK
#: column widths (Excel character units): 一级, 二级, 三级, 年度指标值, 实际完成值, 分值, 得分, 偏差原因分析
COLUMN_WIDTHS = (10, 12, 20, 13, 13, 9, 9, 26)
LINE_HEIGHT = 14.0  # points per wrapped line at 10 pt
ROUND_NOISE = 10  # decimals kept before a rulebook rounding (see module docstring)
_SIGNS = ("≥", "≤", "=", ">", "<", "＞", "＜", "＝", "≧", "≦")


class LibreOfficeMissingError(RuntimeError):
    """No ``soffice`` executable for recalculating a workbook."""


# --------------------------------------------------------------------------
# Formula pieces


def _rounded(x: str, r: Rounding) -> str:
    """``x`` rounded as the rulebook's ``Rounding`` does (non-negative values)."""
    p = r.places
    clean = f"ROUND({x},{ROUND_NOISE})"
    if r.mode == "half_up":
        return f"ROUND({clean},{p})"
    if r.mode == "down":
        return f"ROUNDDOWN({clean},{p})"
    # half_even: a tie (…5 exactly at the next place) goes to the even neighbour
    scaled = f"MOD(ROUND({x}*10^{p},{ROUND_NOISE}),2)"
    return (f"IF(ABS({scaled}-0.5)<1E-9,ROUNDDOWN({clean},{p}),"
            f"IF(ABS({scaled}-1.5)<1E-9,ROUNDUP({clean},{p}),ROUND({clean},{p})))")


def _number_in(ref: str) -> str:
    """The number at the start of a target/actual cell: ``≥95.00(%)`` → 95, ``2,060.00`` → 2060.

    The comparison sign, thousands separators and ``%`` (which Excel would read as /100)
    are removed; then the longest numeric prefix wins (LOOKUP of a huge number over the
    prefixes of length 1..20 returns the last one that is a number). Errors when none."""
    s = f"TRIM({ref})"
    for sign in (*_SIGNS, ",", "，"):
        s = f'SUBSTITUTE({s},"{sign}","")'
    s = f'SUBSTITUTE(SUBSTITUTE({s},"%","#"),"％","#")'
    prefixes = ",".join(str(i) for i in range(1, 21))
    return f"LOOKUP(9.9E+307,--LEFT({s},{{{prefixes}}}))"


def _met(cmp: str, t: str, a: str, two_sided: bool) -> str:
    if cmp == "≥":
        return f"{a}>={t}"
    if cmp == ">":
        return f"{a}>{t}"
    if cmp == "≤":
        return f"{a}<={t}"
    if cmp == "<":
        return f"{a}<{t}"
    # "=": met when equal if two-sided or the target is 0, else read as "≥" (engine._met)
    return f"{a}={t}" if two_sided else f"IF({t}=0,{a}={t},{a}>={t})"


def indicator_formula(cmp: str, target_ref: str, actual_ref: str, weight_ref: str, rb: Rulebook) -> str:
    """The score of a quantitative row, as ``quantitative_score`` computes it."""
    t, a, w = _number_in(target_ref), _number_in(actual_ref), weight_ref
    two_sided = cmp == "=" and rb.equal_positive == "two_sided"
    met = _met(cmp, t, a, two_sided)
    if cmp in ("≤", "<"):
        raw = f"{w}*{t}/{a}" if rb.reverse_formula == "ratio" else f"{w}*(2*{t}-{a})/{t}"
    elif two_sided:
        raw = f"{w}*({t}-ABS({a}-{t}))/{t}"
    else:
        raw = f"{w}*{a}/{t}"
    missed = f"IF({raw}>={w},{w},MAX(0,MIN({w},{_rounded(raw, rb.indicator_rounding)})))"
    zero = f"IF({met},{w},0)"
    return f'=IFERROR(IF({t}=0,{zero},IF({met},{w},{missed})),"")'


def _ok_funds(budget: str, executed: str) -> str:
    return f"AND(ISNUMBER({budget}),ISNUMBER({executed}),N({budget})>0)"


def rate_formula(budget: str, executed: str, rb: Rulebook, *, zero_budget: str = '"-"') -> str:
    return (f"=IF({_ok_funds(budget, executed)},{_rounded(f'{executed}/{budget}*100', rb.rate_rounding)},"
            f"{zero_budget})")


def score_formula(budget: str, executed: str, rate_ref: str, rb: Rulebook) -> str:
    w = _dec(rb.funds_weight)
    base = f"{executed}/{budget}" if rb.score_from == "ratio" else f"{rate_ref}/100"
    s = _rounded(f"{w}*{base}", rb.score_rounding)
    if rb.funds_cap_at_weight:
        s = f"MIN({w},{s})"
    return f'=IF({_ok_funds(budget, executed)},MAX(0,{s}),"-")'


def total_formula(funds_score: str, scores: Sequence[str], rate_ref: str, rb: Rulebook) -> str:
    parts = [f"N({funds_score})"] + [f"N({ref})" for ref in scores]
    s = _rounded("+".join(parts), rb.total_rounding)
    if rb.caps_enabled and rb.caps:
        caps = ",".join(f"IF(AND(ISNUMBER({rate_ref}),{rate_ref}<{_dec(c.below)}),{_dec(c.max_total)},9E+99)"
                        for c in rb.caps)
        s = f"MIN({s},{caps})"
    return f"={s}"


def grade_formula(total_ref: str, rb: Rulebook) -> str:
    expr = '""'
    for band in reversed(rb.grades):  # best first in the rulebook: nest from the worst
        expr = f'IF({total_ref}>={_dec(band.min)},"{band.grade}",{expr})'
    return f'=IF(ISNUMBER({total_ref}),{expr},"")'


def _dec(d: Decimal) -> str:
    s = format(d, "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


# --------------------------------------------------------------------------
# The sheet


def _ref(p: Placed) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(p.col + 1)}{p.row + 1}"


def _formulas(layout: Layout, rb: Rulebook) -> dict[str, str]:
    """Field path -> formula, for the computed cells the engine can compute."""
    from ..scoring import score_form

    form = layout.form
    pos = {f: _ref(p) for f, p in layout.field_positions().items()}
    res = score_form(form, rb)
    out: dict[str, str] = {}
    budget_field = "adjusted_budget" if rb.budget_base == "adjusted" else "initial_budget"
    budget, executed = pos["funds." + budget_field], pos["funds.executed"]
    funds_ok = res.funds.score is not None
    if funds_ok:
        out["funds.rate"] = rate_formula(budget, executed, rb)
        out["funds.score"] = score_formula(budget, executed, pos["funds.rate"], rb)
    for k, fr in enumerate(form.funds.rows):
        if fr.rate is not None:
            p = f"funds.rows[{k}]"
            out[f"{p}.rate"] = rate_formula(pos[f"{p}.{budget_field}"], pos[f"{p}.executed"], rb,
                                            zero_budget="0")
    scores = []
    for i, d in enumerate(res.indicators):
        p = f"indicators[{i}]"
        scores.append(pos[f"{p}.score"])
        if d.rule in FORMULA_RULES and d.comparison:
            out[f"{p}.score"] = indicator_formula(d.comparison, pos[f"{p}.target"], pos[f"{p}.actual"],
                                                  pos[f"{p}.weight"], rb)
    all_parts = funds_ok and all(d.score is not None or d.reported is not None for d in res.indicators)
    if all_parts:
        out["total"] = total_formula(pos["funds.score"], scores, pos["funds.rate"], rb)
        if rb.grades_enabled:
            out["grade"] = grade_formula(pos["total"], rb)
    return out


def _lines(text: str, width: float) -> int:
    """Printed lines of ``text`` in a cell ``width`` characters wide (CJK counts 2)."""
    n = 0
    for para in text.split("\n") or [""]:
        w = sum(2 if ord(ch) > 0x2E7F else 1 for ch in para)
        n += max(1, -(-int(w * 1.05) // max(1, int(width))))
    return n


def add_form_sheet(wb: Any, form: Form, rb: Rulebook, title: str = "自评表") -> Any:
    """Add one form as a protected, fillable sheet to the openpyxl workbook ``wb``."""
    from openpyxl.styles import Alignment, Border, Font, Protection, Side
    from openpyxl.utils import get_column_letter

    layout = form_layout(form, rb)
    ws = wb.create_sheet(title)
    formulas = _formulas(layout, rb)
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    body = Font(name=FONT_NAME, size=10)
    bold = Font(name=FONT_NAME, size=10, bold=True)
    unlocked = Protection(locked=False)

    for c, w in enumerate(COLUMN_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(c)].width = w
    heights: dict[int, float] = {}
    for p in layout.placed():
        cell: Cell = p.cell
        xc = ws.cell(row=p.row + 1, column=p.col + 1)
        formula = formulas.get(cell.field or "")
        if formula is not None:
            if "LOOKUP(" in formula:  # array constants in LEFT(): an array formula for every program
                from openpyxl.worksheet.formula import ArrayFormula

                xc.value = ArrayFormula(xc.coordinate, formula)
            else:
                xc.value = formula
        elif cell.kind in ("number", "percent") and cell.value is not None:
            xc.value = float(cell.value)
        else:
            xc.value = cell.text
            if cell.text.startswith("="):
                xc.data_type = "s"  # "=30.00(人)" is text, not a formula
        if cell.kind in ("number", "percent"):
            xc.number_format = AMOUNT_FORMAT
        long = cell.kind == "long_text"
        xc.alignment = Alignment(horizontal="justify" if long else "center",
                                 vertical="top" if long else "center", wrap_text=True)
        if cell.kind == "title":
            xc.font = Font(name=FONT_NAME, size=16, bold=True)
        elif cell.kind == "subtitle":
            xc.font = Font(name=FONT_NAME, size=11)
        else:
            xc.font = bold if cell.kind == "heading" else body
        editable = cell.role == "input" or (cell.role == "computed" and formula is None)
        if editable:
            xc.protection = unlocked
        if cell.field and cell.field.endswith(".score") and cell.role == "input" and cell.field.startswith("ind"):
            weight_ref = xc.coordinate.replace(get_column_letter(p.col + 1), get_column_letter(p.col), 1)
            _add_validation(ws, xc.coordinate, weight_ref)
        if cell.kind not in ("title", "subtitle"):
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    ws.cell(row=p.row + 1 + dr, column=p.col + 1 + dc).border = box
        if cell.rowspan > 1 or cell.colspan > 1:
            ws.merge_cells(start_row=p.row + 1, start_column=p.col + 1,
                           end_row=p.row + cell.rowspan, end_column=p.col + cell.colspan)
        width = sum(COLUMN_WIDTHS[p.col:p.col + cell.colspan])
        lines = _lines(cell.text, width) / cell.rowspan
        size = 16 if cell.kind == "title" else 10
        h = max(LINE_HEIGHT * size / 10, lines * LINE_HEIGHT + 4)
        heights[p.row + 1] = max(heights.get(p.row + 1, 0), h)
    for r, h in heights.items():
        ws.row_dimensions[r].height = round(h, 1)

    ws.protection.sheet = True
    ws.protection.formatRows = False  # a unit may resize rows and columns for long text
    ws.protection.formatColumns = False
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_area = f"A1:{get_column_letter(N_COLS)}{len(layout.rows)}"
    return ws


def _add_validation(ws: Any, coord: str, weight_ref: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="decimal", operator="between", formula1="0", formula2=weight_ref,
                        allow_blank=True, showErrorMessage=True, errorTitle="得分超出范围",
                        error="定性指标得分应在 0 与本行分值之间。")
    dv.add(coord)
    ws.add_data_validation(dv)


def _sheet_title(i: int, form: Form) -> str:
    name = "".join(ch for ch in form.project_name if ch not in '[]:*?/\\')
    return f"{i + 1:02d} {name}"[:31].strip() or f"表{i + 1}"


def form_workbook(forms: Iterable[Form], rulebook: Rulebook | None = None) -> Any:
    """An openpyxl workbook with one sheet per form."""
    import openpyxl

    rb = rulebook or load_rulebook("national")
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    forms = list(forms)
    for i, form in enumerate(forms):
        add_form_sheet(wb, form, rb, "自评表" if len(forms) == 1 else _sheet_title(i, form))
    return wb


def write_form_xlsx(form: Form, path: str | Path, rulebook: Rulebook | None = None) -> Path:
    """Write one form as a fillable workbook (see the module docstring)."""
    return write_forms_xlsx([form], path, rulebook)


def write_forms_xlsx(forms: Iterable[Form], path: str | Path, rulebook: Rulebook | None = None) -> Path:
    """Write several forms, one sheet each."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    form_workbook(forms, rulebook).save(out)
    return out


# --------------------------------------------------------------------------
# Recalculation by LibreOffice


def find_soffice() -> Path:
    """Path of LibreOffice's ``soffice``; raises ``LibreOfficeMissingError`` when there is none."""
    env = os.environ.get("JIXIAO_SOFFICE")
    found = env or shutil.which("soffice") or shutil.which("libreoffice")
    if not found or not Path(found).exists():
        raise LibreOfficeMissingError(
            "未找到 LibreOffice（soffice），无法重新计算工作簿中的公式。请安装系统软件包"
            "（Debian/Ubuntu：apt-get install libreoffice-calc-nogui），或用环境变量 JIXIAO_SOFFICE 指定路径。"
        )
    return Path(found)


def recalculate(paths: Sequence[str | Path], out_dir: str | Path, *, timeout: float = 300) -> list[Path]:
    """Open each workbook in LibreOffice headless and save it to ``out_dir`` (same name):
    the saved files hold the formulas *and* their computed values. One LibreOffice run
    for all files, with a private profile (safe beside other LibreOffice runs)."""
    soffice = find_soffice()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-lo-") as profile:
        cmd = [str(soffice), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out),
               *[str(Path(p).resolve()) for p in paths]]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    results = [out / Path(p).name for p in paths]
    missing = [r for r in results if not r.exists()]
    if proc.returncode != 0 or missing:
        raise RuntimeError(f"LibreOffice 重新计算失败（退出码 {proc.returncode}）：{proc.stderr.strip()[:500]}")
    return results
