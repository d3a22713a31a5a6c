"""Routes of ``jixiao serve``: thin, each page once with its JSON twin.

A page handler builds one dict of data; :func:`respond` returns it as JSON (URL ending in
``.json`` or ``Accept: application/json``) or renders the page's template with it. Every
handler starts with :func:`security.require` (login and role) and reads through the
:class:`~jixiao.store.Store`, whose queries apply the role scope.
"""

from __future__ import annotations

import io
import logging
import math
import tempfile
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote, urlencode

from fastapi import Depends, FastAPI, File, Form as FormField, HTTPException, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..store import ROLE_ZH, Store
from ..store.models import FindingRow, FormRow, IndicatorRow
from ..store.store import PAGE_SIZES, Filters
from . import security
from .security import CSRF_COOKIE, SESSION_COOKIE, NotLoggedIn, check_csrf, cookie_args, require

log = logging.getLogger("jixiao.web")
HERE = Path(__file__).parent
ALL_ROLES = ("unit", "department", "finance", "admin")

STATUS_ZH = {400: "请求有误", 401: "请先登录", 403: "无权访问", 404: "页面不存在", 405: "不支持此请求方式",
             413: "上传内容过大", 422: "请求参数有误", 500: "服务器内部错误", 503: "暂时无法提供此功能"}


# ---- JSON and formatting -------------------------------------------------------------------

def jsonable(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items() if not str(k).startswith("_")}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    return v


def fmt_num(v: Any, places: int = 2) -> str:
    if v is None or v == "":
        return "—"
    try:
        return f"{Decimal(str(v)):,.{places}f}"
    except Exception:
        return str(v)


BEIJING = timezone(timedelta(hours=8))  # China has one time zone and no summer time


def local_time(t: Any, seconds: bool = False) -> str:
    """A stored time (UTC; SQLite gives it back naive) as Beijing time for pages."""
    if not isinstance(t, datetime):
        return "" if t is None else str(t)
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return t.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def form_summary(r: FormRow) -> dict[str, Any]:
    return {
        "id": r.id, "url": f"/forms/{r.id}", "project_name": r.project_name, "year": r.year,
        "department": r.department, "unit": r.unit, "project_key": r.project_key, "funds_unit": r.funds_unit,
        "initial_budget": r.initial_budget, "adjusted_budget": r.adjusted_budget, "executed": r.executed,
        "adjusted_budget_wan": r.budget_wan, "executed_wan": r.executed_wan, "rate": r.rate,
        "rate_reported": r.rate_reported, "rate_recomputed": r.rate_recomputed,
        "total_reported": r.total_reported, "total_recomputed": r.total_recomputed,
        "total_reviewed": r.total_reviewed,  # 复核分: set when a reviewer adjusted a score
        "grade_reported": r.grade_reported, "grade_recomputed": r.grade_recomputed, "confidence": r.confidence,
        "complete": r.complete, "has_errors": r.has_errors,
        "findings": {"error": r.n_errors, "warning": r.n_warnings, "info": r.n_infos},
        "n_indicators": r.n_indicators, "rulebook": r.rulebook, "file_id": r.file_id,
        "status": r.status, "version": r.version, "origin": r.origin,  # issue 7: workflow
    }


def finding_dict(f: FindingRow) -> dict[str, Any]:
    from ..report.build import field_label, location_label

    return {
        "id": f.id, "form_id": f.form_id, "form_url": f"/forms/{f.form_id}" if f.form_id else None,
        "file_id": f.file_id, "code": f.code, "name": f.name, "severity": f.severity, "category": f.category,
        "field": f.field, "field_label": field_label(f.field), "message": f.message, "hint": f.hint,
        "project_name": f.project_name, "location": f.location, "location_label": location_label(f.location),
        "evidence": f.evidence, "year": f.year, "department": f.department, "unit": f.unit,
    }


def indicator_dict(i: IndicatorRow) -> dict[str, Any]:
    return {"row": i.row, "level1": i.level1, "level2": i.level2, "name": i.name, "target": i.target,
            "actual": i.actual, "weight": i.weight, "score": i.score, "recomputed": i.recomputed, "rule": i.rule,
            "deviation": i.deviation}


