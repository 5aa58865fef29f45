"""Identification: password, SMS code, ID card -> a customer session holding factors."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Header, Response
from sqlalchemy import Connection, update

from backend.api import problems as p
from backend.api.deps import AnySession, State, TerminalId
from backend.api.schemas import (
    IdCardLogin,
    PasswordLogin,
    SessionOut,
    SmsSend,
    SmsSentOut,
    SmsVerify,
)
from backend.billing import Factor
from backend.db import tables as t
from backend.ops.auth import (
    check_not_locked,
    consume_code,
    grant_factor,
    record_failure,
    resend_wait_s,
    send_code,
)
from backend.ops.lines import Line, line_by_number
from backend.rules import SMS_CODE_VALIDITY, allowed_levels
from backend.security import check_password

router = APIRouter(prefix="/v1/sessions", tags=["identification"])

SessionHeader = Annotated[str | None, Header(description="Session to add the factor to")]


def _session_out(
    token: str, factors: frozenset[Factor], expires: dt.datetime, line: Line, now: dt.datetime
) -> SessionOut:
    return SessionOut(
        session_token=token,
        factors=sorted(f.value for f in factors),
        allowed=sorted(a.value for a in allowed_levels(factors)),
        phone_masked=line.phone_masked,
        name_masked=line.name_masked,
        brand=line.brand,
        status=line.status.value,
        expires_in_s=max(0, int((expires - now).total_seconds())),
    )


def _grant(
    conn: Connection,
    line: Line,
    terminal_id: str,
    factor: Factor,
    token: str | None,
    *,
    now: dt.datetime,
) -> SessionOut:
    new_token, factors, expires = grant_factor(
        conn,
        line_id=line.id,
        terminal_id=terminal_id,
        factor=factor,
        presented_token=token,
        now=now,
    )
    return _session_out(new_token, factors, expires, line, now)


@router.post("/password", response_model=SessionOut, summary="Identify by service password")
def identify_password(
    body: PasswordLogin, st: State, terminal_id: TerminalId, x_session_token: SessionHeader = None
) -> SessionOut:
    """Number + 6-digit service password; wrong ones count toward the lock-out."""
    now = st.clock.now()
    with st.engine.connect() as conn:
        check_not_locked(conn, body.phone, now)
        line = line_by_number(conn, body.phone)
    if not check_password(body.password, line.password_salt, line.password_hash):
        raise record_failure(st.engine, body.phone, Factor.PASSWORD, terminal_id, now)
    with st.engine.connect().execution_options(write=True) as conn, conn.begin():
        return _grant(conn, line, terminal_id, Factor.PASSWORD, x_session_token, now=now)


@router.post("/sms-code", response_model=SmsSentOut, summary="Send a one-time SMS code")
def send_sms_code(body: SmsSend, st: State, terminal_id: TerminalId) -> SmsSentOut:
    """Sends a 6-digit code valid 5 minutes; a resend within 60 s is refused (429)."""
    now = st.clock.now()
    with st.engine.connect().execution_options(write=True) as conn, conn.begin():
        check_not_locked(conn, body.phone, now)
        line_by_number(conn, body.phone)
        wait = resend_wait_s(conn, body.phone, "login", now, st.sms_resend_after)
        if wait > 0:
            raise p.RateLimited(f"验证码已发送，请{wait}秒后再试", retry_after_s=wait)
        send_code(conn, body.phone, "login", now)
    return SmsSentOut(
        resend_after_s=int(st.sms_resend_after.total_seconds()),
        valid_for_s=int(SMS_CODE_VALIDITY.total_seconds()),
    )


@router.post("/sms-verify", response_model=SessionOut, summary="Identify by SMS code")
def verify_sms_code(
    body: SmsVerify, st: State, terminal_id: TerminalId, x_session_token: SessionHeader = None
) -> SessionOut:
    """Checks the newest live code; wrong or expired codes count toward the lock-out."""
    now = st.clock.now()
    with st.engine.connect().execution_options(write=True) as conn, conn.begin():
        check_not_locked(conn, body.phone, now)
        line = line_by_number(conn, body.phone)
        if consume_code(conn, body.phone, "login", body.code, now):
            return _grant(conn, line, terminal_id, Factor.SMS, x_session_token, now=now)
    raise record_failure(st.engine, body.phone, Factor.SMS, terminal_id, now)


@router.post("/id-card", response_model=SessionOut, summary="Identify by resident ID card")
def identify_id_card(
    body: IdCardLogin, st: State, terminal_id: TerminalId, x_session_token: SessionHeader = None
) -> SessionOut:
    """The card must match the number's real-name record and be valid today."""
    now = st.clock.now()
    today = st.clock.today()
    if body.valid_to != "长期":
        try:
            valid_to = dt.date(
                int(body.valid_to[:4]), int(body.valid_to[4:6]), int(body.valid_to[6:])
            )
        except ValueError:
            raise p.InvalidInput("证件有效期无法识别", field="valid_to") from None
        if valid_to < today:
            raise p.InvalidInput("证件已过有效期，请使用有效证件或到人工柜台办理", field="valid_to")
    with st.engine.connect().execution_options(write=True) as conn, conn.begin():
        check_not_locked(conn, body.phone, now)
        line = line_by_number(conn, body.phone)
        matches = (
            line.id_number.upper() == body.id_number.strip().upper()
            and line.customer_name == body.name.strip()
            and line.card_type == body.card_type
        )
        if matches:
            return _grant(conn, line, terminal_id, Factor.ID_CARD, x_session_token, now=now)
    raise p.AuthFailed("证件信息与该号码的实名登记不符", remaining_attempts=None)


@router.delete("/current", status_code=204, summary="End the customer session")
def end_session(cust: AnySession, st: State) -> Response:
    """The customer left: the token stops working on every call."""
    with st.engine.connect().execution_options(write=True) as conn, conn.begin():
        conn.execute(
            update(t.sessions).where(t.sessions.c.token_hash == cust.token_hash).values(ended=True)
        )
    return Response(status_code=204)
