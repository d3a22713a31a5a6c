"""The query API the web layer calls. The role scope lives in :func:`scope_clause`:

- 填报单位 (``unit``): the forms of its own unit (and department, when the user has one);
- 主管部门 (``department``): every unit of its department;
- 财政 (``finance``) and ``admin``: everything.

Every query on forms or findings goes through it, so a route cannot forget it.
"""

from __future__ import annotations

import hashlib
import secrets
import tempfile
import threading
from collections import Counter, OrderedDict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, false, func, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession, selectinload

from ..model import Form
from . import summary
from .db import open_database
from .editing import EditingMixin
from .keys import department_key, project_key, unit_key
from .models import (
    ROLES, SEVERITY_RANK, AuditEntry, DashFindings, DashForms, FindingRow, FormData, FormRow, IndicatorRow, ReviewDecision, Session, StoredFile,
    User, utcnow,
)
from .passwords import hash_password, verify_password
from .sniff import SUFFIX, UnsupportedContent, sniff_kind

UNIT_TO_WAN = {"万元": Decimal(1), "元": Decimal("0.0001"), "千元": Decimal("0.1"), "亿元": Decimal(10000)}
SESSION_HOURS = 12
PAGE_SIZES = (20, 50, 100, 200)


class StoreError(ValueError):
    """A request the store refuses (Chinese message)."""


class UploadTooLarge(StoreError):
    pass


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 20 * 1024 * 1024  # one uploaded file
    max_files: int = 50  # files in one request

    @property
    def max_request_bytes(self) -> int:
        return self.max_file_bytes * self.max_files + 1024 * 1024


