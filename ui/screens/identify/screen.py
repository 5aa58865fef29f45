"""The identification screen: drives :mod:`kiosk.flows.identify` through its pages.

A card read by the reader reaches :meth:`IdentifyScreen.on_card` (the shell routes it from
any screen): with a number known it adds the card's factor to that number; with none yet it
starts card first (the card's numbers, pick one, then the SMS code)."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QSizePolicy, QStackedWidget, QWidget

from common.masking import mask_id_number, mask_name
from kiosk.authz import options
from kiosk.backend import models as m
from kiosk.backend.errors import BackendError, Locked
from kiosk.devices.idcard.card import IdCard
from kiosk.flows.identify import IdentifyState, Step, card_fields, next_step
from kiosk.idle import ScreenKind
from kiosk.session import Customer
from kiosk.voice.prompts import Prompt
from ui.context import AppContext
from ui.errors import describe
from ui.navigation import Destination
from ui.screen import Screen
from ui.screens.identify.card_page import CardPage
from ui.screens.identify.pages import (
    ChoicePage,
    NumberPage,
    Page,
    PasswordPage,
    PhonePage,
    SmsPage,
)

log = logging.getLogger(__name__)


# Spoken as each step's page appears; the SMS step speaks once the code has really been sent.
STEP_PROMPTS = {
    Step.PHONE: Prompt.ENTER_PHONE,
    Step.PICK_NUMBER: Prompt.PICK_NUMBER,
    Step.CHOOSE: Prompt.CHOOSE_METHOD,
    Step.PASSWORD: Prompt.ENTER_PASSWORD,
    Step.ID_CARD: Prompt.PLACE_CARD,
}


class IdentifyScreen(Screen):
    """Asks only for what the chosen function still needs, then opens it."""

    Params = Destination
    screen_id = "identify"
    kind = ScreenKind.ENTRY
    title_key = "identify.title"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        tr = ctx.translator
        self.pages = QStackedWidget()
        self.phone_page = PhonePage(tr)
        self.choice_page = ChoicePage(tr)
        self.password_page = PasswordPage(tr)
        self.sms_page = SmsPage(tr)
        self.card_page = CardPage(tr)
        self.number_page = NumberPage(tr)
        self._page_of: dict[Step, Page] = {
            Step.PHONE: self.phone_page,
            Step.PICK_NUMBER: self.number_page,
            Step.CHOOSE: self.choice_page,
            Step.PASSWORD: self.password_page,
            Step.SMS: self.sms_page,
            Step.ID_CARD: self.card_page,
        }
        for page in self._page_of.values():
            self.pages.addWidget(page)
        self.layout_.addWidget(self.pages, 1)
        self.phone_page.phone_entered.connect(self._on_phone_page_phone_entered)
        self.choice_page.chosen.connect(self._on_choice_page_chosen)
        self.password_page.password_entered.connect(self._on_password_page_password_entered)
        self.sms_page.code_entered.connect(self._on_sms_page_code_entered)
        self.sms_page.resend_requested.connect(self._send_code)
        self.card_page.card_placed.connect(self._on_card_page_card_placed)
        self.number_page.picked.connect(self._on_number_page_picked)
        reader = ctx.services.card_reader
        if reader is not None:
            # card_read comes through the shell (Shell._on_card_read -> on_card), any screen.
            reader.read_failed.connect(self.card_page.on_read_failed)
            reader.ready_changed.connect(self.card_page.set_reader_ready)
        self._card: IdCard | None = None  # card first: the card read, until a number is picked
        self.state: IdentifyState | None = None
        self.continuation: Destination | None = None
        self.step = Step.PHONE

    # Screen API ---------------------------------------------------------------------------
    def enter(self, params: object) -> None:
        # The continuation: where the customer was going, handed back unchanged when done.
        # Anything else is a caller's mistake: taken silently it became a summary-level entry.
        if params is not None and not isinstance(params, Destination):
            raise TypeError(f"identify takes a Destination, not {type(params).__name__}")
        self.continuation = params
        level = self.continuation.level if self.continuation else None
        level = level or m.Access.SUMMARY
        customer = self.ctx.sessions.current.customer
        self.state = IdentifyState(
            level=level,
            phone=customer.phone if customer else None,
            held=frozenset(customer.factors) if customer else frozenset(),
        )
        for page in self._page_of.values():
            page.clear()
        self.retranslate()
        self._advance()

    def leave(self) -> None:
        self.card_page.stop()
        self._card = None

    def reset(self) -> None:
        self.state = None
        self.continuation = None
        self._card = None
        for page in self._page_of.values():
            page.clear()
            page.forget()

    def retranslate(self) -> None:
        super().retranslate()
        for page in self._page_of.values():
            page.retranslate()

    # Flow ----------------------------------------------------------------------------------
    def _advance(self) -> None:
        assert self.state is not None
        previous, self.step = self.step, next_step(self.state)
        self.card_page.stop()
        if self.step is Step.DONE:
            self._finish()
            return
        page = self._page_of[self.step]
        self._show_page(page)
        if self.step in STEP_PROMPTS:
            self.voice_step.emit(STEP_PROMPTS[self.step])
        phone = self.state.phone or ""
        if self.step is Step.CHOOSE:
            self.choice_page.set_options(options(self.state.level, self.state.held))
        elif self.step is Step.PASSWORD:
            self.password_page.start(phone)
        elif self.step is Step.SMS:
            if previous is Step.SMS and self.sms_page.sent_to(phone):
                return  # a card placed meanwhile: the code already sent still completes it
            self.sms_page.start(phone)
            self._send_code()
        elif self.step is Step.ID_CARD:
            self.card_page.start(phone)
            reader = self.ctx.services.card_reader
            if reader is None or not reader.ready:
                self.card_page.set_reader_ready(False)
            else:
                reader.reread()  # a card already lying on the reader is read again

    def _show_page(self, page: Page) -> None:
        # A stacked widget is as tall as its tallest page; only the shown page may count,
        # or the screen would outgrow 1080 px.
        for other in self._page_of.values():
            policy = QSizePolicy.Policy.Preferred if other is page else QSizePolicy.Policy.Ignored
            other.setSizePolicy(policy, policy)
        self.pages.setCurrentWidget(page)
        # (Not page.adjustSize(): that shrank the page to its size hint until the next layout
        # pass, so the keypad first sat left of centre and jumped when a message appeared.)
        self.pages.updateGeometry()

    def _finish(self) -> None:
        continuation = self.continuation
        if continuation is not None:
            self.replace.emit(continuation.target, continuation.params)
        else:
            self.go_home.emit()

    def _accepted(self, session: m.Session) -> None:
        assert self.state is not None
        factors = frozenset(session.factors)
        if self.state.phone is None:  # card first: the number picked comes back in full
            assert session.phone
            self.state = self.state.picked(session.phone, factors)
        phone = self.state.phone
        assert phone is not None
        self._card = None
        customer = Customer(phone, session.name_masked, session.brand, set(factors))
        self.ctx.sessions.identify(customer, session.expires_in_s)
        self.state = self.state.holding(factors)
        self._advance()

    def _call(self, page: Page, op: Any, *, context: str, keep_entry: bool = False) -> None:
        """Run a backend call with the page showing a busy line; errors come back calm."""
        page.set_busy(self.tr("identify.checking"))
        page.setEnabled(False)

        def failed(exc: Exception) -> None:
            page.setEnabled(True)
            if isinstance(exc, BackendError):
                text = describe(exc, self.ctx.translator, context=context)
                if isinstance(exc, Locked):
                    page.lock(text)  # no more entry while the lock runs
                    return
                page.show_error(text)
                if page is self.password_page:
                    self.password_page.keypad.reset()
                return
            raise exc

        def done(session: m.Session) -> None:
            page.setEnabled(True)
            if keep_entry:  # the answer was not to this page's entry: keep what is typed
                Page.clear(page)
            else:
                page.clear()
            self._accepted(session)

        self.ctx.runner.run(op, done, failed, guard=self.ctx.sessions.guard())

    # Page signals --------------------------------------------------------------------------
    def _on_phone_page_phone_entered(self, phone: str) -> None:
        assert self.state is not None
        self.state = self.state.with_phone(phone)
        self._advance()

    def _on_choice_page_chosen(self, combo: tuple[m.Factor, ...]) -> None:
        assert self.state is not None
        self.state = self.state.choose(combo)
        self._advance()

    def _on_password_page_password_entered(self, password: str) -> None:
        assert self.state is not None and self.state.phone is not None
        phone = self.state.phone
        ctx = self.ctx
        self._call(
            self.password_page,
            lambda: ctx.backend.identify_password(phone, password),
            context="password",
        )

    def _send_code(self) -> None:
        assert self.state is not None and self.state.phone is not None
        phone = self.state.phone
        ctx = self.ctx
        page = self.sms_page
        page.set_busy(self.tr("identify.sms_sending"))

        def sent(result: m.SmsSent) -> None:
            page.code_sent(result.resend_after_s)
            self.voice_step.emit(Prompt.ENTER_CODE)

        def failed(exc: Exception) -> None:
            if not isinstance(exc, BackendError):
                raise exc
            text = describe(exc, self.ctx.translator, context="sms")
            if isinstance(exc, Locked):
                page.lock(text)  # no code was sent: the page must not say one was
            else:
                page.show_error(text)

        self.ctx.runner.run(
            lambda: ctx.backend.send_sms_code(phone), sent, failed, guard=self.ctx.sessions.guard()
        )

    def _on_sms_page_code_entered(self, code: str) -> None:
        assert self.state is not None and self.state.phone is not None
        phone = self.state.phone
        ctx = self.ctx
        self._call(self.sms_page, lambda: ctx.backend.verify_sms_code(phone, code), context="sms")

    def on_card(self, card: IdCard) -> None:
        """A card was read (routed by the shell from whatever screen was showing).

        With a number known (typed, or a customer already identified) the card adds its
        factor to that number; with none yet it starts card first."""
        if self.state is None:
            return
        if self.state.phone is not None:
            if self.step is Step.ID_CARD:
                self.card_page.on_card_read(card)  # the page says it is checking, then asks
            else:
                self._check_card(card, self._page_of.get(self.step, self.card_page))
            return
        self._card = card
        page = self._page_of.get(self.step, self.phone_page)
        fields = card_fields(card)
        ctx = self.ctx
        page.set_busy(self.tr("identify.card_checking", id=mask_id_number(card.id_number)))

        def found(numbers: list[m.CardNumber]) -> None:
            assert self.state is not None
            page.clear()
            self.state = self.state.card_first()
            self._advance()
            self.number_page.set_numbers(numbers, _holder_name(card))

        def failed(exc: Exception) -> None:
            if not isinstance(exc, BackendError):
                raise exc
            self._card = None
            page.show_error(describe(exc, self.ctx.translator, context="card_first"))

        self.ctx.runner.run(
            lambda: ctx.backend.id_card_numbers(**fields),
            found,
            failed,
            guard=self.ctx.sessions.guard(),
        )

    def _on_number_page_picked(self, pick: int) -> None:
        card = self._card
        if card is None:  # the session ended in between: start again
            self.go_home.emit()
            return
        fields = card_fields(card)
        ctx = self.ctx
        self._call(
            self.number_page,
            lambda: ctx.backend.identify_id_card(pick=pick, **fields),
            context="card",
        )

    def _on_card_page_card_placed(self, card: object) -> None:
        assert isinstance(card, IdCard)
        self._check_card(card, self.card_page)

    def _check_card(self, card: IdCard, page: Page) -> None:
        """The card against the known number's real-name record (adds the card factor)."""
        assert self.state is not None and self.state.phone is not None
        phone = self.state.phone
        ctx = self.ctx
        fields = card_fields(card)
        self._call(
            page,
            lambda: ctx.backend.identify_id_card(phone=phone, **fields),
            context="card",
            keep_entry=page is not self.card_page,
        )


def _holder_name(card: IdCard) -> str:
    return mask_name(card.name)
