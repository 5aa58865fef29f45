"""Terminal provisioning (the operator's IT team gives each kiosk an id and a token)."""

from __future__ import annotations

from sqlalchemy import Engine, delete, insert

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