@lru_cache(maxsize=16)
def _rulebook(name: str):
    from ..scoring import load_rulebook

    return load_rulebook(name)


# ---- request helpers -----------------------------------------------------------------------

def wants_json(request: Request) -> bool:
    if request.url.path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _int(v: str | None) -> int | None:
    try:
        return int(v) if v not in (None, "") else None
    except ValueError:
        raise HTTPException(400, f"参数应为整数：{v}") from None


def get_filters(year: str | None = None, department: str | None = None, unit: str | None = None,
                grade: str | None = None, has_errors: str | None = None, code: str | None = None,
                severity: str | None = None, category: str | None = None, q: str | None = None,
                form: str | None = None, status: str | None = None) -> Filters:
    """Filters shared by the lists and the dashboard (empty values are ignored)."""
    he = None if has_errors in (None, "") else has_errors.lower() in ("1", "true", "yes", "是")
    return Filters(status=status or None, year=_int(year), department=department or None, unit=unit or None, grade=grade or None,
                   has_errors=he, code=(code or "").strip().upper() or None, severity=severity or None,
                   category=category or None, q=(q or "").strip() or None, form_id=_int(form))


def get_page(page: str | None = None, per_page: str | None = None) -> tuple[int, int]:
    p = max(1, _int(page) or 1)
    n = _int(per_page) or 50
    return p, n if n in PAGE_SIZES else 50


def pager(page: int, per_page: int, total: int, base: str, params: dict[str, Any]) -> dict[str, Any]:
    pages = max(1, math.ceil(total / per_page))

    def url(p: int) -> str:
        q = {k: v for k, v in params.items() if v not in (None, "")}
        q.update(page=p, per_page=per_page)
        return f"{base}?{urlencode(q)}"

    return {"page": page, "per_page": per_page, "total": total, "pages": pages,
            "prev": url(page - 1) if page > 1 else None, "next": url(page + 1) if page < pages else None}


