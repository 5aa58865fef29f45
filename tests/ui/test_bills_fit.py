"""The five-month bills screen fits the kiosk's window without scrolling, in both languages and
both text sizes: the month buttons and the actions (itemised details, PDF) are on screen as it
opens. Seen on the X-event walk: the actions were half below the fold in standard text (44 px
of scrolling) and the month buttons too in large text (190 px)."""

from __future__ import annotations

from tests.ui.test_walk_fit import _go, _identified, shell  # noqa: F401  (the walk's fixture)
from tests.ui.walk_audit import audit, settle
from ui.screens.bills.overview import BillsScreen
from ui.shell import Shell


def test_bills_screen_fits_without_scrolling(shell: Shell) -> None:  # noqa: F811
    _identified(shell)
    _go(shell, "bills")
    settle()
    screen = shell.navigator.current
    assert isinstance(screen, BillsScreen) and screen.month_buttons
    assert screen.body_scroll.verticalScrollBar().maximum() == 0
    viewport = screen.body_scroll.viewport()
    for widget in (*screen.month_buttons.values(), screen.details_button, screen.pdf_button):
        bottom = widget.mapTo(viewport, widget.rect().bottomLeft()).y()
        assert 0 <= bottom <= viewport.height(), widget.text()
    assert screen.chart.height() >= screen.chart.minimumSizeHint().height()
    assert audit(shell.window, shell.large_text) == []


def test_details_actions_are_on_screen_as_it_opens(shell: Shell) -> None:  # noqa: F811
    """详单 with tap-target rows: its print / PDF / dispute buttons sit beside the totals, on
    screen without scrolling (below the table they were half under the bottom bar, 31 px of
    scrolling in standard text); standard text fits whole."""
    from tests.ui.walk_fakes import MONTHS
    from ui.screens.bills.details import DetailsScreen
    from ui.screens.bills.params import DetailsParams

    _identified(shell)
    _go(shell, "details", DetailsParams(MONTHS[0]))
    settle()
    screen = shell.navigator.current
    assert isinstance(screen, DetailsScreen)
    viewport = screen.body_scroll.viewport()
    for button in (screen.print_button, screen.pdf_button, screen.dispute_button):
        bottom = button.mapTo(viewport, button.rect().bottomLeft()).y()
        assert 0 <= bottom <= viewport.height(), button.text()
    if not shell.large_text:
        assert screen.body_scroll.verticalScrollBar().maximum() == 0
