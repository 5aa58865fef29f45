"""The soak's scan finds a personal string wherever it hides, in every encoding, and nothing
when it is gone (so a clean soak means something)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel

from tests.soak.scan import Needles, python_findings, widget_findings

# Reversed, so this module's own constants do not hold the strings the scan looks for.
# (Not a demo cardholder: the test session's fixtures hold those.)
_NAME, _ID_NUMBER, _PHONE = "试测阳欧", "X43217030991010111", "43210000731"


def _copy(text: str) -> str:
    return text[::-1]  # a new object holding the personal string


class _Holder:
    def __init__(self, value: object) -> None:
        self.value = value


def test_every_encoding_is_found_and_a_clean_heap_is_clean(app: QApplication) -> None:
    needles = Needles.of("c", _copy(_NAME), _copy(_ID_NUMBER), _copy(_PHONE))
    assert python_findings(needles) == []
    held = [
        _Holder(f"尊敬的客户 {_copy(_PHONE)}"),
        {"card": bytearray(_copy(_NAME).encode("utf-16-le"))},  # UCS-2 LE, as the card sends it
        [_copy(_ID_NUMBER).encode("gb18030")],
    ]
    found = python_findings(needles)
    assert {f.what for f in found} >= {"c[2] str"}
    assert sum("bytes" in f.what for f in found) >= 2
    assert any("_Holder" in f.where for f in found)
    held.clear()
    assert python_findings(needles) == []


def test_an_incremental_scan_walks_what_is_new_since_the_last_scan(app: QApplication) -> None:
    needles = Needles.of("i", _copy(_PHONE))
    old = _Holder("")
    assert python_findings(needles) == []  # ends frozen: ``old`` is now behind the last scan
    new = _Holder(f"尊敬的客户 {_copy(_PHONE)}")
    assert [f.what for f in python_findings(needles, whole_heap=False)] == ["i[0] str"]
    del new
    assert python_findings(needles, whole_heap=False) == []
    # The blind spot: a new string in an old object. The whole-heap scan sees it.
    old.value = _copy(_PHONE)
    assert python_findings(needles, whole_heap=False) == []
    assert [f.what for f in python_findings(needles)] == ["i[0] str"]
    old.value = ""
    assert python_findings(needles) == []


def test_a_widget_text_is_found(app: QApplication) -> None:
    needles = Needles.of("w", _copy(_PHONE))
    label = QLabel(f"号码 {_copy(_PHONE)}")
    try:
        assert [f.what for f in widget_findings(needles)] == ["w[0] widget"]
        label.setText("号码 137****1234")  # the masked form is not personal
        assert widget_findings(needles) == []
    finally:
        label.deleteLater()
        QApplication.processEvents()
