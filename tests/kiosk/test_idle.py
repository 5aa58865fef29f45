from __future__ import annotations

from kiosk.config import TimeoutsConfig
from kiosk.idle import Cause, IdleClock, IdleState, Phase, ScreenKind


def _clock() -> IdleClock:
    return IdleClock(TimeoutsConfig())


def test_an_empty_home_never_times_out() -> None:
    clock = _clock()
    clock.screen_changed(ScreenKind.HOME, 0)
    assert clock.state(10_000).phase is Phase.ACTIVE


def test_ordinary_screen_warns_after_60_s_and_counts_down_20() -> None:
    clock = _clock()
    clock.screen_changed(ScreenKind.ORDINARY, 0)
    assert clock.state(59.9).phase is Phase.ACTIVE
    assert clock.state(60.5) == IdleState(Phase.WARNING, 20)
    assert clock.state(75) == IdleState(Phase.WARNING, 5)
    assert clock.state(80).phase is Phase.EXPIRED


def test_entry_is_shorter_and_reading_longer() -> None:
    clock = _clock()
    clock.screen_changed(ScreenKind.ENTRY, 0)
    assert clock.state(31).phase is Phase.WARNING
    clock.screen_changed(ScreenKind.READING, 0)
    assert clock.state(119).phase is Phase.ACTIVE
    assert clock.state(121).phase is Phase.WARNING


def test_activity_resets_and_finished_counts_down_without_warning() -> None:
    clock = _clock()
    clock.screen_changed(ScreenKind.ORDINARY, 0)
    clock.activity(70)
    assert clock.state(75).phase is Phase.ACTIVE
    clock.screen_changed(ScreenKind.FINISHED, 100)
    assert clock.state(110) == IdleState(Phase.ACTIVE, 10)
    assert clock.state(120).phase is Phase.EXPIRED


def test_session_maximum_overrides_activity() -> None:
    clock = _clock()
    clock.screen_changed(ScreenKind.ORDINARY, 0)
    clock.session_started(0)
    clock.activity(585)
    assert clock.state(585) == IdleState(Phase.WARNING, 15, Cause.SESSION_MAX, True)
    assert clock.state(600) == IdleState(Phase.EXPIRED, 0, Cause.SESSION_MAX, True)
    clock.session_ended()
    assert clock.state(600).phase is Phase.ACTIVE


# -- the session rules (docs/session.md) ------------------------------------------------------


def test_home_times_out_like_an_ordinary_screen_while_a_customer_is_identified() -> None:
    clock = _clock()
    clock.screen_changed(ScreenKind.HOME, 0)
    clock.session_started(0)
    assert clock.limit(ScreenKind.HOME) == 60
    assert clock.state(59).phase is Phase.ACTIVE
    assert clock.state(61) == IdleState(Phase.WARNING, 19)
    assert clock.state(80).phase is Phase.EXPIRED
    clock.session_ended()
    assert clock.limit(ScreenKind.HOME) is None
    assert clock.state(10_000).phase is Phase.ACTIVE


def test_the_backends_extension_moves_the_maximum_and_the_hard_cap_holds() -> None:
    clock = _clock()  # session_max 600, hard max 1200
    clock.screen_changed(ScreenKind.ORDINARY, 0)
    clock.session_started(0)
    clock.activity(585)
    assert clock.state(585).cause is Cause.SESSION_MAX
    assert clock.can_extend(585)
    clock.session_extended(585, 600, extendable=True)  # the backend: 600 s more
    assert clock.state(600).phase is Phase.ACTIVE
    clock.activity(1170)
    clock.session_extended(1170, 900, extendable=True)  # an answer beyond the cap is capped
    assert clock.state(1185) == IdleState(Phase.WARNING, 15, Cause.SESSION_MAX, False)
    assert not clock.can_extend(1185)
    assert clock.state(1200).phase is Phase.EXPIRED


def test_at_the_cap_the_warning_says_no_more_extension() -> None:
    clock = _clock()
    clock.screen_changed(ScreenKind.ORDINARY, 0)
    clock.session_started(0)
    clock.activity(590)
    clock.session_extended(590, 10, extendable=False)  # the backend refused more
    state = clock.state(590)
    assert state == IdleState(Phase.WARNING, 10, Cause.SESSION_MAX, False)


def test_a_transaction_in_progress_is_never_cut() -> None:
    clock = _clock()
    clock.screen_changed(ScreenKind.ENTRY, 0)
    clock.session_started(0)
    # Past the screen limit, past the session maximum: held while busy.
    assert clock.state(700, busy=True) == IdleState(Phase.HELD, 0)
    # Done: the answer counts as activity and the customer gets a full warning to read it.
    after = clock.state(701)
    assert after == IdleState(Phase.WARNING, 20, Cause.SESSION_MAX, True)
    assert clock.state(720.5).phase is Phase.WARNING
    assert clock.state(721).phase is Phase.EXPIRED


def test_a_short_hold_leaves_the_deadline_where_it_was() -> None:
    clock = _clock()
    clock.screen_changed(ScreenKind.ORDINARY, 0)
    clock.session_started(0)
    assert clock.state(100, busy=True).phase is Phase.HELD
    assert clock.state(101) == IdleState(Phase.ACTIVE, 80)  # idle restarted at 101
    assert clock.state(161) == IdleState(Phase.WARNING, 20)


def test_an_unknown_outcome_holds_the_maximum_but_not_stillness() -> None:
    clock = _clock()
    clock.screen_changed(ScreenKind.ORDINARY, 0)
    clock.session_started(0)
    clock.activity(595)
    # Past the maximum with the outcome unknown: the maximum waits, the screen's idle runs.
    assert clock.state(610, unsettled=True) == IdleState(Phase.ACTIVE, 65)
    assert clock.state(661, unsettled=True) == IdleState(Phase.WARNING, 14)
    assert clock.state(675, unsettled=True).phase is Phase.EXPIRED  # walked away: wiped
    clock.activity(670)
    # Settled (sent again and answered): a full warning before the (passed) maximum ends it.
    assert clock.state(671) == IdleState(Phase.WARNING, 20, Cause.SESSION_MAX, True)
