"""PO catalogues: what Babel writes the kiosk reads back alike, plural forms by the language's
rule, a dropped-in file adds a language, and the JSON -> PO move is idempotent."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.pofile import read_po

from kiosk.catalogues import (
    CatalogueError,
    available_locales,
    load_catalogue,
    read_catalogue,
    write_catalogue,
)

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = {
    "home.title": "Welcome",
    "home.quote": 'She said "hi"\nthen {name} left \\ back',
    "unit.minute": "{n} minute|{n} minutes",
}


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "i18n_json_to_po", ROOT / "scripts/i18n_json_to_po.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_written_catalogue_reads_back_with_plural_forms(tmp_path: Path) -> None:
    path = tmp_path / "en.po"
    write_catalogue(path, "en", MESSAGES, {"unit.minute"}, reference={"home.title": "欢迎"})
    catalogue = read_catalogue(path)
    assert catalogue.messages["home.title"] == "Welcome"
    assert catalogue.messages["home.quote"] == MESSAGES["home.quote"]
    assert catalogue.messages["unit.minute"] == ("{n} minute", "{n} minutes")
    assert [catalogue.plural_index(n) for n in (0, 1, 2, 21)] == [1, 0, 1, 1]
    assert load_catalogue("en", tmp_path) == MESSAGES
    text = path.read_text(encoding="utf-8")
    assert "#. zh_CN: 欢迎" in text  # the translator sees the reference text
    assert 'msgid_plural "unit.minute"' in text and 'msgstr[1] "{n} minutes"' in text
    assert "POT-Creation-Date" not in text  # rewritten only when a message changes


def test_babel_and_the_kiosk_read_a_catalogue_alike(tmp_path: Path) -> None:
    for locale in ("en", "zh_CN", "ru"):
        path = tmp_path / f"{locale}.po"
        write_catalogue(path, locale, MESSAGES, {"unit.minute"})
        with path.open("rb") as fh:
            po = read_po(fh)
            babel = {
                (m.id if isinstance(m.id, str) else m.id[0]): (
                    m.string if isinstance(m.string, str) else tuple(m.string or ())
                )
                for m in po
                if m.id
            }
        ours = read_catalogue(path)
        assert dict(ours.messages) == babel, locale
        assert ours.plural_forms == po.plural_forms
    # the language's own rule: one form in Chinese, three in Russian
    assert read_catalogue(tmp_path / "zh_CN.po").messages["unit.minute"] == ("{n} minute",)
    russian = read_catalogue(tmp_path / "ru.po")
    assert [russian.plural_index(n) for n in (1, 3, 5, 21)] == [0, 1, 2, 0]


def test_fuzzy_and_untranslated_messages_are_left_out(tmp_path: Path) -> None:
    path = tmp_path / "fr.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        '#, fuzzy\nmsgid "home.title"\nmsgstr "Bienvenue"\n\n'
        'msgid "home.hint"\nmsgstr ""\n\n'
        'msgid "home.long"\nmsgstr ""\n"deux "\n"lignes"\n',
        encoding="utf-8",
    )
    catalogue = read_catalogue(path)
    assert dict(catalogue.messages) == {"home.long": "deux lignes"}
    assert catalogue.plural_index(1) == 0 and catalogue.plural_index(2) == 1


def test_a_broken_catalogue_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "en.po"
    path.write_text('msgid "a"\nmsgstr unquoted\n', encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"en\.po:2"):
        read_catalogue(path)


def test_a_dropped_in_file_adds_a_language(tmp_path: Path) -> None:
    for locale in ("en", "zh_CN", "fr"):
        write_catalogue(tmp_path / f"{locale}.po", locale, {"home.title": locale}, set())
    assert available_locales(tmp_path) == ["zh_CN", "en", "fr"]


def test_json_to_po_keeps_po_only_entries_and_is_idempotent(tmp_path: Path) -> None:
    convert = _script().convert
    write_catalogue(tmp_path / "en.po", "en", {"old.kept": "Kept", "home.title": "Old"}, set())
    write_catalogue(tmp_path / "zh_CN.po", "zh_CN", {"old.kept": "保留", "home.title": "旧"}, set())
    write_catalogue(tmp_path / "fr.po", "fr", {"home.title": "Bienvenue"}, set())  # PO only
    (tmp_path / "en.json").write_text(
        json.dumps({"home.title": "Welcome", "unit.minute": "{n} minute|{n} minutes"}), "utf-8"
    )
    (tmp_path / "zh_CN.json").write_text(
        json.dumps({"home.title": "欢迎", "unit.minute": "{n} 分钟"}, ensure_ascii=False), "utf-8"
    )
    convert(tmp_path)
    assert not list(tmp_path.glob("*.json"))
    en, zh = load_catalogue("en", tmp_path), load_catalogue("zh_CN", tmp_path)
    assert en == {
        "old.kept": "Kept",
        "home.title": "Welcome",
        "unit.minute": "{n} minute|{n} minutes",
    }
    assert zh == {"old.kept": "保留", "home.title": "欢迎", "unit.minute": "{n} 分钟"}
    assert load_catalogue("fr", tmp_path) == {"home.title": "Bienvenue"}
    assert read_catalogue(tmp_path / "zh_CN.po").messages["unit.minute"] == ("{n} 分钟",)
    before = {p.name: p.read_bytes() for p in tmp_path.glob("*.po")}
    convert(tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.glob("*.po")} == before
