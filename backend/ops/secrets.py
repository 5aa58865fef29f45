"""Per-deployment secrets: generated into the database by migration 0005, never a constant.

The configuration (``[secrets] fingerprint_key``) may name the key instead, e.g. to share it
between databases; otherwise every server process reads the database's own key once.
"""

from __future__ import annotations

import hashlib
import hmac
import threading

from sqlalchemy import Engine, select

from backend.db import tables as t


class DeploymentKey:
    """A named secret, read once and kept for the process's lifetime."""

    def __init__(self, name: str, configured: str = "") -> None:
        self._name = name
        self._value: bytes | None = configured.encode() if configured else None
        self._lock = threading.Lock()

    def value(self, engine: Engine) -> bytes:
        """The secret's bytes (RuntimeError when the database has none: not migrated)."""
        with self._lock:
            if self._value is None:
                with engine.connect() as conn:
                    found = conn.execute(
                        select(t.deployment_secrets.c.value).where(
                            t.deployment_secrets.c.name == self._name
                        )
                    ).scalar()
                if not found:
                    raise RuntimeError(f"deployment secret {self._name} missing: migrate first")
                self._value = str(found).encode()
            return self._value

    def keyed(self, engine: Engine, text: str) -> str:
        """HMAC-SHA256 of ``text`` under the secret, hex."""
        return hmac.new(self.value(engine), text.encode(), hashlib.sha256).hexdigest()
