"""Strict test settings shared by every package's tests.

- a test fails if it logs an unexpected WARNING or worse (mark expected ones with
  ``@pytest.mark.allow_log_warnings`` or use the ``expect_warnings`` fixture);
- Qt runs offscreen; a test that leaves a top-level window open fails (tests/fixtures/qt.py).
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator

import pytest

# Shared fixtures: ``live_backend`` (a real reference backend on loopback), ``id_card`` (the
# one ID card, tests/fixtures/idcard.py).
pytest_plugins = ["tests.fixtures.live_backend", "tests.fixtures.qt", "tests.fixtures.idcard"]

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TZ", "Asia/Shanghai")
# Parsed catalogues (kiosk.catalogues.read_catalogue_cached) go to a cache of this run's own,
# never the user's; kiosks the tests start as processes share it.
if "XDG_CACHE_HOME" not in os.environ:
    _CACHE = tempfile.mkdtemp(prefix="kiosk-tests-cache-")
    os.environ["XDG_CACHE_HOME"] = _CACHE
    atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)  # one run's, not kept


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "allow_log_warnings: the test expects WARNING/ERROR log records"
    )


class _WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def _restore_root_logging() -> Iterator[None]:
    """A test that runs the CLI in-process (kiosk.cli.main -> configure_logging) leaves a
    StreamHandler on the root logger bound to that test's captured stderr. pytest closes that
    stream after the test, and every later log line, from any test or thread, printed "Logging
    error ... I/O operation on closed file" (seen in CI from the printer emulator's saver and
    the loop probe). The root logger's handlers and level are put back after each test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture(autouse=True)
def _fail_on_unexpected_warning_logs(request: pytest.FixtureRequest) -> Iterator[None]:
    collector = _WarningCollector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        yield
    finally:
        root.removeHandler(collector)
    if request.node.get_closest_marker("allow_log_warnings"):
        return
    if collector.records:
        lines = "\n".join(f"{r.levelname} {r.name}: {r.getMessage()}" for r in collector.records)
        pytest.fail(f"unexpected WARNING logs:\n{lines}", pytrace=False)


@pytest.fixture(autouse=True)
def _stop_loop_probes() -> Iterator[None]:
    """A test that left an event-loop probe ticking (a shell never torn down) has it stopped
    here: ticking on, it logged into the run's closed stream at the end ("Logging error ...
    I/O operation on closed file"; ui/loop_probe.py). Qt-free tests never import the probe."""
    yield
    probe_module = sys.modules.get("ui.loop_probe")
    if probe_module is not None:
        for probe in probe_module.running_probes():
            probe.stop()
