"""Locks, failed attempts, one-time codes and customer sessions."""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from backend.billing import Factor
from backend.db import tables as t
from backend.ops import errors as e
from backend.rules import (
    LOCK_DURATION,
    LOCK_WINDOW,
    SMS_CODE_VALIDITY,
    SMS_RESEND_AFTER,
    lock_until,
    remaining_attempts,
)
from backend.security import digest, new_code, new_token

SMS_TEXTS = {
    "login": "【中国移动】您的验证码为{code}，5分钟内有效。工作人员不会索取，请勿泄露。",
    "order": "【中国移动】您正在订购{service}（{price}元/月），验证码{code}，5分钟内有效。"
    "如非本人操作请忽略。",
}


def check_not_locked(conn: Connection, number: str, now: dt.datetime) -> None:
    """Raise Locked while the number's lock runs."""
    row = conn.execute(select(t.locks.c.until).where(t.locks.c.number == number)).first()
    if row is not None and row.until > now:
        raise e.Locked("密码或验证码错误次数过多，号码已锁定", until=_local(row.until))


def _local(instant: dt.datetime) -> dt.datetime:
    from backend.clock import SHANGHAI

    return instant.astimezone(SHANGHAI)


def record_failure(
    conn: Connection,
    number: str,
    factor: Factor,
    terminal_id: str,
    now: dt.datetime,
    detail: str | None = None,
) -> e.DomainError:
    """Count a wrong factor in the caller's transaction; lock the number on the third within
    15 minutes (and end every open session of its line). Returns the error to answer with.

    The caller holds the number's serialisation (backend/ops/guard.py) from the lock check
    through this count, so no concurrent guess is judged before this one is counted.
    """
    conn.execute(
        insert(t.auth_attempts).values(
            number=number, factor=factor.value, ok=False, terminal_id=terminal_id, at=now
        )
    )
    failures = [
        r.at
        for r in conn.execute(
            select(t.auth_attempts.c.at).where(
                t.auth_attempts.c.number == number,
                t.auth_attempts.c.ok.is_(False),
                t.auth_attempts.c.at > now - LOCK_WINDOW,
            )
        )
    ]
    until = lock_until(failures, now)
    if until is not None:
        conn.execute(delete(t.locks).where(t.locks.c.number == number))
        conn.execute(insert(t.locks).values(number=number, until=until))
        line_ids = select(t.lines.c.id).where(t.lines.c.number == number).scalar_subquery()
        end_sessions(conn, line_ids)
        return e.Locked("密码或验证码错误次数过多，号码已锁定60分钟", until=_local(until))
    left = remaining_attempts(failures, now)
    if detail is None:
        what = "服务密码" if factor is Factor.PASSWORD else "验证码"
        detail = f"{what}错误，还可尝试{left}次"
    # lock_minutes: what the next wrong try costs, for the customer to be told before it.
    lock_minutes = int(LOCK_DURATION.total_seconds() // 60)
    return e.AuthFailed(detail, remaining_attempts=left, lock_minutes=lock_minutes)


def end_sessions(conn: Connection, line_id: Any, *, keep_token_hash: str | None = None) -> None:
    """End every open session of a line (a lock, a password reset, 报停), except ``keep``."""
    query = update(t.sessions).where(t.sessions.c.line_id == line_id, t.sessions.c.ended.is_(False))
    if keep_token_hash is not None:
        query = query.where(t.sessions.c.token_hash != keep_token_hash)
    conn.execute(query.values(ended=True))


def drop_factor(conn: Connection, token_hash: str, factor: Factor) -> None:
    """Remove ``factor`` from one session (its proof went stale, e.g. the old password)."""
    row = conn.execute(
        select(t.sessions.c.factors).where(t.sessions.c.token_hash == token_hash)
    ).first()
    if row is None:
        return
    kept = sorted(f for f in row.factors.split(",") if f and f != factor.value)
    conn.execute(
        update(t.sessions)
        .where(t.sessions.c.token_hash == token_hash)
        .values(factors=",".join(kept))
    )


class CodeCheck(Enum):
    """What a presented SMS code is, against the newest code of its purpose."""

    OK = "ok"
    USED = "used"  # the newest code, already used: a repeat, not a guess
    WRONG = "wrong"  # anything else: wrong, expired, superseded, another request's


def _code_hash(number: str, purpose: str, scope: str, code: str) -> str:
    # A scoped code (an order's, scoped to its quote) confirms only that one thing.
    return digest(f"{number}:{purpose}:{scope}:{code}" if scope else f"{number}:{purpose}:{code}")


def send_code(
    conn: Connection,
    number: str,
    purpose: str,
    now: dt.datetime,
    *,
    scope: str = "",
    **fields: Any,
) -> None:
    """Create a code (stored hashed) and put its message in the outbox (the SMS gateway).

    ``scope`` binds the code to one request (a service order's quote): it then confirms that
    request only."""
    code = new_code()
    # A new code supersedes every older live one of its purpose (for an order: of any quote).
    conn.execute(
        update(t.sms_codes)
        .where(
            t.sms_codes.c.number == number,
            t.sms_codes.c.purpose == purpose,
            t.sms_codes.c.used.is_(False),
            t.sms_codes.c.expires_at > now,
        )
        .values(expires_at=now)
    )
    conn.execute(
        insert(t.sms_codes).values(
            number=number,
            purpose=purpose,
            code_hash=_code_hash(number, purpose, scope, code),
            created_at=now,
            expires_at=now + SMS_CODE_VALIDITY,
            used=False,
        )
    )
    conn.execute(
        insert(t.sms_outbox).values(
            number=number,
            purpose=purpose,
            text=SMS_TEXTS[purpose].format(code=code, **fields),
            sent_at=now,
        )
    )


def resend_wait_s(
    conn: Connection,
    number: str,
    purpose: str,
    now: dt.datetime,
    resend_after: dt.timedelta = SMS_RESEND_AFTER,
) -> int:
    """Seconds before another code may be sent (0: now)."""
    last = conn.execute(
        select(t.sms_codes.c.created_at)
        .where(t.sms_codes.c.number == number, t.sms_codes.c.purpose == purpose)
        .order_by(t.sms_codes.c.created_at.desc())
        .limit(1)
    ).first()
    if last is None:
        return 0
    wait = (last.created_at + resend_after - now).total_seconds()
    return max(0, int(wait + 0.999))


def check_code(
    conn: Connection,
    number: str,
    purpose: str,
    code: str,
    now: dt.datetime,
    *,
    scope: str = "",
    consume: bool = True,
) -> CodeCheck:
    """Compare ``code`` with the newest code sent for the purpose (and scope); use it up.

    Only the newest code of a purpose counts, used or not: once a newer code exists an
    older one never works again, and a used code never works twice."""
    row = conn.execute(
        select(
            t.sms_codes.c.id, t.sms_codes.c.code_hash, t.sms_codes.c.used, t.sms_codes.c.expires_at
        )
        .where(t.sms_codes.c.number == number, t.sms_codes.c.purpose == purpose)
        .order_by(t.sms_codes.c.created_at.desc(), t.sms_codes.c.id.desc())
        .limit(1)
    ).first()
    if row is None or not hmac.compare_digest(
        row.code_hash, _code_hash(number, purpose, scope, code)
    ):
        return CodeCheck.WRONG
    if row.used:
        return CodeCheck.USED
    if row.expires_at <= now:
        return CodeCheck.WRONG
    if consume:
        conn.execute(update(t.sms_codes).where(t.sms_codes.c.id == row.id).values(used=True))
    return CodeCheck.OK


def grant_factor(
    conn: Connection,
    *,
    line_id: int,
    number: str,
    terminal_id: str,
    factor: Factor,
    presented_token: str | None,
    now: dt.datetime,
    lifetime: dt.timedelta,
) -> tuple[str, frozenset[Factor], dt.datetime]:
    """Add ``factor`` to the presented session of the same line, or open a new session.

    Returns (token, factors, expires_at); the token is only returned to the terminal, the
    database keeps its digest.
    """
    if presented_token and len(presented_token) <= 100:
        token_hash = digest(presented_token)
        row = conn.execute(
            select(t.sessions.c.factors, t.sessions.c.expires_at).where(
                t.sessions.c.token_hash == token_hash,
                t.sessions.c.line_id == line_id,
                t.sessions.c.terminal_id == terminal_id,
                t.sessions.c.ended.is_(False),
            )
        ).first()
        if row is not None and row.expires_at > now:
            factors = frozenset(Factor(f) for f in row.factors.split(",") if f) | {factor}
            conn.execute(
                update(t.sessions)
                .where(t.sessions.c.token_hash == token_hash)
                .values(factors=",".join(sorted(f.value for f in factors)))
            )
            return presented_token, factors, row.expires_at
    token = new_token()
    expires = now + lifetime
    conn.execute(
        insert(t.sessions).values(
            token_hash=digest(token),
            line_id=line_id,
            terminal_id=terminal_id,
            factors=factor.value,
            created_at=now,
            expires_at=expires,
            ended=False,
        )
    )
    conn.execute(
        insert(t.auth_attempts).values(
            number=number,
            factor=factor.value,
            ok=True,
            terminal_id=terminal_id,
            at=now,
        )
    )
    return token, frozenset({factor}), expires


@dataclass(frozen=True, slots=True)
class SmsMessage:
    """A message the reference SMS gateway 'sent' (instant in Asia/Shanghai)."""

    text: str
    sent_at: dt.datetime
    purpose: str


def outbox(conn: Connection, number: str, limit: int = 20) -> list[SmsMessage]:
    """What the SMS gateway sent to ``number``, newest first (demo mode reads it)."""
    o = t.sms_outbox.c
    rows = conn.execute(
        select(o.text, o.sent_at, o.purpose)
        .where(o.number == number)
        .order_by(o.sent_at.desc(), o.id.desc())
        .limit(limit)
    ).all()
    return [SmsMessage(r.text, _local(r.sent_at), r.purpose) for r in rows]


@dataclass(frozen=True)
class Customer:
    """The identified customer behind a session token."""

    token_hash: str
    terminal_id: str
    line_id: int
    number: str
    factors: frozenset[Factor]
    expires_at: dt.datetime


# Every authenticated call runs this: built once (statement construction costs more than
# the indexed lookup itself).
_SESSION_QUERY = (
    select(
        t.sessions.c.line_id,
        t.sessions.c.factors,
        t.sessions.c.expires_at,
        t.sessions.c.terminal_id,
        t.lines.c.number,
    )
    .join(t.lines, t.lines.c.id == t.sessions.c.line_id)
    .where(t.sessions.c.token_hash == bindparam("token_hash"), t.sessions.c.ended.is_(False))
)


def session_of(
    conn: Connection, terminal_id: str, token: str | None, now: dt.datetime
) -> Customer | None:
    """The live session for a token presented by this terminal, if any."""
    if not token or len(token) > 100:
        return None
    token_hash = digest(token)
    row = conn.execute(_SESSION_QUERY, {"token_hash": token_hash}).first()
    if row is None or row.terminal_id != terminal_id or row.expires_at <= now:
        return None
    factors = frozenset(Factor(f) for f in row.factors.split(",") if f)
    return Customer(token_hash, terminal_id, row.line_id, row.number, factors, row.expires_at)


@dataclass(frozen=True, slots=True)
class Extension:
    """A session's expiry after an extension, and whether another one may follow."""

    expires_at: dt.datetime
    extendable: bool


def extend_session(
    conn: Connection,
    token_hash: str,
    now: dt.datetime,
    *,
    lifetime: dt.timedelta,
    hard_cap: dt.timedelta,
) -> Extension:
    """Push a live session's expiry to ``now + lifetime``, never beyond ``created_at +
    hard_cap`` (and never earlier than it was). At the cap the expiry stays where it is."""
    row = conn.execute(
        select(t.sessions.c.created_at, t.sessions.c.expires_at).where(
            t.sessions.c.token_hash == token_hash, t.sessions.c.ended.is_(False)
        )
    ).first()
    if row is None or row.expires_at <= now:
        raise e.SessionExpired("会话已结束，请重新验证身份")
    cap = row.created_at + hard_cap
    expires = max(row.expires_at, min(now + lifetime, cap))
    if expires != row.expires_at:
        conn.execute(
            update(t.sessions)
            .where(t.sessions.c.token_hash == token_hash)
            .values(expires_at=expires)
        )
    return Extension(expires, expires < cap)


def end_session(conn: Connection, token_hash: str) -> None:
    """End one session (the customer left): its token stops working on every call."""
    conn.execute(update(t.sessions).where(t.sessions.c.token_hash == token_hash).values(ended=True))
