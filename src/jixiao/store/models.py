"""The web app's tables (SQLAlchemy 2 declarative models).

The uploaded file is the source of truth: its bytes are kept (``files.content``)
with their sha256, so every form can be read again from it. A form row keeps
the form's JSON (``Form.to_json_dict()``) plus denormalised columns that the
lists, filters and dashboard query; indicator rows and findings get their own
tables for the same reason. The schema is created and upgraded only by the
Alembic migrations in ``migrations/`` (``jixiao.store.db.migrate``).
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON, BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, Numeric, SmallInteger, String, Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES = ("unit", "department", "finance", "admin")
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}  # findings.severity_rank (3: anything else)
ROLE_ZH = {"unit": "填报单位", "department": "主管部门", "finance": "财政", "admin": "管理员"}

Money = Numeric(20, 4)  # amounts as printed (万元 or 元), exact
Score = Numeric(10, 4)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))  # one of ROLES
    unit: Mapped[str] = mapped_column(String(255), default="")  # 实施单位 (role unit)
    department: Mapped[str] = mapped_column(String(255), default="")  # 主管部门 (roles unit, department)
    display_name: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Session(Base):
    """A login. The cookie holds a random token; only its sha256 is stored."""

    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StoredFile(Base):
    """An uploaded file: the bytes (source of truth), their hash and what reading them gave."""

    __tablename__ = "files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # sniffed from the content: pdf, xlsx, xls, docx, doc, html, text
    filename: Mapped[str] = mapped_column(String(255))  # as uploaded; shown, never used as a path
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(24))  # read, not_project_form, unreadable
    error_kind: Mapped[str | None] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text, default="")  # Chinese reason when not read
    rulebook: Mapped[str] = mapped_column(String(64))
    n_forms: Mapped[int] = mapped_column(Integer, default=0)
    n_skipped: Mapped[int] = mapped_column(Integer, default=0)  # forms outside the uploader's scope, not stored

    forms: Mapped[list[FormRow]] = relationship(back_populates="file")


class FormRow(Base):
    """One form: its JSON and the columns lists and dashboards filter on."""

    __tablename__ = "forms"
    __table_args__ = (
        UniqueConstraint("file_id", "index_in_file"),
        Index("ix_forms_scope", "department", "unit", "year"),
        Index("ix_forms_year_dept", "year", "department"),
        Index("ix_forms_unit_year", "unit", "year"),
        Index("ix_forms_project", "project_key", "year"),
        Index("ix_forms_grade", "grade_reported"),
        Index("ix_forms_errors", "has_errors"),
        Index("ix_forms_rate", "rate"),
        Index("ix_forms_adjust", "adjust_wan"),
        Index("ix_forms_name", "project_name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"), index=True)
    index_in_file: Mapped[int] = mapped_column(Integer)
    rulebook: Mapped[str] = mapped_column(String(64))
    year: Mapped[int | None] = mapped_column(Integer)
    department: Mapped[str] = mapped_column(String(255), default="")  # normalised: without (汇总)
    unit: Mapped[str] = mapped_column(String(255), default="")
    project_name: Mapped[str] = mapped_column(String(500), default="")
    project_key: Mapped[str] = mapped_column(String(40))  # same project across years (see keys.project_key)
    funds_unit: Mapped[str] = mapped_column(String(8), default="万元")
    initial_budget: Mapped[Decimal | None] = mapped_column(Money)
    adjusted_budget: Mapped[Decimal | None] = mapped_column(Money)
    executed: Mapped[Decimal | None] = mapped_column(Money)
    budget_wan: Mapped[Decimal | None] = mapped_column(Money)  # adjusted budget in 万元 (for sums)
    initial_wan: Mapped[Decimal | None] = mapped_column(Money)
    executed_wan: Mapped[Decimal | None] = mapped_column(Money)
    rate: Mapped[Decimal | None] = mapped_column(Score)  # recomputed, else reported (%)
    rate_reported: Mapped[Decimal | None] = mapped_column(Score)
    rate_recomputed: Mapped[Decimal | None] = mapped_column(Score)
    budget_score_reported: Mapped[Decimal | None] = mapped_column(Score)  # 预算执行得分 (migration 0002)
    budget_score_recomputed: Mapped[Decimal | None] = mapped_column(Score)
    total_reported: Mapped[Decimal | None] = mapped_column(Score)
    total_recomputed: Mapped[Decimal | None] = mapped_column(Score)
    grade_reported: Mapped[str | None] = mapped_column(String(8))
    grade_recomputed: Mapped[str | None] = mapped_column(String(8))
    confidence: Mapped[str | None] = mapped_column(String(8))  # high / medium / low
    complete: Mapped[bool] = mapped_column(Boolean, default=True)
    has_errors: Mapped[bool] = mapped_column(Boolean, default=False)
    n_errors: Mapped[int] = mapped_column(Integer, default=0)
    n_warnings: Mapped[int] = mapped_column(Integer, default=0)
    n_infos: Mapped[int] = mapped_column(Integer, default=0)
    n_indicators: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # migration 0003 (issue 7): workflow status, optimistic-lock version, where it came from
    status: Mapped[str] = mapped_column(String(16), default="submitted", index=True)  # see editing.STATUS_ZH
    version: Mapped[int] = mapped_column(Integer, default=1)
    origin: Mapped[str] = mapped_column(String(8), default="upload")  # upload, editor
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    total_reviewed: Mapped[Decimal | None] = mapped_column(Score)  # 复核分, when a reviewer adjusted a score
    adjust_wan: Mapped[Decimal | None] = mapped_column(Money)  # |budget_wan - initial_wan| (0003)

    file: Mapped[StoredFile] = relationship(back_populates="forms")
    # the JSON lives in its own table, so that scans of forms (dashboard sums, searches)
    # read narrow rows; load it explicitly (selectinload) where a page needs it
    payload: Mapped[FormData] = relationship(lazy="raise", cascade="all, delete-orphan", uselist=False)

    @property
    def data(self) -> dict[str, Any]:
        """``Form.to_json_dict()`` of this form (the payload must have been loaded)."""
        return self.payload.data


class FormData(Base):
    """A form's JSON (``Form.to_json_dict()``), one row per form (migration 0002)."""

    __tablename__ = "form_data"

    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class IndicatorRow(Base):
    __tablename__ = "indicator_rows"
    __table_args__ = (Index("ix_indicator_rows_form", "form_id", "row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"))
    row: Mapped[int] = mapped_column(Integer)  # 0-based, as in indicators[i]
    level1: Mapped[str] = mapped_column(String(64), default="")
    level2: Mapped[str] = mapped_column(String(64), default="")
    name: Mapped[str] = mapped_column(Text, default="")
    target: Mapped[str] = mapped_column(Text, default="")
    actual: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[Decimal | None] = mapped_column(Score)
    score: Mapped[Decimal | None] = mapped_column(Score)
    recomputed: Mapped[Decimal | None] = mapped_column(Score)
    rule: Mapped[str] = mapped_column(String(32), default="")
    deviation: Mapped[str] = mapped_column(Text, default="")


