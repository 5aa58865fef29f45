"""A private backend for tests that change state (locks, suspensions, passwords)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fixtures.live_backend import LiveBackend, start_backend


@pytest.fixture(scope="package")
def own_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    """This package's own backend (the shared one stays untouched by destructive tests)."""
    with start_backend(tmp_path_factory.mktemp("own_backend"), customers=6) as backend:
        yield backend
