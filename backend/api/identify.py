"""Identification: password, SMS code, ID card -> a customer session holding factors."""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Header, Response
from sqlalchemy import Connection

from backend.api.deps import AnySession, AppState, State, TerminalId
from backend.api.schemas import (
    CardNumberOut,
    CardNumbersOut,
    IdCardLogin,
    IdCardRead,
    PasswordLogin,
    SessionExtendedOut,
    SessionOut,
    SmsSend,
    SmsSentOut,
    SmsVerify,
)
from backend.billing import Factor
from backend.ops import errors as e
from backend.ops.auth import (
    CodeCheck,
    check_code,
    check_not_locked,
    grant_factor,
    record_failure,
    resend_wait_s,
    send_code,
)
from backend.ops.auth import (
    end_session as end_customer_session,
)
from backend.ops.auth import (
    extend_session as extend_customer_session,
)
from backend.ops.guard import serialise, throttle
from backend.ops.lines import Line, line_by_number, lines_of_card, password_secret
from backend.ops.writes import writing
from backend.rules import SMS_CODE_VALIDITY, allowed_levels
from backend.security import check_password

LONG_TERM = "长期"

router = APIRouter(prefix="/v1/sessions", tags=["identification"])

SessionHeader = Annotated[str | None, Header(description="Session to add the factor to")]


def _session_out(
    token: str,
    factors: frozenset[Factor],
    expires: dt.datetime,
    line: Line,
    now: dt.datetime,
    *,
    with_number: bool = False,
) -> SessionOut:
    return SessionOut(
        phone=line.number if with_number else None,
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
    st: AppState,
    line: Line,
    terminal_id: str,
    factor: Factor,
    token: str | None,
    *,
    now: dt.datetime,
    with_number: bool = False,
) -> SessionOut:
    new_token, factors, expires = grant_factor(
        conn,
        line_id=line.id,
        number=line.number,
        terminal_id=terminal_id,
        factor=factor,
        presented_token=token,
        now=now,
        lifetime=st.config.session_lifetime,
    )
    return _session_out(new_token, factors, expires, line, now, with_number=with_number)


# A factor check: None when the factor is right, else why not (counted as a failure), or an
# DomainError to answer with that is no guess (not counted).
Check = Callable[[Connection, Line], "str | e.DomainError | None"]
WRONG = ""  # a wrong factor with the standard message


def _throttle_identify(st: AppState, terminal_id: str) -> None:
    """Count one identification call against the terminal's and the overall limits (its own
    short write, before any number's turn)."""
    limits = st.config.limits
    with writing(st.engine) as conn:
        throttle(
            conn,
            "identify",
            terminal_id,
            limits.identify_per_terminal,
            limits.identify_overall,
            st.clock.now(),
        )


def _attempt(
    st: AppState,
    terminal_id: str,
    phone: str,
    factor: Factor,
    token: str | None,
    check: Check,
    *,
    with_number: bool = False,
    prepare: Callable[[], None] | None = None,
) -> SessionOut:
    """Throttle, then lock check, compare and failure count as ONE serialised step per number.

    See backend/ops/guard.py: without the serialisation, concurrent guesses would all pass the
    lock check before any of them is counted. The failure is committed before the answer.
    ``prepare`` runs between the throttle and the serialised step, outside any transaction:
    costly work (a password hash) there holds neither the number's turn nor SQLite's writer.
    """
    _throttle_identify(st, terminal_id)
    if prepare is not None:
        prepare()
    with writing(st.engine) as conn:
        serialise(conn, f"number:{phone}")
        # The instant is taken once the number's turn has come: turns then follow time order,
        # and each failure counted sees every earlier one as earlier.
        now = st.clock.now()
        check_not_locked(conn, phone, now)
        line = line_by_number(conn, phone)
        verdict = check(conn, line)
        if verdict is None:
            return _grant(
                conn, st, line, terminal_id, factor, token, now=now, with_number=with_number
            )
        if isinstance(verdict, e.DomainError):
            refusal: e.DomainError = verdict
        else:
            refusal = record_failure(conn, phone, factor, terminal_id, now, verdict or None)
    raise refusal