def create_app(store: Store, *, title: str = "jixiao 绩效") -> FastAPI:
    app = FastAPI(title=title, version=__version__, docs_url=None, redoc_url=None, openapi_url="/openapi.json",
                  description="项目支出绩效自评表的网页应用。每个页面都有 JSON 版本：同一网址加 `.json`，"
                              "或请求头 `Accept: application/json`。登录后以会话 Cookie 访问。")
    app.state.store = store
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.autoescape = True  # every template, whatever its name
    env.globals.update(ROLE_ZH=ROLE_ZH, fmt=fmt_num, version=__version__)
    env.filters["dt"] = local_time
    from ..checks import CATEGORIES, SEVERITY_ZH

    env.globals.update(SEVERITY_ZH=SEVERITY_ZH, CATEGORIES=CATEGORIES)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    limits = store.limits

    # ---- responses ---------------------------------------------------------------------------

    def respond(request: Request, template: str, data: dict[str, Any], **extra: Any) -> Response:
        if wants_json(request):
            return JSONResponse(jsonable(data))
        ctx = {"request": request, "data": data, **extra}
        auth = getattr(request.state, "auth", None)
        if auth is not None:
            ctx.setdefault("user", auth[0])
            ctx.setdefault("csrf_token", auth[1])
        return templates.TemplateResponse(request, template, ctx)

    def error_response(request: Request, status: int, message: str) -> Response:
        title = STATUS_ZH.get(status, "出错了")
        if wants_json(request) or request.url.path.endswith((".csv", ".xlsx", ".pdf")) and \
                "text/html" not in request.headers.get("accept", ""):
            return JSONResponse({"error": {"status": status, "title": title, "message": message}}, status_code=status)
        ctx: dict[str, Any] = {"request": request, "status": status, "title": title, "message": message}
        auth = getattr(request.state, "auth", None)
        if auth is not None:
            ctx["user"], ctx["csrf_token"] = auth
        return templates.TemplateResponse(request, "error.html", ctx, status_code=status)

    @app.exception_handler(NotLoggedIn)
    async def _not_logged_in(request: Request, exc: NotLoggedIn):
        if wants_json(request) or request.method != "GET":
            return JSONResponse({"error": {"status": 401, "title": "请先登录", "message": "请先登录"}},
                                status_code=401)
        nxt = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{urlencode({'next': nxt})}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        msg = exc.detail if isinstance(exc.detail, str) and exc.detail and exc.status_code not in (404, 405) \
            else STATUS_ZH.get(exc.status_code, "出错了")
        if exc.status_code == 404 and isinstance(exc.detail, str) and exc.detail.startswith("没有"):
            msg = exc.detail
        return error_response(request, exc.status_code, msg)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError):
        fields = "、".join(".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors()) or "参数"
        return error_response(request, 400, f"请求参数有误：{fields}")

    @app.exception_handler(Exception)
    async def _server_error(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        return error_response(request, 500, "服务器内部错误，已记录。请稍后重试或联系管理员。")

    def too_large_message(size: int) -> str:
        return (f"上传内容过大（{size / 1048576:.1f} MB）。单个文件不超过 {limits.max_file_bytes / 1048576:.0f} MB，"
                f"一次最多 {limits.max_files} 个文件。")

    app.add_middleware(BodyLimit, limit=limits.max_request_bytes, message=too_large_message)

    @app.middleware("http")
    async def _guard(request: Request, call_next: Callable):
        length = request.headers.get("content-length")
        if request.method == "POST" and length and length.isdigit() and int(length) > limits.max_request_bytes:
            return error_response(request, 413, too_large_message(int(length)))
        response = await call_next(request)
        h = response.headers
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "
                                                "style-src 'self' 'unsafe-inline'; script-src 'self'; "
                                                "frame-ancestors 'none'; form-action 'self'")
        return response

    def twin(path: str, *, summary: str, html: bool = True):
        """Register ``path`` (the page, hidden from the API) and ``path.json`` (in the API)."""
        def deco(fn):
            # the twin first: a page path ending in a parameter would otherwise swallow ".json"
            app.add_api_route(path + ".json", fn, methods=["GET"], summary=summary, name=fn.__name__ + "_json",
                              tags=["页面的 JSON 版本"])
            if html:
                app.add_api_route(path, fn, methods=["GET"], include_in_schema=False)
            return fn
        return deco

    # ---- login ---------------------------------------------------------------------------------

    @app.get("/login", include_in_schema=False)
    def login_page(request: Request, next: str = "/dashboard", error: str = ""):
        tok = security.login_csrf(request)
        resp = templates.TemplateResponse(request, "login.html", {
            "request": request, "csrf_token": tok, "next": _safe_next(next), "error": error})
        resp.set_cookie(CSRF_COOKIE, tok, max_age=3600, **cookie_args(request))
        return resp

    @app.post("/login", summary="登录（表单：username, password, csrf_token）", tags=["登录"])
    def login(request: Request, username: str = FormField(""), password: str = FormField(""),
              csrf_token: str = FormField(""), next: str = FormField("/dashboard")):
        check_csrf(request, csrf_token, expected=request.cookies.get(CSRF_COOKIE))
        ip = request.client.host if request.client else ""
        user = store.authenticate(username.strip(), password, ip=ip)
        if user is None:
            if wants_json(request):
                raise HTTPException(401, "用户名或密码错误，或账户已停用")
            tok = security.login_csrf(request)
            resp = templates.TemplateResponse(request, "login.html", {
                "request": request, "csrf_token": tok, "next": _safe_next(next),
                "error": "用户名或密码错误，或账户已停用"}, status_code=401)
            resp.set_cookie(CSRF_COOKIE, tok, max_age=3600, **cookie_args(request))
            return resp
        token, csrf = store.create_session(user)
        resp: Response
        if wants_json(request):
            resp = JSONResponse(jsonable({"user": _user_dict(user), "csrf_token": csrf}))
        else:
            resp = RedirectResponse(_safe_next(next), status_code=303)
        resp.set_cookie(SESSION_COOKIE, token, max_age=12 * 3600, **cookie_args(request))
        resp.delete_cookie(CSRF_COOKIE, path="/")
        return resp

    @app.post("/logout", summary="退出登录", tags=["登录"])
    def logout(request: Request, csrf_token: str = FormField("")):
        user, csrf = security.current(request)
        check_csrf(request, csrf_token, expected=csrf)
        store.end_session(request.cookies.get(SESSION_COOKIE))
        store.audit(user, "logout")
        resp: Response = JSONResponse({"ok": True}) if wants_json(request) else RedirectResponse("/login", 303)
        resp.delete_cookie(SESSION_COOKIE, path="/")
        return resp

    @app.get("/", include_in_schema=False)
    def home(request: Request):
        security.user_of(request)
        return RedirectResponse("/dashboard", status_code=303)

    @twin("/me", summary="当前用户", html=False)
    def me(request: Request):
        user, csrf = security.current(request)
        return JSONResponse(jsonable({"user": _user_dict(user), "csrf_token": csrf}))

    # ---- dashboard -----------------------------------------------------------------------------

    @twin("/dashboard", summary="汇总：预算与执行、加权执行率、评分等级、问题分布、图表")
    def dashboard(request: Request, f: Filters = Depends(get_filters)):
        user = require(request, *ALL_ROLES)
        only = Filters(year=f.year, department=f.department, unit=f.unit)
        d = store.dashboard(user, only)
        data = {"filters": only.active(), "summary": d, "options": store.filter_options(user)}
        charts = {} if wants_json(request) else _dashboard_charts(d, store)
        return respond(request, "dashboard.html", data, charts=charts)

    # ---- upload --------------------------------------------------------------------------------

    @twin("/upload", summary="上传页面：限额与最近上传的文件")
    def upload_page(request: Request):
        user = require(request, *ALL_ROLES)
        data = {"limits": {"max_file_bytes": limits.max_file_bytes, "max_files": limits.max_files},
                "files": store.list_files(user), "results": None}
        return respond(request, "upload.html", data)

    @app.post("/upload", summary="上传一个或多个文件（multipart，字段 files；表单字段 csrf_token 或请求头 "
                                 "X-CSRF-Token）；逐个文件返回读取结果", tags=["上传"])
    async def upload(request: Request, files: list[UploadFile] = File(default=[]),
                     csrf_token: str = FormField("")):
        user, csrf = security.current(request)
        check_csrf(request, csrf_token, expected=csrf)
        if not files:
            raise HTTPException(400, "没有选择文件")
        if len(files) > limits.max_files:
            raise HTTPException(413, f"一次最多上传 {limits.max_files} 个文件（本次 {len(files)} 个）")
        import anyio.to_thread

        results = []
        for up in files:
            data = await up.read(limits.max_file_bytes + 1)
            name = up.filename or ""
            await up.close()
            results.append(await anyio.to_thread.run_sync(store.add_file, data, name, user))
        body = {"results": [r.to_json_dict() for r in results],
                "limits": {"max_file_bytes": limits.max_file_bytes, "max_files": limits.max_files}}
        if wants_json(request):
            return JSONResponse(body)
        body["files"] = store.list_files(user)
        return respond(request, "upload.html", body)

    @app.get("/files/{file_id:int}/original", summary="下载上传的原始文件", tags=["文件"])
    def original(request: Request, file_id: int):
        user = require(request, *ALL_ROLES)
        try:
            found = store.file_content(user, file_id)
        except PermissionError:
            raise HTTPException(403, "您无权查看此文件") from None
        if found is None:
            raise HTTPException(404, "没有这个文件")
        name, kind, content = found
        return Response(content, media_type="application/octet-stream",
                        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})

    # ---- forms ---------------------------------------------------------------------------------

    @twin("/forms", summary="自评表列表（筛选：year, department, unit, grade, has_errors, code, status, q；排序：sort, desc；分页）")
    def forms_list(request: Request, f: Filters = Depends(get_filters), pg: tuple[int, int] = Depends(get_page),
                   sort: str = "id", desc: str = ""):
        user = require(request, *ALL_ROLES)
        is_desc = desc in ("1", "true", "yes")
        rows, total = store.list_forms(user, f, sort=sort, desc=is_desc, page=pg[0], per_page=pg[1])
        params = {**f.active(), "sort": sort, "desc": "1" if is_desc else ""}
        if "has_errors" in params:
            params["has_errors"] = "1" if f.has_errors else "0"
        data = {"filters": f.active(), "sort": sort, "desc": is_desc,
                "pagination": pager(pg[0], pg[1], total, "/forms", params),
                "forms": [form_summary(r) for r in rows], "options": store.filter_options(user)}
        return respond(request, "forms.html", data, params=params)

    def _visible_form(request: Request, form_id: int):
        user = require(request, *ALL_ROLES)
        row = store.get_form(form_id)
        if row is None:
            raise HTTPException(404, "没有这张自评表")
        if not store.can_see(user, row):
            raise HTTPException(403, "这张自评表不在您的查看范围内")
        return user, row

    @twin("/forms/{form_id:int}", summary="一张自评表：官方版式、问题、填报与复算对比、每个数值的来源")
    def form_page(request: Request, form_id: int):
        from ..model import Form
        from ..report.build import field_label, location_label
        from ..scoring import score_form

        user, row = _visible_form(request, form_id)
        det = store.form_details(row)
        form = Form.model_validate(row.data)
        rb = _rulebook(row.rulebook)
        sr = score_form(form, rb)
        paths = ["project_name", "department", "implementing_unit", "funds.initial_budget", "funds.adjusted_budget",
                 "funds.executed", "funds.rate", "funds.score", "goal.expected", "goal.actual"]
        paths += [f"indicators[{i}]" for i in range(len(form.indicators))] + ["total", "grade"]
        sources = []
        for p in paths:
            loc = form.location_of(p)
            sources.append({"field": p, "label": field_label(p) if not p.startswith("indicators[") else
                            f"{field_label(p)} {form.indicators[int(p[11:-1])].name}",
                            "location": loc.model_dump(exclude_none=True) if loc else None,
                            "location_label": location_label(loc.model_dump()) if loc else ""})
        findings = det["findings"]
        data = {
            "form": row.data, "summary": form_summary(row), "file": det["file"],
            "score": sr.to_json_dict(), "findings": [finding_dict(x) for x in findings],
            "batch_findings": [finding_dict(x) for x in det["batch_findings"]],
            "indicators": [indicator_dict(i) for i in det["indicators"]], "sources": sources,
            "links": {"xlsx": f"/forms/{row.id}.xlsx", "pdf": f"/forms/{row.id}.pdf",
                      "project": f"/projects/{row.project_key}",
                      "original": f"/files/{row.file_id}/original" if det["file"] else None},
        }
        extra: dict[str, Any] = {}
        if not wants_json(request):
            from ..render.html import FORM_CSS, form_html

            extra["form_table"] = form_html(form, findings=findings, standalone=False, rulebook=rb)
            extra["form_css"] = FORM_CSS
            extra["confidence"] = form.confidence.summary_zh() if form.confidence else ""
        data.update(editor.form_page_data(store, user, row, findings))
        return respond(request, "form.html", data, **extra)

    @app.get("/forms/{form_id:int}.xlsx", summary="自评表的 Excel（官方版式，可继续填写）", tags=["下载"])
    def form_xlsx(request: Request, form_id: int):
        return _render_download(request, form_id, "xlsx")

    @app.get("/forms/{form_id:int}.pdf", summary="自评表的 PDF（官方版式，标出问题）", tags=["下载"])
    def form_pdf(request: Request, form_id: int):
        return _render_download(request, form_id, "pdf")

    def _render_download(request: Request, form_id: int, fmt: str) -> Response:
        from ..model import Form
        from ..render import render_file
        from ..render.browser import BrowserError

        user, row = _visible_form(request, form_id)
        form = Form.model_validate(row.data)
        findings = [f for f in store.form_details(row)["findings"] if not f.suppressed] if fmt == "pdf" else None
        with tempfile.TemporaryDirectory(prefix="jixiao-render-") as tmp:
            out = Path(tmp) / f"form.{fmt}"
            try:
                render_file(form, fmt, out, _rulebook(row.rulebook), findings=findings)
            except BrowserError as exc:
                raise HTTPException(503, f"无法生成 PDF：{exc}") from None
            content = out.read_bytes()
        store.audit(user, "download", f"form {row.id}", {"format": fmt})
        name = f"{row.project_name or '自评表'}-{row.year or ''}.{fmt}"
        media = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "pdf": "application/pdf"}[fmt]
        return Response(content, media_type=media,
                        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})

    # ---- findings ------------------------------------------------------------------------------

    @twin("/findings", summary="问题列表（筛选：year, department, unit, code, severity, category, form, q；分页）")
    def findings_list(request: Request, f: Filters = Depends(get_filters), pg: tuple[int, int] = Depends(get_page)):
        user = require(request, *ALL_ROLES)
        rows, total = store.list_findings(user, f, page=pg[0], per_page=pg[1])
        params = {k: v for k, v in f.active().items() if k != "form_id"}
        if f.form_id is not None:
            params["form"] = f.form_id
        qs = urlencode(params)
        data = {"filters": f.active(), "pagination": pager(pg[0], pg[1], total, "/findings", params),
                "findings": [finding_dict(x) for x in rows], "options": store.filter_options(user),
                "export": {"xlsx": f"/findings.xlsx?{qs}", "csv": f"/findings.csv?{qs}"}}
        return respond(request, "findings.html", data, params=params)

    @app.get("/findings.xlsx", summary="导出筛选后的问题（Excel：摘要、自评表、问题）", tags=["下载"])
    def findings_xlsx(request: Request, f: Filters = Depends(get_filters)):
        from ..report.xlsx import write_xlsx

        user = require(request, *ALL_ROLES)
        review = store.review_of(user, f)
        buf = io.BytesIO()
        write_xlsx(review, buf)
        store.audit(user, "export", "findings.xlsx", {"filters": jsonable(f.active()), "rows": len(review.findings)})
        return Response(buf.getvalue(),
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote('问题清单.xlsx')}"})

    @app.get("/findings.csv", summary="导出筛选后的问题（CSV，UTF-8 带 BOM）", tags=["下载"])
    def findings_csv(request: Request, f: Filters = Depends(get_filters)):
        from ..report.tabular import write_csv

        user = require(request, *ALL_ROLES)
        review = store.review_of(user, f)
        buf = io.StringIO()
        write_csv(review, buf)
        store.audit(user, "export", "findings.csv", {"filters": jsonable(f.active()), "rows": len(review.findings)})
        return Response(buf.getvalue().encode("utf-8"), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote('问题清单.csv')}"})

    # ---- one project across years --------------------------------------------------------------

    @twin("/projects/{key}", summary="同一项目的历年自评表并排对比")
    def project_page(request: Request, key: str):
        user = require(request, *ALL_ROLES)
        if len(key) != 40 or not all(c in "0123456789abcdef" for c in key):
            raise HTTPException(404, "没有这个项目")
        rows = store.project(user, key)
        if not rows:
            if store.project_exists(key):
                raise HTTPException(403, "这个项目不在您的查看范围内")
            raise HTTPException(404, "没有这个项目")
        inds = store.indicators_of([r.id for r in rows])
        names: list[str] = []
        for r in rows:
            for i in inds[r.id]:
                if i.name not in names:
                    names.append(i.name)
        table = []
        for n in names:
            cells = []
            for r in rows:
                hit = next((i for i in inds[r.id] if i.name == n), None)
                cells.append(indicator_dict(hit) if hit else None)
            table.append({"name": n, "years": cells})
        data = {"project_key": key, "project_name": rows[-1].project_name, "unit": rows[-1].unit,
                "forms": [form_summary(r) for r in rows], "indicators": table}
        return respond(request, "project.html", data)

    # ---- admin ---------------------------------------------------------------------------------

    @twin("/users", summary="用户列表（管理员）")
    def users_page(request: Request):
        require(request, "admin")
        return respond(request, "users.html", {"users": [_user_dict(u) for u in store.list_users()]})

    @twin("/audit", summary="操作日志（管理员）")
    def audit_page(request: Request):
        require(request, "admin")
        entries = [{"id": e.id, "at": e.at, "username": e.username, "action": e.action, "target": e.target,
                    "detail": e.detail, "ip": e.ip} for e in store.audit_log()]
        return respond(request, "audit.html", {"entries": entries})

    @app.get("/api", include_in_schema=False)
    def api_page(request: Request):
        require(request, *ALL_ROLES)
        spec = app.openapi()
        ops = [{"method": m.upper(), "path": p, "summary": o.get("summary", ""),
                "params": [x["name"] for x in o.get("parameters", [])]}
               for p, item in spec["paths"].items() for m, o in item.items()]
        return respond(request, "api.html", {"operations": ops, "openapi": "/openapi.json"})

    from . import editor

    editor.register(app, store, respond=respond, twin=twin, visible_form=_visible_form, env=env)
    return app


