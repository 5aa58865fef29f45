"""Staff accounts for the fleet page: scrypt passwords, sessions, login throttling.

Staff are not terminals and not customers: a hall's staff (or IT, hall "") log in with a
user name and a password of their own from a phone or a desk browser. Their passwords are
long-lived and chosen by people, so unlike the 6-digit service passwords they get a
memory-hard hash (scrypt) that makes an offline search after a database leak expensive.
Failed logins are kept in the database, not in process memory, so that every worker of a
multi-process server counts the same failures.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, insert, select, update

from backend.db import tables as t
from backend.db.engine import writing
from backend.security import digest

log = logging.getLogger(__name__)

# scrypt cost: 2^14 x 8 x 128 B = 16 MiB and ~50 ms per hash (OWASP's minimum is 2^17 with
# r=8 p=1 at 128 MiB; a login is rare, but several workers on a small box each hashing at
# once must not run out of memory, so we keep n modest and count on the throttle online).
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
MIN_PASSWORD_LENGTH = 10
SESSION_LIFETIME = dt.timedelta(hours=12)  # one shift
# Throttle: this many failures within the window lock a user name / a client address out
# until the oldest failure leaves the window.
THROTTLE_WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_CLIENT = 20


def hash_staff_password(password: str, *, n: int = SCRYPT_N) -> str:
    """``scrypt$n$r$p$<salt hex>$<hash hex>``: the parameters travel with the hash."""
    salt = secrets.token_bytes(16)
    out = hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P, maxmem=2**26, dklen=32
    )
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${out.hex()}"


def check_staff_password(password: str, stored: str) -> bool:
    """Constant-time check against a stored ``scrypt$...`` hash."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt" or not all(p.isdigit() for p in parts[1:4]):
        return False
    n, r, p = (int(x) for x in parts[1:4])
    try:
        salt, expected = bytes.fromhex(parts[4]), bytes.fromhex(parts[5])
        out = hashlib.scrypt(
            password.encode(), salt=salt, n=n, r=r, p=p, maxmem=2**26, dklen=len(expected)
        )
    except ValueError:
        return False
    return hmac.compare_digest(out, expected)


# Checked when the user name is unknown, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = hash_staff_password("not a real password", n=SCRYPT_N)


@dataclass(frozen=True)
class StaffMember:
    """A logged-in staff member; ``hall`` "" sees every hall."""

    staff_id: int
    username: str
    hall: str


@dataclass(frozen=True)
class StaffSession:
    """A live staff session: who, and the token its forms must carry (CSRF)."""

    member: StaffMember
    csrf: str


class LoginThrottled(Exception):  # noqa: N818 - a refusal, not a bug
    """Too many failures for this user name or client; retry after ``retry_after_s``."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__("login throttled")
        self.retry_after_s = retry_after_s


def add_staff(engine: Engine, username: str, password: str, hall: str = "") -> None:
    """Create a staff account or set a new password (and hall) for an existing one."""
    if not username or len(username) > 40 or not username.isprintable() or " " in username:
        raise ValueError("user names are 1-40 printable characters without spaces")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"staff passwords must be at least {MIN_PASSWORD_LENGTH} characters")
    values = {"password_hash": hash_staff_password(password), "hall": hall, "active": True}
    st = t.staff
    with writing(engine) as conn:
        done = conn.execute(update(st).where(st.c.username == username).values(**values))
        if done.rowcount == 0:
            conn.execute(insert(st).values(username=username, **values))
        # A new password ends every session opened with the old one.
        ids = select(st.c.id).where(st.c.username == username).scalar_subquery()
        conn.execute(delete(t.staff_sessions).where(t.staff_sessions.c.staff_id == ids))


def _retry_after(engine: Engine, username: str, client: str, now: dt.datetime) -> int | None:
    """Seconds until the next attempt is allowed, or None when it is allowed now."""
    f = t.staff_login_failures
    since = now - THROTTLE_WINDOW
    waits: list[int] = []
    with engine.connect() as conn:
        for column, value, limit in (
            (f.c.username, username, MAX_FAILURES_PER_USER),
            (f.c.client, client, MAX_FAILURES_PER_CLIENT),
        ):
            times = (
                conn.execute(
                    select(f.c.at)
                    .where(column == value, f.c.at > since)
                    .order_by(f.c.at.desc())
                    .limit(limit)
                )
                .scalars()
                .all()
            )
            if len(times) >= limit:
                oldest: dt.datetime = times[-1]
                waits.append(max(1, int((oldest + THROTTLE_WINDOW - now).total_seconds()) + 1))
    return max(waits) if waits else None


def login(
    engine: Engine, username: str, password: str, client: str, now: dt.datetime
) -> tuple[str, StaffSession] | None:
    """(cookie token, session) on success, None on a wrong name or password.

    Raises :class:`LoginThrottled` before checking anything once the user name or the client
    has failed too often; every failure is recorded (old ones are pruned here too).
    """
    username = username[:40]
    client = client[:64]
    wait = _retry_after(engine, username, client, now)
    if wait is not None:
        raise LoginThrottled(wait)
    with engine.connect() as conn:
        row = conn.execute(
            select(t.staff.c.id, t.staff.c.password_hash, t.staff.c.hall).where(
                t.staff.c.username == username, t.staff.c.active.is_(True)
            )
        ).first()
    ok = check_staff_password(password, row.password_hash if row else _DUMMY_HASH)
    f = t.staff_login_failures
    with writing(engine) as conn:
        conn.execute(delete(f).where(f.c.at <= now - THROTTLE_WINDOW))
        if row is None or not ok:
            conn.execute(insert(f).values(username=username, client=client, at=now))
            log.info("staff login refused")  # neither the name nor the address: no personal data
            return None
        conn.execute(delete(f).where(f.c.username == username))
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        ss = t.staff_sessions
        conn.execute(delete(ss).where(ss.c.staff_id == row.id, ss.c.expires_at <= now))
        conn.execute(
            insert(ss).values(
                token_hash=digest(token),
                staff_id=row.id,
                csrf=csrf,
                expires_at=now + SESSION_LIFETIME,
            )
        )
    return token, StaffSession(StaffMember(int(row.id), username, str(row.hall)), csrf)


def find_session(engine: Engine, token: str | None, now: dt.datetime) -> StaffSession | None:
    """The live session behind a cookie token, if any."""
    if not token or len(token) > 100:
        return None
    ss, st = t.staff_sessions, t.staff
    with engine.connect() as conn:
        row = conn.execute(
            select(ss.c.staff_id, ss.c.csrf, ss.c.expires_at, st.c.username, st.c.hall)
            .join(st, st.c.id == ss.c.staff_id)
            .where(ss.c.token_hash == digest(token), st.c.active.is_(True))
        ).first()
    if row is None or row.expires_at <= now:
        return None
    return StaffSession(StaffMember(int(row.staff_id), row.username, row.hall), row.csrf)


def logout(engine: Engine, token: str) -> None:
    """End the session behind ``token``."""
    with writing(engine) as conn:
        conn.execute(delete(t.staff_sessions).where(t.staff_sessions.c.token_hash == digest(token)))


def halls(engine: Engine) -> list[str]:
    """Every hall with at least one active terminal, in order."""
    tm = t.terminals
    with engine.connect() as conn:
        rows = conn.execute(
            select(tm.c.hall, func.count())
            .where(tm.c.active.is_(True))
            .group_by(tm.c.hall)
            .order_by(tm.c.hall)
        ).all()
    return [str(r[0]) for r in rows]
