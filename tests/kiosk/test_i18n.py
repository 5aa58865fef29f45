"""Translator helpers: backend terms, ISO dates, plural forms, durations, amounts in words."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path

import pytest

from common.money import fen_to_english_words
from kiosk import bills as kb
from kiosk.catalogues import (
    CATALOGUE_DIR,
    CatalogueError,
    plural_keys,
    read_catalogue,
    write_catalogue,
)
from kiosk.config import ConfigError, Mode, config_from_dict
from kiosk.i18n import Translator


@pytest.fixture
def en() -> Translator:
    return Translator("en")


def test_term_maps_the_backends_chinese_words(en: Translator) -> None:
    assert en.term("上海") == "Shanghai"
    assert en.term("主叫") == "Outgoing"
    assert en.term("语音通信费") == "Calls"
    # a stable code works too
    assert en.term("place.shanghai") == "Shanghai"
    zh = Translator("zh_CN")
    assert zh.term("上海") == "上海"
    assert zh.term("place.shanghai") == "上海"


def test_term_translates_compound_words_part_by_part(en: Translator) -> None:
    assert en.term("北京-上海") == "Beijing-Shanghai"
    label = "套餐基本费（全球通畅享套餐128元，含国内主叫700分钟、短信300条、国内流量40GB）"
    assert en.term(label) == (
        "Plan monthly fee (GoTone Enjoy 128, Includes 700 domestic call minutes, 300 texts,"
        " 40 GB domestic data)"
    )


def test_an_unknown_term_is_shown_as_sent_and_logged_once(
    en: Translator, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="kiosk.i18n"):
        assert en.term("火星") == "火星"
        assert en.term("火星") == "火星"
    assert len([r for r in caplog.records if "火星" in r.getMessage()]) == 1
    assert en.term("MB") == "MB"  # nothing to translate
    assert en.term(None) == ""


def test_every_term_has_a_distinct_backend_word() -> None:
    zh = Translator("zh_CN").catalogue("zh_CN")
    words = [v for k, v in zh.items() if k.startswith("term.")]
    duplicates = {w for w in words if words.count(w) > 1}
    assert not duplicates


def test_dates_are_iso_in_both_languages() -> None:
    day = dt.date(2026, 12, 2)
    assert Translator("en").date(day) == "2026-12-02 Wednesday"
    assert Translator("zh_CN").date(day) == "2026-12-02 星期三"
    assert Translator("en").date(day, weekday=False) == "2026-12-02"


def test_plural_forms_follow_the_locale(en: Translator) -> None:
    assert en.n("unit.minute", 1) == "1 minute"
    assert en.n("unit.minute", 88) == "88 minutes"
    assert en.n("unit.minute", 0) == "0 minutes"
    assert Translator("zh_CN").n("unit.minute", 1) == "1 分钟"
    assert Translator("zh_CN").n("unit.minute", 88) == "88 分钟"


def test_durations(en: Translator) -> None:
    assert en.duration(93) == "1 min 33 s"
    assert en.duration(43) == "43 s"
    assert en.duration(3723) == "1 h 2 min 3 s"
    assert Translator("zh_CN").duration(93) == "1分33秒"


def test_amounts_in_words() -> None:
    assert Translator("zh_CN").amount_in_words(5000) == "伍拾元整"
    assert Translator("en").amount_in_words(5000) == "fifty yuan"
    assert fen_to_english_words(9999) == "ninety-nine yuan and ninety-nine fen"
    assert (
        fen_to_english_words(123456)
        == "one thousand two hundred thirty-four yuan and fifty-six fen"
    )
    assert fen_to_english_words(0) == "zero yuan"


def test_explanations_in_english(en: Translator) -> None:
    explanation = kb.Explanation(
        category="语音通信费",
        total_fen=1320,
        lines=(kb.ChargeLine("漫游通话", 1320, 88, "分钟", 15),),
        rule="超出套餐所含分钟数的通话，以及不在套餐范围内的漫游、长途通话，按分钟计费，"
        "不足1分钟按1分钟计。",
    )
    text = kb.explanation_text(explanation, en)
    assert text.startswith("Roaming calls 88 minutes × ¥0.15 = ¥13.20; Calls beyond the minutes")
    assert text.endswith("counts as a whole minute.")
    # Chinese keeps the bill's own words (also printed on slips)
    assert kb.explanation_text(explanation, Translator("zh_CN")) == explanation.text


def test_a_dropped_in_catalogue_is_a_language_with_its_own_plural_rule(tmp_path: Path) -> None:
    for locale in ("zh_CN", "en"):
        shutil.copy(CATALOGUE_DIR / f"{locale}.po", tmp_path / f"{locale}.po")
    english = read_catalogue(CATALOGUE_DIR / "en.po").flat()
    french = {**english, "header.language": "中文", "unit.minute": "{n} minute|{n} minutes"}
    del french["home.welcome"]  # not yet translated: shown in Chinese
    write_catalogue(tmp_path / "fr.po", "fr", french, plural_keys([french]))
    tr = Translator("zh_CN", tmp_path)
    assert tr.locales == ["zh_CN", "en", "fr"]
    assert [tr.next_locale()] == ["en"]
    tr.set_locale("fr")
    assert tr.next_locale() == "zh_CN"  # the language button goes round
    # French: 0 and 1 take the singular (English: only 1)
    assert tr.n("unit.minute", 0) == "0 minute"
    assert Translator("en", tmp_path).n("unit.minute", 0) == "0 minutes"
    assert tr.tr("home.welcome") == Translator("zh_CN").tr("home.welcome")


@pytest.mark.allow_log_warnings
def test_a_locale_without_a_catalogue_is_refused() -> None:
    with pytest.raises(ValueError, match="fr"):
        Translator("fr")
    with pytest.raises(ConfigError, match=r"ui\.locale"):
        config_from_dict({"ui": {"locale": "fr"}}, Mode.DEMO)


def test_only_the_reference_and_the_starting_language_are_read_before_use(
    tmp_path: Path,
) -> None:
    """Start-up reads no catalogue it does not need (each file is ~5-10 ms before the first
    paint); another language is read when the customer switches to it."""
    for name in ("zh_CN.po", "en.po"):
        shutil.copy(CATALOGUE_DIR / name, tmp_path / name)
    (tmp_path / "fr.po").write_text("this is not a PO file\n", encoding="utf-8")
    translator = Translator("zh_CN", tmp_path)  # fr.po is listed, not parsed
    assert translator.locales == ["zh_CN", "en", "fr"]
    assert translator.tr("home.welcome") == Translator("zh_CN").tr("home.welcome") != "home.welcome"
    (tmp_path / "en.po").unlink()  # not read yet: switching reads it now and fails
    with pytest.raises(CatalogueError):
        translator.set_locale("en")
    assert translator.locale == "zh_CN"


def test_sentences_join_without_a_gap_after_a_full_width_end_and_with_a_space_after_latin() -> None:
    from kiosk.i18n import join_sentences

    assert join_sentences("打印机缺纸。", "您的凭条已保留。") == "打印机缺纸。您的凭条已保留。"
    assert join_sentences("Paper out.", "Your slip is kept.") == "Paper out. Your slip is kept."
    assert join_sentences("", " 您的凭条已保留。", "") == "您的凭条已保留。"
    assert join_sentences("网络不稳定，", "请稍后再试。") == "网络不稳定，请稍后再试。"
    assert join_sentences("金额 ¥50.00", "已到账。") == "金额 ¥50.00 已到账。"
