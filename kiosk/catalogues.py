"""Message catalogues as gettext PO files (``assets/i18n/<locale>.po``), read and written with
Babel, so translators' tools (Poedit, Weblate, Lokalize, msgfmt) open them as they are.

A message's ``msgid`` is its stable key (``home.title``); ``msgstr`` its text, with ``{name}``
placeholders. A message with plural forms has a ``msgid_plural`` (the key again) and one
``msgstr[i]`` per form of the language's ``Plural-Forms`` header (English: one/other;
Chinese: one form). In the flat view the rest of the kiosk uses (:func:`load_catalogue`),
the forms of a plural message are joined by ``|`` and :meth:`kiosk.i18n.Translator.n` picks
one with :meth:`Catalogue.plural_index`.

A language is added by dropping ``<locale>.po`` into the directory: :func:`available_locales`
lists what is there (docs/i18n.md).
"""

from __future__ import annotations

import contextlib
import gettext
import io
import logging
import marshal
import os
import re
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

CATALOGUE_DIR = Path(__file__).resolve().parents[1] / "assets" / "i18n"
REFERENCE_LOCALE = "zh_CN"  # the reference catalogue: every other one has its keys
PLURAL_SEPARATOR = "|"
PROJECT = "hall-kiosk"
CACHE_FORMAT = 1  # raise when the cached payload's shape changes
HEADER_COMMENT = (
    "# Hall kiosk messages. msgid: the message key; msgstr: its text ({name}: a placeholder\n"
    "# the kiosk fills in; keep it). docs/i18n.md: adding a language, plural forms, terms."
)


class CatalogueError(ValueError):
    """A catalogue file that cannot be used."""


@dataclass(frozen=True)
class Catalogue:
    """One language's messages: key -> text, or key -> plural forms."""

    locale: str
    messages: Mapping[str, str | tuple[str, ...]]
    plural_forms: str = "nplurals=2; plural=(n != 1);"
    _rule: Callable[[int], int] | None = field(default=None, compare=False, repr=False)

    @property
    def nplurals(self) -> int:
        head = self.plural_forms.split(";", 1)[0]
        return int(head.split("=", 1)[1])

    def plural_index(self, n: int) -> int:
        """Which form ``n`` takes (the Plural-Forms expression, as gettext evaluates it)."""
        rule = self._rule or _compile(self.plural_forms)
        return max(0, min(int(rule(n)), self.nplurals - 1))

    def flat(self) -> dict[str, str]:
        """Key -> text; a plural message's forms joined by ``|``."""
        return {
            key: value if isinstance(value, str) else PLURAL_SEPARATOR.join(value)
            for key, value in self.messages.items()
        }


def _compile(plural_forms: str) -> Callable[[int], int]:
    expression = plural_forms.split("plural=", 1)[1].strip().rstrip(";")
    return gettext.c2py(expression)


def po_path(locale: str, directory: Path = CATALOGUE_DIR) -> Path:
    return directory / f"{locale}.po"


def available_locales(directory: Path = CATALOGUE_DIR) -> list[str]:
    """The languages there is a catalogue for: the reference first, then by name."""
    found = sorted(p.stem for p in directory.glob("*.po"))
    return sorted(found, key=lambda loc: (loc != REFERENCE_LOCALE, loc))


def read_catalogue(path: Path) -> Catalogue:
    """Parse one PO file. Fuzzy and untranslated messages are left out (shown in the reference
    language until translated).

    A small reader of its own, not Babel's: the kiosk reads its catalogues before the first
    paint, and Babel's reader takes ~90 ms a file (this one ~5 ms). Babel writes the files
    (:func:`write_catalogue`) and a test checks both read them alike.
    """
    return _catalogue(_decode(_read(path), path), path)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CatalogueError(f"{path.name}: {exc}") from exc


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"{path.name}: {exc}") from exc


