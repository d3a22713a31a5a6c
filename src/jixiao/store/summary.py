"""The dashboard's summary tables (``dash_forms``, ``dash_findings``) and the data version.

Every write that adds, changes or removes forms or findings calls :func:`apply` in the
same transaction: ``+1`` for the rows written, ``-1`` for the rows they replace. The
dashboard then sums a few thousand summary rows instead of every form and finding in
scope (issue 6: a cold dashboard at 100,000 forms took 0.35-0.8 s). The upsert adds to
the stored counts (``n = n + excluded.n``), so concurrent writers do not lose each
other's counts on PostgreSQL, and SQLite serialises writers anyway.

Each row is counted twice: under its unit, and under ``unit = '*'`` (:data:`ALL_UNITS`),
the rollup of its (year, department). At 100,000 forms in 900 units x 7 years the unit-level
tables hold ~40k and ~160k rows; a dashboard without a unit filter (finance, a department)
reads the rollups: a few thousand rows.

Keys use sentinels instead of NULL (a NULL never equals another in a primary key):
year 0, grade '', whole points -1. Money is summed as integers in 1/10000 of 万元 and
totals in 1/10000 point, exact on both backends.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session as DbSession

from .models import DashFindings, DashForms, Meta

FORM_KEY = ("year", "department", "unit", "grade_reported", "grade_recomputed", "rep_pt", "rec_pt")
FORM_SUMS = ("n", "n_errors", "n_incomplete", "n_low", "n_rate", "n_both", "n_rep", "n_rec",
             "s_initial", "s_budget", "s_executed", "s_rep", "s_rec")
FINDING_KEY = ("year", "department", "unit", "code", "severity_rank")
CHUNK = 500
ALL_UNITS = "*"  # the rollup row of a (year, department): what the dashboard reads without a unit


def e4(v: Any) -> int:
    """A Decimal amount (万元, or points) as an integer count of 1/10000."""
    return 0 if v is None else int((Decimal(v) * 10000).to_integral_value())


def point(v: Any) -> int:
    return -1 if v is None else int(Decimal(v))  # totals are >= 0: truncation is the floor


def form_cells(row: Any) -> tuple[tuple, list[int]]:
    """(key, sums) of one form row (a ``FormRow`` or a dict of its columns)."""
    g = row.get if isinstance(row, dict) else (lambda k: getattr(row, k))
    both = g("budget_wan") is not None and g("executed_wan") is not None
    rep, rec = g("total_reported"), g("total_recomputed")
    key = (g("year") or 0, g("department") or "", g("unit") or "", g("grade_reported") or "",
           g("grade_recomputed") or "", point(rep), point(rec))
    sums = [1, int(bool(g("has_errors"))), int(not g("complete")), int(g("confidence") == "low"),
            int(g("rate") is not None), int(both), int(rep is not None), int(rec is not None),
            e4(g("initial_wan")) if both else 0, e4(g("budget_wan")) if both else 0,
            e4(g("executed_wan")) if both else 0, e4(rep), e4(rec)]
    return key, sums


def finding_cell(row: Any) -> tuple | None:
    """The key of one finding (None when it is dismissed: not counted)."""
    g = row.get if isinstance(row, dict) else (lambda k: getattr(row, k))
    if g("suppressed"):
        return None
    return (g("year") or 0, g("department") or "", g("unit") or "", g("code"), g("severity_rank"))


def _insert(session: Any):
    dialect = session.get_bind().dialect if hasattr(session, "get_bind") else session.dialect  # Session or Connection
    if dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def apply(session: DbSession, forms: Iterable[Any] = (), findings: Iterable[Any] = (), sign: int = 1) -> None:
    """Add (``sign=1``) or take away (``-1``) these rows' contributions, and bump the data
    version. Call inside the transaction that writes (or deletes) the rows."""
    cells: dict[tuple, list[int]] = {}
    for r in forms:
        key, sums = form_cells(r)
        for k in (key, key[:2] + (ALL_UNITS,) + key[3:]):  # the unit's row and its department's rollup
            acc = cells.get(k)
            if acc is None:
                cells[k] = [sign * x for x in sums]
            else:
                for i, x in enumerate(sums):
                    acc[i] += sign * x
    counts: dict[tuple, int] = {}
    for r in findings:
        key = finding_cell(r)
        if key is not None:
            for k in (key, key[:2] + (ALL_UNITS,) + key[3:]):
                counts[k] = counts.get(k, 0) + sign
    insert = _insert(session)
    form_rows = [dict(zip(FORM_KEY + FORM_SUMS, k + tuple(v))) for k, v in cells.items()]
    for i in range(0, len(form_rows), CHUNK):  # SQLite allows 32,766 bound values per statement
        stmt = insert(DashForms).values(form_rows[i:i + CHUNK])
        session.execute(stmt.on_conflict_do_update(
            index_elements=list(FORM_KEY),
            set_={c: getattr(DashForms, c) + getattr(stmt.excluded, c) for c in FORM_SUMS}))
    finding_rows = [dict(zip(FINDING_KEY + ("n",), k + (v,))) for k, v in counts.items()]
    for i in range(0, len(finding_rows), CHUNK):
        stmt = insert(DashFindings).values(finding_rows[i:i + CHUNK])
        session.execute(stmt.on_conflict_do_update(index_elements=list(FINDING_KEY),
                                                   set_={"n": DashFindings.n + stmt.excluded.n}))
    if sign < 0:  # rows that count nothing any more would show as zero grades or codes
        if cells:
            session.execute(delete(DashForms).where(DashForms.n <= 0))
        if counts:
            session.execute(delete(DashFindings).where(DashFindings.n <= 0))
    bump(session)


def bump(session: Any) -> None:
    """Advance the data version (cached dashboards and options of every process expire)."""
    session.execute(update(Meta).where(Meta.key == "data_version").values(value=Meta.value + 1))


def data_version(session: DbSession) -> int:
    return session.scalar(select(Meta.value).where(Meta.key == "data_version")) or 0


__all__ = ["apply", "bump", "data_version", "e4", "form_cells", "finding_cell"]
