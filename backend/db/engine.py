"""Engines for SQLite (default) and PostgreSQL, and Alembic migrations run in-process."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect

log = logging.getLogger(__name__)

_MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and make it use psycopg 3 (the driver we depend on)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> Engine:
    """An engine with the settings the backend relies on.

    Both kinds hide bound parameters in error messages: a failed statement's text may reach a
    log, its values (phone numbers, names) must not.

    SQLite: WAL (readers never wait for the writer), a busy timeout instead of "database is
    locked" errors, foreign keys on, and ``BEGIN IMMEDIATE`` for connections opened with the
    execution option ``write=True`` so that two writers serialise at BEGIN rather than
    deadlocking when both upgrade a read lock.
    """
    url = normalise_url(url)
    if not url.startswith("sqlite"):
        return create_engine(
            url, pool_size=20, max_overflow=20, pool_pre_ping=True, hide_parameters=True
        )
    in_memory = url in ("sqlite://", "sqlite:///:memory:")
    pool_args: dict[str, Any] = {} if in_memory else {"pool_size": 20, "max_overflow": 40}
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        hide_parameters=True,  # error messages must not carry numbers, names or codes
        **pool_args,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own transaction handling is off; SQLAlchemy's "begin" event emits it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def alembic_config(engine: Engine) -> Config:
    """Alembic configuration pointing at our migrations, bound to ``engine``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (a no-op when it already is)."""
    command.upgrade(alembic_config(engine), "head")


def is_empty(engine: Engine) -> bool:
    """True when no customer exists yet (fresh database, or migrated but not seeded)."""
    from sqlalchemy import func, select

    from backend.db.tables import customers

    if not inspect(engine).has_table("customers"):
        return True
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(customers)).scalar_one()) == 0
