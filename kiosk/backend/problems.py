"""Problem+json answers of the backend to the client's typed errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import requests

from kiosk.backend import errors as e


def error_from_response(response: requests.Response) -> e.BackendError:
    """The typed error for a non-2xx answer (problem+json, or a bare gateway error)."""
    try:
        problem = response.json()
    except ValueError:
        problem = None
    if not isinstance(problem, dict):
        if response.status_code >= 500:
            return e.BackendUnavailable(f"HTTP {response.status_code}")
        return e.BackendError(f"HTTP {response.status_code}")
    return error_from_problem(response.status_code, problem)


def error_from_problem(status: int, problem: Mapping[str, Any]) -> e.BackendError:
    """Map a problem+json body to the typed error of its ``code``."""
    code = str(problem.get("code", ""))
    detail = str(problem.get("detail") or problem.get("title") or "")
    if code == "auth_failed":
        remaining = problem.get("remaining_attempts")
        minutes = problem.get("lock_minutes")
        return e.AuthFailed(
            detail,
            remaining if isinstance(remaining, int) else None,
            minutes if isinstance(minutes, int) else None,
        )
    if code == "locked":
        until_text = problem.get("until")
        until = dt.datetime.fromisoformat(until_text) if isinstance(until_text, str) else None
        return e.Locked(detail, until)
    if code == "not_allowed":
        missing = problem.get("missing_factors") or []
        return e.NotAllowed(detail, tuple(str(f) for f in missing))
    if code == "invalid_input":
        return e.InvalidInput(str(problem.get("field") or ""), detail)
    if code == "rate_limited":
        retry_after = problem.get("retry_after_s")
        return e.RateLimited(detail, retry_after if isinstance(retry_after, int) else 0)
    known = e.error_type(code)
    if known is not None and known is not e.BackendError:
        return known(detail)  # a code whose error carries nothing but the detail
    if status >= 500:
        return e.BackendUnavailable(detail or f"HTTP {status}")
    return e.BackendError(detail or f"HTTP {status}")
