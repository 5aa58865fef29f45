"""Refusals as RFC 9457 problem+json with a stable ``code`` the kiosk maps to messages.

The one place where domain refusals (backend/ops/errors.py) become HTTP: the status table,
the problem document and the exception handlers. Routes and ops raise the domain classes."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from backend.ops import errors as e

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


# The HTTP face of every problem code (defined once, on the classes in backend/ops/errors.py).
STATUS: dict[str, tuple[int, str]] = {
    e.DomainError.code: (400, "Bad request"),
    e.TerminalUnauthorized.code: (401, "Terminal not authorised"),
    e.SessionExpired.code: (401, "Customer session missing or expired"),
    e.AuthFailed.code: (401, "Identification failed"),
    e.NotAllowed.code: (403, "More identification needed"),
    e.NotFound.code: (404, "Not found"),
    e.Conflict.code: (409, "Conflict with the current state"),
    e.AgreementOutdated.code: (409, "Agreement updated"),
    e.KeyAbandoned.code: (409, "Idempotency-Key abandoned"),
    e.CashNotesMissing.code: (409, "Conflict with the current state"),
    e.Busy.code: (503, "Busy, try again"),
    e.InvalidInput.code: (422, "Invalid input"),
    e.Locked.code: (423, "Number locked"),
    e.PayloadTooLarge.code: (413, "Request body too large"),
    e.RateLimited.code: (429, "Too many requests"),
    e.Internal.code: (500, "Internal error"),
}


def status_of(err: e.DomainError) -> int:
    """The HTTP status of a refusal."""
    return STATUS[err.code][0]


def body(err: e.DomainError) -> dict[str, Any]:
    """The problem document of a refusal."""
    status, title = STATUS[err.code]
    doc: dict[str, Any] = {
        "type": f"https://kiosk.example.cn/problems/{err.code}",
        "title": title,
        "status": status,
        "detail": err.detail,
        "code": err.code,
    }
    for key, value in err.extra.items():
        doc[key] = value.isoformat() if isinstance(value, dt.datetime) else value
    return doc


def headers(err: e.DomainError) -> dict[str, str]:
    """Response headers a refusal carries (Retry-After)."""
    retry_after = err.extra.get("retry_after_s")
    return {"Retry-After": str(retry_after)} if isinstance(retry_after, int) else {}


def response(err: e.DomainError) -> JSONResponse:
    """A refusal as an HTTP response."""
    return JSONResponse(
        body(err), status_code=status_of(err), media_type=PROBLEM_JSON, headers=headers(err)
    )


def _field_of(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or (str(loc[-1]) if loc else "")


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""

    @app.exception_handler(e.DomainError)
    async def _refusal(_request: Request, exc: e.DomainError) -> JSONResponse:
        return response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid"}
        field = _field_of(tuple(first.get("loc", ())))
        detail = f"输入有误：{field}（{first.get('msg', '')}）"
        return response(e.InvalidInput(detail, field=field))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        body = {
            "type": f"https://kiosk.example.cn/problems/{code}",
            "title": str(exc.detail),
            "status": exc.status_code,
            "detail": str(exc.detail),
            "code": code,
        }
        return JSONResponse(body, status_code=exc.status_code, media_type=PROBLEM_JSON)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        route = request.scope.get("route")
        where = getattr(route, "path", "?")
        # Type and route only: messages may contain request data.
        log.error("unhandled %s on %s %s", type(exc).__name__, request.method, where)
        body = {
            "type": "https://kiosk.example.cn/problems/internal",
            "title": "Internal error",
            "status": 500,
            "detail": "系统繁忙，请稍后再试",
            "code": "internal",
        }
        return JSONResponse(body, status_code=500, media_type=PROBLEM_JSON)
