"""Sessions, CSRF and role checks.

- The session cookie (``jx_session``) holds a random token; the database keeps its sha256
  (``sessions`` table), so a stolen database does not give live sessions. HttpOnly,
  SameSite=Lax, Secure when the request came over https.
- CSRF: every POST carries a token (form field ``csrf_token`` or header ``X-CSRF-Token``).
  Logged in, it must equal the session's token; on the login form (no session yet) it must
  equal the ``jx_csrf`` cookie (double submit).
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import HTTPException, Request

from ..store.models import User

SESSION_COOKIE = "jx_session"
CSRF_COOKIE = "jx_csrf"


class NotLoggedIn(Exception):
    """No live session: a page redirects to the login page, JSON gets 401."""


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def cookie_args(request: Request) -> dict:
    return {"httponly": True, "samesite": "lax", "secure": is_https(request), "path": "/"}


def current(request: Request) -> tuple[User, str]:
    cached = getattr(request.state, "auth", None)
    if cached is not None:
        return cached
    store = request.app.state.store
    found = store.session_user(request.cookies.get(SESSION_COOKIE))
    if found is None:
        raise NotLoggedIn()
    request.state.auth = found
    return found


def user_of(request: Request) -> User:
    return current(request)[0]


def require(request: Request, *roles: str) -> User:
    user = user_of(request)
    if roles and user.role not in roles:
        raise HTTPException(403, "您的角色无权访问此页面")
    return user


def check_csrf(request: Request, submitted: str | None, *, expected: str | None) -> None:
    sent = submitted or request.headers.get("x-csrf-token") or ""
    if not expected or not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise HTTPException(403, "请求缺少有效的安全令牌（CSRF），已拒绝。请刷新页面后重试。")


def login_csrf(request: Request) -> str:
    """The double-submit token of the login form: the cookie's, or a new one."""
    tok = request.cookies.get(CSRF_COOKIE)
    if not tok or len(tok) > 128:
        tok = secrets.token_urlsafe(32)
    return tok
