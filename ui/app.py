"""The composition root: every object of the running kiosk is made and wired here, once.

``build_shell`` makes the shell from a configuration and services (tests and benches call it
with fakes); ``start_shell`` adds the real services from the configuration, the backend
warm-up and the device threads. The home screen is painted first; the backend client and the
device threads start right after, off the GUI thread (their imports alone cost more than the
whole window).
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from kiosk.config import Config
from kiosk.i18n import Translator
from kiosk.idle import IdleClock
from kiosk.logsetup import forget_names, remember_name
from kiosk.session import SessionManager
from ui import qtlog, theme
from ui.background import BackgroundRunner, Runner
from ui.context import AppContext, BackendHandle, Lazy, Services
from ui.features import FeatureInstaller, FeatureRegistry, discover
from ui.first_paint import after_first_paint
from ui.fonts import find_cjk_family
from ui.heap import pause_collection, resume_collection
from ui.idle_watcher import IdleWatcher
from ui.lockdown import Lockdown
from ui.main_window import MainWindow
from ui.shell import Shell
from ui.widgets.header import Header

if TYPE_CHECKING:
    from kiosk.backend.client import BackendClient
    from kiosk.cash.desk import CashDesk
    from kiosk.devices.idcard.card import IdCard
    from kiosk.devices.idcard.poller import CardEvent, CardPoller
    from kiosk.journal import Journal
    from kiosk.voice.guide import VoiceGuide

log = logging.getLogger(__name__)

WARMUP_DELAY_MS = 1500
WARMUP_TIMER = "warmUp"
SETTLE_TIMER = "settleAgain"


@dataclass
class ShellOptions:
    """Knobs for tests and the tour; production uses the defaults."""

    runner: Runner | None = None
    clock: Callable[[], float] = time.monotonic
    installers: Sequence[FeatureInstaller] = ()
    services: Services = field(default_factory=Services)
    idle_interval_ms: int = 250
    # The application-wide input filters (lock-down keys, idle touches) are installed on the
    # turn after the first painted frame: every event of the first frame would otherwise go
    # through Python twice, which doubled the time to the first frame (bench_startup).
    # Tests that send input before the window is painted set this to False.
    watch_input_after_first_paint: bool = True


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication with Qt logging routed and a CJK font, or a loud failure."""
    # Workers parse backend pages while the customer scrolls: hand the GIL back to the GUI
    # thread every 1 ms instead of 5 ms so no frame waits on a worker (bench_bills: stalls).
    sys.setswitchinterval(0.001)
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        qtlog.install()
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    family = find_cjk_family()
    font = QFont(family)
    font.setPixelSize(26)
    app.setFont(font)
    app.setApplicationName("hall-kiosk")
    return app


def build_shell(config: Config, app: QApplication, options: ShellOptions | None = None) -> Shell:
    """Make every object once and connect them."""
    opts = options or ShellOptions()
    # Style first: every widget is then polished once, when it is created.
    app.setStyleSheet(theme.stylesheet(config.ui.large_text))
    translator = Translator(config.ui.locale)
    sessions = SessionManager(opts.clock)
    ctx = AppContext(
        config=config,
        translator=translator,
        runner=opts.runner or BackgroundRunner(),
        sessions=sessions,
        clock=opts.clock,
        services=opts.services,
    )
    # The log masks a card holder's name from the moment the card is read to the session's end.
    sessions.add_end_hook(lambda _reason: forget_names())
    if ctx.services.card_reader is not None:
        ctx.services.card_reader.card_read.connect(_remember_holder)
    registry = FeatureRegistry()
    registry.install(opts.installers, ctx)
    lockdown = Lockdown(opts.clock)
    watcher = IdleWatcher(IdleClock(config.timeouts), opts.clock, opts.idle_interval_ms)
    header = Header(config, translator)
    window = MainWindow(translator, header, lockdown)
    shell = Shell(ctx, app, window, registry, watcher, lockdown)
    if isinstance(ctx.runner, BackgroundRunner):
        ctx.runner.on_result = watcher.activity  # network answers count as activity
    # The probe measures the event loop's stalls apart before and after start-up is over; it
    # is made on the turn after the first paint (nothing of it is needed for the first frame).
    after_first_paint(shell.home_screen, lambda: start_loop_probe(shell))
    if opts.watch_input_after_first_paint:
        after_first_paint(shell.home_screen, shell.watch_input)
    else:
        shell.watch_input()
    return shell


def start_loop_probe(shell: Shell) -> None:
    """The shell's event-loop probe, started once; never for a shell already stopped (the
    first paint's turn may come after a test's teardown)."""
    from ui.loop_probe import LoopProbe

    if shell.stopped or shell.loop_probe is not None:
        return
    shell.loop_probe = LoopProbe.from_environment(lambda: shell.started_up, parent=shell)
    shell.loop_probe.start()


