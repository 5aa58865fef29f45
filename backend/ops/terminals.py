"""Terminal provisioning (the operator's IT team gives each kiosk an id and a token)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, insert, select, update

from backend.db import tables as t
from backend.db.engine import writing
from backend.security import digest


def add_terminal(engine: Engine, terminal_id: str, token: str, name: str, hall: str = "") -> None:
    """Create or re-key a terminal; only the token's digest is stored."""
    if len(token) < 12:
        raise ValueError("terminal tokens must be at least 12 characters")
    values = {"token_hash": digest(token), "name": name, "active": True, "hall": hall}
    tm = t.terminals
    # Update in place: its status row and problem history refer to it.
    with writing(engine) as conn:
        done = conn.execute(update(tm).where(tm.c.terminal_id == terminal_id).values(**values))
        if done.rowcount == 0:
            conn.execute(insert(tm).values(terminal_id=terminal_id, **values))


# A terminal reports once a minute; three missed reports and staff should go and look.
STALE_AFTER = dt.timedelta(minutes=3)


@dataclass(frozen=True)
class TerminalHealth:
    """One line of the fleet view."""

    terminal_id: str
    name: str
    last_seen: dt.datetime | None
    verdict: str  # ok / attention / offline / never
    problems: tuple[str, ...]
    journal_unresolved: int
    in_session: bool
    app_version: str
    restarts: int = 0
    cash: str = "absent"  # the banknote acceptor: ok / fault / absent
    cash_box_notes: int | None = None  # as the terminal counts its box
    cash_box_capacity: int | None = None

    @property
    def cash_box(self) -> str:
        """``notes/capacity (pct%)`` for the table, ``-`` without an acceptor."""
        if self.cash == "absent" or self.cash_box_notes is None:
            return "-"
        if not self.cash_box_capacity:
            return str(self.cash_box_notes)
        pct = round(100 * self.cash_box_notes / self.cash_box_capacity)
        return f"{self.cash_box_notes}/{self.cash_box_capacity} {pct}%"


def store_status(
    engine: Engine, terminal_id: str, report: dict[str, Any], now: dt.datetime
) -> None:
    """Keep the newest report of ``terminal_id`` and note which problems started or ended.

    The previous report's problems are read under a row lock (``FOR UPDATE``; SQLite's write
    transactions are exclusive anyway), so two reports racing cannot both record a change.
    """
    problems = list(dict.fromkeys(report["problems"]))
    values = {
        "received_at": now,
        "app_version": report["app_version"],
        "reader": report["reader"],
        "printer": report["printer"],
        "problems": " ".join(problems),
        "journal_unresolved": report["journal_unresolved"],
        "in_session": report["in_session"],
        "uptime_s": report["uptime_s"],
        "restarts": report.get("restarts", 0),
        "cash": report.get("cash", "absent"),
        "cash_box_notes": report.get("cash_box_notes"),
        "cash_box_capacity": report.get("cash_box_capacity"),
    }
    ts, ev = t.terminal_status, t.terminal_problem_events
    with writing(engine) as conn:
        before = conn.execute(
            select(ts.c.problems).where(ts.c.terminal_id == terminal_id).with_for_update()
        ).scalar_one_or_none()
        if before is None:
            conn.execute(insert(ts).values(terminal_id=terminal_id, **values))
        else:
            conn.execute(update(ts).where(ts.c.terminal_id == terminal_id).values(**values))
        changes = problem_changes(str(before or "").split(), problems)
        if changes:
            conn.execute(
                insert(ev),
                [
                    {"terminal_id": terminal_id, "at": now, "code": code, "change": change}
                    for code, change in changes
                ],
            )


def problem_changes(before: list[str], after: list[str]) -> list[tuple[str, str]]:
    """(code, "raised" | "cleared") for each problem that appeared or went away."""
    raised = [(code, "raised") for code in after if code not in before]
    cleared = [(code, "cleared") for code in before if code not in after]
    return raised + cleared


def verdict_of(
    seen: dt.datetime | None,
    problems: tuple[str, ...],
    unresolved: int,
    devices: tuple[str, ...],
    now: dt.datetime,
) -> str:
    """ok / attention / offline / never: the one word staff sort the fleet by."""
    if seen is None:
        return "never"
    if now - seen > STALE_AFTER:
        return "offline"
    if problems or unresolved or "fault" in devices:
        return "attention"
    return "ok"


def fleet(engine: Engine, now: dt.datetime) -> list[TerminalHealth]:
    """Every active terminal with its verdict: what hall staff and IT look at first."""
    ts, tm = t.terminal_status, t.terminals
    query = (
        select(tm.c.terminal_id, tm.c.name, ts)
        .select_from(tm.outerjoin(ts, ts.c.terminal_id == tm.c.terminal_id))
        .where(tm.c.active.is_(True))
        .order_by(tm.c.terminal_id)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    out: list[TerminalHealth] = []
    for row in rows:
        seen: dt.datetime | None = row["received_at"]
        problems = tuple(str(row["problems"] or "").split())
        unresolved = int(row["journal_unresolved"] or 0)
        devices = (row["reader"], row["printer"], row["cash"] or "absent")
        verdict = verdict_of(seen, problems, unresolved, devices, now)
        out.append(
            TerminalHealth(
                terminal_id=row[tm.c.terminal_id],
                name=row["name"],
                last_seen=seen,
                verdict=verdict,
                problems=problems,
                journal_unresolved=unresolved,
                in_session=bool(row["in_session"]),
                app_version=str(row["app_version"] or ""),
                restarts=int(row["restarts"] or 0),
                cash=str(row["cash"] or "absent"),
                cash_box_notes=row["cash_box_notes"],
                cash_box_capacity=row["cash_box_capacity"],
            )
        )
    return out


def format_fleet(health: list[TerminalHealth], now: dt.datetime) -> str:
    """A plain table for the terminal (``python -m backend terminals``), worst first."""
    order = {"offline": 0, "attention": 1, "never": 2, "ok": 3}
    lines = [
        f"{'terminal':<18} {'verdict':<10} {'last seen':<10} {'journal':>7} {'restarts':>8}  "
        f"{'cash':<6} {'cash box':<16} problems"
    ]
    for h in sorted(health, key=lambda x: (order[x.verdict], x.terminal_id)):
        ago = "-" if h.last_seen is None else f"{int((now - h.last_seen).total_seconds())}s ago"
        session = " (customer at it)" if h.in_session else ""
        lines.append(
            f"{h.terminal_id:<18} {h.verdict:<10} {ago:<10} {h.journal_unresolved:>7} "
            f"{h.restarts:>8}  {h.cash:<6} {h.cash_box:<16} "
            f"{' '.join(h.problems) or '-'}{session}"
        )
    return "\n".join(lines)


def active_token_hashes(engine: Engine) -> dict[str, str]:
    """Token digest of every active terminal, by id (one indexed scan)."""
    c = t.terminals.c
    with engine.connect() as conn:
        rows = conn.execute(select(c.terminal_id, c.token_hash).where(c.active.is_(True))).all()
    return {str(r.terminal_id): str(r.token_hash) for r in rows}


def token_hash_of(engine: Engine, terminal_id: str) -> str | None:
    """The active terminal's token digest; None when unknown or deactivated."""
    c = t.terminals.c
    with engine.connect() as conn:
        row = conn.execute(
            select(c.token_hash).where(c.terminal_id == terminal_id, c.active.is_(True))
        ).first()
    return None if row is None else str(row.token_hash)
