"""Attack 1: lock-out races. Thirty wrong guesses for one number whose last bytes arrive
together, spread over two server processes on one database: at most three may be judged
(the third locks), and the right factor is refused afterwards. Before the fix the lock check,
the compare and the failure count were three steps: 4-8 wrong guesses were judged and the
right password was then accepted."""

from __future__ import annotations

from collections import Counter

from tests.fixtures.live_backend import DEMO_PASSWORD
from tests.security.conftest import Stack
from tests.security.helpers import WRONG_PASSWORD, failures, latest_code, post
from tests.security.rawhttp import last_byte_race, request_bytes

RACERS = 30


def _race(stack: Stack, path: str, body: dict[str, str]) -> Counter[tuple[int, str]]:
    targets = []
    for i in range(RACERS):
        url = stack.urls[i % len(stack.urls)]
        targets.append((url, request_bytes(url, "POST", path, stack.headers(), body)))
    return Counter((a.status, a.json()["code"]) for a in last_byte_race(targets))


def test_thirty_racing_wrong_passwords_judge_three_and_lock(stack: Stack) -> None:
    (number,) = stack.take()
    statuses = _race(stack, "/v1/sessions/password", {"phone": number, "password": WRONG_PASSWORD})
    # Two "wrong, n left", then the third locks; the other 27 find the lock.
    assert statuses == Counter({(401, "auth_failed"): 2, (423, "locked"): RACERS - 2})
    assert failures(stack, number) == 3
    right = post(stack, "/v1/sessions/password", {"phone": number, "password": DEMO_PASSWORD})
    assert right.status == 423
    assert right.json()["code"] == "locked"


def test_thirty_racing_wrong_sms_codes_judge_three_and_lock(stack: Stack) -> None:
    (number,) = stack.take()
    assert post(stack, "/v1/sessions/sms-code", {"phone": number}).status == 200
    code = latest_code(stack, number)
    wrong = "000000" if code != "000000" else "111111"
    statuses = _race(stack, "/v1/sessions/sms-verify", {"phone": number, "code": wrong})
    assert statuses == Counter({(401, "auth_failed"): 2, (423, "locked"): RACERS - 2})
    assert failures(stack, number) == 3
    right = post(stack, "/v1/sessions/sms-verify", {"phone": number, "code": code})
    assert right.status == 423
