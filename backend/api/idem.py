"""Idempotent execution of mutations.

The key is claimed by inserting its row in the SAME transaction that applies the mutation and
stores the answer. A concurrent request with the same key therefore either waits for that
transaction (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: the primary-key insert blocks) and then
finds the stored answer, or fails its insert and re-reads. A failed mutation rolls back its
claim too, so the key may be retried. The same key with a different request is a conflict.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from backend.api import problems as p
from backend.api.deps import AppState
from backend.db import tables as t

log = logging.getLogger(__name__)

_ATTEMPTS = 3


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
    request_fingerprint = st.fingerprint_key.keyed(st.engine, request_fingerprint)
    ident = (t.idempotency.c.terminal_id == terminal_id) & (t.idempotency.c.key == key)
    for _ in range(_ATTEMPTS):
        try:
            with st.engine.connect().execution_options(write=True) as conn, conn.begin():
                row = conn.execute(
                    select(
                        t.idempotency.c.fingerprint,
                        t.idempotency.c.status_code,
                        t.idempotency.c.body,
                    ).where(ident)
                ).first()
                if row is not None:
                    if row.fingerprint != request_fingerprint:
                        raise p.Conflict(
                            "该 Idempotency-Key 已用于另一笔不同的请求", field="Idempotency-Key"
                        )
                    return JSONResponse(
                        json.loads(row.body),
                        status_code=row.status_code,
                        headers={"Idempotent-Replayed": "true"},
                    )
                conn.execute(
                    insert(t.idempotency).values(
                        terminal_id=terminal_id,
                        key=key,
                        fingerprint=request_fingerprint,
                        status_code=0,
                        body="",
                        created_at=st.clock.now(),
                    )
                )
                body = op(conn).model_dump(mode="json")
                conn.execute(
                    update(t.idempotency)
                    .where(ident)
                    .values(status_code=status_code, body=json.dumps(body, ensure_ascii=False))
                )
            return JSONResponse(body, status_code=status_code)
        except IntegrityError:
            # A concurrent request with this key committed first: loop to replay its answer.
            log.debug("idempotency key raced; replaying")
            continue
        except p.ApiError as err:
            if err.after_rollback is not None:
                replacement = err.after_rollback(st.engine)
                if replacement is not None:
                    raise replacement from err
            raise
    raise p.Conflict("请求正在处理中，请稍后重试")
