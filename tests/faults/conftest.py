"""The fault suite runs the kiosk from compiled bytecode, as it is deployed."""

from __future__ import annotations

import pytest

from tests.faults.harness.bytecode import compile_sources


@pytest.fixture(scope="session", autouse=True)
def _compiled_kiosk() -> None:
    compile_sources()
