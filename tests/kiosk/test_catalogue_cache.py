"""The parsed-catalogue cache (kiosk.catalogues.read_catalogue_cached): the same messages as a
parse, always; a changed file is parsed afresh; a damaged or unwritable cache costs only the
parse."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest

from kiosk.catalogues import (
    CATALOGUE_DIR,
    CatalogueError,
    read_catalogue,
    read_catalogue_cached,
)

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "home.title"
msgstr "{text}"

msgid "bill.months"
msgid_plural "bill.months"
msgstr[0] "{{n}} month"
msgstr[1] "{{n}} months"
"""


def _po(directory: Path, text: str = "Welcome") -> Path:
    directory.mkdir(exist_ok=True)
    path = directory / "en.po"
    path.write_text(PO.format(text=text), encoding="utf-8")
    return path


def _entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.iterdir() if not p.name.endswith(".part"))


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_the_shipped_catalogues_read_alike_parsed_and_cached(tmp_path: Path, locale: str) -> None:
    path = CATALOGUE_DIR / f"{locale}.po"
    parsed = read_catalogue(path)
    first = read_catalogue_cached(path, tmp_path)  # parses, writes the entry
    assert len(_entries(tmp_path)) == 1
    second = read_catalogue_cached(path, tmp_path)  # from the entry
    for catalogue in (first, second):
        assert catalogue.locale == parsed.locale
        assert dict(catalogue.messages) == dict(parsed.messages)
        assert catalogue.plural_forms == parsed.plural_forms
        assert [catalogue.plural_index(n) for n in range(4)] == [
            parsed.plural_index(n) for n in range(4)
        ]


def test_the_entry_is_what_a_second_start_reads(tmp_path: Path) -> None:
    po = _po(tmp_path / "po")
    cache = tmp_path / "cache"
    read_catalogue_cached(po, cache)
    (entry,) = _entries(cache)
    # An entry that says something else for the same file: proof that it, not the file, is read.
    plural_forms, messages = marshal.loads(entry.read_bytes())
    entry.write_bytes(marshal.dumps((plural_forms, {**messages, "home.title": "from the cache"})))
    assert read_catalogue_cached(po, cache).messages["home.title"] == "from the cache"


def test_an_edited_catalogue_is_parsed_afresh(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    po = _po(tmp_path / "po")
    assert read_catalogue_cached(po, cache).messages["home.title"] == "Welcome"
    _po(tmp_path / "po", "Hello")  # same length, other text: another CRC
    again = read_catalogue_cached(po, cache)
    assert again.messages["home.title"] == "Hello"
    assert again.messages["bill.months"] == ("{n} month", "{n} months")
    assert len(_entries(cache)) == 2


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", marshal.dumps(["not", "a", "pair"])])
def test_a_damaged_entry_is_parsed_again_and_rewritten(tmp_path: Path, damage: bytes) -> None:
    cache = tmp_path / "cache"
    po = _po(tmp_path / "po")
    read_catalogue_cached(po, cache)
    (entry,) = _entries(cache)
    entry.write_bytes(damage)
    assert read_catalogue_cached(po, cache).messages == read_catalogue(po).messages
    assert marshal.loads(entry.read_bytes())[1]["home.title"] == "Welcome"


def test_an_unwritable_cache_costs_only_the_parse(tmp_path: Path) -> None:
    po = _po(tmp_path / "po")
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory would be")
    catalogue = read_catalogue_cached(po, blocker / "catalogues")
    assert catalogue.messages == read_catalogue(po).messages
    assert blocker.read_text().startswith("a file")


def test_a_broken_catalogue_is_refused_cached_too(tmp_path: Path) -> None:
    po = tmp_path / "en.po"
    po.write_text('msgid "a"\nmsgstr "b"\n"stray"\nnonsense\n', encoding="utf-8")
    with pytest.raises(CatalogueError):
        read_catalogue_cached(po, tmp_path / "cache")
    assert not (tmp_path / "cache").exists()
