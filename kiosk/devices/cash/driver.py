"""The serial ccTalk bill validator driver (blocking; one thread owns it, see poller.py).

Every exchange: drop stale input, write one frame, read back our own bytes when the link
echoes them (single-wire bus; a setting, since some adapters hide the echo), then read the
reply's 2 first bytes and exactly the length they announce, within the reply timeout. A
missing, late or malformed reply raises a typed :mod:`errors` exception; nothing is retried
silently here.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from kiosk.devices.cash.codec import (
    BILL_VALIDATOR_ADDRESS,
    HOST_ADDRESS,
    BillType,
    ChecksumMode,
    EventBuffer,
    Frame,
    FrameDecoder,
    Header,
    Scaling,
    ascii_text,
    encode_frame,
    inhibit_mask,
    parse_bill_id,
    parse_event_buffer,
    parse_scaling,
    parse_serial_number,
)
from kiosk.devices.cash.errors import (
    AcceptorDisconnected,
    AcceptorUnavailable,
    FrameError,
    NakReply,
    NoReply,
    NotABillValidator,
    RouteFailed,
)
from kiosk.devices.serial_link import PORT_ERRORS, PortFactory, SerialLink, open_with_pyserial

log = logging.getLogger(__name__)

BILL_VALIDATOR_CATEGORY = "Bill Validator"
CHANNELS = range(1, 17)
_SLICE = 0.02  # seconds: granularity of deadline and cancel checks while reading
SETTLE_QUIET = 0.05  # after a failed exchange the line must be quiet this long...
SETTLE_MAX = 0.5  # ...but never longer than this
#: Scaling when the device does not answer header 156: the bill id's value code is yuan.
DEFAULT_SCALING = Scaling(1, 0)


@dataclass(frozen=True)
class BillValue:
    """A programmed channel: its bill id and what a note on it is worth."""

    channel: int
    bill: BillType
    value_fen: int


@dataclass(frozen=True)
class DeviceInfo:
    """Identification of the device (technician CLI, health report)."""

    category: str
    manufacturer: str
    product: str
    serial_number: int
    software_revision: str


class BanknoteAcceptor(Protocol):
    """What the cash flow needs from a banknote acceptor (serial driver or a fake)."""

    def open(self) -> None:
        """Open the link and check it is a bill validator; CashAcceptorError when unusable."""
        ...

    def close(self) -> None:
        """Release the link; safe to call twice."""
        ...

    def cancel(self) -> None:
        """Make a blocked exchange give up promptly (from another thread)."""
        ...

    def bill_table(self) -> dict[int, BillValue]:
        """Programmed channels and their values."""
        ...

    def accept(self, channels: frozenset[int]) -> None:
        """Enable these channels and lift the master inhibit: notes may go in."""
        ...

    def inhibit(self) -> None:
        """Set the master inhibit: no note goes in after this returns."""
        ...

    def read_events(self) -> EventBuffer:
        """Header 159: the event counter and the 5 newest events."""
        ...


class SerialBanknoteAcceptor(SerialLink):
    """A ccTalk bill validator on any pyserial URL (``/dev/ttyUSB0``, a pty, ``socket://``)."""

    unavailable: ClassVar[type[AcceptorUnavailable]] = AcceptorUnavailable
    label: ClassVar[str] = "banknote acceptor"

    def __init__(
        self,
        url: str,
        baudrate: int = 9600,
        timeout: float = 0.5,
        *,
        echo: bool = False,
        checksum: ChecksumMode = ChecksumMode.SIMPLE,
        address: int = BILL_VALIDATOR_ADDRESS,
        check_category: bool = True,
        port_factory: PortFactory = open_with_pyserial,
    ) -> None:
        super().__init__(url, baudrate, port_factory=port_factory)
        self.timeout = timeout
        self.echo = echo
        self.checksum = checksum
        self.address = address
        self.check_category = check_category
        self._decoder = FrameDecoder(checksum)
        self._dirty = False
        self._scaling: dict[str, Scaling] = {}

    def port_options(self) -> dict[str, Any]:
        """Reads return every ``_SLICE`` so deadlines and cancel are checked."""
        return {"timeout": _SLICE}

    def on_open(self) -> None:
        """Poll the device and (by default) check its equipment category."""
        self.simple_poll()
        if self.check_category:
            category = self.equipment_category()
            if category != BILL_VALIDATOR_CATEGORY:
                raise NotABillValidator(category)

    # -- identification ----------------------------------------------------------------------

    def simple_poll(self) -> None:
        """254: the device is there."""
        self.exchange(Header.SIMPLE_POLL)

    def equipment_category(self) -> str:
        """245: e.g. ``Bill Validator``."""
        return ascii_text(self.exchange(Header.REQUEST_EQUIPMENT_CATEGORY_ID))

    def identify(self) -> DeviceInfo:
        """245, 246, 244, 242, 241."""
        return DeviceInfo(
            category=self.equipment_category(),
            manufacturer=ascii_text(self.exchange(Header.REQUEST_MANUFACTURER_ID)),
            product=ascii_text(self.exchange(Header.REQUEST_PRODUCT_CODE)),
            serial_number=parse_serial_number(self.exchange(Header.REQUEST_SERIAL_NUMBER)),
            software_revision=ascii_text(self.exchange(Header.REQUEST_SOFTWARE_REVISION)),
        )

    def bill_id(self, channel: int) -> BillType | None:
        """157: the channel's bill id, None when unprogrammed."""
        if channel not in CHANNELS:
            raise ValueError("bill channels are 1..16")
        return parse_bill_id(self.exchange(Header.REQUEST_BILL_ID, bytes([channel])))

    def scaling(self, country: str) -> Scaling:
        """156 for a country (cached); the default when the device NAKs it."""
        if country not in self._scaling:
            try:
                data = self.exchange(Header.REQUEST_COUNTRY_SCALING_FACTOR, country.encode("ascii"))
                self._scaling[country] = parse_scaling(data)
            except NakReply:
                self._scaling[country] = DEFAULT_SCALING
        return self._scaling[country]

    def bill_table(self) -> dict[int, BillValue]:
        """Every programmed channel with its value in fen."""
        table: dict[int, BillValue] = {}
        for channel in CHANNELS:
            bill = self.bill_id(channel)
            if bill is not None:
                fen = self.scaling(bill.country).fen(bill.value_code)
                table[channel] = BillValue(channel, bill, fen)
        return table

    # -- acceptance --------------------------------------------------------------------------

    def set_inhibits(self, channels: frozenset[int]) -> None:
        """231: only these channels may take notes."""
        self.exchange(Header.MODIFY_INHIBIT_STATUS, inhibit_mask(channels))

    def set_master_inhibit(self, *, accept: bool) -> None:
        """228: bit 0 set = accept, clear = master inhibit (nothing goes in)."""
        self.exchange(Header.MODIFY_MASTER_INHIBIT_STATUS, bytes([1 if accept else 0]))

    def set_operating_mode(self, *, stacker: bool = True, escrow: bool = False) -> None:
        """153: bit 0 use stacker, bit 1 use escrow."""
        self.exchange(
            Header.MODIFY_BILL_OPERATING_MODE, bytes([(1 if stacker else 0) | (2 if escrow else 0)])
        )

    def accept(self, channels: frozenset[int]) -> None:
        """Stacker without escrow (a validated note is money at once), channels, then open."""
        self.set_operating_mode(stacker=True, escrow=False)
        self.set_inhibits(channels)
        self.set_master_inhibit(accept=True)

    def inhibit(self) -> None:
        """Master inhibit on."""
        self.set_master_inhibit(accept=False)

    def read_events(self) -> EventBuffer:
        """159."""
        return parse_event_buffer(self.exchange(Header.READ_BUFFERED_BILL_EVENTS))

    def route_bill(self, code: int) -> None:
        """154: 1 stack, 0 return, 255 extend the escrow timeout; RouteFailed on an error."""
        data = self.exchange(Header.ROUTE_BILL, bytes([code]))
        if data and data[0] in (254, 255):
            raise RouteFailed(data[0])

    # -- plumbing ----------------------------------------------------------------------------

    def frame(self, header: int, data: bytes = b"") -> bytes:
        """The bytes this driver sends for ``header``."""
        return encode_frame(self.address, header, data, source=HOST_ADDRESS, mode=self.checksum)

    def exchange(self, header: int, data: bytes = b"", timeout: float | None = None) -> bytes:
        """Send one command; the ACK reply's data, or a typed error."""
        port = self._port
        if port is None:
            raise AcceptorUnavailable("the acceptor is not open")
        name = Header(header).name if header in Header._value2member_map_ else str(header)
        request = self.frame(header, data)
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        self._decoder.reset()
        try:
            if self._dirty:
                self.settle(port, SETTLE_QUIET, SETTLE_MAX)
                self._dirty = False
                deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
            port.reset_input_buffer()
            port.write(request)
            if self.echo:
                echoed = self._read_exact(port, len(request), deadline, name)
                if echoed != request:
                    raise FrameError(f"{name}: the echo differs from what was sent (collision)")
            reply = self._read_reply(port, deadline, name)
        except PORT_ERRORS as exc:
            self.close()
            raise AcceptorDisconnected(f"{name}: {exc}") from exc
        except (NoReply, FrameError):
            self._dirty = True
            raise
        self._dirty = False
        if reply.destination != HOST_ADDRESS or (
            reply.source is not None and reply.source != self.address
        ):
            raise FrameError(
                f"{name}: reply from {reply.source} to {reply.destination}, expected "
                f"{self.address} to {HOST_ADDRESS}"
            )
        if reply.header == Header.NAK:
            raise NakReply(f"{name}: NAK")
        if reply.header != Header.ACK:
            raise FrameError(f"{name}: reply header {reply.header}, expected ACK")
        return reply.data

    def _read_exact(self, port: Any, count: int, deadline: float, name: str) -> bytes:
        got = bytearray()
        while len(got) < count:
            if self.cancelled:
                raise NoReply(f"{name}: cancelled")
            if time.monotonic() >= deadline:
                raise NoReply(f"{name}: echo incomplete ({len(got)} of {count} bytes)")
            got += port.read(count - len(got))
        return bytes(got)

    def _read_reply(self, port: Any, deadline: float, name: str) -> Frame:
        decoder = self._decoder
        while True:
            if self.cancelled:
                raise NoReply(f"{name}: cancelled")
            if time.monotonic() >= deadline:
                if decoder.buffered:
                    raise NoReply(f"{name}: reply stopped after {decoder.buffered} bytes")
                raise NoReply(f"{name}: no reply within {self.timeout:g} s")
            chunk: bytes = port.read(decoder.bytes_needed())
            if not chunk:
                continue
            for item in decoder.feed(chunk):
                if isinstance(item, Frame):
                    return item
                raise item
