from __future__ import annotations

import random

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.i18n import Translator
from ui.widgets.keypad import DIGITS, Keypad, key_order


def test_plain_order_and_shuffled_order_hold_every_digit() -> None:
    assert key_order(False) == list(DIGITS)
    shuffled = key_order(True, random.Random(7))
    assert sorted(shuffled) == sorted(DIGITS)
    assert shuffled != list(DIGITS)


def test_secret_keypad_hides_digits_and_reshuffles(qtbot: QtBot) -> None:
    keypad = Keypad(Translator(), length=6, secret=True, rng=random.Random(1))
    qtbot.addWidget(keypad)
    first = keypad.labels()
    entered: list[str] = []
    keypad.submitted.connect(entered.append)
    for digit in "8642":
        qtbot.mouseClick(keypad.digit_button(digit), Qt.MouseButton.LeftButton)
    assert not keypad.submit_button().isEnabled()  # 4 of 6 digits
    assert keypad._display.text() == "●●●●○○"
    for digit in "139":  # a seventh digit is ignored
        qtbot.mouseClick(keypad.digit_button(digit), Qt.MouseButton.LeftButton)
    assert keypad.text() == "864213"
    qtbot.mouseClick(keypad.submit_button(), Qt.MouseButton.LeftButton)
    assert entered == ["864213"]
    keypad.reset()
    assert keypad.text() == ""
    assert keypad.labels() != first


def test_plain_keypad_shows_digits_and_deletes(qtbot: QtBot) -> None:
    keypad = Keypad(Translator(), length=11, secret=False)
    qtbot.addWidget(keypad)
    for digit in "138":
        qtbot.mouseClick(keypad.digit_button(digit), Qt.MouseButton.LeftButton)
    assert keypad._display.text() == "138"
    qtbot.mouseClick(keypad._delete, Qt.MouseButton.LeftButton)
    assert keypad.text() == "13"
    assert keypad.labels() == list("1234567890")
