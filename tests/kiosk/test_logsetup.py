"""The log's privacy filter masks personal data and nothing else (issue 13: "the log masks the
baud rate", and an object count masked into '******' next to a '--- Logging error ---')."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from kiosk.logsetup import PrivacyFilter, scrub


@pytest.fixture
def stream_log() -> Iterator[tuple[logging.Logger, io.StringIO, PrivacyFilter]]:
    """A logger writing formatted lines to a string through the privacy filter."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(message)s"))
    privacy = PrivacyFilter()
    handler.addFilter(privacy)
    logger = logging.getLogger("tests.logsetup")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield logger, out, privacy
    finally:
        logger.removeHandler(handler)
        logger.propagate = True


def test_numbers_that_are_not_personal_stay() -> None:
    for text in (
        "ID card reader ready on /dev/ttyUSB0 at 115200 baud",
        "banknote acceptor on /dev/serial/by-id/usb-1a86_USB2.0-Ser_-if00-port0 at 9600 baud",
        "start-up heap frozen: 123456 objects in 35 ms",
        "12345 objects",
        "printed 204800 bytes in 1.25 s",
        "paid 5000 fen, order 20261202000123",
    ):
        assert scrub(text) == text


def test_phone_and_id_numbers_are_masked() -> None:
    assert scrub("login 13800138000 ok") == "login 138****8000 ok"
    assert scrub("card 11010519491231002X read") == "card 110***********002X read"
    assert scrub("id=110105196803120314,phone=19912345678") == (
        "id=110***********0314,phone=199****5678"
    )


def test_known_names_are_masked(
    stream_log: tuple[logging.Logger, io.StringIO, PrivacyFilter],
) -> None:
    logger, out, privacy = stream_log
    privacy.remember("张晓峰")
    logger.info("card read for %s", "张晓峰")
    privacy.forget()
    logger.info("card read for %s", "张晓峰")
    assert out.getvalue().splitlines() == ["card read for 张*峰", "card read for 张晓峰"]
    assert scrub("holder 李四 at the desk", names=["李四"]) == "holder 李* at the desk"


def test_percent_d_arguments_log_cleanly(
    stream_log: tuple[logging.Logger, io.StringIO, PrivacyFilter],
    capsys: pytest.CaptureFixture[str],
) -> None:
    logger, out, _privacy = stream_log
    logger.info("start-up heap frozen: %d objects in %.0f ms", 123456, 35.2)
    logger.info("reader on %s at %d baud, customer %s", "/dev/ttyUSB0", 115200, "13800138000")
    assert out.getvalue().splitlines() == [
        "start-up heap frozen: 123456 objects in 35 ms",
        "reader on /dev/ttyUSB0 at 115200 baud, customer 138****8000",
    ]
    assert "Logging error" not in capsys.readouterr().err


@pytest.mark.allow_log_warnings
def test_a_card_holders_name_is_masked_until_the_session_ends() -> None:
    # configure_logging's filter on the root handler: remember_name / forget_names reach it.
    from kiosk.logsetup import forget_names, remember_name

    root = logging.getLogger()
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(PrivacyFilter())
    root.addHandler(handler)
    try:
        log = logging.getLogger("tests.logsetup.holder")
        remember_name("欧阳晓峰")
        log.warning("holder %s at the reader", "欧阳晓峰")
        forget_names()
        log.warning("holder %s at the reader", "欧阳晓峰")
    finally:
        root.removeHandler(handler)
    assert out.getvalue().splitlines() == [
        "holder 欧**峰 at the reader",
        "holder 欧阳晓峰 at the reader",
    ]