class FindingRow(Base):
    """A finding of the review. Year, department and unit are copied from the
    form (for a batch finding: from the batch when all its forms share them)
    so that the role scope and filters need no join."""

    __tablename__ = "findings"
    __table_args__ = (  # (migration 0002) the lists sort by rank, code, id; the dashboard counts by code
        Index("ix_findings_scope", "department", "unit", "year", "severity_rank", "code"),
        Index("ix_findings_dept_year", "department", "year", "severity_rank", "code"),
        Index("ix_findings_year", "year", "severity_rank", "code"),
        Index("ix_findings_rank", "severity_rank", "code", "id"),
        Index("ix_findings_code", "code", "severity"),
        Index("ix_findings_form_code", "form_id", "code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[int | None] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"))
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(64), default="")
    severity: Mapped[str] = mapped_column(String(8))
    severity_rank: Mapped[int] = mapped_column(SmallInteger, default=3)  # SEVERITY_RANK: lists sort on it
    category: Mapped[str] = mapped_column(String(32))
    field: Mapped[str] = mapped_column(String(128), default="")
    message: Mapped[str] = mapped_column(Text)
    hint: Mapped[str] = mapped_column(Text, default="")
    project_name: Mapped[str] = mapped_column(String(500), default="")
    location: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    year: Mapped[int | None] = mapped_column(Integer)
    department: Mapped[str] = mapped_column(String(255), default="")
    unit: Mapped[str] = mapped_column(String(255), default="")
    suppressed: Mapped[bool] = mapped_column(Boolean, default=False)  # dismissed by a reviewer (0003)


