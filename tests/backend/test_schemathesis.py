"""Schemathesis against the committed OpenAPI document: no input makes the server fail (5xx).

Bounded: a few examples per operation, with the terminal's credentials and a fully identified
customer session so that generated requests reach the handlers, not only the auth checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.fixtures.live_backend import LiveBackend, identify_fully

DOC = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
schema = schemathesis.openapi.from_path(DOC)

FUZZED = "13601010101"  # 史密斯: no other test depends on his line's state or SMS


@pytest.fixture(scope="module")
def auth_headers(own_backend: LiveBackend) -> Iterator[dict[str, str]]:
    """Terminal credentials + a session holding every factor."""
    with own_backend.client() as client:
        identify_fully(own_backend, client, FUZZED)
        token = client._session_token
        assert token
        yield {
            "Authorization": f"Bearer {own_backend.terminal_token}",
            "X-Terminal-Id": own_backend.terminal_id,
            "X-Session-Token": token,
        }


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(
    case: schemathesis.Case, own_backend: LiveBackend, auth_headers: dict[str, str]
) -> None:
    headers = {**auth_headers, **(case.headers or {})}
    if case.path.startswith("/v1/sessions/current") and case.method == "DELETE":
        headers["X-Session-Token"] = "fuzz-disposable"  # keep the shared session alive
    response = case.call(base_url=own_backend.url, headers=headers, timeout=10)
    assert response.status_code < 500, (case.method, case.path, response.text[:300])


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_without_credentials_only_health_answers(
    case: schemathesis.Case, own_backend: LiveBackend
) -> None:
    """The gate refuses every generated request without terminal credentials, whatever its
    body or parameters (backend/api/gate.py), before any of it is parsed."""
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    headers.pop("X-Terminal-Id", None)
    response = case.call(base_url=own_backend.url, headers=headers, timeout=10)
    if case.path == "/v1/health":
        assert response.status_code < 500, (case.method, response.text[:300])
    else:
        assert response.status_code == 401, (case.method, case.path, response.text[:300])
