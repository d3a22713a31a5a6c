"""Filling in and reviewing forms in the web app (issue 7; design in docs/editor.md).

A form is edited as a *document*: the official layout's fields as strings exactly as
typed, so that nothing typed is ever lost (a half-typed number stays in the version; the
form built from it has ``None`` there and an error names the field). Every save is a new
row in ``form_versions`` and moves ``forms.version`` on by one with a compare-and-set
(``UPDATE ... WHERE version = base``): a second editor who started from the same version
gets :class:`EditConflict` with the current document, and nothing is written. The form's
row, indicator rows, findings and the dashboard summaries are rebuilt from the saved
document in the same transaction, with the same scoring engine and checks as an upload.

Reviewer decisions live in ``review_decisions``. A dismissal is matched on a fingerprint
of the finding (code, field and evidence), not on a finding id: findings are recomputed
on every save, and a changed value must bring the finding back.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session as DbSession

from ..model import Form
from ..model.framework import LEVEL1_NAMES, LEVEL2_BY_LEVEL1
from ..model.values import parse_number, parse_value
from . import summary
from .models import (
    FindingRow, FormData, FormEvent, FormRow, FormVersion, IndicatorRow, ReviewDecision, StoredFile, User, utcnow,
)

STATUS_ZH = {"draft": "草稿", "submitted": "已提交", "in_review": "复核中", "reviewed": "已复核", "returned": "退回"}
EDITABLE = ("draft", "returned")
REVIEWER_ROLES = ("department", "finance", "admin")
# action: (who, from statuses, to status)
TRANSITIONS = {
    "submit": ("unit", ("draft", "returned"), "submitted"),
    "start_review": ("reviewer", ("submitted",), "in_review"),
    "approve": ("reviewer", ("in_review",), "reviewed"),
    "return": ("reviewer", ("submitted", "in_review"), "returned"),
}
ACTION_ZH = {"upload": "上传读取", "create": "新建", "save": "保存", "autosave": "自动保存", "submit": "提交",
             "start_review": "开始复核", "approve": "复核通过", "return": "退回", "accept": "确认问题",
             "dismiss": "驳回问题", "note": "复核意见", "adjust": "调整得分"}
DECIDABLE = ("submitted", "in_review")  # reviewer decisions are made on submitted forms

CHOICES = {
    "comparisons": ["≥", "≤", "=", ">", "<"],
    "units": ["%", "个", "次", "人", "人次", "万元", "元", "天", "月", "年", "项", "件", "户", "平方米", "公里", "分"],
    "funds_units": ["万元", "元"],
    "grades": ["优", "良", "中", "差"],
    "fund_sources": ["当年财政拨款", "上年结转资金", "其他资金"],
}
MONEY_FIELDS = ("initial_budget", "adjusted_budget", "executed")
FUNDS_FIELDS = MONEY_FIELDS + ("weight", "rate", "score")
ROW_FIELDS = ("level1", "level2", "name", "target", "actual", "weight", "score", "deviation")
MAX_TEXT = 5000  # characters in one field
MAX_ROWS = 200


class EditConflict(Exception):
    """The form moved on since the editor loaded it: nothing was written."""

    def __init__(self, doc: dict[str, Any], version: int, by: str, at: datetime | None):
        super().__init__(f"该表已被 {by or '他人'} 保存为第 {version} 版")
        self.doc, self.version, self.by, self.at = doc, version, by, at


# ---- documents ----------------------------------------------------------------------------------

def _s(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


def form_to_doc(form: Form) -> dict[str, Any]:
    """The editor document of a form (every value a string, as printed)."""
    fu = form.funds
    return {
        "title": form.title, "project_name": form.project_name, "department": form.department,
        "implementing_unit": form.implementing_unit, "year": _s(form.year), "funds_unit": form.funds_unit,
        "funds": {**{k: _s(getattr(fu, k)) for k in FUNDS_FIELDS},
                  "rows": [{"source": r.source, "label": r.label, **{k: _s(getattr(r, k)) for k in MONEY_FIELDS},
                            "rate": _s(r.rate)} for r in fu.rows]},
        "goal": {"expected": form.goal.expected, "actual": form.goal.actual},
        "indicators": [{k: _s(getattr(i, k)) for k in ROW_FIELDS} for i in form.indicators],
        "deviation_note": form.deviation_note, "total_weight": _s(form.total_weight), "total": _s(form.total),
        "grade": form.grade or "",
    }


def empty_doc(user: User | None = None, year: int | None = None) -> dict[str, Any]:
    y = year or utcnow().year - 1  # self-evaluation is of last year's spending
    rows = [{"level1": l1, "level2": LEVEL2_BY_LEVEL1[l1][0], "name": "", "target": "", "actual": "", "weight": "",
             "score": "", "deviation": ""} for l1 in ("产出指标", "效益指标", "满意度指标")]
    return {
        "title": "", "project_name": "", "department": user.department if user else "",
        "implementing_unit": user.unit if user else "", "year": str(y), "funds_unit": "万元",
        "funds": {"initial_budget": "", "adjusted_budget": "", "executed": "", "weight": "10", "rate": "",
                  "score": "", "rows": []},
        "goal": {"expected": "", "actual": ""}, "indicators": rows, "deviation_note": "", "total_weight": "100",
        "total": "", "grade": "",
    }


def clean_doc(doc: Any) -> dict[str, Any]:
    """The document as the store keeps it: known keys only, strings, bounded sizes. Raises
    ValueError (Chinese) for something that is not a document at all."""
    if not isinstance(doc, dict):
        raise ValueError("表单内容格式不正确")

    def text(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool):
            return str(v)
        if not isinstance(v, str):
            raise ValueError("表单内容格式不正确：字段值必须是文字")
        return v[:MAX_TEXT]

    def obj(v: Any) -> dict[str, Any]:
        return v if isinstance(v, dict) else {}

    funds = obj(doc.get("funds"))
    goal = obj(doc.get("goal"))
    rows = doc.get("indicators") or []
    frows = funds.get("rows") or []
    if not isinstance(rows, list) or not isinstance(frows, list) or len(rows) > MAX_ROWS or len(frows) > 20:
        raise ValueError(f"表单内容格式不正确：指标行最多 {MAX_ROWS} 行")
    return {
        **{k: text(doc.get(k)) for k in ("title", "project_name", "department", "implementing_unit", "year")},
        "funds_unit": text(doc.get("funds_unit")) or "万元",
        "funds": {**{k: text(funds.get(k)) for k in FUNDS_FIELDS},
                  "rows": [{"source": text(obj(r).get("source")), "label": text(obj(r).get("label")),
                            **{k: text(obj(r).get(k)) for k in MONEY_FIELDS + ("rate",)}} for r in frows]},
        "goal": {"expected": text(goal.get("expected")), "actual": text(goal.get("actual"))},
        "indicators": [{k: text(obj(r).get(k)) for k in ROW_FIELDS} for r in rows],
        **{k: text(doc.get(k)) for k in ("deviation_note", "total_weight", "total", "grade")},
    }


def doc_to_form(doc: dict[str, Any], file: str = "在线填报") -> tuple[Form, list[dict[str, str]]]:
    """A Form from a document, and the field errors (Chinese). Always a form: a value that
    cannot be read is left empty there and named in the errors."""
    errors: list[dict[str, str]] = []

    def num(path: str, v: str, label: str, *, negative: bool = False) -> Decimal | None:
        if not v.strip():
            return None
        d = parse_number(v.replace("%", "").replace("％", "") if path.endswith("rate") else v)
        if d is None:
            errors.append({"field": path, "message": f"{label}必须是数字（现为“{v[:20]}”）"})
            return None
        if d < 0 and not negative:
            errors.append({"field": path, "message": f"{label}不能为负数"})
            return None
        return d

    year = None
    y = doc["year"].strip()
    if y:
        if y.isdigit() and 1990 <= int(y) <= 2100:
            year = int(y)
        else:
            errors.append({"field": "year", "message": f"年度必须是四位数字年份（现为“{y[:10]}”）"})
    else:
        errors.append({"field": "year", "message": "请填写年度"})
    if not doc["project_name"].strip():
        errors.append({"field": "project_name", "message": "请填写项目名称"})
    if not doc["implementing_unit"].strip():
        errors.append({"field": "implementing_unit", "message": "请填写实施单位"})
    funds_unit = doc["funds_unit"] if doc["funds_unit"] in CHOICES["funds_units"] else "万元"
    if doc["funds_unit"] not in CHOICES["funds_units"]:
        errors.append({"field": "funds_unit", "message": "金额单位只能是万元或元"})
    labels = {"initial_budget": "年初预算数", "adjusted_budget": "全年预算数", "executed": "全年执行数",
              "weight": "分值", "rate": "执行率", "score": "得分"}
    f = doc["funds"]
    funds = {k: num(f"funds.{k}", f[k], labels[k]) for k in FUNDS_FIELDS}
    fund_rows = []
    for i, r in enumerate(f["rows"]):
        vals = {k: num(f"funds.rows[{i}].{k}", r[k], labels[k]) for k in MONEY_FIELDS + ("rate",)}
        if r["source"] not in CHOICES["fund_sources"]:
            errors.append({"field": f"funds.rows[{i}].source", "message": "资金来源请从列表中选择"})
        fund_rows.append({"source": r["source"] or "其他资金", "label": r["label"], **vals})
    indicators = []
    row_labels = {"weight": "分值", "score": "得分"}
    for i, r in enumerate(doc["indicators"]):
        p = f"indicators[{i}]"
        l1, l2 = r["level1"], r["level2"]
        if l1 not in LEVEL1_NAMES:
            errors.append({"field": f"{p}.level1", "message": "一级指标请从列表中选择"})
        elif l2 not in LEVEL2_BY_LEVEL1[l1]:
            errors.append({"field": f"{p}.level2", "message": f"二级指标“{l2}”不属于{l1}，请从列表中选择"})
        if not r["name"].strip():
            errors.append({"field": f"{p}.name", "message": "请填写三级指标名称"})
        w = num(f"{p}.weight", r["weight"], row_labels["weight"])
        sc = num(f"{p}.score", r["score"], row_labels["score"])
        if w is not None and sc is not None and sc > w:
            errors.append({"field": f"{p}.score", "message": f"得分 {sc} 超过分值 {w}"})
        indicators.append({"level1": l1, "level2": l2, "name": r["name"], "target": r["target"],
                           "actual": r["actual"], "weight": w, "score": sc, "deviation": r["deviation"],
                           "target_parsed": parse_value(r["target"]), "actual_parsed": parse_value(r["actual"])})
    weights = [x["weight"] for x in indicators if x["weight"] is not None]
    total_weight = num("total_weight", doc["total_weight"], "总分分值")
    if funds["weight"] is not None and total_weight is not None and weights and \
            funds["weight"] + sum(weights) != total_weight:
        errors.append({"field": "indicators", "message": f"预算执行分值 {funds['weight']} 与各指标分值之和 "
                                                         f"{sum(weights)} 合计 {funds['weight'] + sum(weights)}，"
                                                         f"不等于总分分值 {total_weight}"})
    grade = doc["grade"].strip() or None
    if grade is not None and grade not in CHOICES["grades"]:
        errors.append({"field": "grade", "message": "评分等级只能是优、良、中、差"})
    title = doc["title"].strip() or "财政项目支出绩效自评表"  # the layout prints （2025年度） under it
    data = {
        "title": title, "project_name": doc["project_name"].strip(), "department": doc["department"].strip(),
        "implementing_unit": doc["implementing_unit"].strip(), "year": year, "funds_unit": funds_unit,
        "funds": {**funds, "rows": fund_rows},
        "goal": {"expected": doc["goal"]["expected"], "actual": doc["goal"]["actual"]},
        "indicators": indicators, "deviation_note": doc["deviation_note"], "total_weight": total_weight,
        "total": num("total", doc["total"], "总分得分"), "grade": grade,
        "source": {"file": file, "format": "editor"},
    }
    return Form.model_validate(data), errors


def fingerprint(code: str, field: str, evidence: Any) -> str:
    """What a dismissal is matched on: the same check, place and values."""
    blob = json.dumps([code, field, evidence], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def _flatten(doc: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in doc.items():
        p = f"{prefix}.{k}" if prefix else k
        if isinstance(v, dict):
            out.update(_flatten(v, p))
        elif isinstance(v, list):
            for i, x in enumerate(v):
                out.update(_flatten(x, f"{p}[{i}]") if isinstance(x, dict) else {f"{p}[{i}]": _s(x)})
        else:
            out[p] = _s(v)
    return out


def doc_changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, str]]:
    """Field-by-field differences between two documents, in the form's words."""
    from ..report.build import field_label

    a, b = _flatten(before or {}), _flatten(after)
    extra = {"title": "标题", "year": "年度", "funds_unit": "金额单位", "deviation_note": "偏差原因说明",
             "total_weight": "总分分值"}
    out = []
    for k in list(dict.fromkeys([*a, *b])):
        if a.get(k, "") != b.get(k, ""):
            out.append({"field": k, "label": extra.get(k) or field_label(k), "before": a.get(k, ""),
                        "after": b.get(k, "")})
    return out