class BodyLimit:
    """Counts the bytes of a request body as they arrive and stops at ``limit``: a body sent
    without ``Content-Length`` (chunked) is refused while streaming, before it is parsed or
    spooled whole. (With ``Content-Length`` the ``_guard`` middleware refuses it up front.)
    The 413 is raised as an HTTPException, which FastAPI's body parsing passes on, so it is
    the usual Chinese error page or JSON error."""

    def __init__(self, app: Any, *, limit: int, message: Callable[[int], str]):
        self.app, self.limit, self.message = app, limit, message

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        seen = 0

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise HTTPException(413, self.message(seen))
            return message

        await self.app(scope, counted, send)


def _safe_next(nxt: str) -> str:
    """Only a local path (never //host or a scheme) after login."""
    if not nxt or not nxt.startswith("/") or nxt.startswith("//") or "\\" in nxt or "://" in nxt:
        return "/dashboard"
    return nxt


def _user_dict(u) -> dict[str, Any]:
    return {"username": u.username, "role": u.role, "role_zh": ROLE_ZH.get(u.role, u.role), "unit": u.unit,
            "department": u.department, "display_name": u.display_name, "active": u.active,
            "created_at": u.created_at}


FORM_ANCHOR = "jx-form-"


@lru_cache(maxsize=128)
def _score_histogram(reported: tuple[tuple[int, int], ...], recomputed: tuple[tuple[int, int], ...],
                     lines: tuple[tuple[str, float], ...]) -> str:
    """The report's score histogram from counts per whole point ((point, count) pairs, as
    ``Store.dashboard`` gives them): the same bins and counts as from every total, since the
    bins are whole points wide. Cached on the counts, which change only when forms are added."""
    from ..report import charts

    return charts.score_histogram_counts([(float(p), n) for p, n in reported],
                                         [(float(p), n) for p, n in recomputed], grade_lines=lines)


