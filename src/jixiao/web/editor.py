"""Routes of the form editor, the workflow and the reviewer's decisions (issue 7).

Registered by :func:`jixiao.web.app.create_app` with one call to :func:`register`; the
work is done by the store (``jixiao.store.editing``: documents, versions, workflow,
decisions), these routes only check login, role, scope and CSRF and translate errors:
``PermissionError`` → 403, ``StoreError`` → 400 (its Chinese message), ``EditConflict`` →
409 with the current document (who saved it, when, its version).

Pages, each with its JSON twin (same URL + ``.json``):

- ``/forms/new``: a new form, blank or copied from a form in scope (a unit only);
- ``/forms/{id}/edit``: the official layout as inputs (``static/editor.js`` builds them
  from the document embedded in the page), live check, autosave, conflicts;
- ``/forms/{id}/history`` and ``/forms/{id}/diff?a=&b=``: versions, events and a diff.

POSTs (CSRF: form field or JSON key ``csrf_token``, or header ``X-CSRF-Token``):
``/forms/new``, ``/forms/{id}/check``, ``/forms/{id}/save``, ``/forms/{id}/transition``,
``/forms/{id}/decide``, ``/forms/{id}/note``, ``/forms/{id}/adjust``.
"""

from __future__ import annotations

import functools
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

import anyio.to_thread
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from ..store.store import Filters
from .app import form_summary, jsonable, wants_json
from .security import check_csrf, current, require

ALL_ROLES = ("unit", "department", "finance", "admin")
ACTION_ZH = {"submit": "提交", "start_review": "开始复核", "approve": "复核通过", "return": "退回"}
DECISION_ZH = {"accept": "接受", "dismiss": "驳回", "note": "复核意见", "adjust": "调整得分"}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _zh(exc: BaseException, default: str) -> str:
    msg = str(exc)
    return msg if _CJK.search(msg) else default


def _store_call(fn: Callable[..., Any], *a: Any, **kw: Any) -> Any:
    """Call the store, its refusals as HTTP errors (EditConflict passes through)."""
    try:
        return fn(*a, **kw)
    except PermissionError as exc:
        raise HTTPException(403, _zh(exc, "您无权对这张自评表进行此操作")) from None
    except ValueError as exc:  # StoreError, and a document that is not one (Chinese messages)
        raise HTTPException(400, _zh(exc, "请求内容有误")) from None


def _conflict_parts(exc: Any) -> dict[str, Any]:
    """EditConflict: the current document, its version, who saved it and when."""
    return {"doc": exc.doc, "version": exc.version, "username": exc.by, "at": exc.at}


async def _body(request: Request) -> dict[str, Any]:
    """The POST's fields: a JSON object, or an HTML form's fields. A body that is not a
    complete JSON object (cut off in transit) is a 400: nothing is saved from it."""
    ctype = request.headers.get("content-type", "")
    if "json" in ctype:
        raw = await request.body()
        try:
            body = json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise HTTPException(400, "请求内容不是完整的 JSON（可能在传输中被截断），未保存任何修改") from None
        if not isinstance(body, dict):
            raise HTTPException(400, "请求内容应为 JSON 对象")
        return body
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def _post(request: Request) -> tuple[Any, dict[str, Any]]:
    """Login, then CSRF (header first: a body cut off in transit is still a 403 without it), then the body."""
    user, csrf = current(request)
    header = request.headers.get("x-csrf-token")
    if header:
        check_csrf(request, header, expected=csrf)
    body = await _body(request)
    if not header:
        tok = body.get("csrf_token")
        check_csrf(request, tok if isinstance(tok, str) else "", expected=csrf)
    return user, body


