"""Attack 3: superseded SMS codes came back. Code c1, then c2: once c2 was used, c1 worked
again (``consume_code`` took the newest *unused* code), for login and order codes alike. And
order codes had no rate limit at all. Now only the newest code of a purpose counts, and an
order code waits like a login code."""

from __future__ import annotations

from typing import Any

from backend.agreements import SERVICE_ORDER
from tests.security.conftest import Stack
from tests.security.helpers import failures, get, identify_fully, latest_code, post


def test_an_older_login_code_never_works_once_a_newer_was_sent(stack: Stack) -> None:
    (number,) = stack.take()
    assert post(stack, "/v1/sessions/sms-code", {"phone": number}).status == 200
    c1 = latest_code(stack, number)
    assert post(stack, "/v1/sessions/sms-code", {"phone": number}).status == 200
    c2 = latest_code(stack, number)
    if c1 == c2:  # one in a million: the test needs two different codes
        return
    assert post(stack, "/v1/sessions/sms-verify", {"phone": number, "code": c2}).status == 200
    old = post(stack, "/v1/sessions/sms-verify", {"phone": number, "code": c1})
    assert old.status == 401
    assert failures(stack, number) == 1  # and it counts as a wrong code


def _order(stack: Stack, token: str, service: str) -> Any:
    answer = post(
        stack,
        "/v1/service-orders",
        {"service_code": service, "agreement_version": SERVICE_ORDER.version},
        **{"X-Session-Token": token, "Idempotency-Key": f"order-{service}-{token[:8]}"},
    )
    return answer


def test_an_older_order_code_never_confirms_once_a_newer_was_sent(stack: Stack) -> None:
    phone = "13728880000"  # 陈志明 (HMT permit)
    token = identify_fully(stack, phone)
    catalogue = get(stack, "/v1/services", **{"X-Session-Token": token}).json()["catalogue"]
    first, second = catalogue[0]["code"], catalogue[1]["code"]
    quote1 = _order(stack, token, first)
    assert quote1.status == 200, quote1.body
    c1 = latest_code(stack, phone)
    quote2 = _order(stack, token, second)
    assert quote2.status == 200, quote2.body
    c2 = latest_code(stack, phone)
    headers = {"X-Session-Token": token}
    done = post(
        stack,
        f"/v1/service-orders/{quote2.json()['quote_id']}/confirm",
        {"sms_code": c2},
        **headers,
        **{"Idempotency-Key": "confirm-2"},
    )
    assert done.status == 200, done.body
    old = post(
        stack,
        f"/v1/service-orders/{quote1.json()['quote_id']}/confirm",
        {"sms_code": c1},
        **headers,
        **{"Idempotency-Key": "confirm-1"},
    )
    assert old.status == 401
    rows = stack.backend.query(
        "SELECT s.service_code FROM subscriptions s JOIN lines l ON l.id = s.line_id "
        "WHERE l.number = ? AND s.service_code IN (?, ?) AND s.ends_on IS NULL",
        phone,
        first,
        second,
    )
    assert rows == [(second,)]


def test_order_codes_are_rate_limited_like_login_codes(strict_stack: Stack) -> None:
    stack = strict_stack.new_terminal()
    phone = "13912345678"  # 李秀英
    token = identify_fully(stack, phone)
    catalogue = get(stack, "/v1/services", **{"X-Session-Token": token}).json()["catalogue"]
    assert _order(stack, token, catalogue[0]["code"]).status == 200
    again = _order(stack, token, catalogue[1]["code"])
    assert again.status == 429
    assert again.json()["code"] == "rate_limited"
    assert 0 < int(again.headers["retry-after"]) <= 60
    assert stack.backend.query(
        "SELECT count(*) FROM sms_outbox WHERE number = ? AND purpose = 'order'", phone
    ) == [(1,)]
