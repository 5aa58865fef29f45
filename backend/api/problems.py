"""Errors as RFC 9457 problem+json with a stable ``code`` the kiosk maps to messages."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class ApiError(Exception):
    """A refusal with an HTTP status, a stable code and a Chinese detail (no personal data)."""

    status = 400
    code = "bad_request"
    title = "Bad request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra
        # Work that must survive the rollback of the failed transaction (e.g. counting a
        # wrong SMS code toward the lock-out); may return the error to raise instead.
        self.after_rollback: Callable[[Engine], ApiError | None] | None = None

    def body(self) -> dict[str, Any]:
        """The problem document."""
        doc: dict[str, Any] = {
            "type": f"https://kiosk.example.cn/problems/{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        for key, value in self.extra.items():
            doc[key] = value.isoformat() if isinstance(value, dt.datetime) else value
        return doc

    def response(self) -> JSONResponse:
        """As an HTTP response."""
        headers = {}
        if isinstance(self.extra.get("retry_after_s"), int):
            headers["Retry-After"] = str(self.extra["retry_after_s"])
        return JSONResponse(
            self.body(), status_code=self.status, media_type=PROBLEM_JSON, headers=headers
        )


class TerminalUnauthorized(ApiError):  # noqa: N818 - named after the problem codes
    """Missing or wrong terminal credentials."""

    status, code, title = 401, "terminal_unauthorized", "Terminal not authorised"


class SessionExpired(ApiError):  # noqa: N818 - named after the problem codes
    """No valid customer session on a call that needs one."""

    status, code, title = 401, "session_expired", "Customer session missing or expired"


class AuthFailed(ApiError):  # noqa: N818 - named after the problem codes
    """A wrong factor; ``remaining_attempts`` in the body when it counts toward the lock."""

    status, code, title = 401, "auth_failed", "Identification failed"


class NotAllowed(ApiError):  # noqa: N818 - named after the problem codes
    """The session lacks factors; ``missing_factors`` in the body."""

    status, code, title = 403, "not_allowed", "More identification needed"


class NotFound(ApiError):  # noqa: N818 - named after the problem codes
    """Nothing there for this customer."""

    status, code, title = 404, "not_found", "Not found"


class Conflict(ApiError):  # noqa: N818 - named after the problem codes
    """The state forbids the request."""

    status, code, title = 409, "conflict", "Conflict with the current state"


class AgreementOutdated(Conflict):
    """The agreement version consented to is not the one in force; ``current_version``."""

    status, code, title = 409, "agreement_outdated", "Agreement updated"


class KeyAbandoned(Conflict):
    """Settlement fenced this Idempotency-Key before the request got to apply: refused for
    good, nothing applied (the terminal has already recorded it as not applied)."""

    status, code, title = 409, "idempotency_key_abandoned", "Idempotency-Key abandoned"


class Busy(ApiError):  # noqa: N818 - named after the problem codes
    """The database stayed locked past its busy timeout: nothing was decided, ask again."""

    status, code, title = 503, "busy", "Busy, try again"


class InvalidInput(ApiError):  # noqa: N818 - named after the problem codes
    """Validation refused the input; ``field`` in the body."""

    status, code, title = 422, "invalid_input", "Invalid input"


class Locked(ApiError):  # noqa: N818 - named after the problem codes
    """The number is locked; ``until`` in the body."""

    status, code, title = 423, "locked", "Number locked"


class PayloadTooLarge(ApiError):  # noqa: N818 - named after the problem codes
    """The request body exceeds the limit (64 KB by default); it was not read."""

    status, code, title = 413, "payload_too_large", "Request body too large"


class RateLimited(ApiError):  # noqa: N818 - named after the problem codes
    """Too soon; ``retry_after_s`` in the body and a Retry-After header."""

    status, code, title = 429, "rate_limited", "Too many requests"


class Internal(ApiError):  # noqa: N818 - named after the problem codes
    """An unexpected error (a bug); logged as type, route and code locations only."""

    status, code, title = 500, "internal", "Internal error"


def _field_of(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or (str(loc[-1]) if loc else "")


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return exc.response()

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid"}
        field = _field_of(tuple(first.get("loc", ())))
        detail = f"输入有误：{field}（{first.get('msg', '')}）"
        return InvalidInput(detail, field=field).response()

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