# ---- the store's editing methods ----------------------------------------------------------------

class EditingMixin:
    """Methods of :class:`jixiao.store.Store` for issue 7 (``self`` is the Store)."""

    STATUS_ZH = STATUS_ZH
    ACTION_ZH = ACTION_ZH

    # -- rights

    def _form_for(self, s: DbSession, user: User, form_id: int) -> FormRow:
        """The form, if it exists (StoreError) and is in the user's scope (PermissionError)."""
        from .store import StoreError

        row = s.get(FormRow, form_id)
        if row is None:
            raise StoreError(f"没有编号为 {form_id} 的自评表")
        if not self.can_see(user, row):
            raise PermissionError(form_id)
        return row

    def can_edit(self, user: User, row: FormRow) -> bool:
        from .store import in_scope

        return user.active and user.role == "unit" and row.status in EDITABLE and \
            in_scope(user, row.department, row.unit)

    def can_review(self, user: User, row: FormRow) -> bool:
        from .store import in_scope

        return user.active and user.role in REVIEWER_ROLES and in_scope(user, row.department, row.unit)

    def can_decide(self, user: User, row: FormRow) -> bool:
        """Reviewer decisions, notes and adjustments: a reviewer in scope, on a submitted form."""
        return self.can_review(user, row) and row.status in DECIDABLE

    def allowed_actions(self, user: User, row: FormRow) -> list[str]:
        out = []
        for action, (who, sources, _) in TRANSITIONS.items():
            ok = self.can_review(user, row) if who == "reviewer" else (
                user.role == "unit" and self.can_see(user, row))
            if ok and row.status in sources:
                out.append(action)
        return out

    # -- documents

    def editor_choices(self) -> dict[str, Any]:
        return {"level2_by_level1": {k: list(v) for k, v in LEVEL2_BY_LEVEL1.items()}, **CHOICES}

    def empty_doc(self, user: User | None = None, year: int | None = None) -> dict[str, Any]:
        return empty_doc(user, year)

    def editor_doc(self, row: FormRow) -> dict[str, Any]:
        """The current document of a form: its latest version, else (a form as read from an
        upload, never saved) the document of its form."""
        with self.Session() as s:
            doc = s.scalar(select(FormVersion.doc).where(FormVersion.form_id == row.id,
                                                         FormVersion.version == row.version))
            if doc is None:
                data = s.scalar(select(FormData.data).where(FormData.form_id == row.id))
                doc = form_to_doc(Form.model_validate(data))
        return clean_doc(doc)

    def version_doc(self, form_id: int, version: int) -> dict[str, Any] | None:
        with self.Session() as s:
            doc = s.scalar(select(FormVersion.doc).where(FormVersion.form_id == form_id,
                                                         FormVersion.version == version))
            if doc is None and version == 1:  # an uploaded form that was never saved
                data = s.scalar(select(FormData.data).where(FormData.form_id == form_id))
                doc = form_to_doc(Form.model_validate(data)) if data is not None else None
        return doc

    def _rulebook_named(self, name: str | None) -> Any:
        """The rulebook a form was scored under (the store's by default), loaded once."""
        from ..scoring import load_rulebook

        if name in (None, self.rulebook.name):
            return self.rulebook
        cache = self.__dict__.setdefault("_rulebooks", {})
        if name not in cache:
            cache[name] = load_rulebook(name)
        return cache[name]

    def _review_one(self, form: Form, rulebook: str | None = None) -> Any:
        from ..checks import ReviewConfig, Reviewer

        rb = self._rulebook_named(rulebook)
        reviewer = Reviewer(rb, ReviewConfig.build(rb), keep_indicator_rows=True)
        reviewer.add(form)
        return reviewer.finish()

    def check_doc(self, doc: Any, rulebook: str | None = None, *, file: str = "在线填报") -> dict[str, Any]:
        """What the editor shows as the user types: field errors, recomputed scores and the
        review's findings of this one form (under ``rulebook``, default the store's). Saves
        nothing. ValueError (Chinese) for something that is not a document."""
        doc = clean_doc(doc)
        form, errors = doc_to_form(doc, file)
        review = self._review_one(form, rulebook)
        return self._check_result(form, errors, review)

    @staticmethod
    def _check_result(form: Form, errors: list[dict[str, str]], review: Any) -> dict[str, Any]:
        rec = review.forms[0]
        rows = review.indicator_rows or []
        return {
            "errors": errors,
            "scores": {
                "rate": _s(rec.rate_recomputed) or None, "rate_reported": _s(rec.rate_reported) or None,
                "budget_score": _s(rec.budget_score_recomputed) or None,
                "budget_score_reported": _s(rec.budget_score_reported) or None,
                "indicators": [{"row": r["row"] - 1, "weight": _s(r["weight"]), "score_reported": _s(r["score"]),
                                "score_recomputed": _s(r["recomputed"]) or None, "rule": r["rule"] or ""}
                               for r in rows],
                "total_reported": _s(rec.total_reported) or None, "total_recomputed": _s(rec.total_recomputed) or None,
                "grade_reported": rec.grade_reported, "grade_recomputed": rec.grade_recomputed,
            },
            "findings": [{"code": f.code, "name": f.name, "severity": f.severity, "category": f.category,
                          "field": f.field, "message": f.message, "hint": f.hint,
                          "fingerprint": fingerprint(f.code, f.field, f.to_json_dict()["evidence"])}
                         for f in review.findings if f.form_index is not None],
        }

    # -- writing a form from a document

    def _write_doc(self, s: DbSession, row: FormRow, doc: dict[str, Any], form: Form, review: Any,
                   *, first: bool) -> None:
        """Rebuild the form's row, JSON, indicator rows and findings from ``doc`` (in ``s``'s
        transaction), keeping the dashboard summaries right and re-applying dismissals."""
        from .store import review_rows

        form_rows, indicators, findings = review_rows([(row.index_in_file, form)], review)
        cols = form_rows[0]
        data = cols.pop("data")
        if not first:
            old_findings = list(s.scalars(select(FindingRow).where(FindingRow.form_id == row.id)))
            summary.apply(s, [row], old_findings, sign=-1)
            # review_decisions.finding_id cascades on delete (0001): keep the decisions, drop the link
            s.execute(update(ReviewDecision).where(ReviewDecision.form_id == row.id)
                      .values(finding_id=None).execution_options(synchronize_session=False))
            for f in old_findings:
                s.delete(f)
            s.execute(IndicatorRow.__table__.delete().where(IndicatorRow.form_id == row.id))
        dismissed = {(d.code, d.field, d.fingerprint): d for d in s.scalars(select(ReviewDecision).where(
            ReviewDecision.form_id == row.id, ReviewDecision.kind == "dismiss", ReviewDecision.active))}
        counts = {"error": 0, "warning": 0, "info": 0}
        new_findings = []
        for d in findings:
            if d.pop("form_pos") is None:
                continue  # batch checks need a batch: an edited form has none of its own
            d["suppressed"] = (d["code"], d["field"], fingerprint(d["code"], d["field"], d["evidence"])) in dismissed
            if not d["suppressed"] and d["severity"] in counts:
                counts[d["severity"]] += 1
            new_findings.append(d)
        cols.update(n_errors=counts["error"], n_warnings=counts["warning"], n_infos=counts["info"],
                    has_errors=counts["error"] > 0)
        cols.pop("index_in_file", None)
        for k, v in cols.items():
            setattr(row, k, v)
        s.execute(update(FormData).where(FormData.form_id == row.id).values(data=data))
        for d in indicators:
            d.pop("form_pos")
            s.add(IndicatorRow(form_id=row.id, **d))
        for d in new_findings:
            s.add(FindingRow(form_id=row.id, file_id=row.file_id, **d))
        s.flush()
        summary.apply(s, [row], new_findings)
        self._refresh_reviewed(s, row, form)

    def create_form(self, user: User, *, doc: dict[str, Any] | None = None, copy_from: int | None = None,
                    year: int | None = None) -> FormRow:
        """A new draft (version 1) for a 填报单位 user: blank, from ``doc``, or a copy of a form
        it can see (another year's form of the same project: the year's own figures cleared)."""
        from .store import in_scope

        if not user.active or user.role != "unit":
            raise PermissionError("只有填报单位可以新建自评表")
        if copy_from is not None:
            with self.Session() as s:
                src = self._form_for(s, user, copy_from)
            doc = self.editor_doc(src)
            if year is not None and str(year) != doc["year"]:
                doc = _new_year(doc, year)
        elif doc is None:
            doc = empty_doc(user, year)
        doc = clean_doc(doc)
        if year is not None and copy_from is None:
            doc["year"] = str(year)
        if not in_scope(user, doc["department"] or user.department, doc["implementing_unit"] or user.unit):
            raise PermissionError("只能为本单位新建自评表")
        name = f"在线填报：{doc['project_name'] or '新建自评表'}"[:200]
        form, _ = doc_to_form(doc, name)
        review = self._review_one(form)
        content = json.dumps(doc, ensure_ascii=False).encode("utf-8")
        with self.Session() as s:
            # The form's "file": the first document, unique (the hash of the content plus a nonce).
            file = StoredFile(sha256=hashlib.sha256(content + secrets.token_bytes(16)).hexdigest(), size=len(content),
                              kind="editor", filename=name, content=content, uploader_id=user.id, status="read",
                              message="", rulebook=self.rulebook.name, n_forms=1, n_skipped=0)
            s.add(file)
            s.flush()
            row = self._store_review(s, file, [(0, form)], review, status="draft", origin="editor")[0]
            s.add(FormVersion(form_id=row.id, version=1, doc=doc, user_id=user.id, username=user.username,
                              action="create", changes=[]))
            s.add(FormEvent(form_id=row.id, user_id=user.id, username=user.username, action="create",
                            to_status="draft", version=1,
                            detail={"copy_from": copy_from} if copy_from is not None else {}))
            s.commit()
            return row

    def save_form(self, user: User, form_id: int, doc: Any, base_version: int, *,
                  autosave: bool = False) -> dict[str, Any]:
        """Save ``doc`` as the next version of the form, if it is still at ``base_version``
        (else :class:`EditConflict`, nothing written). Returns the new version, the time and
        :meth:`check_doc`'s result for the saved document."""
        from .store import StoreError, in_scope

        try:
            doc = clean_doc(doc)
        except ValueError as exc:
            raise StoreError(str(exc)) from None
        with self.Session() as s:
            row = self._form_for(s, user, form_id)
            if not self.can_edit(user, row):
                raise PermissionError(f"该表状态为“{STATUS_ZH.get(row.status, row.status)}”，不能修改")
            if row.version != base_version:
                raise self._conflict(s, row)
            if not in_scope(user, doc["department"] or user.department, doc["implementing_unit"]):
                raise StoreError("实施单位必须是您的单位")
            file_name = s.scalar(select(StoredFile.filename).where(StoredFile.id == row.file_id)) or "在线填报"
            form, errors = doc_to_form(doc, file_name)
            review = self._review_one(form, row.rulebook)  # the rulebook it was read under, as check_doc
            previous = self._ensure_v1(s, row)
            if previous == doc:
                return {"version": row.version, "saved_at": row.updated_at.isoformat() if row.updated_at else None,
                        "unchanged": True, **self._check_result(form, errors, review)}
            now = utcnow()
            # the optimistic lock: only one save can move the form from base_version
            moved = s.execute(update(FormRow).where(FormRow.id == form_id, FormRow.version == base_version)
                              .values(version=base_version + 1, updated_at=now)
                              .execution_options(synchronize_session=False)).rowcount
            if moved != 1:
                s.rollback()
                with self.Session() as s2:
                    raise self._conflict(s2, s2.get(FormRow, form_id))
            s.refresh(row)
            self._write_doc(s, row, doc, form, review, first=False)
            changes = doc_changes(previous, doc)
            action = "autosave" if autosave else "save"
            s.add(FormVersion(form_id=form_id, version=base_version + 1, doc=doc, user_id=user.id,
                              username=user.username, at=now, action=action, changes=changes))
            s.add(FormEvent(form_id=form_id, at=now, user_id=user.id, username=user.username, action=action,
                            from_status=row.status, to_status=row.status, version=base_version + 1,
                            detail={"changed": len(changes)}))
            s.commit()
            return {"version": base_version + 1, "saved_at": now.isoformat(), "unchanged": False,
                    **self._check_result(form, errors, review)}

    def _ensure_v1(self, s: DbSession, row: FormRow) -> dict[str, Any]:
        """The document of the form's current version; for an uploaded form saved for the
        first time, its version 1 (the reading of the file) is written now."""
        doc = s.scalar(select(FormVersion.doc).where(FormVersion.form_id == row.id,
                                                     FormVersion.version == row.version))
        if doc is not None:
            return clean_doc(doc)
        data = s.scalar(select(FormData.data).where(FormData.form_id == row.id))
        doc = clean_doc(form_to_doc(Form.model_validate(data)))
        uploader = s.scalar(select(User.username).join(StoredFile, StoredFile.uploader_id == User.id)
                            .where(StoredFile.id == row.file_id)) or ""
        s.add(FormVersion(form_id=row.id, version=row.version, doc=doc, username=uploader, at=row.created_at,
                          action="upload", changes=[]))
        return doc

    def _conflict(self, s: DbSession, row: FormRow) -> EditConflict:
        last = s.execute(select(FormVersion.username, FormVersion.at).where(
            FormVersion.form_id == row.id, FormVersion.version == row.version)).first()
        return EditConflict(self.editor_doc(row), row.version, last[0] if last else "", last[1] if last else None)

    # -- workflow

    def transition(self, user: User, form_id: int, action: str, *, reason: str = "") -> str:
        from .store import StoreError

        if action not in TRANSITIONS:
            raise StoreError(f"未知的操作：{action}")
        who, sources, target = TRANSITIONS[action]
        reason = (reason or "").strip()[:MAX_TEXT]
        with self.Session() as s:
            row = self._form_for(s, user, form_id)
            allowed = self.can_review(user, row) if who == "reviewer" else user.role == "unit"
            if not allowed:
                raise PermissionError(f"您的角色不能执行“{ACTION_ZH[action]}”")
            if row.status not in sources:
                raise StoreError(f"该表状态为“{STATUS_ZH.get(row.status, row.status)}”，不能{ACTION_ZH[action]}")
            if action == "return" and not reason:
                raise StoreError("退回时请填写理由")
            old = row.status
            moved = s.execute(update(FormRow).where(FormRow.id == form_id, FormRow.status == old)
                              .values(status=target, updated_at=utcnow())).rowcount
            if moved != 1:
                raise StoreError("该表的状态刚刚被他人改变，请刷新后再试")
            s.add(FormEvent(form_id=form_id, user_id=user.id, username=user.username, action=action,
                            from_status=old, to_status=target, version=row.version, comment=reason))
            summary.bump(s)
            s.commit()
        return target

    # -- reviewer decisions

    def _reviewable(self, s: DbSession, user: User, form_id: int) -> FormRow:
        from .store import StoreError

        row = self._form_for(s, user, form_id)
        if not self.can_review(user, row):
            raise PermissionError("只有复核人员（主管部门、财政）可以复核")
        if row.status not in DECIDABLE:
            raise StoreError(f"该表状态为“{STATUS_ZH.get(row.status, row.status)}”，不能复核")
        return row

    def decide(self, user: User, form_id: int, finding_id: int, decision: str, reason: str = "") -> dict[str, Any]:
        """Accept a finding, or dismiss it with a reason (a suppression for this form, code,
        field and values; see the module doc)."""
        from .store import StoreError

        if decision not in ("accept", "dismiss"):
            raise StoreError("复核决定只能是确认或驳回")
        reason = (reason or "").strip()[:MAX_TEXT]
        if decision == "dismiss" and not reason:
            raise StoreError("驳回问题时请填写理由")
        with self.Session() as s:
            row = self._reviewable(s, user, form_id)
            f = s.get(FindingRow, finding_id)
            if f is None or f.form_id != form_id:
                raise StoreError("该问题不属于这张表")
            fp = fingerprint(f.code, f.field, f.evidence)
            for d in s.scalars(select(ReviewDecision).where(
                    ReviewDecision.form_id == form_id, ReviewDecision.kind.in_(("accept", "dismiss")),
                    ReviewDecision.code == f.code, ReviewDecision.field == f.field,
                    ReviewDecision.fingerprint == fp, ReviewDecision.active)):
                d.active = False  # the latest decision on a finding stands
            dec = ReviewDecision(form_id=form_id, finding_id=f.id, user_id=user.id, username=user.username,
                                 decision=decision, kind=decision, code=f.code, field=f.field, fingerprint=fp,
                                 comment=reason, form_version=row.version, active=True)
            s.add(dec)
            if f.suppressed != (decision == "dismiss"):
                summary.apply(s, [row], [f], sign=-1)
                f.suppressed = decision == "dismiss"
                counts = dict(s.execute(select(FindingRow.severity, func.count()).where(
                    FindingRow.form_id == form_id, FindingRow.suppressed.is_(False)).group_by(FindingRow.severity)).all())
                row.n_errors, row.n_warnings, row.n_infos = (counts.get(k, 0) for k in ("error", "warning", "info"))
                row.has_errors = row.n_errors > 0
                s.flush()
                summary.apply(s, [row], [f])
            s.add(FormEvent(form_id=form_id, user_id=user.id, username=user.username, action=decision,
                            from_status=row.status, to_status=row.status, version=row.version, comment=reason,
                            detail={"code": f.code, "field": f.field, "finding_id": f.id, "message": f.message}))
            summary.bump(s)
            s.commit()
            return _decision_dict(dec)

    def add_note(self, user: User, form_id: int, field: str, text: str) -> dict[str, Any]:
        from .store import StoreError

        text = (text or "").strip()[:MAX_TEXT]
        if not text:
            raise StoreError("复核意见不能为空")
        with self.Session() as s:
            row = self._reviewable(s, user, form_id)
            field = _check_field(field, row)
            dec = ReviewDecision(form_id=form_id, user_id=user.id, username=user.username, decision="note",
                                 kind="note", field=field, comment=text, form_version=row.version, active=True)
            s.add(dec)
            s.add(FormEvent(form_id=form_id, user_id=user.id, username=user.username, action="note",
                            from_status=row.status, to_status=row.status, version=row.version, comment=text,
                            detail={"field": field}))
            s.commit()
            return _decision_dict(dec)

    def adjust_score(self, user: User, form_id: int, field: str, score: Any, reason: str) -> dict[str, Any]:
        """A reviewed score (复核分) for an indicator row or the funds block, with a reason."""
        from .store import StoreError

        reason = (reason or "").strip()[:MAX_TEXT]
        if not reason:
            raise StoreError("调整得分时请填写理由")
        try:
            value = Decimal(str(score).strip())
        except (InvalidOperation, ValueError):
            raise StoreError(f"复核得分必须是数字（现为“{str(score)[:20]}”）") from None
        with self.Session() as s:
            row = self._reviewable(s, user, form_id)
            field = _check_field(field, row)
            form = Form.model_validate(s.scalar(select(FormData.data).where(FormData.form_id == form_id)))
            if field == "funds":
                weight = form.funds.weight
            elif field.startswith("indicators["):
                weight = form.indicators[int(field[11:-1])].weight
            else:
                raise StoreError("只能调整预算执行或某一指标行的得分")
            if not value.is_finite() or value < 0 or (weight is not None and value > weight):
                raise StoreError(f"复核得分应在 0 到 {weight} 之间")
            for d in s.scalars(select(ReviewDecision).where(ReviewDecision.form_id == form_id,
                                                            ReviewDecision.kind == "adjust",
                                                            ReviewDecision.field == field, ReviewDecision.active)):
                d.active = False
            dec = ReviewDecision(form_id=form_id, user_id=user.id, username=user.username, decision="adjust",
                                 kind="adjust", field=field, value=value, comment=reason, form_version=row.version,
                                 active=True)
            s.add(dec)
            s.flush()
            self._refresh_reviewed(s, row, form)
            s.add(FormEvent(form_id=form_id, user_id=user.id, username=user.username, action="adjust",
                            from_status=row.status, to_status=row.status, version=row.version, comment=reason,
                            detail={"field": field, "score": str(value)}))
            summary.bump(s)
            s.commit()
            return _decision_dict(dec)

    def _refresh_reviewed(self, s: DbSession, row: FormRow, form: Form) -> None:
        table = self._score_table(s, row, form)
        row.total_reviewed = table["total"]["reviewed"] if table["adjusted"] else None

    def decisions(self, form_id: int) -> list[dict[str, Any]]:
        with self.Session() as s:
            return [_decision_dict(d) for d in s.scalars(select(ReviewDecision).where(
                ReviewDecision.form_id == form_id).order_by(ReviewDecision.id))]

    def score_table(self, row: FormRow) -> dict[str, Any]:
        """自评分 / 复算分 / 复核分 per item and in total."""
        with self.Session() as s:
            form = Form.model_validate(s.scalar(select(FormData.data).where(FormData.form_id == row.id)))
            return self._score_table(s, row, form)

    def _score_table(self, s: DbSession, row: FormRow, form: Form) -> dict[str, Any]:
        from ..report.build import field_label
        from ..scoring import score_form

        sr = score_form(form, self._rulebook_named(row.rulebook))
        adjust = {d.field: d for d in s.scalars(select(ReviewDecision).where(
            ReviewDecision.form_id == row.id, ReviewDecision.kind == "adjust", ReviewDecision.active))}
        items = [("funds", "预算执行", form.funds.weight, form.funds.score, sr.recomputed.budget_score)]
        for i, ind in enumerate(form.indicators):
            items.append((f"indicators[{i}]", f"{field_label(f'indicators[{i}]')} {ind.name}", ind.weight, ind.score,
                          sr.recomputed.indicator_scores[i] if i < len(sr.recomputed.indicator_scores) else None))
        out = []
        delta = Decimal(0)
        for field, label, weight, own, rec in items:
            d = adjust.get(field)
            base = rec if rec is not None else own
            reviewed = d.value if d is not None else base
            if d is not None and d.value is not None:
                delta += d.value - (base or Decimal(0))
            out.append({"field": field, "label": label, "weight": weight, "self_score": own, "recomputed": rec,
                        "reviewed": reviewed, "adjusted": d is not None, "reason": d.comment if d else "",
                        "by": d.username if d else ""})
        base_total = sr.recomputed.total if sr.recomputed.total is not None else form.total
        reviewed_total = (base_total + delta) if base_total is not None else None
        return {"items": out, "adjusted": bool(adjust),
                "total": {"self_score": form.total, "recomputed": sr.recomputed.total, "reviewed": reviewed_total},
                "grade": {"self_score": form.grade, "recomputed": sr.recomputed.grade}}

    # -- history

    def history(self, form_id: int) -> list[dict[str, Any]]:
        """Every version and event of a form, newest first (an uploaded form's reading is
        its first entry even before it is saved)."""
        with self.Session() as s:
            row = s.get(FormRow, form_id)
            if row is None:
                return []
            changes = dict(s.execute(select(FormVersion.version, FormVersion.changes).where(
                FormVersion.form_id == form_id)).all())
            events = list(s.scalars(select(FormEvent).where(FormEvent.form_id == form_id).order_by(FormEvent.id)))
            out = []
            if row.origin == "upload":
                file = s.get(StoredFile, row.file_id)
                uploader = s.scalar(select(User.username).where(User.id == file.uploader_id)) if file else ""
                out.append({"version": 1, "at": row.created_at, "username": uploader or "", "action": "upload",
                            "action_zh": ACTION_ZH["upload"], "from_status": None, "to_status": None,
                            "comment": f"从文件“{file.filename if file else ''}”读取", "changes": [], "detail": {}})
            for e in events:
                out.append({"version": e.version, "at": e.at, "username": e.username, "action": e.action,
                            "action_zh": ACTION_ZH.get(e.action, e.action), "from_status": e.from_status,
                            "to_status": e.to_status, "comment": e.comment, "detail": e.detail or {},
                            "changes": changes.get(e.version, []) if e.action in ("save", "autosave") else []})
        return out[::-1]

    def diff(self, form_id: int, a: int, b: int) -> list[dict[str, str]]:
        from .store import StoreError

        da, db = self.version_doc(form_id, a), self.version_doc(form_id, b)
        if da is None or db is None:
            raise StoreError(f"没有第 {a if da is None else b} 版")
        return doc_changes(clean_doc(da), clean_doc(db))