class ReviewDecision(Base):
    """A reviewer's decision (migration 0003 gave it its columns): ``kind`` accept or
    dismiss (a finding, matched by ``code``/``field``/``fingerprint``: findings are
    recomputed on every save, so a dismissal cannot point at a finding id), note (at
    ``field``), adjust (a reviewed score ``value`` for ``field``). Inactive when replaced."""

    __tablename__ = "review_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision: Mapped[str] = mapped_column(String(24))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[str] = mapped_column(String(16), default="")
    code: Mapped[str] = mapped_column(String(8), default="")
    field: Mapped[str] = mapped_column(String(128), default="")
    fingerprint: Mapped[str] = mapped_column(String(32), default="")
    value: Mapped[Decimal | None] = mapped_column(Score)
    username: Mapped[str] = mapped_column(String(64), default="")
    form_version: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class FormVersion(Base):
    """One saved version of a form's editor document (issue 7): never updated."""

    __tablename__ = "form_versions"
    __table_args__ = (UniqueConstraint("form_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    doc: Mapped[dict[str, Any]] = mapped_column(JSON)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    action: Mapped[str] = mapped_column(String(16))  # upload, create, save, autosave
    changes: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{field, label, before, after}]


class FormEvent(Base):
    """Something that happened to a form: save, workflow step, decision, note, adjustment."""

    __tablename__ = "form_events"
    __table_args__ = (Index("ix_form_events_form", "form_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    version: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class DashForms(Base):
    """Dashboard summary of forms (migration 0003, kept by :mod:`jixiao.store.summary`)."""

    __tablename__ = "dash_forms"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0: none
    department: Mapped[str] = mapped_column(String(255), primary_key=True)
    unit: Mapped[str] = mapped_column(String(255), primary_key=True)
    grade_reported: Mapped[str] = mapped_column(String(8), primary_key=True)  # '': none
    grade_recomputed: Mapped[str] = mapped_column(String(8), primary_key=True)
    rep_pt: Mapped[int] = mapped_column(SmallInteger, primary_key=True)  # -1: none
    rec_pt: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)
    n_errors: Mapped[int] = mapped_column(Integer, default=0)
    n_incomplete: Mapped[int] = mapped_column(Integer, default=0)
    n_low: Mapped[int] = mapped_column(Integer, default=0)
    n_rate: Mapped[int] = mapped_column(Integer, default=0)
    n_both: Mapped[int] = mapped_column(Integer, default=0)
    n_rep: Mapped[int] = mapped_column(Integer, default=0)
    n_rec: Mapped[int] = mapped_column(Integer, default=0)
    s_initial: Mapped[int] = mapped_column(BigInteger, default=0)  # 1/10000 万元
    s_budget: Mapped[int] = mapped_column(BigInteger, default=0)
    s_executed: Mapped[int] = mapped_column(BigInteger, default=0)
    s_rep: Mapped[int] = mapped_column(BigInteger, default=0)  # 1/10000 point
    s_rec: Mapped[int] = mapped_column(BigInteger, default=0)


class DashFindings(Base):
    """Dashboard summary of findings not dismissed (migration 0003)."""

    __tablename__ = "dash_findings"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    department: Mapped[str] = mapped_column(String(255), primary_key=True)
    unit: Mapped[str] = mapped_column(String(255), primary_key=True)
    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    severity_rank: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class Meta(Base):
    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    username: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(32))  # login, login_failed, logout, upload, user_add ...
    target: Mapped[str] = mapped_column(String(255), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str] = mapped_column(String(64), default="")
