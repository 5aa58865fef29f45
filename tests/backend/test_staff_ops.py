"""Staff accounts, login throttling, problem history and the fleet view's rows and columns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from backend.db import tables as t
from backend.db.engine import make_engine, migrate
from backend.ops import staff as ops
from backend.ops.fleet_view import Level, Verdict, columns, fleet_rows, problem_text
from backend.ops.terminals import add_terminal, store_status

NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'staff.sqlite3'}")
    migrate(engine)
    return engine


def _report(**over: object) -> dict[str, object]:
    body: dict[str, object] = {
        "app_version": "0.1.0",
        "reader": "ok",
        "printer": "ok",
        "problems": [],
        "journal_unresolved": 0,
        "in_session": False,
        "uptime_s": 60,
    }
    body.update(over)
    return body


def test_scrypt_hash_carries_its_parameters_and_checks() -> None:
    stored = ops.hash_staff_password("long enough secret")
    kind, n, r, p, salt, digest = stored.split("$")
    assert (kind, n, r, p) == ("scrypt", str(2**14), "8", "1")
    assert len(bytes.fromhex(salt)) == 16 and len(bytes.fromhex(digest)) == 32
    assert ops.check_staff_password("long enough secret", stored)
    assert not ops.check_staff_password("long enough secreT", stored)
    assert not ops.check_staff_password("x", "pbkdf2$1$00$00")
    assert not ops.check_staff_password("x", "scrypt$16384$8$1$zz$00")
    assert ops.hash_staff_password("same") != ops.hash_staff_password("same")  # salted


def test_add_staff_refuses_short_passwords_and_rehashes(engine: Engine) -> None:
    with pytest.raises(ValueError, match="at least 10"):
        ops.add_staff(engine, "li", "short")
    ops.add_staff(engine, "li", "first password", hall="A")
    done = ops.login(engine, "li", "first password", "10.0.0.1", NOW)
    assert done is not None
    token, session = done
    assert session.member.hall == "A"
    assert ops.find_session(engine, token, NOW) == session
    ops.add_staff(engine, "li", "second password", hall="B")
    assert ops.find_session(engine, token, NOW) is None  # a new password ends old sessions
    assert ops.login(engine, "li", "first password", "10.0.0.1", NOW) is None
    with engine.connect() as conn:
        stored = conn.execute(select(t.staff.c.password_hash, t.staff.c.hall)).one()
    assert stored.hall == "B" and "second" not in stored.password_hash


def test_session_expires_after_a_shift(engine: Engine) -> None:
    ops.add_staff(engine, "li", "a fine password")
    done = ops.login(engine, "li", "a fine password", "c", NOW)
    assert done is not None
    assert ops.find_session(engine, done[0], NOW + dt.timedelta(hours=11)) is not None
    assert ops.find_session(engine, done[0], NOW + dt.timedelta(hours=12)) is None
    ops.logout(engine, done[0])
    assert ops.find_session(engine, done[0], NOW) is None


def test_throttle_per_user_name_then_per_client(engine: Engine) -> None:
    ops.add_staff(engine, "li", "a fine password")
    for i in range(ops.MAX_FAILURES_PER_USER):
        assert ops.login(engine, "li", "wrong", "c1", NOW + dt.timedelta(seconds=i)) is None
    # Now even the right password is not checked, from any address.
    with pytest.raises(ops.LoginThrottled) as caught:
        ops.login(engine, "li", "a fine password", "c2", NOW + dt.timedelta(seconds=10))
    assert 14 * 60 < caught.value.retry_after_s <= 15 * 60 + 1
    # Once the oldest failure leaves the window, one more attempt is allowed.
    later = NOW + ops.THROTTLE_WINDOW + dt.timedelta(seconds=1)
    assert ops.login(engine, "li", "a fine password", "c2", later) is not None
    # Guessing many names from one address: that address is stopped.
    for i in range(ops.MAX_FAILURES_PER_CLIENT):
        assert ops.login(engine, f"user{i}", "x", "c3", later) is None
    with pytest.raises(ops.LoginThrottled):
        ops.login(engine, "li", "a fine password", "c3", later)
    assert ops.login(engine, "li", "a fine password", "c4", later) is not None


def test_problem_transitions_are_kept(engine: Engine) -> None:
    add_terminal(engine, "T1", "token-123456789", "one", hall="A")
    sequence = [
        [],
        ["printer_paper_near_end"],
        ["printer_paper_out", "printer_offline"],
        ["printer_paper_out", "printer_offline"],  # unchanged: no event
        [],
    ]
    for minute, problems in enumerate(sequence):
        at = NOW + dt.timedelta(minutes=minute)
        store_status(engine, "T1", _report(problems=problems, printer="fault"), at)
    with engine.connect() as conn:
        events = conn.execute(
            select(
                t.terminal_problem_events.c.at,
                t.terminal_problem_events.c.code,
                t.terminal_problem_events.c.change,
            ).order_by(t.terminal_problem_events.c.id)
        ).all()
    minute = dt.timedelta(minutes=1)
    assert [(e.at - NOW, e.code, e.change) for e in events] == [
        (minute, "printer_paper_near_end", "raised"),
        (2 * minute, "printer_paper_out", "raised"),
        (2 * minute, "printer_offline", "raised"),
        (2 * minute, "printer_paper_near_end", "cleared"),
        (4 * minute, "printer_paper_out", "cleared"),
        (4 * minute, "printer_offline", "cleared"),
    ]
    [row] = fleet_rows(engine, NOW + 5 * minute, "A")
    assert [(e.code, e.change) for e in row.history][:2] == [
        ("printer_offline", "cleared"),
        ("printer_paper_out", "cleared"),
    ]  # newest first


def test_worst_first_within_a_hall(engine: Engine) -> None:
    for tid in ("A-ok", "A-journal", "A-paper", "A-gone", "A-new"):
        add_terminal(engine, tid, "token-123456789", tid, hall="A")
    add_terminal(engine, "B-paper", "token-123456789", "b", hall="B")
    store_status(engine, "A-ok", _report(), NOW)
    store_status(engine, "A-journal", _report(journal_unresolved=2), NOW)
    store_status(engine, "A-paper", _report(problems=["printer_paper_out"]), NOW)
    store_status(engine, "B-paper", _report(problems=["printer_paper_out"]), NOW)
    store_status(engine, "A-gone", _report(), NOW - dt.timedelta(minutes=10))
    rows = fleet_rows(engine, NOW, "A")
    assert [(r.terminal_id, r.verdict) for r in rows] == [
        ("A-gone", Verdict.OFFLINE),
        ("A-paper", Verdict.ATTENTION),  # a stopped function before a backlog
        ("A-journal", Verdict.ATTENTION),
        ("A-new", Verdict.NEVER),
        ("A-ok", Verdict.OK),
    ]
    assert len(fleet_rows(engine, NOW, None)) == 6
    assert ops.halls(engine) == ["A", "B"]
    paper = next(c for c in columns() if c.key == "paper")
    cell = paper.cell(rows[1], NOW)
    assert (cell.zh, cell.level) == ("缺纸", Level.BAD)


def test_columns_follow_the_status_fields(engine: Engine) -> None:
    keys = [c.key for c in columns()]
    assert keys[:3] == ["devices", "paper", "cash"]  # the cash ledger (cash_notes) exists
    # The health report carries the box's fill (cash_box_notes/capacity): the column stays
    # without the ledger too; without either it goes.
    assert "cash" in [c.key for c in columns({c.key for c in t.terminal_status.c})]
    no_cash = {c.key for c in t.terminal_status.c if not c.key.startswith("cash_box")}
    assert "cash" not in [c.key for c in columns(no_cash)]
    fields = {c.key for c in t.terminal_status.c} | {"cash_box_notes", "cash_box_capacity"}
    cash = next(c for c in columns(fields) if c.key == "cash")
    add_terminal(engine, "T1", "token-123456789", "one")
    store_status(engine, "T1", _report(), NOW)
    [row] = fleet_rows(engine, NOW, None)
    assert row.status is not None
    status = {**row.status, "cash_box_notes": 450, "cash_box_capacity": 500}
    full = cash.cell(type(row)(**{**row.__dict__, "status": status}), NOW)
    assert (full.zh, full.en, full.level) == ("90%", "450/500", Level.WARN)
    # From the ledger: notes since the last clearance (none yet here) and their sum.
    assert (row.status["cash_box_notes"], row.status["cash_box_fen"]) == (0, 0)
    in_box = {**row.status, "cash_box_notes": 3, "cash_box_fen": 30_000}
    box = cash.cell(type(row)(**{**row.__dict__, "status": in_box}), NOW)
    assert (box.zh, box.en) == ("3张 ¥300.00", "3 notes")
    without = columns({c.key for c in t.terminal_status.c} - {"journal_unresolved"})
    assert "journal" not in [c.key for c in without]


def test_the_restart_count_is_kept_and_shown(engine: Engine) -> None:
    add_terminal(engine, "T1", "token-123456789", "one")
    store_status(engine, "T1", _report(restarts=4), NOW)
    [row] = fleet_rows(engine, NOW, None)
    restarts = next(c for c in columns() if c.key == "restarts")
    cell = restarts.cell(row, NOW)
    assert (cell.zh, cell.level) == ("4", Level.WARN)
    store_status(engine, "T1", _report(), NOW)  # an older kiosk that does not report it
    [row] = fleet_rows(engine, NOW, None)
    assert (restarts.cell(row, NOW).zh, restarts.cell(row, NOW).level) == ("0", Level.OK)


def test_the_cash_state_and_box_fill_are_kept_and_listed(engine: Engine) -> None:
    from backend.ops.terminals import fleet, format_fleet

    add_terminal(engine, "T1", "token-123456789", "one")
    add_terminal(engine, "T2", "token-223456789", "two")
    report = _report(
        cash="fault", problems=["cash_stacker_full"], cash_box_notes=950, cash_box_capacity=1000
    )
    store_status(engine, "T1", report, NOW)
    store_status(engine, "T2", _report(), NOW)  # no acceptor (or an older kiosk)
    health = {h.terminal_id: h for h in fleet(engine, NOW)}
    assert (health["T1"].cash, health["T1"].cash_box, health["T1"].verdict) == (
        "fault",
        "950/1000 95%",
        "attention",
    )
    assert (health["T2"].cash, health["T2"].cash_box) == ("absent", "-")
    table = format_fleet(list(health.values()), NOW).splitlines()
    assert "cash box" in table[0]
    t1 = next(line for line in table if line.startswith("T1"))
    assert "fault" in t1 and "950/1000 95%" in t1 and "cash_stacker_full" in t1
    [row, _] = fleet_rows(engine, NOW, None)
    devices = next(c for c in columns() if c.key == "devices").cell(row, NOW)
    assert "纸币识别器故障" in devices.zh and devices.level is Level.BAD
    cash = next(c for c in columns() if c.key == "cash").cell(row, NOW)
    assert cash.en == "0/1000"  # the backend's own count of reported notes against the capacity
    assert problem_text("cash_stacker_full") == ("钱箱已满", "Cash box full")
