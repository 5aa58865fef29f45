"""The same backend on PostgreSQL (psycopg 3): migrations, seed, API, idempotency race."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from common.months import months_back
from kiosk.backend.models import RecordKind
from tests.backend.pg import temp_postgres
from tests.backend.test_idempotency import THREADS, _race, _session_headers
from tests.fixtures.live_backend import (
    DEMO_PASSWORD,
    DEMO_TODAY,
    LiveBackend,
    identify_fully,
    start_backend,
)

LAST = months_back(DEMO_TODAY, 1)  # the last closed month, counted from the pinned date


@pytest.fixture(scope="module")
def pg_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    workdir = tmp_path_factory.mktemp("pg")
    with (
        temp_postgres() as url,
        start_backend(workdir / "server", customers=2, heavy_per_month=300, db_url=url) as backend,
    ):
        yield backend


@pytest.mark.slow
def test_bills_add_up_on_postgres(pg_backend: LiveBackend) -> None:
    mismatched = pg_backend.query(
        "SELECT b.id FROM bills b WHERE b.total_fen <> (SELECT coalesce(sum(r.fee_fen), 0) "
        "FROM records r WHERE r.line_id = b.line_id AND r.month = b.month)"
    )
    assert mismatched == []
    assert pg_backend.query("SELECT count(*) FROM bills") == [(11 * 5,)]


@pytest.mark.slow
def test_api_and_idempotency_race_on_postgres(pg_backend: LiveBackend) -> None:
    with pg_backend.client() as client:
        identify_fully(pg_backend, client, "13800138000")
        first = client.records(LAST, RecordKind.CALL, limit=20)
        assert first.totals is not None and first.next_cursor
        second = client.records(LAST, RecordKind.CALL, cursor=first.next_cursor, limit=20)
        assert not {r.record_id for r in first.items} & {r.record_id for r in second.items}
        assert sum(c.total_fen for c in client.bill(LAST).categories) == client.bill(LAST).total_fen
        headers = {**_session_headers(pg_backend, client), "Idempotency-Key": str(uuid.uuid4())}
        responses = _race(f"{pg_backend.url}/v1/payments", headers, {"amount_fen": 2000})
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["order_id"] for r in responses}) == 1
    assert pg_backend.query("SELECT count(*) FROM payments") == [(1,)]
    assert len(responses) == THREADS
    with pg_backend.client() as other:
        assert other.identify_password("13912345678", DEMO_PASSWORD).brand == "神州行"
