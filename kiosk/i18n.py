"""The one i18n system: gettext PO catalogues in ``assets/i18n/<locale>.po``
(kiosk/catalogues.py reads them; docs/i18n.md: the format, adding a language).

Keys are stable dotted ids (``home.title``); values may hold ``{name}`` placeholders.
Simplified Chinese is the reference catalogue; English must have exactly the same keys
and placeholders (a test checks this, and that every key used in code exists). Every
catalogue in the directory is a language the customer can switch to.

Three helpers beyond :meth:`Translator.tr` keep every customer-visible word in the catalogue:

- :meth:`Translator.term` — backend vocabulary (bill categories, places, call directions,
  plan and service names...). The backend sends the Chinese term or a stable code; the
  ``term.*`` entries map it (the zh_CN text of a ``term.`` entry *is* the backend's word).
- :meth:`Translator.date` — ISO dates (2026-12-02), unambiguous in every language, with the
  weekday word from the catalogue.
- :meth:`Translator.n` — plural forms: the form the catalogue's ``Plural-Forms`` rule picks
  (English: one/other; Chinese: one form).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import string
from collections.abc import Callable
from pathlib import Path

from kiosk.catalogues import (
    CATALOGUE_DIR,
    PLURAL_SEPARATOR,
    REFERENCE_LOCALE,
    Catalogue,
    available_locales,
    load_catalogue,
    read_catalogue_cached,
)

__all__ = [
    "CATALOGUE_DIR",
    "DEFAULT_LOCALE",
    "Translator",
    "join_sentences",
    "load_catalogue",
    "placeholders",
]

log = logging.getLogger(__name__)

DEFAULT_LOCALE = REFERENCE_LOCALE
SHIPPED_LOCALES = ("zh_CN", "en")  # complete by test; others are dropped in by an operator
TERM = "term."
# A compound backend word: known terms within brackets, then commas, then 、 / - ·
# (套餐基本费（全球通畅享套餐128元，含…）, 北京-上海). Compiled on first use: character sets
# beyond Latin-1 cost ~1 ms each to compile, on the way to the first frame.
_TERM_SPLIT_PATTERNS = (r"(\s*[()（）]\s*)", r"(\s*[,，;；]\s*)", r"(\s*[、/\-·]\s*)")


@functools.cache
def _term_split(level: int) -> re.Pattern[str]:
    return re.compile(_TERM_SPLIT_PATTERNS[level])


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


_FULL_WIDTH = {"（": " (", "）": ")", "，": ", ", "；": "; ", "、": ", "}


def _latin_punctuation(separator: str) -> str:
    """A compound word's separator for a Latin-script language (（，）→ (, ))."""
    return "".join(_FULL_WIDTH.get(c, c) for c in separator)


def join_sentences(*parts: str) -> str:
    """Messages said one after another: a space after Latin text, none after Chinese, which
    runs on (缺纸。您的凭条已保留 / Paper out. Your slip is kept). Empty parts drop out."""
    text = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if text and text[-1].isascii():
            text += " "
        text += part
    return text


