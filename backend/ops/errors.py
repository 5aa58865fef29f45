"""Domain refusals: what the rules say no to, with a stable ``code`` and a Chinese detail.

No HTTP here. Each class names its problem code once; backend/api/problems.py maps the codes
to HTTP statuses and titles in one table and turns every refusal into problem+json. The
kiosk's client (kiosk/backend/errors.py) parses the same codes back into its own classes
(tests/backend/test_problem_mapping.py checks that it knows every one of them).
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal with a stable code and a Chinese detail (no personal data).

    ``extra`` holds the machine-readable fields of the answer (``field``, ``until``,
    ``remaining_attempts``, ``retry_after_s``, ...)."""

    code = "bad_request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class TerminalUnauthorized(DomainError):  # noqa: N818 - named after the problem codes
    """Missing or wrong terminal credentials."""

    code = "terminal_unauthorized"


class SessionExpired(DomainError):  # noqa: N818 - named after the problem codes
    """No valid customer session on a call that needs one."""

    code = "session_expired"


class AuthFailed(DomainError):  # noqa: N818 - named after the problem codes
    """A wrong factor; ``remaining_attempts`` in the body when it counts toward the lock."""

    code = "auth_failed"


class NotAllowed(DomainError):  # noqa: N818 - named after the problem codes
    """The session lacks factors; ``missing_factors`` in the body."""

    code = "not_allowed"


class NotFound(DomainError):  # noqa: N818 - named after the problem codes
    """Nothing there for this customer."""

    code = "not_found"


class Conflict(DomainError):  # noqa: N818 - named after the problem codes
    """The state forbids the request."""

    code = "conflict"


class AgreementOutdated(Conflict):
    """The agreement version consented to is not the one in force; ``current_version``."""

    code = "agreement_outdated"


class KeyAbandoned(Conflict):
    """Settlement fenced this Idempotency-Key before the request got to apply: refused for
    good, nothing applied (the terminal has already recorded it as not applied)."""

    code = "idempotency_key_abandoned"


class CashNotesMissing(Conflict):
    """The terminal holds notes (or fewer) that were not reported: it reports them first."""

    code = "cash_notes_missing"


class Busy(DomainError):  # noqa: N818 - named after the problem codes
    """The database stayed locked past its busy timeout: nothing was decided, ask again."""

    code = "busy"


class InvalidInput(DomainError):  # noqa: N818 - named after the problem codes
    """Validation refused the input; ``field`` in the body."""

    code = "invalid_input"


class Locked(DomainError):  # noqa: N818 - named after the problem codes
    """The number is locked; ``until`` in the body."""

    code = "locked"


class PayloadTooLarge(DomainError):  # noqa: N818 - named after the problem codes
    """The request body exceeds the limit (64 KB by default); it was not read."""

    code = "payload_too_large"


class RateLimited(DomainError):  # noqa: N818 - named after the problem codes
    """Too soon; ``retry_after_s`` in the body (and a Retry-After header)."""

    code = "rate_limited"


class Internal(DomainError):  # noqa: N818 - named after the problem codes
    """An unexpected error (a bug); logged as type, route and code locations only."""

    code = "internal"


def all_errors() -> list[type[DomainError]]:
    """Every refusal class, the base included (each defines one problem code)."""
    found: list[type[DomainError]] = [DomainError]
    for cls in found:
        found.extend(cls.__subclasses__())
    return found