@dataclass
class FileResult:
    """What became of one uploaded file (shown per file on the upload page)."""

    filename: str
    status: str  # read, duplicate, not_project_form, unreadable, rejected, too_large
    message: str = ""
    kind: str | None = None
    sha256: str | None = None
    size: int = 0
    file_id: int | None = None
    n_forms: int = 0
    n_skipped: int = 0
    n_warnings: int = 0
    n_findings: int = 0
    form_ids: list[int] = field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Filters:
    year: int | None = None
    department: str | None = None
    unit: str | None = None
    grade: str | None = None
    has_errors: bool | None = None
    code: str | None = None
    severity: str | None = None
    category: str | None = None
    q: str | None = None
    form_id: int | None = None
    status: str | None = None  # workflow status of the form (editing.STATUS_ZH)

    def active(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


def scope_clause(user: User, dept_col: Any, unit_col: Any) -> ColumnElement[bool]:
    """The rows ``user`` may see, for a table with department and unit columns."""
    if not user.active or user.role not in ROLES:
        return false()
    if user.role in ("finance", "admin"):
        return true()
    if user.role == "department":
        return dept_col == department_key(user.department) if user.department else false()
    if not user.unit:
        return false()
    cond = unit_col == unit_key(user.unit)
    return and_(cond, dept_col == department_key(user.department)) if user.department else cond


def in_scope(user: User, department: str, unit: str) -> bool:
    """:func:`scope_clause` for values in Python (forms being uploaded)."""
    if not user.active or user.role not in ROLES:
        return False
    if user.role in ("finance", "admin"):
        return True
    if user.role == "department":
        return bool(user.department) and department_key(department) == department_key(user.department)
    if not user.unit or unit_key(unit) != unit_key(user.unit):
        return False
    return not user.department or department_key(department) == department_key(user.department)


def _q(d: Decimal | None, places: str = "0.0001") -> Decimal | None:
    return None if d is None else Decimal(d).quantize(Decimal(places))


def _add(a: Any, b: Any) -> Any:
    """Sum of two partial sums, either may be None (SQL SUM of no rows)."""
    if b is None:
        return a
    return b if a is None else a + b


def _wan(unit: str, v: Decimal | None) -> Decimal | None:
    k = UNIT_TO_WAN.get(unit)
    return None if k is None or v is None else _q(v * k)


def _adjust(unit: str, funds: Any) -> Decimal | None:
    """|全年预算数 − 年初预算数| in 万元 (None without an adjusted budget)."""
    b = _wan(unit, funds.adjusted_budget)
    return None if b is None else abs(b - (_wan(unit, funds.initial_budget) or Decimal(0)))


def review_rows(forms: list[tuple[int, Form]], review: Any
                ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows of one reviewed file, as column dicts: forms (without ``id``/``file_id``; the
    form's JSON under ``data``, stored in ``form_data``), indicator rows and findings with
    ``form_pos`` (position in the forms list; ``None`` for a finding on the whole batch). The one place that maps a review to rows
    (:meth:`Store.add_file` and :meth:`Store.bulk_load` both use it)."""
    rows: list[dict[str, Any]] = []
    for (i, form), rec in zip(forms, review.forms):
        fu = form.funds_unit
        rate = rec.rate_recomputed if rec.rate_recomputed is not None else rec.rate_reported
        rows.append(dict(
            index_in_file=i, data=form.to_json_dict(), rulebook=review.rulebook,
            year=form.year, department=department_key(form.department), unit=unit_key(form.implementing_unit),
            project_name=form.project_name[:500], project_key=project_key(form.project_name, form.implementing_unit),
            funds_unit=fu[:8], initial_budget=_q(form.funds.initial_budget),
            adjusted_budget=_q(form.funds.adjusted_budget), executed=_q(form.funds.executed),
            budget_wan=_wan(fu, form.funds.adjusted_budget), initial_wan=_wan(fu, form.funds.initial_budget),
            executed_wan=_wan(fu, form.funds.executed), adjust_wan=_adjust(fu, form.funds), rate=_q(rate), rate_reported=_q(rec.rate_reported),
            rate_recomputed=_q(rec.rate_recomputed), budget_score_reported=_q(rec.budget_score_reported),
            budget_score_recomputed=_q(rec.budget_score_recomputed), total_reported=_q(rec.total_reported),
            total_recomputed=_q(rec.total_recomputed), grade_reported=rec.grade_reported,
            grade_recomputed=rec.grade_recomputed,
            confidence=form.confidence.level if form.confidence is not None else None,
            complete=form.complete, has_errors=rec.findings.get("error", 0) > 0,
            n_errors=rec.findings.get("error", 0), n_warnings=rec.findings.get("warning", 0),
            n_infos=rec.findings.get("info", 0), n_indicators=len(form.indicators)))
    indicators = [dict(form_pos=r["form_index"], row=r["row"] - 1, level1=r["level1"], level2=r["level2"],
                       name=r["name"], target=r["target"], actual=r["actual"], weight=_q(r["weight"]),
                       score=_q(r["score"]), recomputed=_q(r["recomputed"]), rule=r["rule"] or "",
                       deviation=r["deviation"])
                  for r in review.indicator_rows or ()]
    depts = {r["department"] for r in rows}
    units = {r["unit"] for r in rows}
    years = {r["year"] for r in rows}
    findings = []
    for f in review.findings:
        d = f.to_json_dict()
        owner = rows[f.form_index] if f.form_index is not None else None
        findings.append(dict(
            form_pos=f.form_index, code=f.code, name=f.name, severity=f.severity,
            severity_rank=SEVERITY_RANK.get(f.severity, 3), category=f.category, field=f.field[:128],
            message=f.message, hint=f.hint,
            project_name=f.project_name[:500], location=d["location"], evidence=d["evidence"],
            year=owner["year"] if owner else (next(iter(years)) if len(years) == 1 else None),
            department=owner["department"] if owner else (next(iter(depts)) if len(depts) == 1 else ""),
            unit=owner["unit"] if owner else (next(iter(units)) if len(units) == 1 else "")))
    return rows, indicators, findings


def _indicator_ids(d: dict[str, Any], first_form: int) -> dict[str, Any]:
    pos = d.pop("form_pos")
    return {**d, "form_id": first_form + pos}


def _finding_ids(d: dict[str, Any], file_id: int, first_form: int) -> dict[str, Any]:
    pos = d.pop("form_pos")
    return {**d, "file_id": file_id, "form_id": None if pos is None else first_form + pos}


class Store(EditingMixin):
    def __init__(self, url: str, *, rulebook: str = "national", limits: Limits | None = None):
        from ..scoring import load_rulebook

        self.url = url
        self.engine, self.Session = open_database(url)
        self.rulebook_name = rulebook
        self.rulebook = load_rulebook(rulebook)
        self.limits = limits or Limits()
        self._results: OrderedDict[tuple, tuple[int, Any]] = OrderedDict()  # see _cached
        self._cache_lock = threading.Lock()

    def close(self) -> None:
        self.engine.dispose()

    # ---- users -------------------------------------------------------------------------------

    def add_user(self, username: str, password: str, role: str, *, unit: str = "", department: str = "",
                 display_name: str = "", actor: str = "cli") -> User:
        username = username.strip()
        if not username or len(username) > 64:
            raise StoreError("用户名不能为空，且不超过 64 个字符")
        if role not in ROLES:
            raise StoreError(f"角色必须是 {', '.join(ROLES)} 之一")
        if len(password) < 8:
            raise StoreError("密码至少 8 个字符")
        if role == "unit" and not unit.strip():
            raise StoreError("填报单位用户必须给出实施单位（--unit）")
        if role == "department" and not department.strip():
            raise StoreError("主管部门用户必须给出主管部门（--department）")
        user = User(username=username, password_hash=hash_password(password), role=role,
                    unit=unit_key(unit), department=department_key(department),
                    display_name=display_name or username, active=True)
        with self.Session() as s:
            s.add(user)
            try:
                s.flush()
            except IntegrityError:
                raise StoreError(f"用户 {username} 已存在") from None
            s.add(AuditEntry(username=actor, action="user_add", target=username, detail={"role": role}))
            s.commit()
        return user

    def list_users(self) -> list[User]:
        with self.Session() as s:
            return list(s.scalars(select(User).order_by(User.id)))

    def get_user(self, username: str) -> User | None:
        with self.Session() as s:
            return s.scalar(select(User).where(User.username == username))

    def set_active(self, username: str, active: bool, *, actor: str = "cli") -> None:
        with self.Session() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is None:
                raise StoreError(f"没有用户 {username}")
            user.active = active
            if not active:
                s.execute(delete(Session).where(Session.user_id == user.id))
            s.add(AuditEntry(username=actor, action="user_enable" if active else "user_disable", target=username))
            s.commit()

    def authenticate(self, username: str, password: str, *, ip: str = "") -> User | None:
        with self.Session() as s:
            user = s.scalar(select(User).where(User.username == username))
            ok = verify_password(user.password_hash if user else None, password)
            ok = ok and user is not None and user.active
            s.add(AuditEntry(user_id=user.id if user else None, username=username[:64],
                             action="login" if ok else "login_failed", ip=ip))
            s.commit()
            return user if ok else None

    # ---- sessions ----------------------------------------------------------------------------

    @staticmethod
    def _token_hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def create_session(self, user: User) -> tuple[str, str]:
        """A new login: (cookie token, CSRF token)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self.Session() as s:
            s.add(Session(token_hash=self._token_hash(token), user_id=user.id, csrf_token=csrf,
                          expires_at=utcnow() + timedelta(hours=SESSION_HOURS)))
            s.execute(delete(Session).where(Session.expires_at < utcnow()))
            s.commit()
        return token, csrf

    def session_user(self, token: str | None) -> tuple[User, str] | None:
        """(user, CSRF token) of a live session, else None."""
        if not token or len(token) > 128:
            return None
        with self.Session() as s:
            row = s.get(Session, self._token_hash(token))
            if row is None:
                return None
            expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=timezone.utc)
            user = s.get(User, row.user_id)
            if expires < utcnow() or user is None or not user.active:
                return None
            return user, row.csrf_token

    def end_session(self, token: str | None) -> None:
        if token:
            with self.Session() as s:
                s.execute(delete(Session).where(Session.token_hash == self._token_hash(token)))
                s.commit()

    # ---- audit -------------------------------------------------------------------------------

    def audit(self, user: User | None, action: str, target: str = "", detail: dict | None = None,
              ip: str = "") -> None:
        with self.Session() as s:
            s.add(AuditEntry(user_id=user.id if user else None, username=user.username if user else "",
                             action=action, target=target[:255], detail=detail or {}, ip=ip[:64]))
            s.commit()

    def audit_log(self, limit: int = 200) -> list[AuditEntry]:
        with self.Session() as s:
            return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))

    # ---- upload ------------------------------------------------------------------------------

    def add_file(self, data: bytes, filename: str, user: User) -> FileResult:
        """Store one uploaded file, read it with :func:`jixiao.ingest.read_forms`, review its forms
        (one batch per file) and keep forms, indicator rows and findings. The same bytes uploaded
        again are not stored twice."""
        from ..checks import ReviewConfig, Reviewer
        from ..ingest import NotProjectFormError, ReadError, read_forms

        name = _display_name(filename)
        res = FileResult(filename=name, status="read", size=len(data))
        if len(data) > self.limits.max_file_bytes:
            res.status = "too_large"
            res.message = (f"文件过大（{len(data) / 1048576:.1f} MB），超过单个文件上限 "
                           f"{self.limits.max_file_bytes / 1048576:.0f} MB，未保存")
            return res
        res.sha256 = sha = hashlib.sha256(data).hexdigest()
        with self.Session() as s:
            old = s.scalar(select(StoredFile).where(StoredFile.sha256 == sha))
            if old is not None and old.n_skipped == 0:
                return self._duplicate(s, old, res, user)
            old_id = old.id if old is not None else None
            stored = set(s.scalars(select(FormRow.index_in_file).where(FormRow.file_id == old_id))) if old else set()
        try:
            res.kind = kind = sniff_kind(data, name)
        except UnsupportedContent as exc:
            res.status, res.message = "rejected", f"{exc}，未保存"
            return res
        forms: list[Form] = []
        status, error_kind, message = "read", None, ""
        with tempfile.TemporaryDirectory(prefix="jixiao-upload-") as tmp:
            path = Path(tmp) / f"upload{SUFFIX[kind]}"  # never the uploaded name
            path.write_bytes(data)
            try:
                for form in read_forms(path, max_bytes=self.limits.max_file_bytes):
                    forms.append(form.model_copy(update={"source": form.source.model_copy(update={"file": name})}))
            except NotProjectFormError as exc:
                status, error_kind, message = "not_project_form", exc.kind, exc.reason
            except ReadError as exc:
                status, error_kind, message = "unreadable", exc.kind, exc.reason
            except Exception as exc:  # a reader bug: say so for this file, keep the server up
                status, error_kind = "unreadable", "reader_bug"
                message = f"读取时发生程序错误（{type(exc).__name__}），请报告此问题"
        if status == "read" and not forms:
            status, error_kind, message = "unreadable", "no_form", "文件中没有找到项目支出绩效自评表"
        # Forms outside the uploader's scope are not stored; a later upload of the same file by
        # someone whose scope covers them adds them to the same file row.
        kept = [(i, f) for i, f in enumerate(forms)
                if i not in stored and in_scope(user, f.department, f.implementing_unit)]
        skipped = sum(1 for i, f in enumerate(forms) if i not in stored) - len(kept)
        if old_id is not None and not kept:
            with self.Session() as s:
                return self._duplicate(s, s.get(StoredFile, old_id), res, user)
        res.n_skipped = skipped
        rb = self.rulebook
        reviewer = Reviewer(rb, ReviewConfig.build(rb), keep_indicator_rows=True)
        for _, f in kept:
            reviewer.add(f)
        review = reviewer.finish()
        with self.Session() as s:
            if old_id is not None:
                row = s.get(StoredFile, old_id)
                row.n_forms += len(kept)
                row.n_skipped = skipped
            else:
                row = StoredFile(sha256=sha, size=len(data), kind=kind, filename=name, content=data,
                                 uploader_id=user.id, status=status, error_kind=error_kind, message=message,
                                 rulebook=rb.name, n_forms=len(kept), n_skipped=skipped)
                s.add(row)
            try:
                s.flush()
            except IntegrityError:  # the same file uploaded at the same moment by someone else
                s.rollback()
                old = s.scalar(select(StoredFile).where(StoredFile.sha256 == sha))
                return self._duplicate(s, old, res, user)
            # a 填报单位's own upload is its filling, to check and submit: a draft (docs/editor.md)
            ids = [r.id for r in self._store_review(s, row, kept, review,
                                                    status="draft" if user.role == "unit" else "submitted")]
            s.add(AuditEntry(user_id=user.id, username=user.username, action="upload", target=name[:255],
                             detail={"file_id": row.id, "sha256": sha, "status": status, "forms": len(kept),
                                     "skipped": skipped, "added_to_existing": old_id is not None}))
            s.commit()
            res.file_id = row.id
        res.status, res.message = status, message
        res.n_forms, res.form_ids = len(kept), ids
        res.n_warnings = sum(len(f.warnings) for _, f in kept)
        res.n_findings = len(review.findings)
        if skipped:
            res.message = (res.message + "；" if res.message else "") + f"{skipped} 张表不属于您的单位或部门，未保存"
        return res

    def _duplicate(self, s: DbSession, old: StoredFile, res: FileResult, user: User) -> FileResult:
        res.status, res.file_id, res.kind = "duplicate", old.id, old.kind
        ids = list(s.scalars(select(FormRow.id).where(FormRow.file_id == old.id,
                                                      scope_clause(user, FormRow.department, FormRow.unit))
                             .order_by(FormRow.index_in_file)))
        res.form_ids, res.n_forms = ids, len(ids)
        res.message = f"同一文件已于 {old.uploaded_at:%Y-%m-%d %H:%M} 上传过，未重复保存"
        if old.status != "read":
            res.message += f"（当时的结果：{old.message}）"
        return res

    def _store_review(self, s: DbSession, file: StoredFile, forms: list[tuple[int, Form]], review: Any,
                      *, status: str = "submitted", origin: str = "upload") -> list[FormRow]:
        form_rows, indicators, findings = review_rows(forms, review)
        now = utcnow()
        rows = [FormRow(file_id=file.id, payload=FormData(data=d.pop("data")), status=status, origin=origin,
                        version=1, updated_at=now, **d) for d in form_rows]
        s.add_all(rows)
        s.flush()
        for d in indicators:
            s.add(IndicatorRow(form_id=rows[d.pop("form_pos")].id, **d))
        for d in findings:
            pos = d.pop("form_pos")
            s.add(FindingRow(form_id=rows[pos].id if pos is not None else None, file_id=file.id, **d))
        summary.apply(s, form_rows, findings)
        return rows

    def bulk_load(self, file: dict[str, Any], forms: list[tuple[int, Form]], review: Any,
                  ids: dict[str, int]) -> int:
        """Insert one reviewed file the way :meth:`add_file` does (the same rows, from
        :func:`review_rows`), as a few multi-row INSERTs with ids chosen by the caller
        (``ids``: the next free id per table, advanced here). For loading many forms at
        once (the benchmark); the caller resets PostgreSQL's sequences afterwards
        (:meth:`reset_sequences`). Returns the file id."""
        from sqlalchemy import insert

        form_rows, indicators, findings = review_rows(forms, review)
        fid = ids["files"]
        ids["files"] += 1
        first = ids["forms"]
        ids["forms"] += len(form_rows)
        with self.engine.begin() as c:
            c.execute(insert(StoredFile), [{"id": fid, "uploaded_at": utcnow(), **file}])
            data = [d.pop("data") for d in form_rows]
            c.execute(insert(FormRow), [{"id": first + k, "file_id": fid, "created_at": utcnow(), **d}
                                        for k, d in enumerate(form_rows)])
            c.execute(insert(FormData), [{"form_id": first + k, "data": x} for k, x in enumerate(data)])
            if indicators:
                c.execute(insert(IndicatorRow), [_indicator_ids(d, first) for d in indicators])
            if findings:
                c.execute(insert(FindingRow), [_finding_ids(d, fid, first) for d in findings])
            summary.apply(c, form_rows, findings)
        return fid

    def reset_sequences(self) -> None:
        """After :meth:`bulk_load` on PostgreSQL: move the id sequences past the loaded ids."""
        if self.engine.dialect.name != "postgresql":
            return
        from sqlalchemy import text

        with self.engine.begin() as c:
            for table in ("files", "forms", "indicator_rows", "findings"):
                c.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))

    # ---- queries (all scoped) ----------------------------------------------------------------

    @staticmethod
    def _scoped(user: User, f: Filters, t: Any) -> list[ColumnElement[bool]]:
        """The user's scope and the year/department/unit filters on a table with those
        columns (forms, findings, the summary tables)."""
        w: list[ColumnElement[bool]] = [scope_clause(user, t.department, t.unit)]
        if f.year is not None:
            w.append(t.year == f.year)
        if f.department:
            w.append(t.department == department_key(f.department))
        if f.unit:
            w.append(t.unit == unit_key(f.unit))
        return w

    def _forms_where(self, user: User, f: Filters) -> list[ColumnElement[bool]]:
        w = self._scoped(user, f, FormRow)
        if f.grade:
            w.append(FormRow.grade_reported == f.grade)
        if f.has_errors is not None:
            w.append(FormRow.has_errors == f.has_errors)
        if f.status:
            w.append(FormRow.status == f.status)
        if f.q:
            w.append(FormRow.project_name.contains(f.q, autoescape=True))
        if f.code:
            w.append(select(FindingRow.id).where(FindingRow.form_id == FormRow.id,
                                                  FindingRow.code == f.code.upper()).exists())
        return w

    def _findings_where(self, user: User, f: Filters) -> list[ColumnElement[bool]]:
        w = self._scoped(user, f, FindingRow)
        if f.code:
            w.append(FindingRow.code == f.code.upper())
        if f.severity:  # on the rank: the indexes end in (severity_rank, code)
            w.append(FindingRow.severity_rank == SEVERITY_RANK.get(f.severity, -1))
        if f.category:
            w.append(FindingRow.category == f.category)
        if f.form_id is not None:
            w.append(FindingRow.form_id == f.form_id)
        if f.q:
            w.append(FindingRow.project_name.contains(f.q, autoescape=True))
        return w

    def _cached(self, kind: str, user: User, key: tuple, compute: Any) -> Any:
        """``compute()`` for this user's scope and ``key``, kept in this process until
        :meth:`data_version` changes (another process's upload changes it too)."""
        full = (kind, user.role, user.unit, user.department, user.active, *key)
        version = self.data_version()
        with self._cache_lock:
            hit = self._results.get(full)
            if hit is not None and hit[0] == version:
                self._results.move_to_end(full)
                return hit[1]
        result = compute()
        with self._cache_lock:
            self._results[full] = (version, result)
            while len(self._results) > 512:
                self._results.popitem(last=False)
        return result

    def filter_options(self, user: User) -> dict[str, list]:
        """Years, departments, units, grades and codes the user can filter on: read from the
        dashboard's summary tables (a few thousand rows, not a million findings) and cached
        like the dashboard."""
        return self._cached("options", user, (), lambda: self._filter_options(user))

    def _filter_options(self, user: User) -> dict[str, list]:
        D, F = DashForms, DashFindings
        sc = scope_clause(user, D.department, D.unit)
        roll = D.unit == summary.ALL_UNITS if user.role != "unit" else true()  # see _dashboard
        froll = F.unit == summary.ALL_UNITS if user.role != "unit" else true()
        with self.Session() as s:
            def distinct(col: Any, *where: Any) -> list:
                return list(s.scalars(select(col).where(*where).distinct()))

            return {
                "years": sorted((y for y in distinct(D.year, sc, roll) if y), reverse=True),
                "departments": sorted(d for d in distinct(D.department, sc, roll) if d),
                "units": sorted(u for u in distinct(D.unit, sc, D.unit != summary.ALL_UNITS) if u),
                "grades": sorted(g for g in distinct(D.grade_reported, sc, roll) if g),
                "codes": sorted(distinct(F.code, scope_clause(user, F.department, F.unit), froll)),
            }

    SORTS = {"id": FormRow.id, "project_name": FormRow.project_name, "year": FormRow.year, "unit": FormRow.unit,
             "department": FormRow.department, "budget": FormRow.budget_wan, "executed": FormRow.executed_wan,
             "rate": FormRow.rate, "total_reported": FormRow.total_reported,
             "total_recomputed": FormRow.total_recomputed, "total_reviewed": FormRow.total_reviewed,
             "grade": FormRow.grade_reported,
             "errors": FormRow.n_errors, "warnings": FormRow.n_warnings}

    def list_forms(self, user: User, f: Filters, *, sort: str = "id", desc: bool = False, page: int = 1,
                   per_page: int = 50) -> tuple[list[FormRow], int]:
        col = self.SORTS.get(sort, FormRow.id)
        # descending: empty values last on both backends (PostgreSQL would put them first, SQLite
        # last); ascending keeps each backend's index order
        order = [col.desc().nulls_last() if desc else col.asc(), FormRow.id.asc()]
        where = self._forms_where(user, f)
        with self.Session() as s:
            total = s.scalar(select(func.count()).select_from(FormRow).where(*where)) or 0  # count(*): index-only where it can
            rows = s.scalars(select(FormRow).where(*where)
                             .order_by(*order).offset((page - 1) * per_page).limit(per_page)).all()
            return list(rows), total

    def get_form(self, form_id: int) -> FormRow | None:
        """A form without the scope: the caller checks :meth:`can_see` (403 rather than 404)."""
        with self.Session() as s:
            row = s.get(FormRow, form_id, options=[selectinload(FormRow.payload)])
            if row is not None:
                _ = row.file.filename  # load the file's name (not its content)
            return row

    def can_see(self, user: User, row: FormRow) -> bool:
        return in_scope(user, row.department, row.unit)

    def form_details(self, row: FormRow) -> dict[str, Any]:
        with self.Session() as s:
            findings = list(s.scalars(select(FindingRow).where(FindingRow.form_id == row.id)
                                      .order_by(FindingRow.id)))
            indicators = list(s.scalars(select(IndicatorRow).where(IndicatorRow.form_id == row.id)
                                        .order_by(IndicatorRow.row)))
            file = s.get(StoredFile, row.file_id)
            file_info = {"id": file.id, "filename": file.filename, "kind": file.kind, "sha256": file.sha256,
                         "size": file.size, "uploaded_at": file.uploaded_at} if file else None
            batch = list(s.scalars(select(FindingRow).where(FindingRow.file_id == row.file_id,
                                                            FindingRow.form_id.is_(None))))
        return {"findings": findings, "indicators": indicators, "file": file_info, "batch_findings": batch}

    def list_findings(self, user: User, f: Filters, *, page: int = 1, per_page: int = 50,
                      limit: int | None = None) -> tuple[list[FindingRow], int]:
        where = self._findings_where(user, f)
        with self.Session() as s:
            total = s.scalar(select(func.count()).select_from(FindingRow).where(*where)) or 0
            q: Select = select(FindingRow).where(*where).order_by(FindingRow.severity_rank, FindingRow.code,
                                                                   FindingRow.id)
            q = q.limit(limit) if limit is not None else q.offset((page - 1) * per_page).limit(per_page)
            return list(s.scalars(q)), total

    def data_version(self) -> int:
        """Changes with every write to forms or findings, in any process (``meta.data_version``,
        bumped by :func:`summary.apply` and :func:`summary.bump`)."""
        with self.Session() as s:
            return summary.data_version(s)

    def dashboard(self, user: User, f: Filters) -> dict[str, Any]:
        """The dashboard's figures for the user's scope and filters, from the summary tables
        (summary.py: ~20 ms at 100k forms on SQLite) plus two top-60 lists from indexes; cached
        in this process until :meth:`data_version` moves (any process's write moves it).
        Callers must not modify the result."""
        return self._cached("dashboard", user, (f.year, f.department, f.unit), lambda: self._dashboard(user, f))

    def _dashboard(self, user: User, f: Filters) -> dict[str, Any]:
        fw = self._forms_where(user, Filters(year=f.year, department=f.department, unit=f.unit))

        def summary_where(t: Any) -> list[ColumnElement[bool]]:  # the summary tables' scope and filters
            w = self._scoped(user, f, t)
            if not f.unit and user.role != "unit":  # no unit in scope or filters: the departments' rollups
                w.append(t.unit == summary.ALL_UNITS)
            return w

        rank_sev = {v: k for k, v in SEVERITY_RANK.items()}
        D = DashForms
        with self.Session() as s:
            # The summary rows (see summary.py), added up here: counts and exact sums per
            # (grades, whole points of the totals). The score histogram needs counts per bin,
            # not every total: bins are 1, 2, 5 or 10 points wide and start on a multiple of their width.
            groups = s.execute(select(
                D.grade_reported, D.grade_recomputed, D.rep_pt, D.rec_pt, *(func.sum(getattr(D, c))
                                                                           for c in summary.FORM_SUMS))
                .where(*summary_where(D))
                .group_by(D.grade_reported, D.grade_recomputed, D.rep_pt, D.rec_pt)).all()
            n = n_err = n_incomplete = n_low = n_rate = n_both = n_rep = n_rec = 0
            initial = budget = executed = sum_rep = sum_rec = 0
            grades: Counter = Counter()
            grades_rec: Counter = Counter()
            hist_rep: Counter = Counter()
            hist_rec: Counter = Counter()
            for (g, gr, pr, pc, c, e, inc, low, nr, nb, cr, cc, a, b, x, sr, sc) in groups:
                c, cr, cc = int(c), int(cr), int(cc)
                if c <= 0:
                    continue
                n, n_err, n_incomplete, n_low = n + c, n_err + int(e), n_incomplete + int(inc), n_low + int(low)
                n_rate, n_both, n_rep, n_rec = n_rate + int(nr), n_both + int(nb), n_rep + cr, n_rec + cc
                initial, budget, executed = initial + int(a), budget + int(b), executed + int(x)
                sum_rep, sum_rec = sum_rep + int(sr), sum_rec + int(sc)
                grades[g or None] += c
                grades_rec[gr or None] += c
                if pr >= 0:
                    hist_rep[int(pr)] += cr
                if pc >= 0:
                    hist_rec[int(pc)] += cc
            e4 = Decimal(10000)
            initial, budget, executed = ((Decimal(v) / e4 if n_both else None) for v in (initial, budget, executed))
            mean_rep = Decimal(sum_rep) / e4 / n_rep if n_rep else None
            mean_rec = Decimal(sum_rec) / e4 / n_rec if n_rec else None
            buckets = [tuple(sorted(hist_rep.items())), tuple(sorted(hist_rec.items()))]
            by_code_sev = s.execute(select(DashFindings.code, DashFindings.severity_rank, func.sum(DashFindings.n))
                                    .where(*summary_where(DashFindings))
                                    .group_by(DashFindings.severity_rank, DashFindings.code)).all()
            by_code_sev = [(code, r, int(c)) for code, r, c in by_code_sev if int(c) > 0]
            lowest = s.execute(select(FormRow.id, FormRow.project_name, FormRow.rate).where(*fw, FormRow.rate.isnot(None))
                               .order_by(FormRow.rate.asc(), FormRow.id).limit(60)).all()
            changed = s.execute(select(FormRow.id, FormRow.project_name, FormRow.initial_wan, FormRow.budget_wan)
                                .where(*fw, FormRow.adjust_wan.isnot(None))
                                .order_by(FormRow.adjust_wan.desc(), FormRow.id).limit(60)).all()
        by_sev: Counter = Counter()
        by_code_sev = [(code, rank_sev.get(r, "other"), c) for code, r, c in by_code_sev]
        for _, sev, c in by_code_sev:
            by_sev[sev] += c
        by_code: dict[str, Counter] = {}
        for code, sev, c in by_code_sev:
            by_code.setdefault(code, Counter())[sev] += c
        rate = (Decimal(executed) / Decimal(budget) * 100) if budget else None
        return {
            "forms": n or 0, "forms_with_errors": n_err or 0, "incomplete_forms": n_incomplete or 0,
            "low_confidence_forms": n_low or 0, "funds_unit": "万元",
            "initial_budget": _q(initial, "0.01"), "adjusted_budget": _q(budget, "0.01"),
            "executed": _q(executed, "0.01"), "weighted_rate": _q(rate, "0.01"),
            "total_reported_mean": _q(mean_rep, "0.01"), "total_recomputed_mean": _q(mean_rec, "0.01"),
            "grades": {(g or "（无）"): c for g, c in grades.items()},
            "grades_recomputed": {(g or "（无）"): c for g, c in grades_rec.items()},
            "findings": sum(by_sev.values()),
            "findings_by_severity": {k: by_sev.get(k, 0) for k in ("error", "warning", "info")},
            "findings_by_code": {c: dict(v) for c, v in sorted(by_code.items())},
            "_lowest_rates": [(i, p, r) for i, p, r in lowest], "_forms_with_rate": n_rate,
            "_score_buckets": tuple(buckets), "_budget_changes": [(i, p, a, b) for i, p, a, b in changed],
        }

    def project(self, user: User, key: str) -> list[FormRow]:
        """The forms of one project (same unit and name without years), oldest year first."""
        with self.Session() as s:
            rows = s.scalars(select(FormRow).where(FormRow.project_key == key,
                                                   scope_clause(user, FormRow.department, FormRow.unit))
                             .order_by(FormRow.year.asc().nulls_last(), FormRow.id)).all()
            return list(rows)

    def project_exists(self, key: str) -> bool:
        with self.Session() as s:
            return s.scalar(select(func.count(FormRow.id)).where(FormRow.project_key == key)) > 0

    def indicators_of(self, form_ids: list[int]) -> dict[int, list[IndicatorRow]]:
        out: dict[int, list[IndicatorRow]] = {i: [] for i in form_ids}
        with self.Session() as s:
            for r in s.scalars(select(IndicatorRow).where(IndicatorRow.form_id.in_(form_ids))
                               .order_by(IndicatorRow.form_id, IndicatorRow.row)):
                out[r.form_id].append(r)
        return out

    def list_files(self, user: User, limit: int = 100) -> list[dict[str, Any]]:
        """Uploads the user may see: their own, and every file with a form in their scope."""
        visible = select(FormRow.file_id).where(scope_clause(user, FormRow.department, FormRow.unit))
        cond = true() if user.role in ("finance", "admin") else (
            (StoredFile.uploader_id == user.id) | StoredFile.id.in_(visible))
        cond = and_(cond, StoredFile.kind != "editor")  # forms typed in the editor are not uploads
        with self.Session() as s:
            q = select(StoredFile.id, StoredFile.filename, StoredFile.kind, StoredFile.size, StoredFile.sha256,
                       StoredFile.status, StoredFile.message, StoredFile.n_forms, StoredFile.uploaded_at,
                       User.username).outerjoin(User, User.id == StoredFile.uploader_id).where(cond)
            return [dict(r._mapping) for r in s.execute(q.order_by(StoredFile.id.desc()).limit(limit))]

    def file_content(self, user: User, file_id: int) -> tuple[str, str, bytes] | None:
        """(name, kind, bytes) of a file the user may see; None when it does not exist.
        Raises PermissionError when it exists but is outside the user's scope."""
        with self.Session() as s:
            f = s.get(StoredFile, file_id)
            if f is None:
                return None
            if user.role not in ("finance", "admin") and f.uploader_id != user.id:
                seen = s.scalar(select(func.count(FormRow.id)).where(
                    FormRow.file_id == file_id, scope_clause(user, FormRow.department, FormRow.unit)))
                if not seen:
                    raise PermissionError(file_id)
            return f.filename, f.kind, f.content

    def review_of(self, user: User, f: Filters, limit: int = 100_000):
        """The filtered findings (and their forms) as a :class:`jixiao.checks.Review`, for the
        library's XLSX/CSV writers."""
        from ..checks import Finding, FormRecord, Review, ReviewConfig

        findings, _ = self.list_findings(user, f, limit=limit)
        ids = sorted({x.form_id for x in findings if x.form_id is not None})
        with self.Session() as s:
            forms = list(s.scalars(select(FormRow).options(selectinload(FormRow.payload))
                                   .where(FormRow.id.in_(ids)).order_by(FormRow.id))) if ids else []
            files = dict(s.execute(select(StoredFile.id, StoredFile.filename)
                                   .where(StoredFile.id.in_({x.file_id for x in findings}))).all()) if findings else {}
        review = Review(rulebook=self.rulebook_name, config=ReviewConfig.build(self.rulebook))
        for r in forms:
            d = r.data
            rec = FormRecord(
                index=r.id, project_name=r.project_name, department=d.get("department", ""),
                implementing_unit=d.get("implementing_unit", ""), year=r.year, file=files.get(r.file_id, ""),
                line=(d.get("source") or {}).get("line"), funds_unit=r.funds_unit, initial_budget=r.initial_budget,
                adjusted_budget=r.adjusted_budget, executed=r.executed, rate_reported=r.rate_reported,
                rate_recomputed=r.rate_recomputed, budget_score_reported=r.budget_score_reported,
                budget_score_recomputed=r.budget_score_recomputed,
                total_reported=r.total_reported, total_recomputed=r.total_recomputed,
                grade_reported=r.grade_reported, grade_recomputed=r.grade_recomputed, complete=r.complete,
                warnings=d.get("warnings", []), n_indicators=r.n_indicators,
                confidence=d.get("confidence"))
            rec.findings.update({"error": r.n_errors, "warning": r.n_warnings, "info": r.n_infos})
            review.forms.append(rec)
        reasons = self._dismissal_reasons([x for x in findings if x.suppressed])
        for x in findings:
            # a dismissed finding stays in the export, marked with the reviewer's reason
            message = x.message if not x.suppressed else \
                f"{x.message}（已驳回：{reasons.get(x.id) or '复核人员驳回'}）"
            review.findings.append(Finding(
                code=x.code, name=x.name, severity=x.severity, category=x.category, message=message,
                hint=x.hint, project_name=x.project_name, file=files.get(x.file_id, ""), form_index=x.form_id,
                field=x.field, location=x.location, evidence=x.evidence or {}))
        return review

    def _dismissal_reasons(self, findings: list[FindingRow]) -> dict[int, str]:
        """finding id → the reason of the active dismissal it matches (see editing.fingerprint)."""
        from .editing import fingerprint

        if not findings:
            return {}
        with self.Session() as s:
            by_key = {(d.form_id, d.code, d.field, d.fingerprint): d.comment for d in s.scalars(
                select(ReviewDecision).where(ReviewDecision.form_id.in_({f.form_id for f in findings}),
                                             ReviewDecision.kind == "dismiss", ReviewDecision.active))}
        return {f.id: by_key.get((f.form_id, f.code, f.field, fingerprint(f.code, f.field, f.evidence)), "")
                for f in findings}

    def counts(self) -> dict[str, int]:
        with self.Session() as s:
            return {"files": s.scalar(select(func.count(StoredFile.id))) or 0,
                    "forms": s.scalar(select(func.count(FormRow.id))) or 0,
                    "findings": s.scalar(select(func.count(FindingRow.id))) or 0,
                    "users": s.scalar(select(func.count(User.id))) or 0,
                    "review_decisions": s.scalar(select(func.count(ReviewDecision.id))) or 0}


def _display_name(filename: str) -> str:
    """The uploaded name for display only: the last path part, no control characters, 200 chars."""
    name = (filename or "").replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip() or "未命名文件"
    return name[:200]


__all__ = ["FileResult", "Filters", "Limits", "PAGE_SIZES", "Store", "StoreError", "UploadTooLarge", "in_scope",
           "scope_clause", "datetime"]
