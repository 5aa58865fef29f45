"""A service order's SMS code counts toward the lock-out, and a locked number takes no more
codes: after three wrong codes the number is locked, its sessions end, and even the right code
does not confirm the order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.agreements import SERVICE_ORDER
from kiosk.backend import errors as e
from tests.fixtures.live_backend import LiveBackend, identify_fully, start_backend

ZHANG = "13800138000"


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    # Its own instance: the test locks a demo number for 60 minutes.
    workdir: Path = tmp_path_factory.mktemp("order-lock-backend")
    # Codes may be re-sent at once: the second test asks for two order codes in a row.
    with start_backend(workdir, customers=1, heavy_per_month=50, sms_resend_after_s=0) as live:
        yield live


def test_a_locked_number_cannot_confirm_an_order(backend: LiveBackend) -> None:
    with backend.client() as client:
        identify_fully(backend, client, ZHANG)
        quote = client.order_service("CL", SERVICE_ORDER.version)
        code = backend.latest_sms_code(ZHANG)
        wrong = "000000" if code != "000000" else "111111"
        left = []
        for _ in range(2):
            with pytest.raises(e.AuthFailed) as failed:
                client.confirm_order(quote.quote_id, wrong)
            left.append(failed.value.remaining_attempts)
        assert left == [2, 1]
        with pytest.raises(e.Locked):
            client.confirm_order(quote.quote_id, wrong)
        # The lock ended the session too: the right code no longer helps.
        with pytest.raises(e.SessionExpired):
            client.confirm_order(quote.quote_id, code)
    rows = backend.query(
        "SELECT count(*) FROM subscriptions s JOIN lines l ON l.id = s.line_id "
        "WHERE l.number = ? AND s.service_code = 'CL'",
        ZHANG,
    )
    assert rows == [(0,)]


def test_an_order_code_confirms_only_its_own_quote(backend: LiveBackend) -> None:
    li = "13912345678"  # another demo line (the first test locks 张晓峰)
    with backend.client() as client:
        identify_fully(backend, client, li)
        first, second = (s.code for s in client.services().catalogue[:2])
        quote1 = client.order_service(first, SERVICE_ORDER.version)
        quote2 = client.order_service(second, SERVICE_ORDER.version)
        code2 = backend.latest_sms_code(li)  # sent for the second quote
        with pytest.raises(e.AuthFailed):
            client.confirm_order(quote1.quote_id, code2)  # not the first quote's code
        change = client.confirm_order(quote2.quote_id, code2)
    assert change.subscription.service.code == second
    rows = backend.query(
        "SELECT s.service_code FROM subscriptions s JOIN lines l ON l.id = s.line_id "
        "WHERE l.number = ? AND s.service_code IN (?, ?) AND s.ends_on IS NULL",
        li,
        first,
        second,
    )
    assert rows == [(second,)]