def _remember_holder(card: IdCard) -> None:
    for name in (card.name, card.english_name):
        if name:
            remember_name(name)


def show(shell: Shell, *, fullscreen: bool, size: tuple[int, int] = (1920, 1080)) -> None:
    window = shell.window
    if fullscreen:
        window.showFullScreen()
    else:
        window.resize(*size)
        window.show()


def teardown(shell: Shell) -> None:
    """Stop timers and filters (tests, tour, exit)."""
    shell.stop()
    for name in (WARMUP_TIMER, SETTLE_TIMER):  # fired after this they would rebuild services
        for timer in shell.findChildren(QTimer, name):
            timer.stop()
    if shell.loop_probe is not None:
        shell.loop_probe.stop()
    if shell.started_up:
        from ui.heap import thaw

        thaw()
    runner = shell.ctx.runner
    if isinstance(runner, BackgroundRunner):
        runner.wait_idle()
    shell.lockdown.allow_exit()
    shell.window.close()
    shell.window.deleteLater()


def backend_factory(config: Config) -> Callable[[], BackendClient]:
    def make() -> BackendClient:
        from kiosk.backend.client import BackendClient

        return BackendClient(
            config.backend.url,
            config.terminal.id,
            config.backend.terminal_token,
            connect_timeout=config.backend.connect_timeout,
            read_timeout=config.backend.read_timeout,
            ca_file=config.backend.ca_file,
            client_cert=config.backend.client_cert,
            client_key=config.backend.client_key,
        )

    return make


def journal_factory(config: Config) -> Callable[[], Journal]:
    def make() -> Journal:
        from kiosk.journal import Journal

        return Journal(config.journal_path)

    return make


def cash_factory(config: Config) -> Callable[[], CashDesk]:
    def make() -> CashDesk:
        from kiosk.cash.setup import desk_from_config

        # Its own client: the desk's reporter thread never shares a connection pool.
        return desk_from_config(config, backend_factory(config)())

    return make


def _close_cash(desk: CashDesk) -> None:
    from kiosk.cash.setup import close_desk

    close_desk(desk)


def build_services(config: Config) -> Services:
    """A lazily built backend client and a device adapter for every configured port."""
    services = Services(
        backend=BackendHandle(backend_factory(config)),
        journal=Lazy(journal_factory(config), lambda journal: journal.close()),
    )
    if config.devices.card_reader:
        from ui.devices.card_reader import CardReaderAdapter

        url, baud = config.devices.card_reader, config.devices.card_reader_baud

        def poller(on_event: Callable[[CardEvent], None]) -> CardPoller:
            from kiosk.devices.idcard.driver import SerialCardReader
            from kiosk.devices.idcard.poller import CardPoller

            return CardPoller(lambda: SerialCardReader(url, baud), on_event)

        services.card_reader = CardReaderAdapter(poller)
    if config.devices.cash_acceptor:
        services.cash = Lazy(cash_factory(config), _close_cash)
    # The voice guide is attached after the first paint (start_shell): not built here.
    if config.devices.printer:
        from kiosk.devices.printer.receipt_printer import SerialReceiptPrinter
        from ui.devices.printer import PrinterAdapter

        services.printer = PrinterAdapter(
            SerialReceiptPrinter(
                config.devices.printer, config.devices.printer_profile, config.devices.printer_baud
            )
        )
    return services


def build_voice(config: Config) -> VoiceGuide | None:
    """The voice guide (its own thread; silent without a sound card), or None when staff
    turned voice guidance off."""
    if not config.voice.enabled:
        return None
    from pathlib import Path

    from kiosk.voice.guide import VoiceGuide
    from kiosk.voice.library import PromptLibrary
    from kiosk.voice.player import default_player

    operator = Path(config.voice.prompts_dir).expanduser() if config.voice.prompts_dir else None
    return VoiceGuide(
        PromptLibrary(operator), default_player(config.voice.device), volume=config.voice.volume
    )


