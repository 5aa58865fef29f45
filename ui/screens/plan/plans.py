"""套餐变更, step 1: the brand's plans with what each would cost at the customer's own usage.

The answer comes first (which plan fits, what it saves), then one row per plan, cheapest
estimate first; the current plan and a change already booked are marked. Tapping a row opens
the side-by-side comparison.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from common.money import format_fen
from kiosk import plans as kp
from kiosk.idle import ScreenKind
from ui.context import AppContext
from ui.screen import Screen
from ui.screens.plan.common import (
    COMPARE,
    CompareParams,
    advice_text,
    allowance_text,
    load_options,
    usage_text,
)
from ui.widgets.card import card


class PlanRow(QFrame):
    """One plan: name and marks, fee and allowances, the estimate; a button to compare."""

    def __init__(self, screen: Screen, estimate: kp.PlanEstimate) -> None:
        super().__init__()
        self.setObjectName("card")
        self.estimate = estimate
        self.name = screen.label(role="categoryName")
        self.name.setWordWrap(False)
        self.current_mark = screen.label(role="highlight")
        self.booked_mark = screen.label(role="highlight")
        self.best_mark = screen.label(role="highlight")
        self.terms = screen.label(role="explanation")
        self.cost_caption = screen.label(role="caption")
        self.cost = screen.label(role="categoryTotal")
        self.choose_button = QPushButton()
        self.choose_button.setObjectName("planChoose")
        marks = QHBoxLayout()
        marks.setSpacing(12)
        marks.addWidget(self.name)
        for mark in (self.current_mark, self.booked_mark, self.best_mark):
            mark.setWordWrap(False)
            marks.addWidget(mark)
        marks.addStretch(1)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addLayout(marks)
        text.addWidget(self.terms)
        self.cost_box = QWidget()
        cost = QVBoxLayout(self.cost_box)
        cost.setContentsMargins(0, 0, 0, 0)
        cost.setSpacing(2)
        cost.addWidget(self.cost_caption)
        cost.addWidget(self.cost)
        for label in (self.cost_caption, self.cost):
            label.setWordWrap(False)
        row = QHBoxLayout(self)
        row.setContentsMargins(28, 12, 28, 12)
        row.setSpacing(32)
        row.addLayout(text, 1)
        row.addWidget(self.cost_box)
        row.addWidget(self.choose_button)

    def fill(self, screen: Screen, options: kp.PlanOptions, best: bool) -> None:
        e = self.estimate
        plan = e.plan
        self.name.setText(screen.term(plan.name))
        self.current_mark.setText(screen.tr("plan.current"))
        self.current_mark.setVisible(e.is_current)
        self.booked_mark.setText(screen.tr("plan.booked", date=options.effective_on.isoformat()))
        self.booked_mark.setVisible(e.is_booked)
        self.best_mark.setText(screen.tr("plan.best"))
        self.best_mark.setVisible(best)
        self.terms.setText(
            screen.tr(
                "plan.terms",
                fee=format_fen(plan.monthly_fee_fen),
                allowance=allowance_text(screen, plan),
            )
        )
        self.cost_caption.setText(screen.tr("plan.estimate"))
        self.cost.setText(format_fen(e.total_fen))
        self.cost_box.setVisible(options.usage is not None)
        self.choose_button.setText(screen.tr("plan.compare"))


class PlansScreen(Screen):
    """The brand's plans ranked by the estimate at the customer's average usage."""

    screen_id = "plans"
    kind = ScreenKind.READING
    title_key = "plan.title"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.advice = self.label(role="categoryName")
        self.usage = self.label(role="explanation")
        self.advice_card = card(self.advice, self.usage)
        self.layout_.addWidget(self.advice_card)
        self.rows_holder = QWidget()
        self.rows_box = QVBoxLayout(self.rows_holder)
        self.rows_box.setContentsMargins(0, 0, 0, 0)
        self.rows_box.setSpacing(10)
        self.layout_.addWidget(self.rows_holder)
        self.footnote = self.label(role="caption")
        self.layout_.addWidget(self.footnote)
        self.layout_.addStretch(1)
        self.options: kp.PlanOptions | None = None
        self.rows: list[PlanRow] = []
        self._clear()

    # Screen API ---------------------------------------------------------------------------
    def enter(self, params: Any) -> None:
        self.retranslate()
        self._clear()
        load_options(self, self._show)

    def reset(self) -> None:
        self._clear()

    def retranslate(self) -> None:
        super().retranslate()
        self.footnote.setText(self.tr("plan.footnote"))
        if self.options is not None:
            self._fill(self.options)

    # Steps --------------------------------------------------------------------------------
    def _clear(self) -> None:
        self.options = None
        self.advice.clear()
        self.usage.clear()
        self.advice_card.hide()
        self.footnote.hide()
        self._set_rows([])
        self.clear_messages()

    def _set_rows(self, estimates: list[kp.PlanEstimate]) -> None:
        for row in self.rows:
            row.hide()
            self.rows_box.removeWidget(row)
            row.deleteLater()
        self.rows = []
        for estimate in estimates:
            row = PlanRow(self, estimate)
            code = estimate.plan.code
            row.choose_button.clicked.connect(lambda _=False, c=code: self._on_choose(c))
            self.rows_box.addWidget(row)
            row.show()  # at once, not on the next event-loop turn (the layout's default)
            self.rows.append(row)

    def _show(self, options: kp.PlanOptions) -> None:
        self.options = options
        self._set_rows(list(options.estimates))
        self._fill(options)

    def _fill(self, options: kp.PlanOptions) -> None:
        self.advice.setText(advice_text(self, options))
        self.usage.setText(usage_text(self, options.usage))
        self.advice_card.show()
        self.footnote.show()
        best = options.advice.plan if options.advice.kind is kp.AdviceKind.SAVE else None
        for row in self.rows:
            row.fill(self, options, best is not None and row.estimate.plan.code == best.code)

    def row(self, code: str) -> PlanRow:
        """The row of plan ``code`` (tests and the tour tap its button)."""
        return next(r for r in self.rows if r.estimate.plan.code == code)

    def _on_choose(self, code: str) -> None:
        if self.options is not None:
            self.open(COMPARE, CompareParams(self.options, code))
