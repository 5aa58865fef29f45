"""Attack 4: no throttling across numbers or per terminal. One wrong password sprayed over 35
numbers, 300 numbers probed for "not our customer", SMS codes sent to 20 numbers: all went
through in a fraction of a second. Now every terminal and all terminals together have limits
(backend config ``[limits]``), counted in the database so that they hold across server
processes, answered with 429 and Retry-After; the kiosk shows a calm message."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.backend import errors as be
from kiosk.i18n import Translator
from tests.fixtures.live_backend import start_backend
from tests.security.conftest import Stack
from tests.security.helpers import WRONG_PASSWORD, post
from ui.errors import describe

PER_TERMINAL = 8  # identify_per_terminal in tests/security/conftest.py STRICT_CONFIG


def _spray(stack: Stack, numbers: list[str]) -> list[int]:
    """One wrong password per number, alternating between the two server processes."""
    return [
        post(
            stack,
            "/v1/sessions/password",
            {"phone": n, "password": WRONG_PASSWORD},
            url=stack.urls[i % 2],
        ).status
        for i, n in enumerate(numbers)
    ]


def test_a_password_spray_from_one_terminal_is_cut_off(strict_stack: Stack) -> None:
    stack = strict_stack.new_terminal()
    numbers = stack.take(12)
    statuses = _spray(stack, numbers)
    assert statuses == [401] * PER_TERMINAL + [429] * (12 - PER_TERMINAL)
    judged = stack.backend.query(
        "SELECT count(*) FROM auth_attempts WHERE terminal_id = ?", stack.headers()["X-Terminal-Id"]
    )
    assert judged == [(PER_TERMINAL,)]
    refused = post(stack, "/v1/sessions/password", {"phone": numbers[0], "password": "111111"})
    assert refused.status == 429
    assert 0 < int(refused.headers["retry-after"]) <= 600
    assert refused.json()["retry_after_s"] == int(refused.headers["retry-after"])


def test_probing_for_customers_is_cut_off(strict_stack: Stack) -> None:
    stack = strict_stack.new_terminal()
    strangers = [f"1340000{i:04d}" for i in range(12)]  # nobody's numbers
    statuses = _spray(stack, strangers)
    assert statuses == [404] * PER_TERMINAL + [429] * (12 - PER_TERMINAL)


def test_sms_sends_from_one_terminal_are_cut_off(strict_stack: Stack) -> None:
    stack = strict_stack.new_terminal()
    numbers = stack.take(4)
    statuses = [
        post(stack, "/v1/sessions/sms-code", {"phone": n}, url=stack.urls[i % 2]).status
        for i, n in enumerate(numbers)
    ]
    assert statuses == [200, 200, 200, 429]  # sms_per_terminal = 3
    sent = stack.backend.query(
        "SELECT count(*) FROM sms_outbox WHERE number IN (?, ?, ?, ?)", *numbers
    )
    assert sent == [(3,)]


OVERALL_CONFIG = """
[limits]
identify_per_terminal = { count = 100, window_s = 600 }
identify_overall = { count = 5, window_s = 600 }
"""


@pytest.fixture(scope="module")
def overall_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir: Path = tmp_path_factory.mktemp("sec-overall")
    with start_backend(
        workdir, customers=4, heavy_per_month=10, demo=False, config_toml=OVERALL_CONFIG
    ) as backend:
        yield Stack(
            backend, [backend.url, backend.add_server()], "sqlite", backend.random_numbers()
        )


def test_all_terminals_together_are_cut_off(overall_stack: Stack) -> None:
    terminals = [overall_stack.new_terminal() for _ in range(3)]
    numbers = [*overall_stack.take(4), *(f"1340000{i:04d}" for i in range(5))]
    statuses = Counter(_spray(terminals[i % 3], [number])[0] for i, number in enumerate(numbers))
    # identify_overall = 5: the sixth attempt is refused whichever terminal sends it.
    assert statuses == Counter({401: 4, 404: 1, 429: 4})


def test_the_kiosk_says_it_calmly() -> None:
    tr = Translator("zh_CN")
    assert (
        describe(be.RateLimited("", 540), tr) == "本机操作较多，请 9 分钟后再试，或到人工柜台办理。"
    )
    assert describe(be.RateLimited("", 42), tr) == "操作太频繁了，请 42 秒后再试。"
    tr.set_locale("en")
    assert "try again in 9 minutes" in describe(be.RateLimited("", 540), tr)
