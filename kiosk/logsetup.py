"""Logging configuration: one format, and a filter that scrubs personal data from records.

Masked: mobile numbers (``1[3-9]`` and nine digits), 18-character ID numbers (17 digits and a
digit or X) and the names the kiosk knows (passed in: a card holder's name once read). Other
numbers stay as they are: a baud rate (115200), an object count, a port path, a duration or an
amount in fen is not personal data, and masking every digit run made the log useless (and
hid the numbers staff need to diagnose a device).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

from common.masking import mask_name

_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{3})\d{11}(\d{3}[\dXx])(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def scrub(text: str, names: Iterable[str] = ()) -> str:
    """Mask phone numbers, ID numbers and the given names anywhere in a text."""
    text = _ID_NUMBER.sub(r"\1***********\2", text)
    text = _PHONE.sub(r"\1****\2", text)
    for name in sorted((n for n in names if len(n) >= 2), key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return text


class PrivacyFilter(logging.Filter):
    """Rewrites every record's final message with :func:`scrub` before any handler sees it.

    ``remember(name)`` adds a name to mask (a customer's, once the kiosk has it) and
    ``forget()`` drops them all (session end); both may be called from any thread.
    """

    def __init__(self, names: Iterable[str] = ()) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._names: frozenset[str] = frozenset(names)

    def remember(self, name: str) -> None:
        """Mask ``name`` in every later record."""
        with self._lock:
            self._names = self._names | {name}

    def forget(self) -> None:
        """Stop masking the names remembered so far."""
        with self._lock:
            self._names = frozenset()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # a bad format: the handler reports it as it would without us
        cleaned = scrub(message, self._names)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


def _installed() -> list[PrivacyFilter]:
    root = logging.getLogger()
    return [f for h in root.handlers for f in h.filters if isinstance(f, PrivacyFilter)]


def remember_name(name: str) -> None:
    """Mask ``name`` in the log from now on (a card holder's name, once read)."""
    for privacy in _installed():
        privacy.remember(name)


def forget_names() -> None:
    """Session end: the names remembered so far are no longer masked specially."""
    for privacy in _installed():
        privacy.forget()


def configure_logging(*, verbose: bool = False) -> None:
    """Root logger to stderr with the privacy filter on the handler."""
    root = logging.getLogger()
    if any(isinstance(f, PrivacyFilter) for h in root.handlers for f in h.filters):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PrivacyFilter())
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
