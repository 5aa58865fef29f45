"""Alembic environment: runs online against the engine handed over by backend.db.engine."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from backend.db.tables import metadata

config = context.config
engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url"))

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things: batch mode rebuilds tables
    )
    with context.begin_transaction():
        context.run_migrations()
