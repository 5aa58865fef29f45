"""Every member of an enum the kiosk shows has its text, under the key derived from the
member, in both languages with the same placeholders: a new member without its words fails
here, not in front of a customer."""

from __future__ import annotations

import enum

import pytest

from kiosk import disputes, line, spam
from kiosk.devices.printer.slips import PrintState
from kiosk.i18n import load_catalogue, placeholders
from kiosk.transactions import TransactionKind

SHOWN: tuple[type[enum.Enum], ...] = (
    PrintState,
    TransactionKind,
    disputes.DisputeReason,
    spam.SpamCategory,
    spam.SpamSubject,
    spam.NumberKind,
    spam.NumberProblem,
    line.PasswordProblem,
)


@pytest.mark.parametrize("shown", SHOWN, ids=lambda e: e.__name__)
def test_every_member_has_its_text_in_both_languages(shown: type[enum.Enum]) -> None:
    zh, en = load_catalogue("zh_CN"), load_catalogue("en")
    keys = {member: member.text_key for member in shown}
    missing = sorted(
        f"{member.name}: {key}"
        for member, key in keys.items()
        if key is not None and (key not in zh or key not in en)
    )
    assert missing == []
    for key in filter(None, keys.values()):
        assert placeholders(zh[key]) == placeholders(en[key]), key
    assert len(set(keys.values())) == len(keys)  # no two members share a text by mistake


def test_only_the_idle_print_state_has_no_text() -> None:
    assert [s for s in PrintState if s.text_key is None] == [PrintState.IDLE]
