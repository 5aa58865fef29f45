"""The one serial base and the one device-error base under the three drivers (duplicates D1,
D4): the same open/close/handshake rules and the same error families for every device."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from common.device_errors import BadFrame, DeviceError, DeviceTimeout, DeviceUnavailable, PortLost
from kiosk.devices.cash import SerialBanknoteAcceptor
from kiosk.devices.cash import errors as cash
from kiosk.devices.idcard import SerialCardReader
from kiosk.devices.idcard import errors as idcard
from kiosk.devices.printer import SerialPrinter
from kiosk.devices.serial_link import SerialLink
from printer import errors as printer
from printer.profiles import load_profile


def _drivers(url: str, port_factory: Any = None) -> list[SerialLink]:
    extra = {"port_factory": port_factory} if port_factory else {}
    return [
        SerialCardReader(url, **extra),
        SerialBanknoteAcceptor(url, **extra),
        SerialPrinter(url, load_profile("generic-80"), **extra),
    ]


def test_every_driver_is_a_serial_link_with_its_own_unavailable_error(tmp_path: Path) -> None:
    missing = str(tmp_path / "ttyNONE")
    expected = [idcard.ReaderUnavailable, cash.AcceptorUnavailable, printer.PrinterUnavailable]
    for driver, error in zip(_drivers(missing), expected, strict=True):
        with pytest.raises(error, match="cannot open") as raised:
            driver.open()
        assert isinstance(raised.value, DeviceUnavailable) and missing in str(raised.value)
        assert not driver.is_open
        driver.close()  # closing what never opened is fine, twice too
        driver.close()


class _Port:
    def __init__(self, close_error: Exception | None = None) -> None:
        self.closed = 0
        self.options: dict[str, Any] = {}
        self.close_error = close_error
        self.timeout: float | None = 0.05

    def read(self, size: int = 1, /) -> bytes:
        return b""  # a device that never answers

    def write(self, data: bytes, /) -> int:
        return len(data)

    def reset_input_buffer(self) -> None:
        pass

    def close(self) -> None:
        self.closed += 1
        if self.close_error is not None:
            raise self.close_error


def test_a_failed_handshake_closes_the_port_again() -> None:
    # The reader checks its SAM and the acceptor polls on open; silence there is a timeout,
    # and the port must not stay open behind the error.
    port = _Port(close_error=OSError("already gone"))
    reader = SerialCardReader("fake://", timeout=0.1, port_factory=lambda url, **kw: port)
    acceptor = SerialBanknoteAcceptor("fake://", timeout=0.1, port_factory=lambda url, **kw: port)
    for driver in (reader, acceptor):
        with pytest.raises(DeviceTimeout):
            driver.open()
        assert not driver.is_open
    assert port.closed == 2  # and a port that fails to close is not an error


def test_the_context_manager_opens_and_closes_and_passes_the_port_options() -> None:
    seen: list[dict[str, Any]] = []
    port = _Port()

    def factory(url: str, **options: Any) -> _Port:
        seen.append({"url": url, **options})
        return port

    printer_link = SerialPrinter("fake://", load_profile("generic-80"), port_factory=factory)
    with printer_link as opened:
        assert opened is printer_link and opened.is_open
    assert not printer_link.is_open and port.closed == 1
    assert seen == [
        {
            "url": "fake://",
            "baudrate": 115200,
            "rtscts": False,
            "xonxoff": True,
            "timeout": 0.05,
            "write_timeout": 10.0,
        }
    ]


@pytest.mark.parametrize(
    ("error", "family"),
    [
        (idcard.ReaderUnavailable, DeviceUnavailable),
        (idcard.ReaderDisconnected, PortLost),
        (idcard.NoAnswer, DeviceTimeout),
        (idcard.FrameError, BadFrame),
        (idcard.ChecksumError, BadFrame),
        (cash.AcceptorUnavailable, DeviceUnavailable),
        (cash.AcceptorDisconnected, PortLost),
        (cash.NoReply, DeviceTimeout),
        (cash.FrameError, BadFrame),
        (cash.ChecksumError, BadFrame),
        (printer.PrinterUnavailable, DeviceUnavailable),
        (printer.PrinterPortError, PortLost),
        (printer.StatusTimeoutError, DeviceTimeout),
        (printer.MalformedStatusError, BadFrame),
    ],
)
def test_one_error_family_for_every_device(error: type[Exception], family: type) -> None:
    assert issubclass(error, family) and issubclass(error, DeviceError)


def test_each_device_keeps_its_own_base() -> None:
    assert issubclass(idcard.NoAnswer, idcard.CardReaderError)
    assert issubclass(cash.NoReply, cash.CashAcceptorError)
    assert issubclass(printer.StatusTimeoutError, printer.PrinterError)
    assert issubclass(printer.PaperOutError, printer.PrinterDeviceError)
    assert not issubclass(printer.ProfileError, DeviceError)  # a config fault, not the device
    assert not issubclass(idcard.NoAnswer, cash.CashAcceptorError)