def _dashboard_charts(d: dict[str, Any], store: Store) -> dict[str, str]:
    """The report's SVG charts, fed from the dashboard's queries (per-project charts: 60 bars at most)."""
    from ..checks import REGISTRY, load_families
    from ..report import charts

    load_families()
    rb = store.rulebook
    # each bar links to its form: the charts link to "#anchor" (sections of the report); here the
    # anchor is the form id, turned into the form page's URL below
    rates = [(charts.Bar(p or "（无项目名称）", f"{FORM_ANCHOR}{i}"), float(r)) for i, p, r in d["_lowest_rates"]]
    budgets = [(charts.Bar(p or "（无项目名称）", f"{FORM_ANCHOR}{i}"), float(a or 0), float(b))
               for i, p, a, b in d["_budget_changes"]]
    lines = [(g.grade, float(g.min)) for g in rb.grades if g.min > 0] if rb.grades_enabled else []
    def linked(svg: str) -> str:
        return svg.replace(f'href="#{FORM_ANCHOR}', 'href="/forms/')

    out = {
        "rate": linked(charts.rate_chart(rates, threshold=90.0)),
        "scores": _score_histogram(*d["_score_buckets"], tuple(lines)),
        "findings": charts.findings_chart([(c, REGISTRY[c].title if c in REGISTRY else "", n)
                                           for c, n in d["findings_by_code"].items()]),
        "budget": linked(charts.budget_chart(budgets)),
    }
    out["rate_caption"] = (f"共 {d['_forms_with_rate']} 张表，图中为执行率最低的 {len(rates)} 张"
                           if d["_forms_with_rate"] > len(rates) else "")
    return out
