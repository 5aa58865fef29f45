"""入网协议: the agreement texts come from the backend; plan change and service order name
the version the customer accepted; the consent is written with the mutation, once, even
when the request is retried; a stale version is refused and nothing changes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from backend.agreements import AGREEMENTS, PLAN_CHANGE, SERVICE_ORDER
from kiosk.backend import errors as e
from kiosk.backend.client import BackendClient
from tests.fixtures.live_backend import LiveBackend, identify_fully, start_backend

ZHANG = "13800138000"  # 全球通 QQT128


@pytest.fixture(scope="module")
def zhang(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveBackend, BackendClient]]:
    # Its own backend: the tests book a plan change and order a service.
    backend = start_backend(tmp_path_factory.mktemp("agreement-backend"), customers=1)
    try:
        with backend.client() as client:
            identify_fully(backend, client, ZHANG)
            yield backend, client
    finally:
        backend.stop()


def _raw_post(
    backend: LiveBackend, client: BackendClient, path: str, body: dict[str, str], key: str
) -> requests.Response:
    """The wire answer itself (the typed client keeps only the message)."""
    headers = {
        "Authorization": f"Bearer {backend.terminal_token}",
        "X-Terminal-Id": backend.terminal_id,
        "X-Session-Token": client._session_token or "",
        "Idempotency-Key": key,
    }
    return requests.post(f"{backend.url}{path}", json=body, headers=headers, timeout=10)


def _consents(backend: LiveBackend) -> list[tuple[object, ...]]:
    return backend.query(
        "SELECT c.topic, c.version, c.terminal_id, c.reference FROM consents c"
        " JOIN lines l ON l.id = c.line_id WHERE l.number = ? ORDER BY c.id",
        ZHANG,
    )


def test_the_texts_are_short_plain_and_name_10086(
    zhang: tuple[LiveBackend, BackendClient],
) -> None:
    _, client = zhang
    for topic in ("plan_change", "service_order"):
        agreement = client.agreement(topic)
        assert agreement.topic == topic
        assert agreement.version == AGREEMENTS[topic].version
        assert agreement.title.startswith("《中国移动客户入网服务协议》")
        assert "10086" in agreement.text and "生效" in agreement.text
        paragraphs = agreement.text.split("\n")
        assert 3 <= len(paragraphs) <= 6 and all(len(p) <= 80 for p in paragraphs)
    with pytest.raises(e.NotFound):
        client.agreement("lottery")


def test_the_agreement_needs_an_identified_customer(
    zhang: tuple[LiveBackend, BackendClient],
) -> None:
    backend, _ = zhang
    with backend.client() as anonymous, pytest.raises(e.SessionExpired):
        anonymous.agreement("plan_change")


def test_a_stale_version_is_refused_and_nothing_changes(
    zhang: tuple[LiveBackend, BackendClient],
) -> None:
    backend, client = zhang
    before = backend.query("SELECT COUNT(*) FROM transactions")
    quotes = backend.query("SELECT COUNT(*) FROM order_quotes")
    with pytest.raises(e.AgreementOutdated) as plan:
        client.change_plan("QQT88", "2025.01")
    assert plan.value.message == "协议已更新，请重新阅读并确认"
    assert isinstance(plan.value, e.Conflict)  # screens that know only Conflict stay calm
    with pytest.raises(e.AgreementOutdated):
        client.order_service("CL", "2025.01")
    assert backend.query("SELECT next_plan_code FROM lines WHERE number = ?", ZHANG) == [(None,)]
    assert backend.query("SELECT COUNT(*) FROM transactions") == before
    assert backend.query("SELECT COUNT(*) FROM order_quotes") == quotes
    assert _consents(backend) == []
    # The refusal says which version is in force, for terminals that want to know.
    response = _raw_post(
        backend, client, "/v1/plan-change", {"plan_code": "QQT88", "agreement_version": "old"}, "s1"
    )
    assert response.status_code == 409
    problem = response.json()
    assert (problem["code"], problem["current_version"]) == (
        "agreement_outdated",
        PLAN_CHANGE.version,
    )


def test_the_version_is_required(zhang: tuple[LiveBackend, BackendClient]) -> None:
    backend, client = zhang
    response = _raw_post(backend, client, "/v1/plan-change", {"plan_code": "QQT88"}, "n1")
    assert response.status_code == 422
    assert response.json()["field"] == "agreement_version"


def test_consent_is_written_once_with_the_mutation_even_when_retried(
    zhang: tuple[LiveBackend, BackendClient],
) -> None:
    backend, client = zhang
    change = client.change_plan("QQT88", PLAN_CHANGE.version, idempotency_key="plan-consent-1")
    again = client.change_plan("QQT88", PLAN_CHANGE.version, idempotency_key="plan-consent-1")
    assert again == change  # the answer replayed, nothing applied twice
    quote = client.order_service("CL", SERVICE_ORDER.version, idempotency_key="order-consent-1")
    assert client.order_service("CL", SERVICE_ORDER.version, "order-consent-1") == quote
    terminal = backend.terminal_id
    assert _consents(backend) == [
        ("plan_change", PLAN_CHANGE.version, terminal, change.transaction_id),
        ("service_order", SERVICE_ORDER.version, terminal, quote.quote_id),
    ]
