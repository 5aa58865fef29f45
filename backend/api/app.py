"""The FastAPI application: one per server, built from an engine, a clock and the demo flag."""

from __future__ import annotations

import datetime as dt
import logging
import time

from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.api import (
    account,
    care,
    cash,
    catalog,
    demo,
    identify,
    payments,
    problems,
    staff,
    terminal,
)
from backend.api.deps import AppState, authenticate
from backend.api.gate import Gate
from backend.api.schemas import Health
from backend.clock import Clock
from backend.config import BackendConfig
from backend.ops.secrets import DeploymentKey
from backend.rules import SMS_RESEND_AFTER

log = logging.getLogger(__name__)

API_VERSION = "1.0.0"

DESCRIPTION = """Reference operator backend (BOSS gateway) for the business-hall kiosk.

Terminals authenticate every call with `Authorization: Bearer <terminal token>` and
`X-Terminal-Id`. Identification calls return a customer `session_token`, sent back as
`X-Session-Token`. Every mutation needs an `Idempotency-Key`. Errors are
`application/problem+json` with a stable `code`. Money is integer fen. See docs/api.md.
"""


class _TimingMiddleware:
    """Debug line per request: method, route template, status, duration.

    Pure ASGI (not BaseHTTPMiddleware, which costs milliseconds per request). It logs the
    route template, never the concrete path or query string: those may carry personal data.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not log.isEnabledFor(logging.DEBUG):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [0]

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
            await send(message)

        await self.app(scope, receive, send_wrapper)
        route = scope.get("route")
        log.debug(
            "%s %s -> %d in %.1f ms",
            scope.get("method", "-"),
            getattr(route, "path", "-"),
            status[0],
            (time.perf_counter() - started) * 1000,
        )


def create_app(
    engine: Engine,
    clock: Clock | None = None,
    *,
    demo_mode: bool = False,
    sms_resend_after: dt.timedelta = SMS_RESEND_AFTER,
    config: BackendConfig | None = None,
) -> FastAPI:
    """Build the app; demo-only routes exist only when ``demo_mode`` is set.

    ``/openapi.json`` (the only documentation route; no /docs UI) sits behind terminal
    authentication like every route but ``/v1/health`` (backend/api/gate.py)."""
    app = FastAPI(
        title="Hall kiosk operator backend",
        version=API_VERSION,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
    )
    config = config or BackendConfig()
    st = AppState(
        engine=engine,
        clock=clock or Clock(),
        demo=demo_mode,
        sms_resend_after=sms_resend_after,
        config=config,
        fingerprint_key=DeploymentKey("fingerprint_key", config.fingerprint_key),
    )
    app.state.backend = st
    problems.install(app)

    async def authenticate_terminal(terminal_id: str | None, token: str | None) -> bool:
        return await authenticate(st, terminal_id, token)

    app.add_middleware(Gate, authenticate=authenticate_terminal, body_limit=config.body_limit)
    app.add_middleware(_TimingMiddleware)

    @app.get("/v1/health", response_model=Health, tags=["health"], summary="Liveness")
    def health() -> Health:
        """No authentication: load balancers and the kiosk's health view poll it."""
        return Health(status="ok")

    for module in (identify, account, catalog, payments, cash, care, terminal):
        app.include_router(module.router)
    app.include_router(staff.router)  # the staff fleet page (browser, staff login)
    if demo_mode:
        app.include_router(demo.router)
    return app
