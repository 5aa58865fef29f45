"""The composition root: every object of the running kiosk is made and wired here, once."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from kiosk.config import Config
from kiosk.i18n import Translator
from kiosk.idle import IdleClock
from kiosk.session import SessionManager
from ui import qtlog, theme
from ui.background import BackgroundRunner, Runner
from ui.context import AppContext, Services
from ui.features import FeatureRegistry
from ui.first_paint import after_first_paint
from ui.fonts import find_cjk_family
from ui.idle_watcher import IdleWatcher
from ui.lockdown import Lockdown
from ui.loop_probe import LoopProbe
from ui.main_window import MainWindow
from ui.shell import Shell
from ui.widgets.header import Header

log = logging.getLogger(__name__)

# Each feature package exposes ``register(registry, ctx)``; the order here is irrelevant,
# tiles sort by their own ``order``.
FeatureInstaller = Callable[[FeatureRegistry, AppContext], None]


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
    registry = FeatureRegistry()
    for install in opts.installers:
        install(registry, ctx)
    lockdown = Lockdown(opts.clock)
    watcher = IdleWatcher(IdleClock(config.timeouts), opts.clock, opts.idle_interval_ms)
    header = Header(config, translator)
    window = MainWindow(translator, header, lockdown)
    shell = Shell(ctx, app, window, registry, watcher, lockdown)
    if isinstance(ctx.runner, BackgroundRunner):
        ctx.runner.on_result = watcher.activity  # network answers count as activity
    # The probe measures the event loop's stalls apart before and after start-up is over.
    probe = LoopProbe.from_environment(lambda: shell.started_up, parent=shell)
    shell.loop_probe = probe
    after_first_paint(shell.home_screen, probe.start)
    if opts.watch_input_after_first_paint:
        after_first_paint(shell.home_screen, shell.watch_input)
    else:
        shell.watch_input()
    return shell


def default_installers() -> list[FeatureInstaller]:
    """Every feature that ships today."""
    from ui.installers import ALL_INSTALLERS

    return list(ALL_INSTALLERS)


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
