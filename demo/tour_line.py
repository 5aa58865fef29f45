"""Tour steps for 密码重置、报停/复机 (PRODUCT function 8).

demo/tour_steps.py runs them after the dispute steps, while the session holds ID card + SMS
code (sensitive transactions are allowed). The demo customer is suspended and resumed again
(active afterwards), and the new password is never typed by a later step.
"""

from __future__ import annotations

from demo.tour import Step, Tour, TourError
from ui.screens.line.password import EntryStep, PasswordResetScreen
from ui.screens.line.status import LineStatusScreen

NEW_PASSWORD = "528147"


def _type(t: Tour, screen: PasswordResetScreen, submit: bool) -> None:
    for digit in NEW_PASSWORD:
        t.tap(screen.keypad.digit_button(digit))
    if submit:
        t.tap(screen.keypad.submit_button())


def _print_receipt(t: Tour, screen: PasswordResetScreen | LineStatusScreen) -> None:
    t.tap(screen.result_card.receipt_button)
    panel = screen.print_panel
    t.print_slip(panel, "receipt")


def password_typing(t: Tour) -> None:
    t.go_home()
    t.tap(t.shell.home_screen.tiles["line_password"])
    t.expect_screen("line_password")  # ID card + SMS held: no identification step
    screen = t.screen(PasswordResetScreen)
    _type(t, screen, submit=False)  # six dots on a shuffled keypad (the screenshot)
    if screen.keypad.text() != NEW_PASSWORD:
        raise TourError("the keypad did not take the digits")


def password_confirm(t: Tour) -> None:
    screen = t.screen(PasswordResetScreen)
    t.tap(screen.keypad.submit_button())
    t.wait_until("step 2", lambda: screen.step is EntryStep.SECOND)
    _type(t, screen, submit=True)
    t.wait_until("the confirmation", screen.confirm_panel.isVisible)


def password_done(t: Tour) -> None:
    screen = t.screen(PasswordResetScreen)
    t.tap(screen.confirm_panel.confirm_button)
    t.wait_until("the new password set", lambda: screen.result is not None)
    if screen.keypad.text():
        raise TourError("typed digits survived the reset")
    _print_receipt(t, screen)


def status_normal(t: Tour) -> None:
    t.go_home()
    t.tap(t.shell.home_screen.tiles["line_status"])
    t.expect_screen("line_status")
    screen = t.screen(LineStatusScreen)
    t.wait_until("the line's status", lambda: screen.line_status is not None)
    if screen.line_status is None or screen.line_status.value != "normal":
        raise TourError(f"the demo line is not active: {screen.line_status}")


def suspend_confirm(t: Tour) -> None:
    screen = t.screen(LineStatusScreen)
    t.tap(screen.action_button)
    t.wait_until("the confirmation", screen.confirm_panel.isVisible)


def suspended(t: Tour) -> None:
    screen = t.screen(LineStatusScreen)
    t.tap(screen.confirm_panel.confirm_button)
    t.wait_until("the suspension", lambda: screen.result is not None)
    _print_receipt(t, screen)


def resume_confirm(t: Tour) -> None:
    t.go_home()
    t.tap(t.shell.home_screen.tiles["line_status"])
    t.expect_screen("line_status")
    screen = t.screen(LineStatusScreen)
    t.wait_until("the suspended status", lambda: screen.line_status is not None)
    if screen.line_status is None or screen.line_status.value != "suspended":
        raise TourError(f"the line is not suspended: {screen.line_status}")
    t.tap(screen.action_button)
    t.wait_until("the confirmation", screen.confirm_panel.isVisible)


def resumed(t: Tour) -> None:
    screen = t.screen(LineStatusScreen)
    t.tap(screen.confirm_panel.confirm_button)
    t.wait_until("the line resumed", lambda: screen.result is not None)
    if screen.line_status is None or screen.line_status.value != "normal":
        raise TourError(f"the line is not active again: {screen.line_status}")


def back_home(t: Tour) -> None:
    t.go_home()


# English titles: tests/ui/test_i18n.py exempts only demo/tour_steps.py from "no Chinese in ui/".
STEPS: list[Step] = [
    ("line-password-typing", "Password reset: shuffled keypad, dots only", password_typing),
    ("line-password-confirm", "Typed twice, confirm once more", password_confirm),
    ("line-password-done", "Password reset, receipt printed (no password)", password_done),
    ("line-status", "Suspend/resume: the line is active", status_normal),
    ("line-suspend-confirm", "Before suspending: consequences and fees", suspend_confirm),
    ("line-suspended", "Suspended, receipt printed", suspended),
    ("line-resume-confirm", "Resume: confirm once more", resume_confirm),
    ("line-resumed", "Resumed: the line works again", resumed),
    ("line-home", "Back home", back_home),
]
