"""Wires the window, the navigator, the idle watcher, lock-down, language and text size."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from kiosk.backend.factors import Factor
from kiosk.idle import Cause, ScreenKind
from kiosk.session import EndReason
from ui import theme
from ui.context import AppContext
from ui.features import FeatureRegistry
from ui.idle_watcher import IdleWatcher
from ui.lockdown import Lockdown
from ui.main_window import MainWindow
from ui.navigator import Navigator
from ui.screen import Screen
from ui.screen_ids import HOME, IDENTIFY
from ui.screens.home import HomeScreen

if TYPE_CHECKING:
    # Types only: the backend's models (~14 ms to import) are not needed for the first frame.
    from kiosk.backend import models as m
    from kiosk.voice.guide import VoiceGuide
    from ui.loop_probe import LoopProbe
    from ui.navigation import Destination
    from ui.screens.admin import AdminPinScreen, AdminScreen
    from ui.status_reporter import StatusReporter
    from ui.voice import VoiceHooks

log = logging.getLogger(__name__)

PREBUILD_DELAY_MS = 300


def _admin_pin(ctx: AppContext) -> Screen:
    from ui.screens.admin import AdminPinScreen

    return AdminPinScreen(ctx)


def _admin(ctx: AppContext) -> Screen:
    # Imported on first use: the admin screen pulls in the printer stack (PIL, pyserial).
    from ui.screens.admin import AdminScreen

    return AdminScreen(ctx)


def _identify(ctx: AppContext) -> Screen:
    from ui.screens.identify.screen import IdentifyScreen

    return IdentifyScreen(ctx)


class Shell(QObject):
    """The kiosk's behaviour between screens. Built once by ui.app.build_shell."""

    session_ended = Signal(object)  # EndReason
    large_text_changed = Signal(bool)

    def __init__(
        self,
        ctx: AppContext,
        app: QApplication,
        window: MainWindow,
        registry: FeatureRegistry,
        watcher: IdleWatcher,
        lockdown: Lockdown,
    ) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.app = app
        self.window = window
        self.registry = registry
        self.watcher = watcher
        self.lockdown = lockdown
        self.large_text = ctx.config.ui.large_text
        self._watching_input = False
        self.status_reporter: StatusReporter | None = None  # set by ui.app.start_shell
        self.loop_probe: LoopProbe | None = None  # ui.app.start_loop_probe, after the first paint
        self.stopped = False  # stop(): exit or a test's teardown
        self._stop_hooks: list[Callable[[], None]] = []
        self.started_up = False  # every screen built, the start-up heap frozen
        self.navigator = Navigator(window.stack)
        self.navigator.route = self._route
        self.home_screen = HomeScreen(ctx, registry)
        self.navigator.add(self.home_screen)
        self.navigator.register("admin_pin", lambda: _admin_pin(ctx))
        self.navigator.register("admin", lambda: _admin(ctx))
        if ctx.services.backend is not None:
            self.navigator.register(IDENTIFY, lambda: _identify(ctx))
        for feature in registry.all():
            for screen_id, factory in feature.screens:
                self.navigator.register(screen_id, partial(factory, ctx))
        ctx.translator.subscribe(self._on_translator_locale_changed)
        ctx.sessions.add_identify_hook(lambda _session: self.customer_identified())
        if ctx.services.card_reader is not None:
            ctx.services.card_reader.activity.connect(self.device_activity)
            ctx.services.card_reader.card_read.connect(self.card_read)
        if ctx.services.printer is not None:
            ctx.services.printer.activity.connect(self.device_activity)
            ctx.services.printer.progress.connect(lambda _s, _t: self.device_activity())
        if ctx.services.backend is not None:
            ctx.sessions.add_end_hook(
                lambda _reason: ctx.runner.run(
                    lambda: ctx.backend.end_session(), lambda _r: None, lambda _e: None
                )
            )
        watcher.busy = self.transaction_in_progress
        watcher.unsettled = self.transaction_unsettled
        self._connect()
        self.voice: VoiceHooks | None = None
        # True while the composition root is about to attach the voice guide (after the first
        # paint): screens that read it when built (the admin's volume) wait for it.
        self.voice_pending = False
        window.header.voice_button.setVisible(False)
        if ctx.services.voice is not None:
            self.attach_voice(ctx.services.voice, say_shown=False)  # home is not shown yet
        self.navigator.home()
        # The rest of the screens are built after the first paint, one per event-loop turn.
        self._prebuild = QTimer(self)
        self._prebuild.setSingleShot(True)
        self._prebuild.timeout.connect(self._on_prebuild_timeout)
        self._prebuild.start(PREBUILD_DELAY_MS)

    # Public ------------------------------------------------------------------------------
    @property
    def admin_pin(self) -> AdminPinScreen:
        from ui.screens.admin import AdminPinScreen

        screen = self.navigator.screen("admin_pin")
        assert isinstance(screen, AdminPinScreen)
        return screen

    @property
    def admin(self) -> AdminScreen:
        from ui.screens.admin import AdminScreen

        screen = self.navigator.screen("admin")
        assert isinstance(screen, AdminScreen)
        return screen

    @property
    def watching_input(self) -> bool:
        return self._watching_input

    def watch_input(self) -> None:
        """Install the application-wide lock-down and idle filters (once)."""
        if not self._watching_input:
            self._watching_input = True
            self.app.installEventFilter(self.lockdown)
            self.app.installEventFilter(self.watcher)

    def add_screen(self, screen: Screen) -> None:
        self.navigator.add(screen)
        screen.retranslate()

    def open_feature(self, key: str) -> None:
        """Open a function's tile: the same way as any step-up (ui/navigation.py)."""
        from ui.navigation import Destination  # the routing rule comes with the first tap

        feature = self.registry.get(key)
        self.navigator.open(Destination(feature.entry_screen, None, feature.level))

    def _route(self, destination: Destination) -> tuple[str, object]:
        from ui.navigation import route

        return route(destination, self.ctx.sessions.current.customer)

    def attach_voice(self, guide: VoiceGuide, *, say_shown: bool = True) -> None:
        """Voice guidance from now on. The composition root attaches it after the first paint
        (its imports are not needed for the first frame): the shown screen's prompt is said
        then, as it would have been when the screen was shown."""
        from ui.voice import VoiceHooks

        ctx = self.ctx
        ctx.services.voice = guide
        self.voice_pending = False
        self.voice = VoiceHooks(ctx, guide, self.navigator, self.watcher, self.window.header, self)
        self.window.header.voice_button.setVisible(True)
        current = self.navigator.current
        if say_shown and current is not None and current.voice_prompt is not None:
            self.voice.say(current.voice_prompt)

    def transaction_in_progress(self) -> bool:
        """A request out or a receipt printing on the shown screen: no countdown cuts it."""
        current = self.navigator.current
        return current is not None and current.transaction_in_progress()

    def transaction_unsettled(self) -> bool:
        """An outcome unknown on the shown screen: the session maximum cannot cut it."""
        current = self.navigator.current
        return current is not None and current.transaction_unsettled()

    def end_session(self, reason: EndReason) -> None:
        """Wipe everything personal, go home, and give the next customer the defaults
        (language and text size as configured, kiosk/idle.py rule 4)."""
        self.ctx.sessions.end(reason)
        for screen in self.navigator.screens():
            screen.wipe()
        self.window.header.set_customer("")
        self.window.hide_idle_overlay()
        self.watcher.session_ended()
        if self.voice is not None:
            self.voice.session_ended()
        self.navigator.home()
        defaults = self.ctx.config.ui
        if self.ctx.translator.locale != defaults.locale:
            self.ctx.translator.set_locale(defaults.locale)
        if self.large_text != defaults.large_text:
            self.set_large_text(defaults.large_text)
        self.session_ended.emit(reason)

    def customer_identified(self) -> None:
        """Called by identification screens once the backend accepted the customer."""
        customer = self.ctx.sessions.current.customer
        if customer is not None:
            self.window.header.set_customer(customer.masked_phone)
            if not self.watcher.identified:  # a further factor does not restart the clock
                self.watcher.session_started(self.ctx.sessions.current.expires_in_s)
        self._update_nav()

    def set_large_text(self, on: bool) -> None:
        self.large_text = on
        self.apply_style()
        self.window.header.set_large_text(on)
        self.home_screen.set_large_text(on)
        self.large_text_changed.emit(on)

    def apply_style(self) -> None:
        self.app.setStyleSheet(theme.stylesheet(self.large_text))

    def card_read(self, card: object) -> None:
        """Card first: a card placed on any screen starts identification, or raises it.

        On the identification screen the card goes to its current step; elsewhere, with
        nobody identified, identification opens with the card (its numbers to pick from);
        with a customer identified without the card, the card's factor is added to the
        number in the background. Staff screens ignore it."""
        from kiosk.devices.idcard.card import IdCard
        from ui.screens.identify.screen import IdentifyScreen

        if not isinstance(card, IdCard) or self.ctx.services.backend is None:
            return
        current = self.navigator.current
        if isinstance(current, IdentifyScreen):
            current.on_card(card)
            return
        if current is not None and current.screen_id in ("admin", "admin_pin"):
            return
        session = self.ctx.sessions.current
        if session.customer is None:
            self.navigator.go(IDENTIFY, None)
            screen = self.navigator.current
            if isinstance(screen, IdentifyScreen):
                screen.on_card(card)
            return
        if not session.has(Factor.ID_CARD):
            self._add_card_factor(card)

    def _add_card_factor(self, card: object) -> None:
        from kiosk.devices.idcard.card import IdCard
        from kiosk.flows.identify import card_fields
        from kiosk.session import Customer

        assert isinstance(card, IdCard)
        customer = self.ctx.sessions.current.customer
        assert customer is not None
        phone, fields, backend = customer.phone, card_fields(card), self.ctx.backend

        def added(session: m.Session) -> None:
            log.info("ID card factor added to the session")
            self.ctx.sessions.identify(
                Customer(phone, session.name_masked, session.brand, set(session.factors))
            )

        def refused(exc: Exception) -> None:
            from kiosk.backend.errors import BackendError

            if not isinstance(exc, BackendError):
                raise exc
            log.info("a card placed mid-session was refused (%s)", type(exc).__name__)

        self.ctx.runner.run(
            lambda: backend.identify_id_card(phone=phone, **fields),
            added,
            refused,
            guard=self.ctx.sessions.guard(),
        )

    def device_activity(self) -> None:
        """Card reader and printer events count as activity."""
        self.watcher.activity()

    # Wiring ------------------------------------------------------------------------------
    def _connect(self) -> None:
        w = self.window
        self.navigator.changed.connect(self._on_navigator_changed)
        self.navigator.built.connect(self._on_navigator_built)
        self.navigator.current_kind_changed.connect(self.watcher.screen_changed)
        self.home_screen.feature_chosen.connect(self.open_feature)
        w.back.connect(self.navigator.back)
        w.home.connect(self.navigator.home)
        w.end_session.connect(lambda: self.end_session(EndReason.CUSTOMER))
        w.header.language_toggled.connect(self._on_header_language_toggled)
        w.header.large_text_toggled.connect(lambda: self.set_large_text(not self.large_text))
        w.header.corner_tapped.connect(self.lockdown.corner_tapped)
        self.lockdown.admin_gesture.connect(lambda: self.navigator.go("admin_pin"))
        self.watcher.warning.connect(self._on_watcher_warning)
        self.watcher.active.connect(w.hide_idle_overlay)
        self.watcher.expired.connect(self._on_watcher_expired)
        self.watcher.tick.connect(self._on_watcher_tick)
        w.more_time_requested.connect(self._on_overlay_more_time)

    def _on_navigator_built(self, screen: Any) -> None:
        if screen.screen_id == "admin":
            screen.exit_requested.connect(self._on_admin_exit_requested)

    def add_stop_hook(self, hook: Callable[[], None]) -> None:
        """Call ``hook`` when the shell stops (what start-up began and must not outlive it)."""
        self._stop_hooks.append(hook)

    def stop(self) -> None:
        """Stop the shell's own timers (exit, tests)."""
        self.stopped = True
        for hook in self._stop_hooks:
            hook()
        self._stop_hooks.clear()
        self._prebuild.stop()
        self.watcher.stop()
        if self._watching_input:
            self._watching_input = False
            self.app.removeEventFilter(self.lockdown)
            self.app.removeEventFilter(self.watcher)

    def _on_prebuild_timeout(self) -> None:
        if self.voice_pending:
            self._prebuild.start(PREBUILD_DELAY_MS)
            return
        if self.navigator.build_next():
            self._prebuild.start(0)
        else:  # start-up is over: keep its objects out of later collections (ui/heap.py)
            from ui.heap import freeze_startup_heap

            freeze_startup_heap()
            self.started_up = True

    def _on_navigator_changed(self, screen: Any) -> None:
        assert isinstance(screen, Screen)
        self.watcher.screen_changed(screen.kind)
        self._update_nav()

    def _on_watcher_tick(self, seconds_left: int) -> None:
        current = self.navigator.current
        if current is not None and current.kind is ScreenKind.FINISHED:
            current.show_home_countdown(seconds_left)

    def _update_nav(self) -> None:
        current = self.navigator.current
        on_home = current is None or current.screen_id == HOME
        identified = self.ctx.sessions.current.identified
        # Home with a customer still identified: only "结束服务" (one-stop: more transactions
        # may follow, but the customer must always be able to leave with the session wiped).
        self.home_screen.set_customer_present(identified)
        if on_home and not identified and not self.window.nav_built:
            return  # nothing to show: the bar is built when there is (ui/main_window.py)
        nav = self.window.nav
        nav.back_button.setVisible(not on_home)
        nav.home_button.setVisible(not on_home)
        nav.end_button.setVisible(identified)
        nav.setVisible(not on_home or identified)

    def _on_header_language_toggled(self) -> None:
        self.ctx.translator.set_locale(self.ctx.translator.next_locale())

    def _on_translator_locale_changed(self, locale: str) -> None:
        log.info("language switched to %s", locale)
        self.window.header.retranslate()
        self.window.retranslate()
        for screen in self.navigator.screens():
            screen.retranslate()

    def _on_watcher_warning(self, seconds_left: int) -> None:
        state = self.watcher.state
        self.window.idle_overlay.show_countdown(
            seconds_left, at_max=state.cause is Cause.SESSION_MAX, extendable=state.extendable
        )

    def _on_overlay_more_time(self) -> None:
        overlay = self.window.idle_overlay
        if not overlay.at_max:  # stillness: a tap is all it takes
            self.watcher.activity()
            overlay.hide()
            return
        # The session's maximum: only the backend may grant more time (up to its hard cap).
        self.watcher.activity()
        if self.ctx.services.backend is None or not self.watcher.can_extend():
            self.watcher.session_extended(self.watcher.state.seconds_left, False)
            return
        overlay.set_extending(True)
        watcher = self.watcher

        def granted(extension: m.SessionExtension) -> None:
            log.info("session extended: %d s left", extension.expires_in_s)
            overlay.set_extending(False)
            watcher.session_extended(extension.expires_in_s, extension.extendable)

        def refused(exc: Exception) -> None:
            from kiosk.backend.errors import BackendError

            if not isinstance(exc, BackendError):
                raise exc
            log.info("session extension refused: %s", type(exc).__name__)
            overlay.set_extending(False)
            watcher.session_extended(watcher.state.seconds_left, False)

        self.ctx.runner.run(
            self.ctx.backend.extend_session, granted, refused, guard=self.ctx.sessions.guard()
        )

    def _on_watcher_expired(self) -> None:
        current = self.navigator.current
        session = self.ctx.sessions.current
        reason = EndReason.IDLE
        if session.identified and self.watcher.state.cause is Cause.SESSION_MAX:
            reason = EndReason.MAX_LENGTH
        if current is not None and current.kind is ScreenKind.HOME and not session.identified:
            return
        log.info("idle timeout on %s", current.screen_id if current else "?")
        self.end_session(reason)

    def _on_admin_exit_requested(self) -> None:
        self.ctx.sessions.end(EndReason.ADMIN)
        self.lockdown.allow_exit()
        self.window.close()
        self.app.quit()
