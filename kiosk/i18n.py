"""The one i18n system: message catalogues in ``assets/i18n/<locale>.json``.

Keys are stable dotted ids (``home.title``); values may hold ``{name}`` placeholders.
Simplified Chinese is the reference catalogue; English must have exactly the same keys
and placeholders (a test checks this, and that every key used in code exists).
"""

from __future__ import annotations

import json
import logging
import string
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

ASSETS = Path(__file__).resolve().parents[1] / "assets"
CATALOGUE_DIR = ASSETS / "i18n"
DEFAULT_LOCALE = "zh_CN"


def load_catalogue(locale: str, directory: Path = CATALOGUE_DIR) -> dict[str, str]:
    """Read one catalogue file."""
    data = json.loads((directory / f"{locale}.json").read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"{locale}.json: expected an object of strings")
    return data


def placeholders(text: str) -> set[str]:
    """Names of the ``{name}`` fields in a message."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class Translator:
    """Looks up messages in the current locale and tells listeners when the locale changes."""

    def __init__(self, locale: str = DEFAULT_LOCALE, directory: Path = CATALOGUE_DIR) -> None:
        self._directory = directory
        self._catalogues = {loc: load_catalogue(loc, directory) for loc in ("zh_CN", "en")}
        self._locale = locale
        self._listeners: list[Callable[[str], None]] = []

    @property
    def locale(self) -> str:
        return self._locale

    def set_locale(self, locale: str) -> None:
        """Switch language; listeners retranslate what they show."""
        if locale not in self._catalogues:
            raise ValueError(f"unknown locale {locale!r}")
        if locale == self._locale:
            return
        self._locale = locale
        for listener in list(self._listeners):
            listener(locale)

    def subscribe(self, listener: Callable[[str], None]) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[str], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def tr(self, key: str, /, **values: object) -> str:
        """The message for ``key`` in the current locale, formatted with ``values``."""
        catalogue = self._catalogues[self._locale]
        text = catalogue.get(key)
        if text is None:
            # A missing key is a bug caught by tests; at run time show the Chinese text.
            text = self._catalogues[DEFAULT_LOCALE].get(key, key)
            log.error("missing translation %s for %s", key, self._locale)
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        """Is there a message ``key`` (for keys derived from codes: fall back when not)?"""
        return key in self._catalogues[DEFAULT_LOCALE]

    def keys(self) -> set[str]:
        return set(self._catalogues[DEFAULT_LOCALE])

    def catalogue(self, locale: str) -> dict[str, str]:
        return dict(self._catalogues[locale])
