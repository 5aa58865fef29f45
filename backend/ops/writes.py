"""The write transaction a route opens for ops to work in.

Routes (backend.api) never touch backend.db; they take their write transaction from here.
On SQLite it is queued in-process (backend.db.engine.WriterQueue), on PostgreSQL it is a plain
transaction.
"""

from __future__ import annotations

from backend.db.engine import writing

__all__ = ["writing"]
