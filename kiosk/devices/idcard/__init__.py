"""Resident ID card reader (SAM protocol, GA 467): codec, card parsing, driver and poller.

Public API (import from here)::

    from kiosk.devices.idcard import SerialCardReader, CardPoller, CardEvent, CardEventKind
    with SerialCardReader("/dev/ttyUSB0") as reader:
        if reader.find_card():
            reader.select_card()
            card = reader.read_card()          # IdCard; card.masked() for screens

All failures are subclasses of :class:`CardReaderError`.
"""

from kiosk.devices.idcard.card import CardType, IdCard, Sex, check_consistency, parse_text_block
from kiosk.devices.idcard.codec import Answer, Command, FrameDecoder, encode_answer, encode_command
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