def _json_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A POST whose body was JSON gets its errors as JSON too (whatever its Accept header)."""
    @functools.wraps(fn)
    async def wrapper(request: Request, *a: Any, **kw: Any) -> Any:
        try:
            return await fn(request, *a, **kw)
        except HTTPException as exc:
            if "json" not in request.headers.get("content-type", "") or wants_json(request):
                raise
            from .app import STATUS_ZH as HTTP_ZH

            return JSONResponse({"error": {"status": exc.status_code, "title": HTTP_ZH.get(exc.status_code, "出错了"),
                                           "message": exc.detail}}, status_code=exc.status_code)
    return wrapper


def _int_field(v: Any, name: str) -> int:
    try:
        if isinstance(v, bool):
            raise ValueError
        return int(v)
    except (TypeError, ValueError):
        raise HTTPException(400, f"{name}应为整数") from None


def _doc_field(body: dict[str, Any]) -> dict[str, Any]:
    doc = body.get("doc")
    if not isinstance(doc, dict):
        raise HTTPException(400, "缺少自评表内容（doc）")
    return doc


def _safe_back(nxt: Any, default: str) -> str:
    if not isinstance(nxt, str) or not nxt.startswith("/") or nxt.startswith("//") or "\\" in nxt or "://" in nxt:
        return default
    return nxt


def _status(store: Any, row: Any) -> dict[str, Any]:
    return {"status": row.status, "status_zh": store.STATUS_ZH.get(row.status, row.status), "version": row.version,
            "origin": row.origin, "updated_at": row.updated_at}


def workflow_info(store: Any, user: Any, row: Any) -> dict[str, Any]:
    """Status, version and what ``user`` may do with the form (the form page and the editor)."""
    actions = list(store.allowed_actions(user, row))
    return {**_status(store, row), "can_edit": bool(store.can_edit(user, row)),
            "can_review": bool(store.can_review(user, row)),
            "actions": [{"action": a, "label": ACTION_ZH.get(a, a), "needs_reason": a == "return"} for a in actions],
            "links": {"edit": f"/forms/{row.id}/edit", "history": f"/forms/{row.id}/history",
                      "transition": f"/forms/{row.id}/transition", "form": f"/forms/{row.id}",
                      "copy": f"/forms/new?copy_from={row.id}"}}


def form_page_data(store: Any, user: Any, row: Any, findings: list[Any]) -> dict[str, Any]:
    """What the form page shows of issue 7: the workflow, the score table (自评分 / 复算分 /
    复核分), the reviewer's decisions and, per finding, its decision (已驳回 with the reason)."""
    decisions = [{**d, "kind_zh": DECISION_ZH.get(d.get("kind"), d.get("kind"))} for d in store.decisions(row.id)]
    by_id: dict[Any, dict[str, Any]] = {}
    by_key: dict[tuple[str, str], dict[str, Any]] = {}
    for d in decisions:  # in order: the latest active decision on a finding stands
        if d.get("kind") in ("accept", "dismiss") and d.get("active", True):
            by_id[d.get("finding_id")] = d
            by_key[(d.get("code") or "", d.get("field") or "")] = d
    review = []
    for f in findings:
        # a finding recomputed by a later save has a new id: its decision is found by code and field
        d = by_id.get(f.id) or by_key.get((f.code, f.field or ""))
        suppressed = bool(getattr(f, "suppressed", False))
        review.append({"id": f.id, "suppressed": suppressed,
                       "decision": d.get("kind") if d else ("dismiss" if suppressed else None),
                       "reason": d.get("comment", "") if d else "", "by": d.get("username", "") if d else "",
                       "at": d.get("at") if d else None})
    form = row.data
    fields = [{"field": "funds", "label": "项目资金（预算执行）"}]
    for i, ind in enumerate(form.get("indicators") or []):
        fields.append({"field": f"indicators[{i}]",
                       "label": f"第{i + 1}行 {ind.get('level2') or ind.get('level1') or ''} {ind.get('name') or ''}".strip()})
    note_fields = [{"field": "", "label": "整张表"}, {"field": "project_name", "label": "项目名称"},
                   {"field": "goal", "label": "年度总体目标"}] + fields + [{"field": "total", "label": "总分"}]
    wf = workflow_info(store, user, row)
    wf["review_open"] = store.can_decide(user, row)
    labels = {f["field"]: f["label"] for f in note_fields}
    for d in decisions:
        d["field_label"] = labels.get(d.get("field") or "", d.get("field") or "整张表")
    wf["n_suppressed"] = sum(1 for r in review if r["suppressed"])
    return {"workflow": wf, "score_table": store.score_table(row),
            "decisions": decisions, "finding_reviews": review,
            "review_fields": {"adjust": fields, "note": note_fields}}


