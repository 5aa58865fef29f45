"""Idempotent execution of mutations, and the settlement fence.

The key is claimed by inserting its row in the SAME transaction that applies the mutation and
stores the answer. A concurrent request with the same key therefore either waits for that
transaction (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: the primary-key insert blocks) and then
finds the stored answer, or fails its insert and re-reads. A failed mutation rolls back its
claim too, so the key may be retried. The same key with a different request is a conflict.

Settlement (:func:`settle`, the terminal's reconciliation) competes for the very same row:
it either finds the applied answer or inserts the key as ``abandoned``. Both claims go through
the primary key of one table in one database, so exactly one of them can ever commit: a
mutation that was still waiting inside the backend (busy database, slow network) and arrives
after the fence finds the abandoned row and is refused with ``idempotency_key_abandoned``,
nothing applied. The verdict settlement returns is therefore true forever.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from backend.api import problems as p
from backend.api.deps import AppState
from backend.db import tables as t

log = logging.getLogger(__name__)

_ATTEMPTS = 3


class KeyOutcome(enum.StrEnum):
    """What a stored key stands for."""

    APPLIED = "applied"  # its mutation committed; ``body`` is the answer
    ABANDONED = "abandoned"  # settlement fenced it first; any request with it is refused


@dataclass(frozen=True)
class Settled:
    """Settlement's final verdict on one key."""

    outcome: KeyOutcome
    status_code: int | None = None
    body: Any = None


def fingerprint(*parts: Any) -> str:
    """Stable digest of what identifies a request (route, customer, body).

    Never stored as is: run_idempotent keys it with the deployment's secret (HMAC) first, so
    a database reader cannot test guesses of what a request contained (a new password)."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _ident(terminal_id: str, key: str) -> Any:
    return (t.idempotency.c.terminal_id == terminal_id) & (t.idempotency.c.key == key)


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
    ident = _ident(terminal_id, key)
    for _ in range(_ATTEMPTS):
        try:
            with st.engine.connect().execution_options(write=True) as conn, conn.begin():
                row = conn.execute(
                    select(
                        t.idempotency.c.fingerprint,
                        t.idempotency.c.status_code,
                        t.idempotency.c.body,
                        t.idempotency.c.outcome,
                    ).where(ident)
                ).first()
                if row is not None:
                    if row.outcome == KeyOutcome.ABANDONED:
                        log.info("request refused: its idempotency key was settled as abandoned")
                        raise p.KeyAbandoned(
                            "该笔业务已由终端对账确认为未办理，本次请求不再受理，请重新办理"
                        )
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
                        outcome=KeyOutcome.APPLIED.value,
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
            # A concurrent request (or the settlement fence) with this key committed first:
            # loop to replay its answer, or to find the key abandoned.
            log.debug("idempotency key raced; re-reading")
            continue
        except p.ApiError as err:
            if err.after_rollback is not None:
                replacement = err.after_rollback(st.engine)
                if replacement is not None:
                    raise replacement from err
            raise
    raise p.Conflict("请求正在处理中，请稍后重试")


def settle(engine: Engine, now: dt.datetime, terminal_id: str, key: str) -> Settled:
    """The fence: the applied answer stored under the key, or the key marked abandoned.

    Runs as a write transaction so that it queues behind a mutation holding the key (SQLite:
    ``BEGIN IMMEDIATE``; PostgreSQL: the insert waits on the uncommitted primary key, then
    fails and the answer is re-read). Asking again returns the same verdict.
    """
    ident = _ident(terminal_id, key)
    c = t.idempotency.c
    for _ in range(_ATTEMPTS):
        try:
            with engine.connect().execution_options(write=True) as conn, conn.begin():
                row = conn.execute(select(c.outcome, c.status_code, c.body).where(ident)).first()
                if row is not None:
                    if row.outcome == KeyOutcome.ABANDONED:
                        return Settled(KeyOutcome.ABANDONED)
                    return Settled(KeyOutcome.APPLIED, row.status_code, json.loads(row.body))
                conn.execute(
                    insert(t.idempotency).values(
                        terminal_id=terminal_id,
                        key=key,
                        fingerprint="",
                        status_code=0,
                        body="",
                        created_at=now,
                        outcome=KeyOutcome.ABANDONED.value,
                    )
                )
            log.info("idempotency key settled as abandoned")
            return Settled(KeyOutcome.ABANDONED)
        except IntegrityError:
            log.debug("settlement raced the key's own mutation; re-reading")
            continue
        except OperationalError as exc:
            # SQLite's busy timeout ran out: nothing was written, the verdict is still open.
            raise p.Busy("系统繁忙，请稍后再试", retry_after_s=5) from exc
    raise p.Conflict("请求正在处理中，请稍后重试")