def _catalogue(text: str, path: Path) -> Catalogue:
    entries = _parse_po(text, path.name)
    header = next((e for e in entries if e.msgid == ""), None)
    plural_forms = "nplurals=2; plural=(n != 1);"
    if header is not None:
        for line in header.strings.get(0, "").split("\n"):
            if line.lower().startswith("plural-forms:"):
                plural_forms = line.split(":", 1)[1].strip()
    messages: dict[str, str | tuple[str, ...]] = {}
    for entry in entries:
        if not entry.msgid or entry.fuzzy:
            continue
        if entry.plural:
            forms = tuple(entry.strings[i] for i in sorted(entry.strings))
            if forms and all(forms):
                messages[entry.msgid] = forms
        elif entry.strings.get(0):
            messages[entry.msgid] = entry.strings[0]
    try:
        rule = _compile(plural_forms)
    except (ValueError, IndexError) as exc:
        raise CatalogueError(f"{path.name}: bad Plural-Forms {plural_forms!r}") from exc
    return Catalogue(path.stem, messages, plural_forms, rule)


class _Entry:
    """One message while it is parsed (a plain class: a dataclass costs ~1 ms to define, on
    the way to the first frame)."""

    __slots__ = ("fuzzy", "msgid", "plural", "strings")

    def __init__(self) -> None:
        self.msgid = ""
        self.plural = False
        self.fuzzy = False
        self.strings: dict[int, str] = {}


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def _unescape(match: re.Match[str]) -> str:
    return _ESCAPES.get(match[1], match[1])


def _unquote(token: str, where: str) -> str:
    token = token.strip()
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        raise CatalogueError(f"{where}: expected a quoted string, got {token[:40]!r}")
    body = token[1:-1]
    # most strings have no escape at all; a backslash alone at the end is kept as it is
    return _ESCAPE.sub(_unescape, body) if "\\" in body else body


def _parse_po(text: str, name: str) -> list[_Entry]:
    entries: list[_Entry] = []
    entry = _Entry()
    field_name: tuple[str, int] | None = None
    fuzzy = False
    seen_id = False

    def finish() -> None:
        nonlocal entry, seen_id, fuzzy
        if seen_id:
            entries.append(entry)
        entry, seen_id, fuzzy = _Entry(), False, False

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        where = f"{name}:{number}"
        if not line:
            continue
        if line.startswith("#"):
            if seen_id and field_name is not None and field_name[0] == "msgstr":
                finish()
                field_name = None
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        if line.startswith('"'):
            if field_name is None:
                raise CatalogueError(f"{where}: a string outside a message")
            value = _unquote(line, where)
            kind, index = field_name
            if kind == "msgid":
                entry.msgid += value
            elif kind == "msgstr":
                entry.strings[index] = entry.strings.get(index, "") + value
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgid":
            if seen_id:
                finish()
            seen_id = True
            entry.fuzzy = fuzzy
            entry.msgid = _unquote(rest, where)
            field_name = ("msgid", 0)
        elif keyword == "msgid_plural":
            entry.plural = True
            _unquote(rest, where)
            field_name = ("plural", 0)
        elif keyword == "msgstr":
            entry.strings[0] = _unquote(rest, where)
            field_name = ("msgstr", 0)
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            index = int(keyword[7:-1])
            entry.strings[index] = _unquote(rest, where)
            field_name = ("msgstr", index)
        elif keyword == "msgctxt":
            raise CatalogueError(f"{where}: msgctxt is not used by this kiosk's catalogues")
        else:
            raise CatalogueError(f"{where}: unexpected {keyword!r}")
    finish()
    return entries


