"""账户概览: balance or credit, this month's usage against the plan, days until suspension."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QWidget,
)

from common.money import format_fen
from kiosk.backend import models as m
from kiosk.flows.declared import REMINDER, ReminderChoice
from kiosk.idle import ScreenKind
from kiosk.plans import format_mb
from ui.context import AppContext
from ui.screen import Screen
from ui.widgets.card import card
from ui.widgets.money import MoneyView
from ui.widgets.transaction import TransactionView

REMINDER_CHOICES_FEN = (500, 1000, 2000, 3000, 5000)
LOW_DAYS = 7


class OverviewScreen(Screen):
    """Everything a customer asks first: how much is left and how long it lasts."""

    screen_id = "overview"
    kind = ScreenKind.READING
    title_key = "overview.title"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.warning = self.label(role="error")
        self.warning.hide()
        self.layout_.addWidget(self.warning)
        # The money itself is the backend's figure shown by the shared widget (the pay result
        # uses the same one); beside it this month's charges and, pre-paid, the days left.
        self.money_view = MoneyView(ctx.translator)
        self.money_caption = [self.label(role="caption") for _ in range(2)]
        self.money_value = [self.label(role="value") for _ in range(2)]
        row = QHBoxLayout()
        row.setSpacing(24)
        row.addWidget(self.money_view, 2)
        self.side_cards = [
            card(caption, value)
            for caption, value in zip(self.money_caption, self.money_value, strict=True)
        ]
        for side in self.side_cards:
            row.addWidget(side, 1)
        self.layout_.addLayout(row)
        self.plan_caption = self.label(role="caption")
        self.plan_value = self.label(role="value")
        self.plan_note = self.label(role="caption")
        self.usage_grid = QGridLayout()
        self.usage_grid.setHorizontalSpacing(20)
        self.usage_grid.setVerticalSpacing(10)
        usage_holder = QWidget()
        usage_holder.setLayout(self.usage_grid)
        self.layout_.addWidget(
            card(self.plan_caption, self.plan_value, self.plan_note, usage_holder)
        )
        self.reminder_caption = self.label(role="caption")
        self.reminder_buttons: dict[int | None, QPushButton] = {}
        reminder_row = QHBoxLayout()
        for fen in (*REMINDER_CHOICES_FEN, None):
            button = QPushButton()
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, f=fen: self._on_reminder_clicked(f))
            self.reminder_buttons[fen] = button
            reminder_row.addWidget(button)
        reminder_holder = QWidget()
        reminder_holder.setLayout(reminder_row)
        self.reminder_card = card(self.reminder_caption, reminder_holder)
        self.layout_.addWidget(self.reminder_card)
        self.layout_.addStretch(1)
        self.bills_button = QPushButton()
        self.bills_button.setProperty("kind", "primary")
        self.bills_button.clicked.connect(lambda: self.open("bills"))
        actions = QHBoxLayout()
        actions.addWidget(self.bills_button)
        actions.addStretch(1)
        self.layout_.addLayout(actions)
        self.overview: m.AccountOverview | None = None
        # The threshold is set at once (no second question: nothing is charged); a lost
        # answer leaves the buttons, and the same threshold again reuses its key.
        self.reminder = TransactionView(self, REMINDER, None, self._on_reminder_saved)

    def enter(self, params: Any) -> None:
        self.retranslate()
        ctx = self.ctx
        self.fetch(lambda: ctx.backend.overview(), self._show)

    def reset(self) -> None:
        self.overview = None
        self.money_view.show_money(None)
        for label in (*self.money_value, self.plan_value, self.plan_note):
            label.clear()
        self._clear_usage()
        self.warning.hide()

    def retranslate(self) -> None:
        super().retranslate()
        self.bills_button.setText(self.tr("overview.to_bills"))
        for fen, button in self.reminder_buttons.items():
            button.setText(
                format_fen(fen).replace(".00", "") if fen else self.tr("overview.reminder_off")
            )
        if self.overview is not None:
            self._show(self.overview)

    # Rendering -----------------------------------------------------------------------------
    def _show(self, ov: m.AccountOverview) -> None:
        self.overview = ov
        self.money_view.show_money(ov.money)
        captions = (
            self.tr("overview.month_to_date", month=ov.month),
            self.tr("overview.days_left"),
        )
        values = (
            format_fen(ov.month_to_date_fen),
            self.tr("overview.days", days=ov.days_until_suspension)
            if ov.days_until_suspension is not None
            else self.tr("overview.days_unknown"),
        )
        for caption, value, c_text, v_text in zip(
            self.money_caption, self.money_value, captions, values, strict=True
        ):
            caption.setText(c_text)
            value.setText(v_text)
        self.side_cards[1].setVisible(ov.money.is_prepaid)  # post-paid: billed, no countdown
        self.plan_caption.setText(self.tr("overview.plan", brand=self.term(ov.brand)))
        self.plan_value.setText(
            self.tr(
                "overview.plan_value",
                plan=self.term(ov.plan.name),
                fee=format_fen(ov.plan.monthly_fee_fen),
            )
        )
        self.plan_note.setText(
            self.tr("overview.next_plan", plan=self.term(ov.next_plan.name)) if ov.next_plan else ""
        )
        self._show_usage(ov.usage)
        self._show_warning(ov)
        self._show_reminder(ov)

    def _clear_usage(self) -> None:
        while self.usage_grid.count():
            item = self.usage_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()

    def _show_usage(self, usage: tuple[m.UsageItem, ...]) -> None:
        self._clear_usage()
        for row, item in enumerate(usage):
            name = QLabel(self.term(item.label))
            bar = QProgressBar()
            bar.setObjectName("usageBar")
            bar.setTextVisible(False)
            bar.setMaximum(max(item.included, 1))
            bar.setValue(min(item.used, item.included))
            bar.setProperty("over", "true" if item.used > item.included else "false")
            bar.setMinimumHeight(28)
            amount = QLabel(
                # One unit rule for data: GB from 1024 MB on, as plans and bills say ("40GB",
                # not "40960 MB").
                self.tr(
                    "overview.usage_data",
                    used=format_mb(item.used),
                    included=format_mb(item.included),
                )
                if item.unit == "MB"
                else self.tr(
                    "overview.usage",
                    used=item.used,
                    included=item.included,
                    unit=self.term(item.unit),
                )
            )
            self.usage_grid.addWidget(name, row, 0)
            self.usage_grid.addWidget(bar, row, 1)
            self.usage_grid.addWidget(amount, row, 2)
        self.usage_grid.setColumnStretch(1, 1)

    def _show_warning(self, ov: m.AccountOverview) -> None:
        if ov.status is m.LineStatus.ARREARS:
            text = self.tr("overview.in_arrears", amount=format_fen(ov.money.due_fen))
        elif ov.status is m.LineStatus.SUSPENDED:
            text = self.tr("overview.suspended")
        elif ov.days_until_suspension is not None and ov.days_until_suspension <= LOW_DAYS:
            text = self.tr("overview.low_balance", days=ov.days_until_suspension)
        elif (
            ov.money.is_prepaid
            and ov.reminder_threshold_fen is not None
            and ov.money.available_fen < ov.reminder_threshold_fen
        ):
            text = self.tr(
                "overview.below_threshold", threshold=format_fen(ov.reminder_threshold_fen)
            )
        else:
            text = ""
        self.warning.setText(text)
        self.warning.setVisible(bool(text))

    def _show_reminder(self, ov: m.AccountOverview) -> None:
        if ov.money.is_prepaid:
            current = ov.reminder_threshold_fen
            self.reminder_caption.setText(
                self.tr("overview.reminder", current=format_fen(current))
                if current
                else self.tr("overview.reminder_none")
            )
            for fen, button in self.reminder_buttons.items():
                button.setVisible(True)
                button.setChecked(fen == current)
        else:
            self.reminder_caption.setText(self.tr("overview.reminder_postpaid"))
            for button in self.reminder_buttons.values():
                button.setVisible(False)

    def _on_reminder_clicked(self, fen: int | None) -> None:
        if self.ctx.sessions.current.customer is None:
            return
        self.reminder.send(ReminderChoice(fen))

    def _on_reminder_saved(self, _choice: ReminderChoice, setting: m.ReminderSetting) -> None:
        ctx = self.ctx

        def shown(overview: m.AccountOverview) -> None:
            self._show(overview)
            self.status.setText(
                self.tr("overview.reminder_saved", current=format_fen(setting.threshold_fen))
                if setting.threshold_fen
                else self.tr("overview.reminder_cleared")
            )
            self.status.show()

        self.fetch(ctx.backend.overview, shown)
