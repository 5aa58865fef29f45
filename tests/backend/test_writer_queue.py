"""SQLite's write transactions queue in the process (backend.db.engine.writing).

Before, each writer polled ``BEGIN IMMEDIATE`` through SQLite's busy handler, which sleeps
1, 2, 5 ... 100 ms between tries: a writer behind a 230 ms transaction got in ~100 ms after
it had committed, and under load the unlucky ones far later. Queued, the next writer starts
the moment the previous one commits, in arrival order, and readers never wait.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from backend.db.engine import WriterQueue, make_engine, writer_queue, writing


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    with writing(engine) as conn:
        conn.execute(text("CREATE TABLE log (id INTEGER PRIMARY KEY, who TEXT, at REAL)"))
    yield engine
    engine.dispose()


def _rows(engine: Engine) -> list[tuple[str, float]]:
    with engine.connect() as conn:
        return [(r[0], r[1]) for r in conn.execute(text("SELECT who, at FROM log ORDER BY id"))]


def _lateness_ms(engine: Engine, hold_s: float) -> float:
    """A writer holds its transaction ``hold_s``; how late after its commit the next began."""
    holding = threading.Event()
    committed: list[float] = []
    began: list[float] = []

    def first() -> None:
        with writing(engine) as conn:
            conn.execute(text("INSERT INTO log (who, at) VALUES ('first', 0)"))
            holding.set()
            time.sleep(hold_s)
        committed.append(time.perf_counter())

    def second() -> None:
        holding.wait(10)
        with writing(engine) as conn:
            began.append(time.perf_counter())
            conn.execute(text("INSERT INTO log (who, at) VALUES ('second', 0)"))

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert began and committed
    return (began[0] - committed[0]) * 1000


def test_the_next_writer_starts_when_the_previous_commits(engine: Engine) -> None:
    # Polling, the next try after ~250 ms of waiting comes at 328 ms: ~80 ms late every time
    # (measured with the old BEGIN IMMEDIATE path: 12, 80, 76, 86, 79 ms). The median of five,
    # against a busy machine.
    late = sorted(_lateness_ms(engine, 0.25) for _ in range(5))
    assert late[2] < 40, f"the second writer began {late} ms after the first committed"
    assert [who for who, _ in _rows(engine)] == ["first", "second"] * 5


def test_writers_get_their_turn_in_arrival_order(engine: Engine) -> None:
    queue = writer_queue(engine)
    assert queue is not None
    gate = threading.Event()
    order: list[int] = []

    def holder() -> None:
        with writing(engine):
            gate.wait(10)

    def writer(k: int) -> None:
        with writing(engine) as conn:
            conn.execute(text("INSERT INTO log (who, at) VALUES (:w, 0)"), {"w": str(k)})
            order.append(k)

    first = threading.Thread(target=holder)
    first.start()
    while not queue.busy:
        time.sleep(0.001)
    writers = []
    for k in range(8):
        th = threading.Thread(target=writer, args=(k,))
        th.start()
        writers.append(th)
        while queue.waiting < k + 1:  # each queued before the next arrives
            time.sleep(0.001)
    gate.set()
    for th in [first, *writers]:
        th.join(30)
    assert order == list(range(8))
    assert [who for who, _ in _rows(engine)] == [str(k) for k in range(8)]


def test_readers_do_not_queue(engine: Engine) -> None:
    with writing(engine) as conn:
        conn.execute(text("INSERT INTO log (who, at) VALUES ('w', 0)"))
        # A reader on another thread reads the last committed state at once (WAL).
        seen: list[list[tuple[str, float]]] = []
        th = threading.Thread(target=lambda: seen.append(_rows(engine)))
        started = time.perf_counter()
        th.start()
        th.join(10)
        assert time.perf_counter() - started < 5
    assert seen == [[]]
    assert [who for who, _ in _rows(engine)] == ["w"]


def test_a_write_inside_a_write_is_refused_at_once(engine: Engine) -> None:
    with writing(engine), pytest.raises(RuntimeError, match="inside a write"), writing(engine):
        pass
    with writing(engine) as conn:  # the queue is free again
        conn.execute(text("INSERT INTO log (who, at) VALUES ('after', 0)"))
    assert [who for who, _ in _rows(engine)] == ["after"]


def test_a_failed_transaction_rolls_back_and_frees_the_turn(engine: Engine) -> None:
    with pytest.raises(ValueError), writing(engine) as conn:
        conn.execute(text("INSERT INTO log (who, at) VALUES ('lost', 0)"))
        raise ValueError("refused")
    queue = writer_queue(engine)
    assert queue is not None and not queue.busy
    assert _rows(engine) == []


def test_a_wait_that_runs_out_leaves_the_queue_usable() -> None:
    queue = WriterQueue()
    assert queue.acquire()
    outcome: list[bool] = []
    th = threading.Thread(target=lambda: outcome.append(queue.acquire(timeout=0.05)))
    th.start()
    th.join(10)
    assert outcome == [False] and queue.waiting == 0
    queue.release()
    assert not queue.busy
    assert queue.acquire(timeout=0.05)
    queue.release()


def test_postgresql_has_no_queue() -> None:
    engine = make_engine("postgresql://kiosk@127.0.0.1:1/none")
    try:
        assert writer_queue(engine) is None
    finally:
        engine.dispose()