@router.post("/password", response_model=SessionOut, summary="Identify by service password")
def identify_password(
    body: PasswordLogin, st: State, terminal_id: TerminalId, x_session_token: SessionHeader = None
) -> SessionOut:
    """Number + 6-digit service password; wrong ones count toward the lock-out."""
    # (salt, hash) -> verdict: PBKDF2 is computed before the number's turn, on the secret as
    # read then; the judgement inside the turn uses it only if the secret is still the same.
    verdicts: dict[tuple[str, str], bool] = {}

    def prepare() -> None:
        with st.engine.connect() as conn:
            secret = password_secret(conn, body.phone)
        if secret is not None:
            verdicts[secret] = check_password(body.password, *secret)

    def check(_conn: Connection, line: Line) -> str | None:
        secret = (line.password_salt, line.password_hash)
        ok = verdicts.get(secret)
        if ok is None:  # unknown before, or the password was reset meanwhile: hash now
            ok = check_password(body.password, *secret)
        return None if ok else WRONG

    return _attempt(
        st, terminal_id, body.phone, Factor.PASSWORD, x_session_token, check, prepare=prepare
    )


@router.post("/sms-code", response_model=SmsSentOut, summary="Send a one-time SMS code")
def send_sms_code(body: SmsSend, st: State, terminal_id: TerminalId) -> SmsSentOut:
    """Sends a 6-digit code valid 5 minutes; a resend within 60 s is refused (429)."""
    now = st.clock.now()
    limits = st.config.limits
    with writing(st.engine) as conn:
        throttle(conn, "sms", terminal_id, limits.sms_per_terminal, limits.sms_overall, now)
    with writing(st.engine) as conn:
        serialise(conn, f"number:{body.phone}")
        check_not_locked(conn, body.phone, now)
        line_by_number(conn, body.phone)
        wait = resend_wait_s(conn, body.phone, "login", now, st.sms_resend_after)
        if wait > 0:
            raise e.RateLimited(f"验证码已发送，请{wait}秒后再试", retry_after_s=wait)
        send_code(conn, body.phone, "login", now)
    return SmsSentOut(
        resend_after_s=int(st.sms_resend_after.total_seconds()),
        valid_for_s=int(SMS_CODE_VALIDITY.total_seconds()),
    )


@router.post("/sms-verify", response_model=SessionOut, summary="Identify by SMS code")
def verify_sms_code(
    body: SmsVerify, st: State, terminal_id: TerminalId, x_session_token: SessionHeader = None
) -> SessionOut:
    """Checks the newest code; wrong, expired, superseded or used codes count toward the
    lock-out."""

    def check(conn: Connection, line: Line) -> str | None:
        verdict = check_code(conn, line.number, "login", body.code, st.clock.now())
        return None if verdict is CodeCheck.OK else WRONG

    return _attempt(st, terminal_id, body.phone, Factor.SMS, x_session_token, check)


def _card_date(text: str) -> dt.date | None:
    """A card date ("YYYYMMDD"); None for 长期 or an unreadable record."""
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def _card_verdict(body: IdCardRead, line: Line, today: dt.date) -> str | e.DomainError | None:
    """None when the card is the line holder's registered card and valid today by the
    record; a reason (a failure) or a DomainError (no guess) otherwise."""
    if line.photo_sha256 is None or line.card_valid_to is None:
        return e.AuthFailed(
            "该号码的实名登记没有证件信息，请到人工柜台办理", remaining_attempts=None
        )
    matches = (
        line.id_number.upper() == body.id_number.strip().upper()
        and line.customer_name == body.name.strip()
        and line.card_type == body.card_type
        and line.card_valid_from == body.valid_from
        and line.card_valid_to == body.valid_to
    )
    # Compared in constant time however the other fields went.
    photo_ok = hmac.compare_digest(line.photo_sha256, body.photo_sha256)
    if not (matches and photo_ok):
        return "证件信息与该号码的实名登记不符"
    if line.card_valid_to != LONG_TERM:
        valid_to = _card_date(line.card_valid_to)
        if valid_to is None or valid_to < today:
            return e.InvalidInput(
                "证件已过有效期，请使用有效证件或到人工柜台办理", field="valid_to"
            )
    return None


