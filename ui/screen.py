"""The base of every screen: a title, an idle-timeout kind, and retranslation."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from kiosk.idle import ScreenKind
from kiosk.voice.prompts import Prompt
from ui.context import AppContext
from ui.widgets.touch_scroll import enable_touch_scroll

if TYPE_CHECKING:
    from kiosk.backend.factors import Access
    from kiosk.flows.transaction import TransactionFlow
    from kiosk.transactions import TransactionKind
    from ui.widgets.confirm import ConfirmPanel

T = TypeVar("T")
log = logging.getLogger(__name__)


def is_customer_error(exc: Exception) -> bool:
    """Typed failures a customer is told about calmly; anything else is a bug and raises.

    Imported here, not at module level: the error modules are not needed for the first paint.
    """
    from kiosk.backend.errors import BackendError
    from kiosk.devices.idcard.errors import CardReaderError
    from kiosk.journal import JournalError
    from printer.errors import PrinterError

    return isinstance(exc, BackendError | CardReaderError | PrinterError | JournalError)


class Screen(QFrame):
    """A full-screen page in the navigator's stack (a QFrame: style sheets paint its background).

    Subclasses set ``screen_id``, ``kind`` and ``title_key``, build their widgets in
    ``__init__`` and fill them in ``enter``. A screen that takes parameters declares a frozen
    ``Params`` type and receives one of those or None (opened from a tile, or "back").
    :meth:`open` goes elsewhere (ui/navigation.py: identification first when needed).

    Every screen reflows instead of clipping: its content lives in ``body`` (laid out by
    ``layout_``, which subclasses fill) inside ``body_scroll``, a touch-scrolled area as wide as
    the screen. When the content is taller than the screen (large text, English, a long list)
    the customer drags the page; lists inside keep their own scrolling (ui/widgets/touch_scroll).
    """

    navigate = Signal(object)  # a ui.navigation.Destination
    kind_changed = Signal(object)  # ScreenKind: a transaction finished (FINISHED) and back
    replace = Signal(str, object)  # same, without remembering this screen for "back"
    go_home = Signal()
    go_back = Signal()
    # Voice guidance (ui/voice.py): ``voice_prompt`` is spoken when the screen is shown; a
    # screen with steps of its own emits ``voice_step`` with a Prompt as each step begins.
    voice_step = Signal(object)

    voice_prompt: Prompt | None = None
    screen_id = "base"
    kind = ScreenKind.ORDINARY
    title_key = ""
    hint_key = ""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self.ctx = ctx
        self.body = QWidget()
        self.body.setObjectName("screenBody")
        self.body_scroll = QScrollArea()
        self.body_scroll.setObjectName("screenScroll")
        self.body_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.body_scroll.setWidgetResizable(True)
        # no scroll bar policy here: the enum would load the ``Qt`` namespace before the first
        # frame (test_startup_path). The body is as wide as the area unless its content is
        # wider, which the walk test (tests/ui/test_walk_fit.py) fails on.
        self.body_scroll.setWidget(self.body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.body_scroll)
        enable_touch_scroll(self.body_scroll)
        self.layout_ = QVBoxLayout(self.body)
        self.layout_.setContentsMargins(56, 20, 56, 16)
        self.layout_.setSpacing(14)
        # parented even when unused: an orphan label is a hidden top-level window that outlives
        # its screen
        self.title = QLabel(self.body)
        self.title.setObjectName("screenTitle")
        self.hint = QLabel(self.body)
        self.hint.setObjectName("screenHint")
        self.hint.setWordWrap(True)
        if self.title_key:
            self.layout_.addWidget(self.title)
        else:
            self.title.hide()
        if self.hint_key:
            self.layout_.addWidget(self.hint)
        else:
            self.hint.hide()
        self.status = self.label(role="notice")
        self.status.hide()
        self.error = self.label(role="error")
        self.error.hide()
        self.home_countdown = self.label(role="notice")
        self.home_countdown.hide()
        self.layout_.addWidget(self.status)
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.home_countdown)
        self.loading = False
        self._flows: dict[TransactionKind, TransactionFlow] = {}

    def tr(self, key: str, /, **values: object) -> str:  # type: ignore[override]
        return self.ctx.translator.tr(key, **values)

    def term(self, word: str | None) -> str:
        """A backend word (category, place, plan, service...) in the customer's language."""
        return self.ctx.translator.term(word)

    def fetch(
        self,
        op: Callable[[], T],
        on_done: Callable[[T], None],
        *,
        busy_key: str = "common.loading",
        context: str = "",
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        """Run ``op`` in the background with a calm busy line; typed errors become a message.

        Results that arrive after the session ended are dropped by the session guard.
        """
        self.loading = True
        self.error.hide()
        self.status.setText(self.tr(busy_key))
        self.status.show()

        def done(result: T) -> None:
            self.loading = False
            self.status.hide()
            on_done(result)

        def failed(exc: Exception) -> None:
            self.loading = False
            self.status.hide()
            if not is_customer_error(exc):
                raise exc
            self.show_error(self.describe(exc, context))
            if on_error is not None:
                on_error(exc)

        self.ctx.runner.run(op, done, failed, guard=self.ctx.sessions.guard())

    def describe(self, exc: Exception, context: str = "") -> str:
        """The customer's words for a typed failure (ui/errors.py, the one mapping)."""
        from ui.errors import describe

        return describe(exc, self.ctx.translator, context=context)

    def flow(self, kind: TransactionKind) -> TransactionFlow:
        """This screen's lifecycle of ``kind`` transactions (kiosk/flows/transaction.py)."""
        from kiosk.flows.transaction import TransactionFlow

        if kind not in self._flows:
            self._flows[kind] = TransactionFlow(kind)
        return self._flows[kind]

    def transaction_in_progress(self) -> bool:
        """A request of this screen is out or a receipt of it is printing (kiosk/idle.py rule
        3: no countdown cuts it). Screens with other devices at work (cash being inserted)
        extend this. Asked on every idle tick: it imports nothing the first frame does not
        need (no print panel exists before its module is loaded)."""
        if self._flows:
            from kiosk.flows.transaction import Phase

            if any(f.phase is Phase.SENDING for f in self._flows.values()):
                return True
        panels = sys.modules.get("ui.widgets.print_panel")
        if panels is None:
            return False
        from kiosk.devices.printer.slips import PrintState

        return any(p.state is PrintState.PRINTING for p in self.findChildren(panels.PrintPanel))

    def transaction_unsettled(self) -> bool:
        """An outcome of this screen is unknown: the confirmation waits to be sent again with
        the same key, and the session maximum must not cut it (stillness still may)."""
        if not self._flows:
            return False
        from kiosk.flows.transaction import Phase

        return any(f.phase is Phase.OUTCOME_UNKNOWN for f in self._flows.values())

    def transact(
        self,
        kind: TransactionKind,
        choice: Hashable,
        call: Callable[[str], T],
        transaction_id: Callable[[T], str],
        on_done: Callable[[T], None],
        *,
        amount_fen: int | None = None,
        busy_key: str = "common.saving",
        on_error: Callable[[Exception], None] | None = None,
        confirm: ConfirmPanel | None = None,
    ) -> None:
        """A mutating backend call ``call(idempotency_key)`` for the customer's ``choice``.

        Runs in the background under the journal (when the kiosk keeps one): the entry with the
        key, masked number and amount is written before the call leaves. The lifecycle is the
        screen's :meth:`flow` of ``kind``, and a lost answer is handled here, the same for
        every transaction: the customer is told it may have happened, the ``confirm``ation
        (when the screen has one) stays open, and confirming again resends the same choice
        with the same key, so the backend applies it once. ``on_error`` hears the other
        failures (and lost answers on screens without a confirmation).
        """
        from kiosk.flows.transaction import Phase

        flow = self.flow(kind)
        if flow.phase is Phase.SENDING:
            log.info("a %s request is still out: tap ignored", kind.value)
            return
        key = flow.send(choice)
        ctx = self.ctx
        customer = ctx.sessions.current.customer
        phone = customer.phone if customer is not None else ""

        def op() -> T:
            if ctx.services.journal is None:
                return call(key)
            from kiosk.journal import journaled

            return journaled(ctx.journal, kind, key, phone, call, transaction_id, amount_fen)

        def done(result: T) -> None:
            flow.answered(result)
            on_done(result)

        def failed(exc: Exception) -> None:
            flow.failed(exc)
            if flow.retry_reuses_key:
                self.show_error(self.tr("error.outcome_unknown"))
                if confirm is not None:
                    confirm.reopen()
                    return
            if on_error is not None:
                on_error(exc)

        self.fetch(op, done, busy_key=busy_key, on_error=failed)

    def open(self, target: str, params: object = None, level: Access | None = None) -> None:
        """Go to ``target`` with its ``Params``; when the session lacks ``level``, the
        customer identifies first and lands on ``target`` with the same ``params``."""
        from ui.navigation import Destination

        self.navigate.emit(Destination(target, params, level))

    def finish(self) -> None:
        """The customer's transaction is done: the kiosk goes home after
        ``timeouts.after_transaction`` seconds without a touch, counting down on this screen."""
        self._set_kind(ScreenKind.FINISHED)

    def show_home_countdown(self, seconds: int) -> None:
        """The watcher's tick while this screen is FINISHED."""
        self.home_countdown.setText(self.tr("common.home_in", seconds=seconds))
        self.home_countdown.show()

    def restore_kind(self) -> None:
        """Back to the screen's own kind (the navigator calls this before ``enter``)."""
        self.home_countdown.hide()
        self._set_kind(type(self).kind)

    def wipe(self) -> None:
        """Session end: forget keys in flight, restore the kind, drop what the screen shows."""
        for flow in self._flows.values():
            flow.reset()
        self.restore_kind()
        self.reset()

    def _set_kind(self, kind: ScreenKind) -> None:
        if kind is not self.kind:
            self.kind = kind
            self.kind_changed.emit(kind)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def clear_messages(self) -> None:
        self.error.hide()
        self.status.hide()

    def enter(self, params: object) -> None:
        """Called each time the screen is shown; ``params`` come from the caller."""

    def leave(self) -> None:
        """Called when another screen replaces this one."""

    def reset(self) -> None:
        """Drop everything personal this screen shows (session end)."""

    def retranslate(self) -> None:
        """Refresh every text after a language switch."""
        if self.title_key:
            self.title.setText(self.tr(self.title_key))
        if self.hint_key:
            self.hint.setText(self.tr(self.hint_key))

    @staticmethod
    def label(object_name: str = "", role: str = "", text: str = "") -> QLabel:
        """A label styled by object name or role (never by inline style)."""
        lab = QLabel(text)
        if object_name:
            lab.setObjectName(object_name)
        if role:
            lab.setProperty("role", role)
        lab.setWordWrap(True)
        return lab
