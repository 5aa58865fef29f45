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
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from backend.clock import Clock
from backend.db import tables as t
from backend.ops import errors as e

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


@dataclass(frozen=True)
class Answer:
    """What a mutation answers: its own result, or the stored one replayed."""

    status_code: int
    body: Any
    replayed: bool


def _ident(terminal_id: str, key: str) -> Any:
    return (t.idempotency.c.terminal_id == terminal_id) & (t.idempotency.c.key == key)


def run_once(
    engine: Engine,
    clock: Clock,
    terminal_id: str,
    key: str,
    keyed_fingerprint: str,
    op: Callable[[Connection], Any],
    *,
    status_code: int = 200,
) -> Answer:
    """Apply ``op`` (returning the JSON answer) once per (terminal, key); replay it after.

    ``keyed_fingerprint`` identifies the request (already keyed with the deployment's secret:
    it is stored)."""
    ident = _ident(terminal_id, key)
    for _ in range(_ATTEMPTS):
        try:
            # Not through backend.db.engine.writing's queue: the fence (settle) is defined
            # against the database's own write lock, where a waiting mutation and a
            # settlement may come in either order (tests/backend/test_settlement_fence.py).
            with engine.connect().execution_options(write=True) as conn, conn.begin():
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
                        raise e.KeyAbandoned(
                            "该笔业务已由终端对账确认为未办理，本次请求不再受理，请重新办理"
                        )
                    if row.fingerprint != keyed_fingerprint:
                        raise e.Conflict(
                            "该 Idempotency-Key 已用于另一笔不同的请求", field="Idempotency-Key"
                        )
                    return Answer(row.status_code, json.loads(row.body), replayed=True)
                conn.execute(
                    insert(t.idempotency).values(
                        terminal_id=terminal_id,
                        key=key,
                        fingerprint=keyed_fingerprint,
                        status_code=0,
                        body="",
                        created_at=clock.now(),
                        outcome=KeyOutcome.APPLIED.value,
                    )
                )
                body = op(conn)
                conn.execute(
                    update(t.idempotency)
                    .where(ident)
                    .values(status_code=status_code, body=json.dumps(body, ensure_ascii=False))
                )
            return Answer(status_code, body, replayed=False)
        except IntegrityError:
            # A concurrent request (or the settlement fence) with this key committed first:
            # loop to replay its answer, or to find the key abandoned.
            log.debug("idempotency key raced; re-reading")
            continue
    raise e.Conflict("请求正在处理中，请稍后重试")


def key_claimed(engine: Engine, terminal_id: str, key: str) -> bool:
    """True when this terminal's key already has a stored row (a retry: it replays)."""
    i = t.idempotency.c
    with engine.connect() as conn:
        row = conn.execute(select(i.key).where(i.terminal_id == terminal_id, i.key == key)).first()
    return row is not None


def peek(engine: Engine, terminal_id: str, key: str) -> Settled | None:
    """The key's state without deciding anything: None while nothing is stored (or its
    mutation has not committed), else the stored verdict."""
    c = t.idempotency.c
    with engine.connect() as conn:
        row = conn.execute(
            select(c.status_code, c.body, c.outcome).where(_ident(terminal_id, key))
        ).first()
    if row is None:
        return None
    if row.outcome == KeyOutcome.ABANDONED:
        return Settled(KeyOutcome.ABANDONED)
    if not row.body:
        return None
    return Settled(KeyOutcome.APPLIED, row.status_code, json.loads(row.body))


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
            raise e.Busy("系统繁忙，请稍后再试", retry_after_s=5) from exc
    raise e.Conflict("请求正在处理中，请稍后重试")