def placeholders(text: str) -> set[str]:
    """Names of the ``{name}`` fields in a message."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class Translator:
    """Looks up messages in the current locale and tells listeners when the locale changes."""

    def __init__(self, locale: str = DEFAULT_LOCALE, directory: Path = CATALOGUE_DIR) -> None:
        self._directory = directory
        known = available_locales(directory)
        if DEFAULT_LOCALE not in known:
            raise ValueError(f"{directory}: no {DEFAULT_LOCALE}.po (the reference catalogue)")
        if locale not in known:
            raise ValueError(f"unknown locale {locale!r}")
        self._known = known
        # Parsed on first use: only the reference (every fallback and the backend's terms
        # need it) and the starting language are read before the first paint.
        self._parsed: dict[str, Catalogue] = {}
        self._flat: dict[str, dict[str, str]] = {}
        self._load(DEFAULT_LOCALE)
        self._load(locale)
        self._locale = locale
        self._listeners: list[Callable[[str], None]] = []
        # the backend's word (the zh_CN text of a term. entry) -> its key
        self._terms = {
            text: key for key, text in self._flat[DEFAULT_LOCALE].items() if key.startswith(TERM)
        }
        self._unknown_terms: set[str] = set()
        self._untranslated: set[tuple[str, str]] = set()

    def _load(self, locale: str) -> dict[str, str]:
        flat = self._flat.get(locale)
        if flat is None:
            path = self._directory / f"{locale}.po"
            parsed = self._parsed[locale] = read_catalogue_cached(path)
            flat = self._flat[locale] = parsed.flat()
        return flat

    @property
    def locale(self) -> str:
        return self._locale

    @property
    def locales(self) -> list[str]:
        """Every language there is a catalogue for, the reference first."""
        return list(self._known)

    def next_locale(self) -> str:
        """The language the language button switches to (round the catalogues in order)."""
        order = self.locales
        return order[(order.index(self._locale) + 1) % len(order)]

    def set_locale(self, locale: str) -> None:
        """Switch language; listeners retranslate what they show."""
        if locale not in self._known:
            raise ValueError(f"unknown locale {locale!r}")
        self._load(locale)
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
        catalogue = self._load(self._locale)
        text = catalogue.get(key)
        if text is None:
            # Show the Chinese text. Missing in a shipped catalogue: a bug caught by tests; in
            # one an operator dropped in: not yet translated (said once).
            text = self._load(DEFAULT_LOCALE).get(key, key)
            if self._locale in SHIPPED_LOCALES or key not in self._load(DEFAULT_LOCALE):
                log.error("missing translation %s for %s", key, self._locale)
            elif (self._locale, key) not in self._untranslated:
                self._untranslated.add((self._locale, key))
                log.info("%s is not translated into %s yet", key, self._locale)
        return text.format(**values) if values else text

    def n(self, key: str, count: int, /, **values: object) -> str:
        """The plural form of ``key`` for ``count`` (``{n}`` is the count)."""
        forms = self.tr(key).split(PLURAL_SEPARATOR)
        locale = self._locale if key in self._load(self._locale) else DEFAULT_LOCALE
        catalogue = self._parsed[locale]
        form = forms[min(catalogue.plural_index(count), len(forms) - 1)]
        return form.format(n=count, **values)

    def date(self, day: dt.date, *, weekday: bool = True) -> str:
        """``2026-12-02 Wednesday`` / ``2026-12-02 星期三``: ISO, never day/month order."""
        if not weekday:
            return day.isoformat()
        return self.tr("date.with_weekday", date=day.isoformat(), w=self.weekday(day))

    def duration(self, seconds: int) -> str:
        """``1 h 2 min 3 s`` / ``1小时2分3秒`` (call lengths, talk time)."""
        hours, rest = divmod(max(0, seconds), 3600)
        minutes, secs = divmod(rest, 60)
        if hours:
            return self.tr("duration.hms", h=hours, m=minutes, s=secs)
        if minutes:
            return self.tr("duration.ms", m=minutes, s=secs)
        return self.tr("duration.s", s=secs)

    def amount_in_words(self, fen: int) -> str:
        """The amount spelt out (大写 in Chinese: 伍拾元整; English: fifty yuan)."""
        from common.money import fen_to_capitals, fen_to_english_words

        if self._locale == DEFAULT_LOCALE:
            return fen_to_capitals(fen)
        return fen_to_english_words(fen)

    def weekday(self, day: dt.date) -> str:
        return self.tr(f"weekday.{day.weekday()}")

    def term(self, word: str | None) -> str:
        """A backend word in the current language.

        ``word`` is the backend's Chinese term (上海, 主叫, 语音通信费) or a stable code
        (``place.shanghai``); compound words are translated part by part (北京-上海). A word the
        catalogue does not know is shown as sent (and logged once, for the translators).
        """
        if not word:
            return ""
        key = self._terms.get(word) or (
            TERM + word if TERM + word in self._load(DEFAULT_LOCALE) else None
        )
        if key is not None:
            return self.tr(key)
        if self._locale == DEFAULT_LOCALE or not _has_cjk(word):
            return word  # nothing to translate (a number, "MB", a Latin name)
        compound = self._compound(word, 0)
        if compound is not None:
            return compound.strip()
        if word not in self._unknown_terms:
            self._unknown_terms.add(word)
            log.info("no %s translation for the backend term %r", self._locale, word)
        return word

    def _compound(self, word: str, level: int) -> str | None:
        """``word`` translated whole, or split at the coarsest separators first (brackets,
        then commas, then 、/-), each part translated; None when a part is unknown."""
        if word in self._terms:
            return self.tr(self._terms[word])
        if level == len(_TERM_SPLIT_PATTERNS):
            return None
        splitter = _term_split(level)
        parts = splitter.split(word)
        if len(parts) == 1:
            return self._compound(word, level + 1)
        out = []
        for part in parts:
            if not part or splitter.fullmatch(part):
                out.append(_latin_punctuation(part))
                continue
            translated = self._compound(part, level + 1)
            if translated is None:
                return None
            out.append(translated)
        return "".join(out)

    def has_term(self, word: str) -> bool:
        return word in self._terms or TERM + word in self._load(DEFAULT_LOCALE)

    def has(self, key: str) -> bool:
        """Is there a message ``key`` (for keys derived from codes: fall back when not)?"""
        return key in self._load(DEFAULT_LOCALE)

    def keys(self) -> set[str]:
        return set(self._load(DEFAULT_LOCALE))

    def catalogue(self, locale: str) -> dict[str, str]:
        return dict(self._load(locale))
