"""Terminal provisioning (the operator's IT team gives each kiosk an id and a token)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update

from backend.db import tables as t
from backend.security import digest


def add_terminal(engine: Engine, terminal_id: str, token: str, name: str) -> None:
    """Create or re-key a terminal; only the token's digest is stored."""
    if len(token) < 12:
        raise ValueError("terminal tokens must be at least 12 characters")
    with engine.connect().execution_options(write=True) as conn, conn.begin():
        conn.execute(delete(t.terminals).where(t.terminals.c.terminal_id == terminal_id))
        conn.execute(
            insert(t.terminals).values(
                terminal_id=terminal_id, token_hash=digest(token), name=name, active=True
            )
        )


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


def store_status(
    engine: Engine, terminal_id: str, report: dict[str, Any], now: dt.datetime
) -> None:
    """Keep the newest report of ``terminal_id``."""
    values = {
        "received_at": now,
        "app_version": report["app_version"],
        "reader": report["reader"],
        "printer": report["printer"],
        "problems": " ".join(report["problems"]),
        "journal_unresolved": report["journal_unresolved"],
        "in_session": report["in_session"],
        "uptime_s": report["uptime_s"],
    }
    ts = t.terminal_status
    with engine.connect().execution_options(write=True) as conn, conn.begin():
        done = conn.execute(update(ts).where(ts.c.terminal_id == terminal_id).values(**values))
        if done.rowcount == 0:
            conn.execute(insert(ts).values(terminal_id=terminal_id, **values))


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
        if seen is None:
            verdict = "never"
        elif now - seen > STALE_AFTER:
            verdict = "offline"
        elif problems or unresolved or "fault" in (row["reader"], row["printer"]):
            verdict = "attention"
        else:
            verdict = "ok"
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
            )
        )
    return out


def format_fleet(health: list[TerminalHealth], now: dt.datetime) -> str:
    """A plain table for the terminal (``python -m backend terminals``), worst first."""
    order = {"offline": 0, "attention": 1, "never": 2, "ok": 3}
    lines = [f"{'terminal':<18} {'verdict':<10} {'last seen':<10} {'journal':>7}  problems"]
    for h in sorted(health, key=lambda x: (order[x.verdict], x.terminal_id)):
        ago = "-" if h.last_seen is None else f"{int((now - h.last_seen).total_seconds())}s ago"
        session = " (customer at it)" if h.in_session else ""
        lines.append(
            f"{h.terminal_id:<18} {h.verdict:<10} {ago:<10} {h.journal_unresolved:>7}  "
            f"{' '.join(h.problems) or '-'}{session}"
        )
    return "\n".join(lines)