def _new_year(doc: dict[str, Any], year: int) -> dict[str, Any]:
    """Last year's form as the start of this year's: the structure, goals, targets and weights
    stay; the year's own figures (amounts, actual values, scores, explanations) are cleared."""
    d = json.loads(json.dumps(doc))
    old = d["year"]
    d["year"] = str(year)
    d["title"] = d["title"].replace(old, str(year)) if old else ""
    for k in ("initial_budget", "adjusted_budget", "executed", "rate", "score"):
        d["funds"][k] = ""
    for r in d["funds"]["rows"]:
        for k in MONEY_FIELDS + ("rate",):
            r[k] = ""
    d["goal"]["actual"] = ""
    for r in d["indicators"]:
        r["actual"] = r["score"] = r["deviation"] = ""
    d["total"] = d["grade"] = d["deviation_note"] = ""
    return d


def _check_field(field: str, row: FormRow) -> str:
    from .store import StoreError

    field = (field or "").strip()
    if field in ("", "form"):
        return ""
    ok = field in ("funds", "goal", "total", "project_name")
    if field.startswith("indicators[") and field.endswith("]") and field[11:-1].isdigit():
        ok = int(field[11:-1]) < row.n_indicators
    if not ok:
        raise StoreError(f"没有这个位置：{field[:40]}")
    return field


def _decision_dict(d: ReviewDecision) -> dict[str, Any]:
    return {"id": d.id, "kind": d.kind, "code": d.code, "field": d.field, "fingerprint": d.fingerprint,
            "value": d.value, "comment": d.comment, "username": d.username, "at": d.created_at, "active": d.active,
            "form_version": d.form_version, "finding_id": d.finding_id}


__all__ = ["ACTION_ZH", "EditConflict", "EditingMixin", "STATUS_ZH", "clean_doc", "doc_changes", "doc_to_form",
           "empty_doc", "fingerprint", "form_to_doc"]
