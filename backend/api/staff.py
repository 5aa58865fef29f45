"""The staff fleet page: login, the page, its table (re-fetched by the page) and static files.

Browser-facing, so unlike the terminal API: a session cookie (HttpOnly, SameSite=Strict,
Secure when served over TLS, path /staff) instead of bearer tokens; every form carries a CSRF
token (the login form's is bound to a pre-login cookie, later forms' to the session); failed
logins are throttled per user name and per client address (backend/ops/staff.py). The routes
are kept out of the OpenAPI document, which describes the terminals' API.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Cookie, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from backend.api.deps import AppState, State
from backend.ops import staff as ops
from backend.ops.fleet_view import columns, fleet_rows
from backend.web import page

log = logging.getLogger(__name__)

router = APIRouter(prefix="/staff", include_in_schema=False)

SESSION_COOKIE = "kiosk_staff"
LOGIN_COOKIE = "kiosk_staff_login"
MAX_FORM_BYTES = 4096
STATIC_FILES = {"fleet.css": "text/css", "fleet.js": "text/javascript"}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # "no-referrer" would make browsers send Origin: null
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}

Token = Annotated[str | None, Cookie(alias=SESSION_COOKIE)]


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _set_cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/staff",
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )


def _login_form(request: Request, message: tuple[str, str] | None, status: int) -> Response:
    csrf = secrets.token_urlsafe(24)
    response = _html(page.login_page(csrf, message), status)
    _set_cookie(response, request, LOGIN_COOKIE, csrf, 3600)
    return response


def _same_origin(request: Request) -> bool:
    """A browser's POST names its origin; one from another site is refused outright."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return origin in (f"http://{host}", f"https://{host}")


async def _form(request: Request) -> dict[str, str] | None:
    """The url-encoded form (first value of each field), or None when too big or malformed."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        return None
    return {k: v[0] for k, v in fields.items()}


@router.get("")
def root() -> Response:
    return RedirectResponse("/staff/fleet", status_code=303)


@router.get("/login")
def login_form(request: Request) -> Response:
    return _login_form(request, None, 200)


@router.post("/login")
async def login(
    request: Request,
    st: State,
    login_cookie: Annotated[str | None, Cookie(alias=LOGIN_COOKIE)] = None,
) -> Response:
    form = await _form(request)
    if (
        form is None
        or not login_cookie
        or not _same_origin(request)
        or not hmac.compare_digest(form.get("csrf", ""), login_cookie)
    ):
        # No valid form token: a forged or stale form. Offer a fresh one, check nothing.
        return _login_form(request, ("页面已过期，请重新登录", "Form expired, log in again"), 400)
    client = request.client.host if request.client else "-"
    try:
        done = await run_in_threadpool(
            ops.login,
            st.engine,
            form.get("username", ""),
            form.get("password", ""),
            client,
            st.clock.now(),
        )
    except ops.LoginThrottled as exc:
        minutes = exc.retry_after_s // 60 + 1
        response = _login_form(
            request,
            (
                f"尝试次数过多，请 {minutes} 分钟后再试",
                f"Too many attempts, try again in {minutes} min",
            ),
            429,
        )
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response
    if done is None:
        return _login_form(request, ("用户名或密码错误", "Wrong user name or password"), 401)
    token, _session = done
    response = RedirectResponse("/staff/fleet", status_code=303, headers=SECURITY_HEADERS)
    _set_cookie(
        response, request, SESSION_COOKIE, token, int(ops.SESSION_LIFETIME.total_seconds())
    )
    response.delete_cookie(LOGIN_COOKIE, path="/staff")
    return response


@router.post("/logout")
async def logout(request: Request, st: State, token: Token = None) -> Response:
    form = await _form(request)
    session = await run_in_threadpool(ops.find_session, st.engine, token, st.clock.now())
    if not (
        session is not None
        and token
        and form is not None
        and _same_origin(request)
        and hmac.compare_digest(form.get("csrf", ""), session.csrf)
    ):
        # Not this session's own form: nothing ends (a forged logout is a nuisance attack).
        return RedirectResponse("/staff/fleet", status_code=303, headers=SECURITY_HEADERS)
    await run_in_threadpool(ops.logout, st.engine, token)
    response = RedirectResponse("/staff/login", status_code=303, headers=SECURITY_HEADERS)
    response.delete_cookie(SESSION_COOKIE, path="/staff")
    return response


def _scope(st: AppState, session: ops.StaffSession, hall: str | None) -> tuple[
    str | None, list[str] | None
]:
    """(hall shown, halls to pick from): hall staff see only their own hall."""
    if session.member.hall:
        return session.member.hall, None
    return hall, ops.halls(st.engine)


def _table(st: AppState, hall: str | None) -> str:
    now = st.clock.now()
    return page.fleet_table(fleet_rows(st.engine, now, hall), columns(), now)


@router.get("/fleet")
def fleet(
    st: State, token: Token = None, hall: Annotated[str | None, Query(max_length=40)] = None
) -> Response:
    session = ops.find_session(st.engine, token, st.clock.now())
    if session is None:
        return RedirectResponse("/staff/login", status_code=303, headers=SECURITY_HEADERS)
    shown, halls = _scope(st, session, hall)
    return _html(
        page.fleet_page(
            username=session.member.username,
            csrf=session.csrf,
            halls=halls,
            hall=shown,
            table=_table(st, shown),
        )
    )


@router.get("/fleet/table")
def fleet_table(
    st: State, token: Token = None, hall: Annotated[str | None, Query(max_length=40)] = None
) -> Response:
    session = ops.find_session(st.engine, token, st.clock.now())
    if session is None:
        return _html("", 401)
    shown, _halls = _scope(st, session, hall)
    return _html(_table(st, shown))


@router.get("/static/{name}")
def static(name: str) -> Response:
    media = STATIC_FILES.get(name)
    if media is None:
        return Response(status_code=404)
    headers = {**SECURITY_HEADERS, "Cache-Control": "max-age=300"}
    return FileResponse(page.STATIC / name, media_type=media, headers=headers)
