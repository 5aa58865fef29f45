"""Idempotent execution of mutations over HTTP (the rules: backend/ops/idem.py).

The request's fingerprint is keyed with the deployment's secret before it is stored; a
replayed answer carries ``Idempotent-Replayed: true``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Connection

from backend.api.deps import AppState
from backend.ops import idem as ops


def fingerprint(*parts: Any) -> str:
    """Stable digest of what identifies a request (route, customer, body).

    Never stored as is: run_idempotent keys it with the deployment's secret (HMAC) first, so
    a database reader cannot test guesses of what a request contained (a new password)."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def run_idempotent(
    st: AppState,
    terminal_id: str,
    key: str,
    request_fingerprint: str,
    op: Callable[[Connection], BaseModel],
    *,
    status_code: int = 200,
) -> JSONResponse:
    """Apply ``op`` once per (terminal, key) and answer every repetition identically."""
    answer = ops.run_once(
        st.engine,
        st.clock,
        terminal_id,
        key,
        st.fingerprint_key.keyed(st.engine, request_fingerprint),
        lambda conn: op(conn).model_dump(mode="json"),
        status_code=status_code,
    )
    headers = {"Idempotent-Replayed": "true"} if answer.replayed else None
    return JSONResponse(answer.body, status_code=answer.status_code, headers=headers)


def key_claimed(st: AppState, terminal_id: str, key: str) -> bool:
    """True when this terminal's key already has a stored answer (a retry: replay it)."""
    return ops.key_claimed(st.engine, terminal_id, key)
