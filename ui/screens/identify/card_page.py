"""「请将身份证放在感应区」: waits for the reader, then checks the card with the backend.

One layout for both ways in: the card for a typed number (the prompt names it) and card
first (no number yet). The picture never moves: messages go in the page's fixed slot."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

from common.masking import mask_id_number, mask_phone
from kiosk.devices.idcard.card import IdCard
from kiosk.i18n import Translator
from ui.screens.identify.pages import Page
from ui.widgets.card_illustration import CardIllustration


class CardPage(Page):
    """Shows where the card goes; ``card_placed`` carries the card read by the reader."""

    card_placed = Signal(object)

    def __init__(self, translator: Translator, parent: QWidget | None = None) -> None:
        super().__init__(translator)
        self.picture = CardIllustration()
        self.box.addWidget(self.picture, 1, Qt.AlignmentFlag.AlignHCenter)
        self.status = self.busy
        self._phone = ""
        self._active = False
        self._reader_ready = True

    def start(self, phone: str) -> None:
        self._phone = phone
        self._active = True
        self.clear()
        self.picture.highlight = False
        self.picture.update()
        self.retranslate()

    def stop(self) -> None:
        self._active = False

    def set_reader_ready(self, ready: bool) -> None:
        self._reader_ready = ready
        if not ready and self._active:
            self.show_error(self.tr_.tr("identify.reader_offline"))
        elif ready:
            self.error.hide()

    def on_card_read(self, card: object) -> None:
        if not self._active or not isinstance(card, IdCard):
            return
        self.picture.highlight = True
        self.picture.update()
        self.set_busy(self.tr_.tr("identify.card_checking", id=mask_id_number(card.id_number)))
        self.card_placed.emit(card)

    def on_read_failed(self, error: object) -> None:
        if self._active:
            self.picture.highlight = False
            self.picture.update()
            self.show_error(self.tr_.tr("identify.card_read_failed"))

    def retranslate(self) -> None:
        if self._phone:
            self.prompt.setText(
                self.tr_.tr("identify.card_prompt", phone=mask_phone(self._phone))
            )
        else:
            self.prompt.setText(self.tr_.tr("identify.card_first_prompt"))
