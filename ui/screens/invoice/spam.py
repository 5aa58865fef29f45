"""不良信息举报 (10086999): type the number that bothered the customer, tap what it did (and,
if they like, what it was about), confirm, and take home a 业务受理单 with the report id.

Nothing is typed but digits: the category and the subject are big buttons, and the report's
content is made from them (kiosk.spam.spam_content).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from common.hall_time import hall_now
from common.masking import mask_other_party
from kiosk import spam as ks
from kiosk.backend import models as m
from kiosk.flows.declared import SPAM_REPORT, SpamChoice
from kiosk.idle import ScreenKind
from printer.receipts.transaction import TransactionReceipt
from ui.context import AppContext
from ui.screen import Screen
from ui.shared.customer import doc_customer, doc_terminal
from ui.widgets.confirm import ConfirmPanel
from ui.widgets.keypad import Keypad
from ui.widgets.print_panel import PrintPanel
from ui.widgets.result_card import ResultCard
from ui.widgets.transaction import TransactionView


class SpamScreen(Screen):
    """Number + category (+ subject) -> confirm -> report id and receipt (any identified
    customer may report; the kiosk asks for its smallest level, Access.SUMMARY)."""

    screen_id = "spam"
    kind = ScreenKind.ORDINARY
    title_key = "spam.title"
    hint_key = "spam.hint"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.keypad = Keypad(ctx.translator, length=ks.MAX_DIGITS, secret=False, min_length=3)
        self.keypad.submitted.connect(self._on_keypad_submitted)
        self.keypad.text_changed.connect(self._on_keypad_text_changed)
        right = QVBoxLayout()
        right.setSpacing(12)
        self.category_caption = self.label(role="caption")
        right.addWidget(self.category_caption)
        self.category_group = QButtonGroup(self)
        self.category_buttons: dict[ks.SpamCategory, QPushButton] = {}
        categories = QGridLayout()
        categories.setSpacing(16)
        for index, category in enumerate(ks.SpamCategory):
            button = self._choice(checkable=True)
            button.clicked.connect(self._update_next)
            self.category_group.addButton(button)
            self.category_buttons[category] = button
            categories.addWidget(button, 0, index)  # short words: one row of four
        right.addLayout(categories)
        self.subject_caption = self.label(role="caption")
        right.addWidget(self.subject_caption)
        self.subject_buttons: dict[ks.SpamSubject, QPushButton] = {}
        subjects = QGridLayout()
        subjects.setSpacing(16)
        for index, subject in enumerate(ks.SpamSubject):
            button = self._choice(checkable=True)
            button.clicked.connect(lambda _=False, s=subject: self._on_subject_clicked(s))
            self.subject_buttons[subject] = button
            subjects.addWidget(button, index // 2, index % 2)
        right.addLayout(subjects)
        right.addStretch(1)
        self.next_button = QPushButton()
        self.next_button.setObjectName("spamNext")
        self.next_button.setProperty("kind", "primary")
        self.next_button.clicked.connect(self._on_next_button_clicked)
        right.addWidget(self.next_button)
        row = QHBoxLayout()
        row.setSpacing(40)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.keypad)
        row.addLayout(right, 1)
        self.form = QWidget()
        self.form.setLayout(row)
        self.layout_.addWidget(self.form)
        self.confirm = ConfirmPanel(ctx.translator)
        self.layout_.addWidget(self.confirm)
        # One key per report: a retry after a lost answer is not filed twice.
        self.view = TransactionView(
            self,
            SPAM_REPORT,
            self.confirm,
            self._on_reported,
            on_refused=self._on_refused,
            on_cancelled=self._on_confirm_cancelled,
        )
        self.again_button = QPushButton()
        self.again_button.setObjectName("spamAgain")
        self.again_button.clicked.connect(self._on_again_button_clicked)
        self.print_panel = PrintPanel(ctx)
        self.result_card = ResultCard(
            self,
            self.print_panel,
            self._receipt,
            buttons=[self.again_button],
            receipt_name="spamReceipt",
            note_role="notice",
        )
        self.result, self.next_steps = self.result_card.text, self.result_card.note
        self.receipt_button = self.result_card.receipt_button
        self.layout_.addWidget(self.result_card.frame)
        self.layout_.addWidget(self.print_panel)
        self.layout_.addStretch(1)
        self.number = ""
        self.number_kind: ks.NumberKind | None = None
        self._clear()

    @property
    def report(self) -> m.SpamReport | None:
        """The backend's answer (the flow's)."""
        return self.view.answer

    @property
    def reported(self) -> SpamChoice | None:
        """What the answered report said (the flow's choice)."""
        return self.view.answered_choice

    @staticmethod
    def _choice(*, checkable: bool) -> QPushButton:
        button = QPushButton()
        button.setObjectName("reasonButton")  # the big white choice buttons of disputes
        button.setCheckable(checkable)
        return button

    # Screen API ---------------------------------------------------------------------------
    def enter(self, params: object) -> None:
        self._clear()
        self.retranslate()

    def reset(self) -> None:
        self._clear()

    def retranslate(self) -> None:
        super().retranslate()
        self.keypad.retranslate()
        self.category_caption.setText(self.tr("spam.category"))
        self.subject_caption.setText(self.tr("spam.subject"))
        for category, button in self.category_buttons.items():
            button.setText(self.tr(category.text_key))
        for subject, button in self.subject_buttons.items():
            button.setText(self.tr(subject.text_key))
        self.next_button.setText(self.tr("spam.next"))
        self.receipt_button.setText(self.tr("spam.print_receipt"))
        self.again_button.setText(self.tr("spam.again"))
        self.confirm.retranslate()
        if self.view.asking is not None:
            self._ask()
        self.print_panel.retranslate()
        if self.report is not None:
            self._show_result(self.report)

    # The form -----------------------------------------------------------------------------
    def _clear(self) -> None:
        self.view.reset()
        self.number = ""
        self.number_kind = None
        self.keypad.reset()
        self.category_group.setExclusive(False)
        for button in (*self.category_buttons.values(), *self.subject_buttons.values()):
            button.setChecked(False)
        self.category_group.setExclusive(True)
        self.result_card.clear()
        self.print_panel.reset()
        self.form.show()
        self.clear_messages()
        self._update_next()

    def selected_category(self) -> ks.SpamCategory | None:
        return next((c for c, b in self.category_buttons.items() if b.isChecked()), None)

    def selected_subject(self) -> ks.SpamSubject | None:
        return next((s for s, b in self.subject_buttons.items() if b.isChecked()), None)

    def _on_subject_clicked(self, subject: ks.SpamSubject) -> None:
        # One subject or none: tapping the chosen one again takes it back.
        for other, button in self.subject_buttons.items():
            if other is not subject:
                button.setChecked(False)

    def _on_keypad_text_changed(self, _text: str) -> None:
        self.error.hide()
        self._update_next()

    def _update_next(self) -> None:
        ready = bool(self.keypad.text()) and self.selected_category() is not None
        self.next_button.setEnabled(ready and not self.loading)

    def _on_keypad_submitted(self, _text: str) -> None:
        self._on_next_button_clicked()

    def _on_next_button_clicked(self) -> None:
        customer = self.ctx.sessions.current.customer
        own = customer.phone if customer is not None else ""
        check = ks.check_reported_number(self.keypad.text(), own)
        if check.problem is not None:
            self.show_error(self.tr(check.problem.text_key))
            return
        if self.selected_category() is None:
            self.show_error(self.tr("spam.pick_category"))
            return
        self.clear_messages()
        self.number = self.keypad.text()
        self.number_kind = check.kind
        self.form.hide()
        self._ask()

    def _ask(self) -> None:
        category = self.selected_category()
        if category is None or not self.number:
            return
        rows = [
            (self.tr("spam.row_number"), ks.spaced(self.number, self.number_kind)),
            (
                self.tr("spam.row_kind"),
                self.tr(self.number_kind.text_key) if self.number_kind else "",
            ),
            (self.tr("spam.row_category"), self.tr(category.text_key)),
        ]
        subject = self.selected_subject()
        if subject is not None:
            rows.append((self.tr("spam.row_subject"), self.tr(subject.text_key)))
        self.view.ask(
            SpamChoice(self.number, category, subject),
            self.tr("spam.confirm_title"),
            rows,
            note=self.tr("spam.confirm_note", centre=ks.REPORT_CENTRE),
            confirm_key="spam.confirm",
        )

    def _on_confirm_cancelled(self) -> None:
        self.form.show()  # back to the form, as it was: the customer may correct it

    # Reporting ----------------------------------------------------------------------------
    def _on_refused(self, _exc: Exception) -> None:
        self.form.show()  # back to the form (the message says why)

    def _on_reported(self, _choice: SpamChoice, report: m.SpamReport) -> None:
        self._show_result(report)
        self.result_card.receipt.offer()  # at once: the report id is what the customer takes home
        self.finish()

    def _show_result(self, report: m.SpamReport) -> None:
        self.form.hide()
        number = self.reported.number if self.reported else self.number
        shown = number if self.ctx.sessions.current.show_full_numbers else mask_other_party(number)
        self.result_card.show(
            self.tr("spam.done", number=shown, id=report.report_id),
            self.tr("spam.next_steps", centre=ks.REPORT_CENTRE),
        )

    def _on_again_button_clicked(self) -> None:
        self._clear()
        self.restore_kind()  # a new report: no longer a finished transaction

    # The receipt --------------------------------------------------------------------------
    def _receipt(self) -> TransactionReceipt | None:
        report, choice = self.report, self.reported
        if report is None or choice is None:
            return None
        return ks.spam_receipt(
            report,
            choice.number,
            choice.category,
            choice.subject,
            doc_terminal(self.ctx),
            doc_customer(self.ctx),
            hall_now(),
        )
