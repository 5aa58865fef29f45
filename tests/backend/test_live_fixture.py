"""The shared ``live_backend`` fixture really serves the demo data."""

from __future__ import annotations

from kiosk.backend.models import LineStatus
from tests.fixtures.live_backend import DEMO_PASSWORD, LiveBackend


def test_fixture_serves_demo_cardholder(live_backend: LiveBackend) -> None:
    with live_backend.client() as client:
        assert client.health()
        session = client.identify_password("13800138000", DEMO_PASSWORD)
        assert session.name_masked == "张*峰"
        assert session.status is LineStatus.NORMAL
        overview = client.overview()
        assert overview.month == "2026-11"
        client.end_session()
    assert live_backend.url.startswith("http://127.0.0.1:")
    assert live_backend.db_url.startswith("sqlite:///")
    assert len(live_backend.random_numbers()) == 3


def test_fixture_lets_tests_request_codes_back_to_back(live_backend: LiveBackend) -> None:
    with live_backend.client() as client:
        first = client.send_sms_code("13699990000")
        client.send_sms_code("13699990000")  # no RateLimited in the shared fixture
        assert first.resend_after_s == 0
        session = client.verify_sms_code("13699990000", live_backend.latest_sms_code("13699990000"))
        assert session.phone_masked == "136****0000"
        client.end_session()
