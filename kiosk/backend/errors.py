"""Typed errors of the backend client.

Every error is a :class:`BackendError` with a stable ``code`` (the same string the server puts
in its problem+json body); ``message`` is the server's own human-readable detail (Chinese),
already free of personal data. The codes are defined here once, on the classes:
:func:`error_type` finds the class of a code (the client's problem+json parsing) and
ui/errors.py derives the customer's words from it (``error.<code>``).

One notion decides what a failed mutation means: :func:`outcome_unknown`. True when no answer
came back (timeout, unreachable, 5xx after retries): the backend may have applied it, so the
journal records the outcome as unknown and a retry of the same choice reuses its
idempotency key. Every other error is a definite refusal: nothing happened.
"""

from __future__ import annotations

import datetime as dt


class BackendError(Exception):
    """Base class: anything that went wrong talking to the operator backend."""

    code: str = "backend_error"
    outcome_unknown: bool = False  # True: no answer came back, a mutation may have applied

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.code)
        self.message = message


class BackendUnavailable(BackendError):  # noqa: N818 - names are the contract the UI codes against
    """No answer could be obtained (connection refused/reset, 5xx after retries)."""

    code = "unavailable"
    outcome_unknown = True


class BackendUntrusted(BackendUnavailable):
    """TLS failed: the backend's certificate is not from the pinned CA (or the backend refused
    this terminal's client certificate). To a customer it is "unavailable"; to the hall staff
    and the log it is a configuration fault or an attack, never retried."""


class BackendTimeout(BackendError):  # noqa: N818 - names are the contract the UI codes against
    """The backend accepted the request but did not answer within the read timeout."""

    code = "timeout"
    outcome_unknown = True


class TerminalRejected(BackendError):  # noqa: N818 - names are the contract the UI codes against
    """The terminal's own credentials (id + bearer token) were refused: a configuration fault."""

    code = "terminal_unauthorized"


class SessionExpired(BackendError):  # noqa: N818 - names are the contract the UI codes against
    """The call needs an identified customer and there is no (valid) session any more."""

    code = "session_expired"


class AuthFailed(BackendError):  # noqa: N818 - names are the contract the UI codes against
    """A wrong password, SMS code or a card that does not match the number's real-name record.

    ``remaining_attempts`` counts wrong passwords/codes left before the number is locked
    (``None`` when the factor does not count toward the lock, e.g. an ID card mismatch);
    ``lock_minutes`` is how long the lock would last (None when the backend did not say).
    """

    code = "auth_failed"

    def __init__(
        self,
        message: str = "",
        remaining_attempts: int | None = None,
        lock_minutes: int | None = None,
    ) -> None:
        super().__init__(message)
        self.remaining_attempts = remaining_attempts
        self.lock_minutes = lock_minutes


class Locked(BackendError):  # noqa: N818 - names are the contract the UI codes against
    """The number is locked after too many wrong passwords/codes, until ``until`` (aware)."""

    code = "locked"

    def __init__(self, message: str = "", until: dt.datetime | None = None) -> None:
        super().__init__(message)
        self.until = until if until is not None else dt.datetime.now(dt.UTC)


class NotAllowed(BackendError):  # noqa: N818 - names are the contract the UI codes against
    """The session lacks identification factors for this function.

    ``missing_factors`` holds the smallest set of factors (``"password"``, ``"sms"``,
    ``"id_card"``) that, added to the session, would allow the call.
    """

    code = "not_allowed"

    def __init__(self, message: str = "", missing_factors: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.missing_factors = missing_factors


class InvalidInput(BackendError):  # noqa: N818 - names are the contract the UI codes against
    """The request was refused by validation; ``field`` names the offending input."""

    code = "invalid_input"

    def __init__(self, field: str = "", message: str = "") -> None:
        super().__init__(message)
        self.field = field


class Conflict(BackendError):  # noqa: N818 - names are the contract the UI codes against
    """The request contradicts the current state (already disputed, line not suspended, ...)."""

    code = "conflict"


class AgreementOutdated(Conflict):
    """The agreement changed since the customer read it: fetch it again and ask again."""

    code = "agreement_outdated"


class KeyAbandoned(Conflict):
    """The journal's settlement already fenced this transaction's key as not applied: the
    request was refused for good and nothing happened. A new attempt needs a new key."""

    code = "idempotency_key_abandoned"


class NotFound(BackendError):  # noqa: N818 - names are the contract the UI codes against
    """The addressed object (order, record, month, service) does not exist for this customer."""

    code = "not_found"


class RateLimited(BackendError):  # noqa: N818 - names are the contract the UI codes against
    """Asked too soon (e.g. an SMS code resend within 60 s); retry after ``retry_after_s``."""

    code = "rate_limited"

    def __init__(self, message: str = "", retry_after_s: int = 0) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


def outcome_unknown(exc: BaseException) -> bool:
    """Did this failure leave a mutation's outcome unknown (see the module docstring)?"""
    return isinstance(exc, BackendError) and exc.outcome_unknown


def _codes(base: type[BackendError]) -> dict[str, type[BackendError]]:
    found = {base.code: base}
    for sub in base.__subclasses__():
        found.update(_codes(sub))
    return found


PROBLEM_TYPES: dict[str, type[BackendError]] = {
    **_codes(BackendError),
    "busy": BackendUnavailable,  # the server's store is busy (503): no answer, like 5xx
    "cash_notes_missing": Conflict,  # a cash order's notes do not add up: refused as it stands
}
"""Every problem code the kiosk knows, to its error class (built from the classes above)."""


def error_type(code: str) -> type[BackendError] | None:
    """The error class of a problem code, or None for a code this kiosk does not know."""
    return PROBLEM_TYPES.get(code)