def start_shell(config: Config, options: ShellOptions | None = None) -> Shell:
    """Application, services and shell; the backend client is warmed up in the background."""
    pause_collection()  # none on the way to the first frame (ui/heap.py)
    try:
        app = create_application()
        services = build_services(config)
        opts = options or ShellOptions(installers=discover())
        opts.services = services
        shell = build_shell(config, app, opts)
    except BaseException:
        resume_collection()
        raise
    after_first_paint(shell.home_screen, resume_collection)
    shell.add_stop_hook(resume_collection)  # stopped before its first paint (a test's teardown)
    if services.backend is not None:
        # After the first paint: a worker importing requests would compete for the GIL.
        job = warm_up(services)
        settled = _settle_again_when_due(shell, job)
        # A timer of the shell's that teardown stops: fired after stop_shell it would build
        # the services again (a banknote acceptor polling a device that is gone).
        warm = QTimer(shell)
        warm.setObjectName(WARMUP_TIMER)
        warm.setSingleShot(True)
        warm.timeout.connect(lambda: shell.ctx.runner.run(job, settled, _log_warmup))
        warm.start(WARMUP_DELAY_MS)
        # After the first paint too: its imports (socket, sdnotify, status) are not needed for
        # the first frame, and its first report waits a minute anyway.
        after_first_paint(shell.home_screen, lambda: _start_status_reporter(shell))
    if services.card_reader is not None:
        services.card_reader.start()
    # The voice guide's imports (subprocess, wave, the prompt library) wait for the first
    # frame; the home screen's welcome is said when it is attached.
    if config.voice.enabled and shell.voice is None:
        shell.voice_pending = True
        after_first_paint(shell.home_screen, lambda: _attach_voice(shell, config))
    return shell


def _attach_voice(shell: Shell, config: Config) -> None:
    guide = build_voice(config)
    if guide is not None and shell.voice is None:
        shell.attach_voice(guide)
    shell.voice_pending = False


def _start_status_reporter(shell: Shell) -> None:
    from ui.status_reporter import StatusReporter

    if shell.status_reporter is None:
        shell.status_reporter = StatusReporter(shell.ctx, parent=shell)


def warm_up(
    services: Services, now: Callable[[], dt.datetime] | None = None
) -> Callable[[], object]:
    """The start-up job: build the backend client, then settle the journal's entries left
    unresolved by an earlier run (power cut, lost answer), as far as the age guard allows."""
    clock = now or (lambda: dt.datetime.now(dt.UTC))

    def job() -> object:
        assert services.backend is not None
        client = services.backend.get()
        result: object = None
        if services.journal is not None:
            from kiosk.reconcile import reconcile

            result = reconcile(services.journal.get(), client, clock())
        if services.cash is not None:
            services.cash.get()  # starts the acceptor; completes cash orders left open
        return result

    return job


def _settle_again_when_due(shell: Shell, job: Callable[[], object]) -> Callable[[object], None]:
    """Entries the age guard held back at start-up (sent moments before a crash) are settled
    when it allows, not only at the next start."""

    def on_result(result: object) -> None:
        due = getattr(result, "next_due", None)
        if not isinstance(due, dt.datetime):
            return
        wait_ms = max(0, int((due - dt.datetime.now(dt.UTC)).total_seconds() * 1000)) + 1000
        # The shell's own timer, stopped by teardown (the shell outlives stop_shell in tests).
        timer = QTimer(shell)
        timer.setObjectName(SETTLE_TIMER)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: shell.ctx.runner.run(job, on_result, _log_warmup))
        timer.timeout.connect(timer.deleteLater)
        timer.start(wait_ms)

    return on_result


def _log_warmup(exc: Exception) -> None:
    log.error("start-up warm-up failed (backend client or journal): %s", type(exc).__name__)


def stop_shell(shell: Shell) -> None:
    services = shell.ctx.services
    if shell.status_reporter is not None:
        shell.status_reporter.stop()
    if services.card_reader is not None:
        services.card_reader.stop()
    if services.printer is not None:
        services.printer.stop()
    teardown(shell)
    if services.backend is not None:
        services.backend.close()
    if services.journal is not None:
        services.journal.close()
    if services.cash is not None:
        services.cash.close()
    if services.voice is not None:
        services.voice.close()


def run_interactive(config: Config, extra: Callable[[Shell], None] | None = None) -> int:
    """Show the kiosk and run the event loop until the admin exits it."""
    import signal

    from ui.service_monitor import ServiceMonitor
    from ui.watchdog import start_watchdog

    shell = start_shell(config)
    watchdog = start_watchdog(shell.home_screen, shell)  # READY=1 after the first frame
    monitor = ServiceMonitor(shell)  # paper out, backend unreachable: say so, recover
    if watchdog is not None:  # `systemctl status kiosk` shows the service state
        monitor.state_changed.connect(lambda line: watchdog.notifier.send(f"STATUS={line}"))
    show(shell, fullscreen=config.ui.fullscreen)
    if extra is not None:
        extra(shell)

    def interrupt(*_: object) -> None:
        shell.lockdown.allow_exit()
        shell.app.quit()

    # Ctrl+C in the terminal stops a demo: Python signal handlers run between Qt events,
    # and the idle timer wakes the loop often enough.
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)  # systemd stop / kill: shut down cleanly too
    code = shell.app.exec()
    monitor.stop()
    if watchdog is not None:
        watchdog.stop()
    stop_shell(shell)
    return int(code)
