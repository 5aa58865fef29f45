"""The CLI run in-process must not leave its stderr handler on the root logger for the tests
after it (tests/conftest.py::_restore_root_logging): the handler's stream is the first test's
captured stderr, closed when that test ends ("Logging error ... I/O operation on closed file")."""

from __future__ import annotations

import logging

from kiosk.logsetup import PrivacyFilter, configure_logging

_SEEN: list[int] = []


def _privacy_handlers() -> int:
    return sum(
        isinstance(f, PrivacyFilter) for h in logging.getLogger().handlers for f in h.filters
    )


def test_a_test_that_configures_logging() -> None:
    _SEEN.append(_privacy_handlers())
    configure_logging()
    assert _privacy_handlers() == _SEEN[0] + 1


def test_the_next_test_does_not_inherit_its_handler() -> None:
    assert _SEEN, "runs after the test above (file order)"
    assert _privacy_handlers() == _SEEN[0]
    logging.getLogger("tests.cli").info("no closed stream under this line")
