"""Resident ID card reader (SAM protocol, GA 467): codec, card parsing, driver and poller.

Public API (import from here)::

    from kiosk.devices.idcard import SerialCardReader, CardPoller, CardEvent, CardEventKind
    with SerialCardReader("/dev/ttyUSB0") as reader:
        if reader.find_card():
            reader.select_card()
            card = reader.read_card()          # IdCard; card.masked() for screens

All failures are subclasses of :class:`CardReaderError`.

Exports resolve on first use (PEP 562): importing one submodule, e.g. ``.errors`` from a
screen, does not pull in pyserial and ctypes at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.devices.lazy import lazy_exports

if TYPE_CHECKING:
    from kiosk.devices.idcard.card import CardType, IdCard, Sex, check_consistency, parse_text_block
    from kiosk.devices.idcard.codec import (
        Answer,
        Command,
        FrameDecoder,
        encode_answer,
        encode_command,
    )
    from kiosk.devices.idcard.driver import CardReader, SerialCardReader
    from kiosk.devices.idcard.errors import (
        CardDataError,
        CardReaderError,
        CardStatusError,
        ChecksumError,
        FrameError,
        NoAnswer,
        NoCard,
        ReaderDisconnected,
        ReaderUnavailable,
        ReadFailed,
        SamFailure,
        TruncatedAnswer,
    )
    from kiosk.devices.idcard.nations import NATIONS, nation_name
    from kiosk.devices.idcard.photo import NullPhotoDecoder, PhotoDecoder, VendorLibraryDecoder
    from kiosk.devices.idcard.poller import CardEvent, CardEventKind, CardPoller
    from kiosk.devices.idcard.status import Sw3

_EXPORTS: dict[str, str] = {
    "Answer": "kiosk.devices.idcard.codec",
    "CardDataError": "kiosk.devices.idcard.errors",
    "CardEvent": "kiosk.devices.idcard.poller",
    "CardEventKind": "kiosk.devices.idcard.poller",
    "CardPoller": "kiosk.devices.idcard.poller",
    "CardReader": "kiosk.devices.idcard.driver",
    "CardReaderError": "kiosk.devices.idcard.errors",
    "CardStatusError": "kiosk.devices.idcard.errors",
    "CardType": "kiosk.devices.idcard.card",
    "ChecksumError": "kiosk.devices.idcard.errors",
    "Command": "kiosk.devices.idcard.codec",
    "FrameDecoder": "kiosk.devices.idcard.codec",
    "FrameError": "kiosk.devices.idcard.errors",
    "IdCard": "kiosk.devices.idcard.card",
    "NATIONS": "kiosk.devices.idcard.nations",
    "NoAnswer": "kiosk.devices.idcard.errors",
    "NoCard": "kiosk.devices.idcard.errors",
    "NullPhotoDecoder": "kiosk.devices.idcard.photo",
    "PhotoDecoder": "kiosk.devices.idcard.photo",
    "ReadFailed": "kiosk.devices.idcard.errors",
    "ReaderDisconnected": "kiosk.devices.idcard.errors",
    "ReaderUnavailable": "kiosk.devices.idcard.errors",
    "SamFailure": "kiosk.devices.idcard.errors",
    "SerialCardReader": "kiosk.devices.idcard.driver",
    "Sex": "kiosk.devices.idcard.card",
    "Sw3": "kiosk.devices.idcard.status",
    "TruncatedAnswer": "kiosk.devices.idcard.errors",
    "VendorLibraryDecoder": "kiosk.devices.idcard.photo",
    "check_consistency": "kiosk.devices.idcard.card",
    "encode_answer": "kiosk.devices.idcard.codec",
    "encode_command": "kiosk.devices.idcard.codec",
    "nation_name": "kiosk.devices.idcard.nations",
    "parse_text_block": "kiosk.devices.idcard.card",
}


__getattr__ = lazy_exports(__name__, _EXPORTS)


__all__ = [
    "NATIONS",
    "Answer",
    "CardDataError",
    "CardEvent",
    "CardEventKind",
    "CardPoller",
    "CardReader",
    "CardReaderError",
    "CardStatusError",
    "CardType",
    "ChecksumError",
    "Command",
    "FrameDecoder",
    "FrameError",
    "IdCard",
    "NoAnswer",
    "NoCard",
    "NullPhotoDecoder",
    "PhotoDecoder",
    "ReadFailed",
    "ReaderDisconnected",
    "ReaderUnavailable",
    "SamFailure",
    "SerialCardReader",
    "Sex",
    "Sw3",
    "TruncatedAnswer",
    "VendorLibraryDecoder",
    "check_consistency",
    "encode_answer",
    "encode_command",
    "nation_name",
    "parse_text_block",
]
