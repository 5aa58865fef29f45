"""Building the cash desk from the configuration (the composition root calls this on a worker
thread after the first paint: opening the journal touches the disk)."""

from __future__ import annotations

from kiosk.cash.desk import CashBackend, CashDesk
from kiosk.cash.ledger import CashLedger
from kiosk.config import Config
from kiosk.devices.cash.driver import SerialBanknoteAcceptor


def desk_from_config(config: Config, backend: CashBackend) -> CashDesk:
    """A started desk on ``devices.cash_acceptor``; its notes go to the terminal's journal
    file (one file holds everything unresolved). Close with :func:`close_desk`."""
    devices = config.devices
    ledger = CashLedger(config.journal_path)
    desk = CashDesk(
        lambda: SerialBanknoteAcceptor(
            devices.cash_acceptor, devices.cash_acceptor_baud, echo=devices.cash_acceptor_echo
        ),
        ledger,
        backend,
        box_capacity=devices.cash_box_capacity,
    )
    desk.start()
    return desk


def close_desk(desk: CashDesk) -> None:
    """Stop the desk's threads and close its journal (open orders stay for the next start)."""
    desk.stop()
    desk.ledger.close()
