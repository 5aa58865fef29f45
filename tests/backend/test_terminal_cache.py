"""The terminal auth cache: one query reloads the whole fleet; unknown ids do not reload it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from backend.api.deps import _MISS, _TerminalCache
from backend.db.engine import make_engine, migrate
from backend.ops.terminals import add_terminal
from backend.security import digest


def _count_selects(engine: Engine) -> list[str]:
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _on(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "terminals" in statement:
            seen.append(statement)

    return seen


def test_one_reload_serves_every_terminal(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    migrate(engine)
    for tid in ("T1", "T2", "T3"):
        add_terminal(engine, tid, f"{tid}-token-123456", tid)
    cache = _TerminalCache()
    selects = _count_selects(engine)
    assert cache.cached(engine, "T1") is _MISS
    assert cache.token_hash(engine, "T1") == digest("T1-token-123456")
    # The other terminals' next reports need no query at all.
    assert cache.cached(engine, "T2") == digest("T2-token-123456")
    assert cache.cached(engine, "T3") == digest("T3-token-123456")
    assert len(selects) == 1
    # A terminal provisioned after the reload, and an unknown id: one small lookup each,
    # never a reload of the whole table.
    add_terminal(engine, "T4", "T4-token-123456", "T4")
    assert cache.cached(engine, "T4") is _MISS
    assert cache.token_hash(engine, "T4") == digest("T4-token-123456")
    assert cache.token_hash(engine, "NOPE") is None
    assert cache.cached(engine, "NOPE") is None  # remembered as unknown
    assert len(selects) == 3 and all("token_hash" in s for s in selects)
    # Once stale, the next miss reloads everything again (a re-keyed token takes effect).
    add_terminal(engine, "T2", "T2-new-token-9999", "T2")
    cache.ttl_s = 0.0
    assert cache.cached(engine, "T2") is _MISS
    assert cache.token_hash(engine, "T2") == digest("T2-new-token-9999")