def default_cache_dir() -> Path:
    """Where parsed catalogues are kept between runs: the user's cache (XDG)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "hall-kiosk" / "catalogues"


def read_catalogue_cached(path: Path, cache_dir: Path | None = None) -> Catalogue:
    """:func:`read_catalogue`, with the parsed messages kept in ``cache_dir`` between runs.

    The kiosk reads its catalogue on the way to the first frame; parsing the PO file is
    ~4 ms of it, loading the parsed messages ~0.3 ms (bench_startup). The cache entry is named
    by the file's length and CRC-32, so an edited or replaced catalogue is parsed afresh; a
    cache that cannot be read or written (read-only home, a damaged entry) only costs the
    parse: the PO file is always the truth.
    """
    data = _read(path)
    entry = (cache_dir or default_cache_dir()) / (
        f"{path.stem}-{len(data)}-{zlib.crc32(data):08x}.v{CACHE_FORMAT}"
    )
    cached = _load_cached(entry)
    if cached is not None:
        plural_forms, messages = cached
        return Catalogue(path.stem, messages, plural_forms, _compile(plural_forms))
    catalogue = _catalogue(_decode(data, path), path)
    _store_cached(entry, catalogue)
    return catalogue


def _load_cached(entry: Path) -> tuple[str, dict[str, str | tuple[str, ...]]] | None:
    try:
        loaded = marshal.loads(entry.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not (isinstance(loaded, tuple) and len(loaded) == 2):
        return None
    plural_forms, messages = loaded
    if not isinstance(plural_forms, str) or not isinstance(messages, dict):
        return None
    return plural_forms, messages


def _store_cached(entry: Path, catalogue: Catalogue) -> None:
    payload = marshal.dumps((catalogue.plural_forms, dict(catalogue.messages)))
    partial = entry.with_name(f"{entry.name}.{os.getpid()}.part")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(payload)
        os.replace(partial, entry)  # whole or not at all, even with two kiosks starting at once
    except OSError as exc:
        log.info("catalogue cache not written (%s): parsed again next start", exc)
        with contextlib.suppress(OSError):
            partial.unlink()


def load_catalogue(locale: str, directory: Path = CATALOGUE_DIR) -> dict[str, str]:
    """One language's messages, flat (key -> text; plural forms joined by ``|``)."""
    return read_catalogue(po_path(locale, directory)).flat()


def plural_keys(catalogues: Iterable[Mapping[str, str]]) -> set[str]:
    """Keys written with ``|``-separated forms in any of the flat catalogues."""
    return {k for c in catalogues for k, v in c.items() if PLURAL_SEPARATOR in v}


def write_catalogue(
    path: Path,
    locale: str,
    messages: Mapping[str, str],
    plurals: set[str],
    reference: Mapping[str, str] | None = None,
) -> None:
    """Write flat ``messages`` as a PO file, keys sorted; ``plurals`` get msgid_plural and
    one msgstr per form of the locale; ``reference`` texts become translator comments."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    catalog = Catalog(
        locale=locale,
        header_comment=HEADER_COMMENT,
        project=PROJECT,
        version="1",
        msgid_bugs_address="",
        last_translator="",
        language_team=f"{PROJECT} translators",
        charset="utf-8",
        fuzzy=False,
    )
    for key in sorted(messages):
        text = messages[key]
        comments = []
        if reference is not None and key in reference and reference[key] != text:
            comments = [f"{REFERENCE_LOCALE}: {reference[key]}"]
        if key in plurals:
            forms = text.split(PLURAL_SEPARATOR)
            n = catalog.num_plurals
            forms = (forms + [forms[-1]] * n)[:n]
            catalog.add((key, key), tuple(forms), auto_comments=comments)
        else:
            catalog.add(key, text, auto_comments=comments)
    buffer = io.BytesIO()
    # no dates or line numbers: the file changes only when a message does
    write_po(buffer, catalog, width=0, omit_header=False, sort_output=True)
    text = _without_dates(buffer.getvalue().decode("utf-8"))
    path.write_text(text, encoding="utf-8")


def _without_dates(po: str) -> str:
    return "\n".join(
        line
        for line in po.split("\n")
        if not line.startswith(
            (
                '"POT-Creation-Date:',
                '"PO-Revision-Date:',
                '"Report-Msgid-Bugs-To:',
                '"Last-Translator:',
            )
        )
    )