@router.post(
    "/id-card/numbers", response_model=CardNumbersOut, summary="The numbers of an ID card"
)
def id_card_numbers(body: IdCardRead, st: State, terminal_id: TerminalId) -> CardNumbersOut:
    """Card first: the numbers registered to the card's holder, masked, to pick one by its
    index (``pick`` in POST /v1/sessions/id-card). The card must be the registered, valid
    card of that holder; throttled like every identification call. Opens no session."""
    _throttle_identify(st, terminal_id)
    with st.engine.connect() as conn:
        lines = lines_of_card(conn, body.id_number)
    if not lines:
        raise e.NotFound("该证件没有登记本网号码，请到人工柜台办理", field="id_number")
    verdict = _card_verdict(body, lines[0], st.clock.today())
    if isinstance(verdict, e.DomainError):
        raise verdict
    if verdict is not None:
        raise e.AuthFailed("证件信息与实名登记不符", remaining_attempts=None)
    return CardNumbersOut(
        numbers=[
            CardNumberOut(pick=i, phone_masked=line.phone_masked, brand=line.brand)
            for i, line in enumerate(lines)
        ],
        name_masked=lines[0].name_masked,
    )


@router.post("/id-card", response_model=SessionOut, summary="Identify by resident ID card")
def identify_id_card(
    body: IdCardLogin, st: State, terminal_id: TerminalId, x_session_token: SessionHeader = None
) -> SessionOut:
    """The card must match the number's real-name record, photo digest included, and be valid
    today by that record; every mismatch counts toward the lock-out. The number is typed
    (``phone``) or picked from the card's numbers (``pick``); a picked number comes back in
    full in the answer's ``phone``."""
    phone = body.phone
    if phone is None:
        assert body.pick is not None
        with st.engine.connect() as conn:
            lines = lines_of_card(conn, body.id_number)
        if body.pick >= len(lines):
            raise e.NotFound("该证件没有登记这个号码", field="pick")
        phone = lines[body.pick].number

    def check(_conn: Connection, line: Line) -> str | e.DomainError | None:
        return _card_verdict(body, line, st.clock.today())

    return _attempt(
        st,
        terminal_id,
        phone,
        Factor.ID_CARD,
        x_session_token,
        check,
        with_number=body.pick is not None,
    )


@router.post(
    "/current/extend",
    response_model=SessionExtendedOut,
    summary="Extend the customer session (more time)",
)
def extend_session(cust: AnySession, st: State) -> SessionExtendedOut:
    """More time (我需要更多时间) at the session maximum: the expiry moves to now +
    ``session_max``, never beyond ``session_hard_max`` from identification; at the cap it stays
    and ``extendable`` is false. An ended or expired session answers 401 session_expired."""
    now = st.clock.now()
    with writing(st.engine) as conn:
        extension = extend_customer_session(
            conn,
            cust.token_hash,
            now,
            lifetime=st.config.session_lifetime,
            hard_cap=st.config.session_hard_cap,
        )
    return SessionExtendedOut(
        expires_in_s=max(0, int((extension.expires_at - now).total_seconds())),
        extendable=extension.extendable,
    )


@router.delete("/current", status_code=204, summary="End the customer session")
def end_session(cust: AnySession, st: State) -> Response:
    """The customer left: the token stops working on every call."""
    with writing(st.engine) as conn:
        end_customer_session(conn, cust.token_hash)
    return Response(status_code=204)
