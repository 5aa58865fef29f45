"""Starting the kiosk: services from the configuration, then the shell (composition root)."""

from __future__ import annotations

import dataclasses
import logging
import signal
from collections.abc import Callable

from PySide6.QtCore import QTimer

from kiosk.backend.client import BackendClient
from kiosk.config import Config
from kiosk.demo_stack import DEMO_TERMINAL_TOKEN, DemoEndpoints
from kiosk.devices.idcard.driver import SerialCardReader
from kiosk.devices.idcard.poller import CardEvent, CardPoller
from ui.context import Services
from ui.devices.card_reader import CardReaderAdapter
from ui.main import ShellOptions, build_shell, create_application, default_installers, show
from ui.main import teardown as teardown_shell
from ui.shell import Shell

log = logging.getLogger(__name__)


def build_services(config: Config) -> Services:
    """The backend client and a device adapter for every configured port."""
    backend = BackendClient(
        config.backend.url,
        config.terminal.id,
        config.backend.terminal_token,
        connect_timeout=config.backend.connect_timeout,
        read_timeout=config.backend.read_timeout,
    )
    services = Services(backend=backend)
    if config.devices.card_reader:
        url, baud = config.devices.card_reader, config.devices.card_reader_baud

        def poller(on_event: Callable[[CardEvent], None]) -> CardPoller:
            return CardPoller(lambda: SerialCardReader(url, baud), on_event)

        services.card_reader = CardReaderAdapter(poller)
    return services


def demo_config(base: Config, endpoints: DemoEndpoints) -> Config:
    """The demo's configuration: the embedded backend and the emulators' ports."""
    devices = dataclasses.replace(
        base.devices,
        card_reader=endpoints.card_reader.port if endpoints.card_reader else "",
        printer=endpoints.printer.port if endpoints.printer else "",
    )
    backend = dataclasses.replace(
        base.backend, url=endpoints.backend_url, terminal_token=DEMO_TERMINAL_TOKEN
    )
    ui = dataclasses.replace(base.ui, fullscreen=False)
    return dataclasses.replace(
        base,
        backend=backend,
        devices=devices,
        ui=ui,
        journal_path=str(endpoints.workdir / "journal.sqlite3"),
    )


def start_shell(config: Config, options: ShellOptions | None = None) -> Shell:
    """Application, services and shell, devices started."""
    app = create_application()
    services = build_services(config)
    opts = options or ShellOptions(installers=default_installers())
    opts.services = services
    shell = build_shell(config, app, opts)
    if services.card_reader is not None:
        services.card_reader.start()
    return shell


def stop_shell(shell: Shell) -> None:
    services = shell.ctx.services
    if services.card_reader is not None:
        services.card_reader.stop()
    teardown_shell(shell)
    if services.backend is not None:
        services.backend.close()


def run_interactive(config: Config, extra: Callable[[Shell], None] | None = None) -> int:
    """Show the kiosk and run the event loop until the admin exits it."""
    shell = start_shell(config)
    show(shell, fullscreen=config.ui.fullscreen)
    if extra is not None:
        extra(shell)
    # Let Ctrl+C in the terminal stop a demo: Python signal handlers run between Qt events.
    signal.signal(signal.SIGINT, lambda *_: (shell.lockdown.allow_exit(), shell.app.quit()))
    tick = QTimer()
    tick.start(500)
    tick.timeout.connect(lambda: None)
    code = shell.app.exec()
    stop_shell(shell)
    return int(code)
