from __future__ import annotations

from kiosk.config import TimeoutsConfig
from kiosk.idle import IdleClock, IdleState, Phase, ScreenKind


def _clock() -> IdleClock:
    return IdleClock(TimeoutsConfig())


def test_home_never_times_out() -> None:
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
    assert clock.state(585) == IdleState(Phase.WARNING, 15)
    assert clock.state(600).phase is Phase.EXPIRED
    clock.session_ended()
    assert clock.state(600).phase is Phase.ACTIVE
