"""Banknote acceptor (ccTalk bill validator): codec, event counter, driver and poller.

Public API (import from here)::

    from kiosk.devices.cash import SerialBanknoteAcceptor, AcceptorPoller, EventCounter
    with SerialBanknoteAcceptor("/dev/ttyUSB1", echo=True) as acceptor:
        table = acceptor.bill_table()          # channel -> BillValue (fen)
        acceptor.accept(frozenset(table))
        read = EventCounter(None).advance(acceptor.read_events())

All failures are subclasses of :class:`CashAcceptorError`. Exports resolve on first use
(PEP 562), so importing ``.errors`` does not pull in pyserial.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.devices.lazy import lazy_exports

if TYPE_CHECKING:
    from kiosk.devices.cash.codec import (
        BillType,
        ChecksumMode,
        EventBuffer,
        Frame,
        FrameDecoder,
        Header,
        decode_frame,
        encode_frame,
    )
    from kiosk.devices.cash.driver import (
        BanknoteAcceptor,
        BillValue,
        DeviceInfo,
        SerialBanknoteAcceptor,
    )
    from kiosk.devices.cash.errors import (
        AcceptorDisconnected,
        AcceptorUnavailable,
        CashAcceptorError,
        ChecksumError,
        FrameError,
        NakReply,
        NoReply,
        NotABillValidator,
        RouteFailed,
    )
    from kiosk.devices.cash.events import (
        BillEvent,
        BillStatus,
        EventCounter,
        EventKind,
        EventRead,
        decode_event,
    )
    from kiosk.devices.cash.poller import AcceptorPoller, LinkEvent, LinkKind

_EXPORTS: dict[str, str] = {
    "AcceptorDisconnected": "kiosk.devices.cash.errors",
    "AcceptorPoller": "kiosk.devices.cash.poller",
    "AcceptorUnavailable": "kiosk.devices.cash.errors",
    "BanknoteAcceptor": "kiosk.devices.cash.driver",
    "BillEvent": "kiosk.devices.cash.events",
    "BillStatus": "kiosk.devices.cash.events",
    "BillType": "kiosk.devices.cash.codec",
    "BillValue": "kiosk.devices.cash.driver",
    "CashAcceptorError": "kiosk.devices.cash.errors",
    "ChecksumError": "kiosk.devices.cash.errors",
    "ChecksumMode": "kiosk.devices.cash.codec",
    "DeviceInfo": "kiosk.devices.cash.driver",
    "EventBuffer": "kiosk.devices.cash.codec",
    "EventCounter": "kiosk.devices.cash.events",
    "EventKind": "kiosk.devices.cash.events",
    "EventRead": "kiosk.devices.cash.events",
    "Frame": "kiosk.devices.cash.codec",
    "FrameDecoder": "kiosk.devices.cash.codec",
    "FrameError": "kiosk.devices.cash.errors",
    "Header": "kiosk.devices.cash.codec",
    "LinkEvent": "kiosk.devices.cash.poller",
    "LinkKind": "kiosk.devices.cash.poller",
    "NakReply": "kiosk.devices.cash.errors",
    "NoReply": "kiosk.devices.cash.errors",
    "NotABillValidator": "kiosk.devices.cash.errors",
    "RouteFailed": "kiosk.devices.cash.errors",
    "SerialBanknoteAcceptor": "kiosk.devices.cash.driver",
    "decode_event": "kiosk.devices.cash.events",
    "decode_frame": "kiosk.devices.cash.codec",
    "encode_frame": "kiosk.devices.cash.codec",
}


__getattr__ = lazy_exports(__name__, _EXPORTS)


__all__ = [
    "AcceptorDisconnected",
    "AcceptorPoller",
    "AcceptorUnavailable",
    "BanknoteAcceptor",
    "BillEvent",
    "BillStatus",
    "BillType",
    "BillValue",
    "CashAcceptorError",
    "ChecksumError",
    "ChecksumMode",
    "DeviceInfo",
    "EventBuffer",
    "EventCounter",
    "EventKind",
    "EventRead",
    "Frame",
    "FrameDecoder",
    "FrameError",
    "Header",
    "LinkEvent",
    "LinkKind",
    "NakReply",
    "NoReply",
    "NotABillValidator",
    "RouteFailed",
    "SerialBanknoteAcceptor",
    "decode_event",
    "decode_frame",
    "encode_frame",
]
