"""The settlement fence, on SQLite and PostgreSQL, with real concurrency.

The defect (issue 10): a kiosk died while its request waited inside the backend (busy
database); the restarted kiosk asked about the key, heard "not applied", wrote that down for
good — and the backend applied the request moments later. Here the request is really held
inside a real backend (at a SQL statement, or behind a lock another connection holds) while
the restarted kiosk settles through its real journal and client; every outcome must be ONE
verdict that stays true: applied & the journal done with the backend's reference, or
abandoned & the late request refused (409 idempotency_key_abandoned) with nothing applied.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from kiosk.backend.client import BackendClient
from kiosk.journal import EntryStatus, Journal, JournalEntry
from kiosk.reconcile import NOT_APPLIED, SETTLE_MARGIN, Reconciliation, reconcile
from tests.backend.inproc import InProcessBackend, inprocess_backend, sqlite_url
from tests.backend.pg import temp_postgres
from tests.fixtures.live_backend import CARDS, DEMO_PASSWORD, identify_fully

AMOUNT_FEN = 10_063  # ¥100.63, the payment order of the report
NUMBER_SQL = "SELECT number FROM lines WHERE id > 9 ORDER BY id"
_CUSTOMER = itertools.count()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[InProcessBackend]:
    if request.param == "sqlite":
        with inprocess_backend(sqlite_url(tmp_path_factory.mktemp("fence"))) as live:
            yield live
        return
    with temp_postgres() as url, inprocess_backend(url) as live:
        yield live


class Kiosk:
    """One customer at a kiosk whose process can 'die' with a request in flight."""

    def __init__(self, backend: InProcessBackend, journal_path: Path, number: str) -> None:
        self.backend = backend
        self.journal_path = journal_path
        self.number = number
        with self.client() as client:
            client.identify_password(number, DEMO_PASSWORD)
            token = client._session_token  # the raw request below is the dying kiosk's
        assert token
        self.headers = {
            "Authorization": f"Bearer {backend.terminal_token}",
            "X-Terminal-Id": backend.terminal_id,
            "X-Session-Token": token,
        }
        self.pool = ThreadPoolExecutor(4)

    def client(self) -> BackendClient:
        b = self.backend
        return BackendClient(b.url, b.terminal_id, b.terminal_token)

    def pay_and_die(self, key: str) -> Future[requests.Response]:
        """Journal the payment, send it and 'die': nothing after the send touches the journal.
        The response is what the backend did with the request (no kiosk is left to read it)."""
        journal = Journal(self.journal_path)
        try:
            journal.begin("payment", key, self.number, AMOUNT_FEN)
        finally:
            journal.close()
        return self.pool.submit(self._post, key)

    def _post(self, key: str) -> requests.Response:
        with requests.Session() as http:
            http.trust_env = False
            return http.post(
                f"{self.backend.url}/v1/payments",
                json={"amount_fen": AMOUNT_FEN},
                headers={**self.headers, "Idempotency-Key": key},
                timeout=60,
            )

    def restart_and_settle(self) -> Future[Reconciliation]:
        """The restarted kiosk settles its journal — once the age guard allows (the clock is
        moved past it: the guard itself is tested in tests/kiosk/test_reconcile.py)."""

        return self.pool.submit(self.settle_now)

    def settle_now(self) -> Reconciliation:
        journal = Journal(self.journal_path)
        try:
            with self.client() as client:
                later = dt.datetime.now(dt.UTC) + client.longest_call + SETTLE_MARGIN
                return reconcile(journal, client, later)
        finally:
            journal.close()

    def entry(self, key: str) -> JournalEntry:
        journal = Journal(self.journal_path)
        try:
            return next(e for e in journal.recent(500) if e.idempotency_key == key)
        finally:
            journal.close()


@pytest.fixture
def kiosk(backend: InProcessBackend, tmp_path: Path) -> Iterator[Kiosk]:
    numbers = [r[0] for r in backend.query(NUMBER_SQL)]
    # Each test its own customer (while they last): payment rows are counted per line.
    number = numbers[next(_CUSTOMER) % len(numbers)]
    kiosk = Kiosk(backend, tmp_path / "journal.sqlite3", number)
    yield kiosk
    kiosk.pool.shutdown(wait=True)


def _key_row(backend: InProcessBackend, key: str) -> tuple[str, str] | None:
    rows = backend.query("SELECT outcome, body FROM idempotency WHERE key = :key", key=key)
    return (rows[0][0], rows[0][1]) if rows else None


def _payments(backend: InProcessBackend, number: str) -> list[str]:
    return [
        r[0]
        for r in backend.query(
            "SELECT p.order_id FROM payments p JOIN lines l ON l.id = p.line_id"
            " WHERE l.number = :number ORDER BY p.order_id",
            number=number,
        )
    ]


def _assert_one_true_verdict(
    kiosk: Kiosk, key: str, late: requests.Response, settled: Reconciliation
) -> str:
    """The journal, the backend's rows and the late request's answer tell one story."""
    entry = kiosk.entry(key)
    outcome = _key_row(kiosk.backend, key)
    assert outcome is not None
    if entry.status is EntryStatus.DONE:
        assert settled.done == 1 and settled.not_applied == 0
        assert late.status_code == 201
        order_id = late.json()["order_id"]
        assert entry.transaction_id == order_id
        assert outcome[0] == "applied" and order_id in outcome[1]
        assert order_id in _payments(kiosk.backend, kiosk.number)
        return "applied"
    assert entry.status is EntryStatus.FAILED and entry.error_code == NOT_APPLIED
    assert settled.not_applied == 1 and settled.done == 0
    assert late.status_code == 409
    assert late.json()["code"] == "idempotency_key_abandoned"
    assert outcome == ("abandoned", "")
    return "abandoned"


def _still_true(kiosk: Kiosk, key: str, verdict: str) -> None:
    """Asked again, retried again: the same verdict, nothing applied twice."""
    before = _payments(kiosk.backend, kiosk.number)
    with kiosk.client() as client:
        again = client.settle_transaction(key)
        peek = client.transaction_state(key)
    assert (again.applied, again.abandoned) == (verdict == "applied", verdict == "abandoned")
    assert (peek.applied, peek.abandoned) == (again.applied, again.abandoned)
    retry = kiosk._post(key)
    assert retry.status_code == (201 if verdict == "applied" else 409)
    assert _payments(kiosk.backend, kiosk.number) == before


def test_request_holding_its_claim_wins_and_the_journal_says_done(kiosk: Kiosk) -> None:
    """The mutation is inside its own transaction (claim inserted, effect not yet written)
    when the restarted kiosk settles: settlement waits for it and finds it applied."""
    backend, key = kiosk.backend, str(uuid.uuid4())
    held = backend.gate(r"INSERT INTO payments")
    late = kiosk.pay_and_die(key)
    held.wait_reached()
    # SQLite: settlement queues for the write lock; PostgreSQL: its insert waits on the key.
    waiting = backend.gate(
        r"BEGIN IMMEDIATE" if backend.dialect == "sqlite" else r"INSERT INTO idempotency",
        hold=False,
    )
    settled = kiosk.restart_and_settle()
    waiting.wait_reached()
    held.open()
    verdict = _assert_one_true_verdict(kiosk, key, late.result(60), settled.result(60))
    assert verdict == "applied"
    _still_true(kiosk, key, verdict)


def test_request_still_waiting_is_fenced_and_refused_when_it_arrives(kiosk: Kiosk) -> None:
    """The mutation waits inside the backend before it could claim its key (SQLite: for the
    write lock; PostgreSQL: before its look-up) while the restarted kiosk settles: the key is
    abandoned, and when the request gets to run it is refused with nothing applied."""
    backend, key = kiosk.backend, str(uuid.uuid4())
    before = _payments(backend, kiosk.number)
    held = backend.gate(
        r"BEGIN IMMEDIATE" if backend.dialect == "sqlite" else r"SELECT idempotency.fingerprint"
    )
    late = kiosk.pay_and_die(key)
    held.wait_reached()
    settled = kiosk.restart_and_settle().result(60)
    assert kiosk.entry(key).status is EntryStatus.FAILED
    held.open()
    verdict = _assert_one_true_verdict(kiosk, key, late.result(60), settled)
    assert verdict == "abandoned"
    assert _payments(backend, kiosk.number) == before
    _still_true(kiosk, key, verdict)


def test_busy_database_then_both_race_for_it(kiosk: Kiosk, tmp_path: Path) -> None:
    """The report's set-up: another writer holds the database, the request waits inside
    the backend, the restarted kiosk settles and waits too; the database frees up and
    whichever gets it first decides — one verdict either way."""
    backend, key = kiosk.backend, str(uuid.uuid4())
    wait_at = r"BEGIN IMMEDIATE" if backend.dialect == "sqlite" else r"INSERT INTO idempotency"
    with _database_held(backend):
        mutation_in = backend.gate(wait_at, hold=False)
        late = kiosk.pay_and_die(key)
        mutation_in.wait_reached()
        settlement_in = backend.gate(wait_at, hold=False)
        settled = kiosk.restart_and_settle()
        settlement_in.wait_reached()
    verdict = _assert_one_true_verdict(kiosk, key, late.result(60), settled.result(60))
    _still_true(kiosk, key, verdict)


def test_raced_from_a_barrier_every_time_one_verdict(kiosk: Kiosk) -> None:
    """No gates: the late request and the settlement leave together, many times."""
    backend = kiosk.backend
    runs = 12
    verdicts: list[str] = []
    start = len(_payments(backend, kiosk.number))
    for _ in range(runs):
        key = str(uuid.uuid4())
        journal = Journal(kiosk.journal_path)
        journal.begin("payment", key, kiosk.number, AMOUNT_FEN)
        journal.close()
        barrier = threading.Barrier(2)

        def post(key: str = key, barrier: threading.Barrier = barrier) -> requests.Response:
            barrier.wait(10)
            return kiosk._post(key)

        def settle(barrier: threading.Barrier = barrier) -> Reconciliation:
            barrier.wait(10)
            return kiosk.settle_now()

        late, settled = kiosk.pool.submit(post), kiosk.pool.submit(settle)
        verdicts.append(_assert_one_true_verdict(kiosk, key, late.result(60), settled.result(60)))
    applied = verdicts.count("applied")
    assert len(_payments(backend, kiosk.number)) == start + applied
    assert applied + verdicts.count("abandoned") == runs
    print(f"raced {runs}x on {backend.dialect}: {applied} applied, {runs - applied} abandoned")


# Every mutation of the API with a body the schema accepts: the key is looked at before the
# request's own checks, so a fenced key is refused whatever the request says.
MUTATIONS: dict[tuple[str, str], dict[str, object] | None] = {
    ("post", "/v1/payments"): {"amount_fen": AMOUNT_FEN},
    ("post", "/v1/disputes"): {"record_id": 1, "reason": "重复扣费"},
    ("post", "/v1/password"): {"new_password": "582947"},
    ("post", "/v1/line/suspend"): None,
    ("post", "/v1/line/resume"): None,
    ("post", "/v1/invoices"): {"month": "2026-10"},
    ("post", "/v1/spam-reports"): {"number": "13700001111", "content": "骚扰"},
    ("put", "/v1/reminder"): {"threshold_fen": 1000},
    ("post", "/v1/plan-change"): {"plan_code": "P1", "agreement_version": "1"},
    ("post", "/v1/service-orders"): {"service_code": "S1", "agreement_version": "1"},
    ("post", "/v1/service-orders/{quote_id}/confirm"): {"sms_code": "123456"},
    ("post", "/v1/services/{service_code}/cancel"): None,
    ("post", "/v1/cash/orders"): {"phone": "13800138000"},
    ("post", "/v1/cash/orders/{order_id}/notes"): {
        "sequence": 1,
        "value_fen": 10000,
        "event_counter": 1,
    },
    ("post", "/v1/cash/orders/{order_id}/close"): {"note_count": 0, "total_fen": 0},
    ("post", "/v1/cash/clearances"): {"counts": []},
}
MUTABLE_TABLES = (
    "transactions",
    "payments",
    "disputes",
    "invoices",
    "spam_reports",
    "order_quotes",
    "subscriptions",
    "consents",
    "sms_outbox",
    "cash_orders",
    "cash_notes",
    "cash_clearances",
)


def test_every_mutation_kind_is_refused_with_a_fenced_key(backend: InProcessBackend) -> None:
    from backend.api.app import create_app

    paths = create_app(backend.engine).openapi()["paths"]
    keyed = {
        (method, path)
        for path, ops in paths.items()
        for method, op in ops.items()
        if any(p["name"] == "Idempotency-Key" for p in op.get("parameters", []))
    }
    assert keyed == set(MUTATIONS), "a mutation kind without a fence test"
    phone = next(p for p in CARDS if p.startswith("138"))
    with BackendClient(backend.url, backend.terminal_id, backend.terminal_token) as client:
        identify_fully(backend, client, phone)  # every function allowed
        token = client._session_token
        headers = {
            "Authorization": f"Bearer {backend.terminal_token}",
            "X-Terminal-Id": backend.terminal_id,
            "X-Session-Token": str(token),
        }

        def rows() -> list[object]:
            counts = [backend.query(f"SELECT count(*) FROM {t}")[0] for t in MUTABLE_TABLES]
            line = backend.query("SELECT * FROM lines WHERE number = :n", n=phone)
            return [*counts, line]

        before = rows()
        for (method, path), body in MUTATIONS.items():
            key = str(uuid.uuid4())
            assert client.settle_transaction(key).abandoned
            url = backend.url + path.format(quote_id="Q1", service_code="S1", order_id="CO1")
            with requests.Session() as http:
                http.trust_env = False
                answer = http.request(
                    method, url, json=body, headers={**headers, "Idempotency-Key": key}, timeout=30
                )
            assert answer.status_code == 409, (path, answer.text)
            assert answer.json()["code"] == "idempotency_key_abandoned", path
        assert rows() == before


class _database_held:  # noqa: N801 - used as a context manager, reads as one
    """Another connection holds the database the way a busy writer does: SQLite's write
    lock (``BEGIN IMMEDIATE``), PostgreSQL's table lock against inserts on the keys."""

    def __init__(self, backend: InProcessBackend) -> None:
        self.backend = backend

    def __enter__(self) -> None:
        url = self.backend.engine.url
        if self.backend.dialect == "sqlite":
            self.conn: object = sqlite3.connect(str(url.database), isolation_level=None)
            self.conn.execute("BEGIN IMMEDIATE")  # type: ignore[attr-defined]
            return
        import psycopg

        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        pg = psycopg.connect(dsn)
        pg.execute("LOCK TABLE idempotency IN EXCLUSIVE MODE")
        self.conn = pg

    def __exit__(self, *_exc: object) -> None:
        if self.backend.dialect == "sqlite":
            self.conn.execute("COMMIT")  # type: ignore[attr-defined]
        else:
            self.conn.commit()  # type: ignore[attr-defined]
        self.conn.close()  # type: ignore[attr-defined]