def register(app: FastAPI, store: Any, *, respond: Callable[..., Response], twin: Callable[..., Any],
             visible_form: Callable[[Request, int], tuple[Any, Any]], env: Any = None) -> None:
    """Add the editor's routes to ``app`` (called once by ``create_app``); ``env``: the
    templates' Jinja environment (gets ``WORKFLOW_ZH`` and ``ACTION_ZH``)."""
    if env is not None:
        env.globals.update(WORKFLOW_ZH=dict(store.STATUS_ZH), ACTION_ZH=ACTION_ZH, DECISION_ZH=DECISION_ZH)

    def run(fn: Callable[[], Any]) -> Any:
        return anyio.to_thread.run_sync(fn)

    def back_or_json(request: Request, body: dict[str, Any], default: str, data: dict[str, Any]) -> Response:
        if wants_json(request) or "json" in request.headers.get("content-type", ""):
            return JSONResponse(jsonable(data))
        return RedirectResponse(_safe_back(body.get("next"), default), status_code=303)

    # ---- a new form ------------------------------------------------------------------------

    @twin("/forms/new", summary="新建自评表（填报单位）：空白、复制已有的表（上年度同一项目在前）或上传文件")
    def new_form_page(request: Request, copy_from: str = "", project: str = ""):
        user = require(request, *ALL_ROLES)
        if user.role != "unit":
            raise HTTPException(403, "只有填报单位可以新建自评表")
        rows, _ = store.list_forms(user, Filters(), sort="year", desc=True, per_page=200)
        chosen = None
        if copy_from.isdigit():
            chosen = next((r for r in rows if r.id == int(copy_from)), None)
            if chosen is None:
                got = store.get_form(int(copy_from))
                if got is not None and store.can_see(user, got):
                    chosen = got
        key = project or (chosen.project_key if chosen is not None else "")
        if chosen is not None and all(r.id != chosen.id for r in rows):
            rows = [chosen] + list(rows)
        # the same project first (newest year first), then the rest newest first
        rows = sorted(rows, key=lambda r: (r.project_key != key if key else False, -(r.year or 0), r.id))
        years = [r.year for r in rows if r.year]
        this_year = (max(years) + 1) if years else None
        next_year = (chosen.year + 1) if chosen is not None and chosen.year else this_year
        data = {"candidates": [{**form_summary(r), **_status(store, r)} for r in rows],
                "copy_from": chosen.id if chosen is not None else None, "year": next_year,
                "links": {"upload": "/upload", "create": "/forms/new"}}
        return respond(request, "new_form.html", data)

    @app.post("/forms/new", summary="新建自评表（mode=blank|copy，copy_from，year）：303 到编辑页；JSON 请求返回 id",
              tags=["填报"])
    @_json_errors
    async def new_form(request: Request):
        user, body = await _post(request)
        if user.role != "unit":
            raise HTTPException(403, "只有填报单位可以新建自评表")
        mode = body.get("mode") or ("copy" if body.get("copy_from") not in (None, "") else "blank")
        copy_from = _int_field(body.get("copy_from"), "复制的自评表编号") if mode == "copy" else None
        year = _int_field(body.get("year"), "年度") if body.get("year") not in (None, "") else None
        if year is not None and not 1990 <= year <= 2100:
            raise HTTPException(400, "年度应在 1990 到 2100 之间")
        if copy_from is not None:
            src = await run(lambda: store.get_form(copy_from))
            if src is None:
                raise HTTPException(404, "没有这张自评表")
            if not store.can_see(user, src):
                raise HTTPException(403, "这张自评表不在您的查看范围内")
        row = await run(lambda: _store_call(store.create_form, user, copy_from=copy_from, year=year))
        url = f"/forms/{row.id}/edit"
        if wants_json(request) or "json" in request.headers.get("content-type", ""):
            return JSONResponse(jsonable({"id": row.id, "url": f"/forms/{row.id}", "edit_url": url,
                                          **_status(store, row)}))
        return RedirectResponse(url, status_code=303)

    # ---- the editor ------------------------------------------------------------------------

    @twin("/forms/{form_id:int}/edit", summary="编辑自评表：文档、版本、状态、可做的操作、选项与实时检查结果")
    def edit_page(request: Request, form_id: int):
        user, row = visible_form(request, form_id)
        doc = store.editor_doc(row)
        wf = workflow_info(store, user, row)
        data = {"id": row.id, "doc": doc, "version": wf["version"], "status": wf["status"],
                "status_zh": wf["status_zh"], "can_edit": wf["can_edit"], "actions": wf["actions"],
                "choices": store.editor_choices(), "check": store.check_doc(doc, row.rulebook),
                "rulebook": row.rulebook, "links": wf["links"]}
        return respond(request, "editor.html", data, workflow=wf, editor_json=jsonable(data))

    @app.post("/forms/{form_id:int}/check", summary="检查一份文档（JSON {doc}）：字段错误、复算得分、问题；不保存",
              tags=["填报"])
    @_json_errors
    async def check(request: Request, form_id: int):
        user, body = await _post(request)
        doc = _doc_field(body)
        _, row = await run(lambda: visible_form(request, form_id))
        result = await run(lambda: _store_call(store.check_doc, doc, row.rulebook))
        return JSONResponse(jsonable(result))

    @app.post("/forms/{form_id:int}/save", summary="保存（JSON {doc, version, autosave}）：新版本；"
              "版本已变时 409 附当前文档、版本、保存人与时间", tags=["填报"])
    @_json_errors
    async def save(request: Request, form_id: int):
        from ..store.editing import EditConflict

        user, body = await _post(request)
        doc = _doc_field(body)
        version = _int_field(body.get("version"), "版本号")
        autosave = body.get("autosave") in (True, "1", "true")
        _, row = await run(lambda: visible_form(request, form_id))
        try:
            result = await run(lambda: _store_call(store.save_form, user, form_id, doc, version, autosave=autosave))
        except EditConflict as exc:
            c = _conflict_parts(exc)
            who = c["username"] or "其他用户"
            return JSONResponse(jsonable({
                "error": {"status": 409, "title": "修改冲突",
                          "message": f"这张表已被 {who} 保存为第 {c['version']} 版，您的修改基于第 {version} 版，未保存。"},
                "conflict": c, "your_version": version}), status_code=409)
        return JSONResponse(jsonable(result))

    # ---- workflow --------------------------------------------------------------------------

    @app.post("/forms/{form_id:int}/transition", summary="流程操作（action=submit|start_review|approve|return，"
              "reason：退回时必填）", tags=["流程与复核"])
    @_json_errors
    async def transition(request: Request, form_id: int):
        user, body = await _post(request)
        action = str(body.get("action") or "")
        if action not in ACTION_ZH:
            raise HTTPException(400, "未知的流程操作")
        reason = str(body.get("reason") or "").strip()
        await run(lambda: visible_form(request, form_id))
        status = await run(lambda: _store_call(store.transition, user, form_id, action, reason=reason))
        row = await run(lambda: store.get_form(form_id))
        data = {"id": form_id, "status": status, "status_zh": store.STATUS_ZH.get(status, status),
                "actions": list(store.allowed_actions(user, row)) if row is not None else []}
        return back_or_json(request, body, f"/forms/{form_id}", data)

    # ---- reviewer decisions ----------------------------------------------------------------

    @app.post("/forms/{form_id:int}/decide", summary="复核人对问题的决定（finding_id, decision=accept|dismiss, "
              "reason：驳回时必填）", tags=["流程与复核"])
    @_json_errors
    async def decide(request: Request, form_id: int):
        user, body = await _post(request)
        finding_id = _int_field(body.get("finding_id"), "问题编号")
        decision = str(body.get("decision") or "")
        if decision not in ("accept", "dismiss"):
            raise HTTPException(400, "决定应为接受或驳回")
        reason = str(body.get("reason") or "").strip()
        await run(lambda: visible_form(request, form_id))
        await run(lambda: _store_call(store.decide, user, form_id, finding_id, decision, reason))
        return back_or_json(request, body, f"/forms/{form_id}#findings",
                            {"id": form_id, "finding_id": finding_id, "decision": decision})

    @app.post("/forms/{form_id:int}/note", summary="复核意见（field：如 indicators[3]，text）", tags=["流程与复核"])
    @_json_errors
    async def note(request: Request, form_id: int):
        user, body = await _post(request)
        field = str(body.get("field") or "").strip()
        text = str(body.get("text") or "").strip()
        if not text:
            raise HTTPException(400, "请填写复核意见")
        await run(lambda: visible_form(request, form_id))
        await run(lambda: _store_call(store.add_note, user, form_id, field, text))
        return back_or_json(request, body, f"/forms/{form_id}#review", {"id": form_id, "field": field})

    @app.post("/forms/{form_id:int}/adjust", summary="调整得分（field=indicators[3]|funds，score，reason）",
              tags=["流程与复核"])
    @_json_errors
    async def adjust(request: Request, form_id: int):
        user, body = await _post(request)
        field = str(body.get("field") or "").strip()
        if not re.fullmatch(r"funds|indicators\[\d{1,4}\]", field):
            raise HTTPException(400, "只能调整某一行指标或预算执行的得分")
        try:
            score = Decimal(str(body.get("score", "")).strip())
            if not score.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            raise HTTPException(400, "复核分必须是数字") from None
        reason = str(body.get("reason") or "").strip()
        await run(lambda: visible_form(request, form_id))
        await run(lambda: _store_call(store.adjust_score, user, form_id, field, score, reason))
        return back_or_json(request, body, f"/forms/{form_id}#review",
                            {"id": form_id, "field": field, "score": score})

    # ---- history and versions --------------------------------------------------------------

    def _head(store_row: Any) -> dict[str, Any]:
        return {"id": store_row.id, "project_name": store_row.project_name, "year": store_row.year,
                "unit": store_row.unit, **_status(store, store_row)}

    @twin("/forms/{form_id:int}/history", summary="自评表的版本与流程记录（新的在前）")
    def history_page(request: Request, form_id: int):
        user, row = visible_form(request, form_id)
        events = store.history(form_id)
        versions = sorted({e["version"] for e in events if e.get("version")}, reverse=True)
        data = {"form": _head(row), "history": events, "versions": versions, "diff": None,
                "links": {"form": f"/forms/{form_id}", "edit": f"/forms/{form_id}/edit"}}
        return respond(request, "history.html", data)

    @twin("/forms/{form_id:int}/diff", summary="两个版本之间的差异（a、b：版本号）")
    def diff_page(request: Request, form_id: int, a: str = "", b: str = ""):
        user, row = visible_form(request, form_id)
        va, vb = _int_field(a, "版本号 a"), _int_field(b, "版本号 b")
        events = store.history(form_id)
        versions = sorted({e["version"] for e in events if e.get("version")}, reverse=True)
        for v in (va, vb):
            if v not in versions:
                raise HTTPException(404, f"没有第 {v} 版")
        changes = _store_call(store.diff, form_id, va, vb)
        data = {"form": _head(row), "history": events, "versions": versions,
                "diff": {"a": va, "b": vb, "changes": changes},
                "links": {"form": f"/forms/{form_id}", "edit": f"/forms/{form_id}/edit"}}
        return respond(request, "history.html", data)

    @app.get("/forms/{form_id:int}/versions/{version:int}.json", summary="某一版本的文档", tags=["页面的 JSON 版本"])
    def version_json(request: Request, form_id: int, version: int):
        visible_form(request, form_id)
        try:
            doc = store.version_doc(form_id, version)
        except (LookupError, ValueError):
            doc = None
        if doc is None:
            raise HTTPException(404, f"没有第 {version} 版")
        return JSONResponse(jsonable({"id": form_id, "version": version, "doc": doc}))
