"""The FastAPI application: one per server, built from an engine, a clock and the demo flag."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from sqlalchemy import Engine

from backend.api import account, care, catalog, demo, identify, payments, problems
from backend.api.deps import AppState
from backend.api.schemas import Health
from backend.clock import Clock

log = logging.getLogger(__name__)

API_VERSION = "1.0.0"

DESCRIPTION = """Reference operator backend (BOSS gateway) for the business-hall kiosk.

Terminals authenticate every call with `Authorization: Bearer <terminal token>` and
`X-Terminal-Id`. Identification calls return a customer `session_token`, sent back as
`X-Session-Token`. Every mutation needs an `Idempotency-Key`. Errors are
`application/problem+json` with a stable `code`. Money is integer fen. See docs/api.md.
"""


def create_app(engine: Engine, clock: Clock | None = None, *, demo_mode: bool = False) -> FastAPI:
    """Build the app; demo-only routes exist only when ``demo_mode`` is set."""
    app = FastAPI(
        title="Hall kiosk operator backend",
        version=API_VERSION,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
    )
    app.state.backend = AppState(engine=engine, clock=clock or Clock(), demo=demo_mode)
    problems.install(app)

    @app.middleware("http")
    async def _timing(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        # The route template, never the concrete path (it may carry ids) or the query string.
        log.debug(
            "%s %s -> %d in %.1f ms",
            request.method,
            getattr(route, "path", "-"),
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response

    @app.get("/v1/health", response_model=Health, tags=["health"], summary="Liveness")
    def health() -> Health:
        """No authentication: load balancers and the kiosk's health view poll it."""
        return Health(status="ok")

    for module in (identify, account, catalog, payments, care):
        app.include_router(module.router)
    if demo_mode:
        app.include_router(demo.router)
    return app
