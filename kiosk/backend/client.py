"""HTTP client of the operator backend (reference server: ``python -m backend serve``).

One :class:`requests.Session`, explicit connect/read timeouts on every call, retries with
exponential backoff only where a retry cannot apply anything twice (GETs, and mutations that
carry an ``Idempotency-Key``), typed results (:mod:`kiosk.backend.models`) and typed errors
(:mod:`kiosk.backend.errors`). No Qt: screens call it from a worker thread.

The customer session token returned by an identification call is kept inside the client and
sent with every later call; :meth:`BackendClient.end_session` forgets it.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import quote

import requests

from kiosk.backend import cash as cash_api
from kiosk.backend import errors as e
from kiosk.backend import models as m
from kiosk.backend import parse
from kiosk.backend.cash import CashBox, CashClearance, CashOrder
from kiosk.backend.problems import error_from_response
from kiosk.status import StatusReport

log = logging.getLogger(__name__)

T = TypeVar("T")

# Gateway answers that mean "try again later" rather than "your request is wrong".
_RETRYABLE_STATUS = frozenset({502, 503, 504})


def _tls_reason(exc: requests.exceptions.SSLError) -> str:
    """The OpenSSL reason (e.g. CERTIFICATE_VERIFY_FAILED), never a URL with a query."""
    text = str(exc)
    for reason in (
        "CERTIFICATE_VERIFY_FAILED",
        "certificate required",
        "WRONG_VERSION_NUMBER",
        "hostname mismatch",
        "unknown ca",
    ):
        if reason.lower() in text.lower():
            return reason
    return type(exc).__name__


def new_idempotency_key() -> str:
    """A fresh key for one logical mutation; journal it to reuse it after a crash."""
    return str(uuid.uuid4())


class BackendClient:
    """Typed access to every backend function the kiosk offers (see docs/api.md)."""

    def __init__(
        self,
        base_url: str,
        terminal_id: str,
        terminal_token: str,
        *,
        connect_timeout: float = 3.0,
        read_timeout: float = 10.0,
        retries: int = 2,
        backoff_s: float = 0.2,
        ca_file: str = "",
        client_cert: str = "",
        client_key: str = "",
    ) -> None:
        """``ca_file`` pins the CA that signed the backend's certificate (https only; empty
        means the default trust store, which only tests and demos use); ``client_cert`` and
        ``client_key`` (PEM) answer a backend that asks for mutual TLS."""
        self._base = base_url.rstrip("/")
        self._timeout = (connect_timeout, read_timeout)
        self._retries = max(0, retries)
        self._backoff_s = backoff_s
        self._http = requests.Session()
        # The backend sits on the operator's network: proxies from the environment never apply.
        self._http.trust_env = False
        # trust_env False also keeps REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE out: with verify set to
        # a file, urllib3 loads that file and never the system store, so only the operator's
        # CA can vouch for the backend.
        if ca_file:
            self._http.verify = ca_file
        if client_cert:
            self._http.cert = (client_cert, client_key)
        self._http.headers.update(
            {
                "Authorization": f"Bearer {terminal_token}",
                "X-Terminal-Id": terminal_id,
                "Accept": "application/json",
            }
        )
        self._session_token: str | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection pool (the customer session is forgotten, not ended)."""
        self._session_token = None
        self._http.close()

    def __enter__(self) -> BackendClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def has_session(self) -> bool:
        """True while an identified customer session is held."""
        return self._session_token is not None

    def health(self) -> bool:
        """True when the backend answers its health check (no terminal auth needed)."""
        try:
            self._call("GET", "/v1/health", retry=False)
        except e.BackendError:
            return False
        return True

    # -- identification ------------------------------------------------------------------------
    # Not retried and sent without an Idempotency-Key: a replayed wrong password would count
    # twice toward the lock-out, and a session token must never be stored for replay.

    def identify_password(self, phone: str, password: str) -> m.Session:
        """Number + 6-digit service password. Adds the factor to a held session of that number."""
        return self._identify("/v1/sessions/password", {"phone": phone, "password": password})

    def send_sms_code(self, phone: str) -> m.SmsSent:
        """Send a one-time code to the phone (valid 5 min; resend after 60 s, else RateLimited)."""
        data = self._call("POST", "/v1/sessions/sms-code", body={"phone": phone}, retry=False)
        return self._parsed(parse.sms_sent, data)

    def verify_sms_code(self, phone: str, code: str) -> m.Session:
        """Check the code sent by :meth:`send_sms_code`; adds the ``sms`` factor."""
        return self._identify("/v1/sessions/sms-verify", {"phone": phone, "code": code})

    def identify_id_card(
        self,
        *,
        id_number: str,
        name: str,
        card_type: str,
        valid_from: str,
        valid_to: str,
        photo_sha256: str,
        phone: str | None = None,
        pick: int | None = None,
    ) -> m.Session:
        """ID card data from the reader plus the number; checked against the real-name record.

        The number is typed (``phone``) or picked from :meth:`id_card_numbers` (``pick``, its
        index); exactly one. A picked number comes back in full in ``Session.phone``.
        ``valid_from``/``valid_to`` are as read from the card (``YYYYMMDD``, or ``长期``);
        ``photo_sha256`` is the digest of the card's photo block (:meth:`IdCard.photo_sha256`),
        which only the genuine card yields. A card expired by the operator's record is refused
        with ``InvalidInput(field="valid_to")``; any mismatch counts toward the lock-out.
        """
        body: dict[str, Any] = {
            "id_number": id_number,
            "name": name,
            "card_type": card_type,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "photo_sha256": photo_sha256,
        }
        if phone is not None:
            body["phone"] = phone
        if pick is not None:
            body["pick"] = pick
        return self._identify("/v1/sessions/id-card", body)

    def id_card_numbers(
        self,
        *,
        id_number: str,
        name: str,
        card_type: str,
        valid_from: str,
        valid_to: str,
        photo_sha256: str,
    ) -> list[m.CardNumber]:
        """Card first: the numbers registered to the card's holder, masked, in number order.

        The card is checked like :meth:`identify_id_card` (no session is opened); a card with
        no number here is ``NotFound``, someone else's or a forged one ``AuthFailed``."""
        body = {
            "id_number": id_number,
            "name": name,
            "card_type": card_type,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "photo_sha256": photo_sha256,
        }
        data = self._call("POST", "/v1/sessions/id-card/numbers", body=body, retry=False)
        return self._parsed(parse.card_numbers, data)

    def extend_session(self) -> m.SessionExtension:
        """"More time" at the session maximum: the server moves the expiry (up to its hard
        cap) and answers the seconds left. Not retried: a lost answer is asked again by the
        customer's next tap, and extending twice is harmless (the cap holds)."""
        data = self._call("POST", "/v1/sessions/current/extend", body={}, retry=False)
        return self._parsed(parse.session_extension, data)

    def end_session(self) -> None:
        """Tell the server the customer left and forget the token (never raises)."""
        if self._session_token is None:
            return
        try:
            self._call("DELETE", "/v1/sessions/current", retry=False)
        except e.BackendError as exc:
            log.info("ending the session on the server failed (%s); forgotten locally", exc.code)
        finally:
            self._session_token = None

    # -- account, bills, records ------------------------------------------------------------

    def overview(self) -> m.AccountOverview:
        """Balance, credit, plan, usage this month, days until suspension."""
        return self._parsed(parse.overview, self._get("/v1/account"))

    def bills(self) -> list[m.MonthBill]:
        """The 5 closed monthly bills, newest first."""
        data = self._get("/v1/bills")
        return self._parsed(lambda d: [parse.month_bill(b) for b in d["bills"]], data)

    def bill(self, month: str) -> m.MonthBill:
        """One closed month's bill (``"YYYY-MM"``)."""
        return self._parsed(parse.month_bill, self._get(f"/v1/bills/{month}"))

    def records(
        self,
        month: str,
        kind: m.RecordKind | None = None,
        cursor: str | None = None,
        limit: int = 100,
        *,
        with_fee_only: bool = False,
        roaming_only: bool = False,
    ) -> m.RecordPage:
        """One page of itemised records, oldest first; pass ``next_cursor`` for the next."""
        params: dict[str, Any] = {"month": month, "limit": limit}
        if kind is not None:
            params["kind"] = kind.value
        if cursor is not None:
            params["cursor"] = cursor
        if with_fee_only:
            params["with_fee_only"] = "true"
        if roaming_only:
            params["roaming_only"] = "true"
        return self._parsed(parse.record_page, self._get("/v1/records", params=params))

    # -- plans and services -----------------------------------------------------------------

    def plans(self) -> list[m.Plan]:
        """Plans this line may change to (same brand), current one included."""
        data = self._get("/v1/plans")
        return self._parsed(lambda d: [parse.plan(p) for p in d["plans"]], data)

    def agreement(self, topic: str) -> m.Agreement:
        """The 入网协议 clauses in force for ``topic`` (``plan_change``, ``service_order``)."""
        return self._parsed(parse.agreement, self._get(f"/v1/agreements/{topic}"))

    def change_plan(
        self, plan_code: str, agreement_version: str, idempotency_key: str | None = None
    ) -> m.PlanChange:
        """Book a plan change effective on the 1st of next month.

        ``agreement_version`` is the plan_change agreement the customer accepted; another
        than the one in force raises :class:`~kiosk.backend.errors.AgreementOutdated`.
        """
        body = {"plan_code": plan_code, "agreement_version": agreement_version}
        return self._parsed(
            parse.plan_change, self._mutate("POST", "/v1/plan-change", body, idempotency_key)
        )

    def services(self) -> m.ServiceList:
        """Current subscriptions and the orderable catalogue."""
        return self._parsed(parse.service_list, self._get("/v1/services"))

    def order_service(
        self, service_code: str, agreement_version: str, idempotency_key: str | None = None
    ) -> m.OrderQuote:
        """Step 1 of an order: confirmation text, price and period; an SMS code is sent.

        ``agreement_version``: the service_order agreement the customer accepted (see
        :meth:`change_plan`).
        """
        body = {"service_code": service_code, "agreement_version": agreement_version}
        return self._parsed(
            parse.order_quote, self._mutate("POST", "/v1/service-orders", body, idempotency_key)
        )

    def confirm_order(
        self, quote_id: str, sms_code: str, idempotency_key: str | None = None
    ) -> m.ServiceChange:
        """Step 2 (二次确认): confirm the quote with the SMS code just sent."""
        return self._parsed(
            parse.service_change,
            self._mutate(
                "POST",
                f"/v1/service-orders/{quote_id}/confirm",
                {"sms_code": sms_code},
                idempotency_key,
            ),
        )

    def cancel_service(
        self, service_code: str, idempotency_key: str | None = None
    ) -> m.ServiceChange:
        """Unsubscribe (effective at the end of this month)."""
        return self._parsed(
            parse.service_change,
            self._mutate("POST", f"/v1/services/{service_code}/cancel", {}, idempotency_key),
        )

    # -- payments ---------------------------------------------------------------------------

    def create_payment(self, amount_fen: int, idempotency_key: str | None = None) -> m.PaymentOrder:
        """Create a QR payment order (top-up); show ``qr_payload`` as a QR code."""
        return self._parsed(
            parse.payment,
            self._mutate("POST", "/v1/payments", {"amount_fen": amount_fen}, idempotency_key),
        )

    def payment_status(self, order_id: str) -> m.PaymentOrder:
        """Poll an order's status."""
        return self._parsed(parse.payment, self._get(f"/v1/payments/{order_id}"))

    # -- disputes, password, suspension, invoices, spam, reminder ---------------------------

    def disputes(self) -> list[m.Dispute]:
        """The line's disputes, newest first."""
        return self._parsed(parse.disputes, self._get("/v1/disputes"))

    def open_dispute(
        self, record_id: int, reason: str, idempotency_key: str | None = None
    ) -> m.Dispute:
        """Flag a charge as wrong (收费误差，双倍返还)."""
        body = {"record_id": record_id, "reason": reason}
        return self._parsed(
            parse.dispute, self._mutate("POST", "/v1/disputes", body, idempotency_key)
        )

    def reset_password(
        self, new_password: str, idempotency_key: str | None = None
    ) -> m.TransactionResult:
        """Set a new 6-digit service password (simple ones are refused as InvalidInput)."""
        body = {"new_password": new_password}
        return self._parsed(
            parse.transaction, self._mutate("POST", "/v1/password", body, idempotency_key)
        )

    def suspend(self, idempotency_key: str | None = None) -> m.TransactionResult:
        """Suspend the line at the customer's request (报停)."""
        return self._parsed(
            parse.transaction, self._mutate("POST", "/v1/line/suspend", {}, idempotency_key)
        )

    def resume(self, idempotency_key: str | None = None) -> m.TransactionResult:
        """Resume a line suspended at the customer's request (复机)."""
        return self._parsed(
            parse.transaction, self._mutate("POST", "/v1/line/resume", {}, idempotency_key)
        )

    def invoices(self, month: str) -> list[m.Invoice]:
        """Invoices already issued for a closed month."""
        data = self._get("/v1/invoices", params={"month": month})
        return self._parsed(lambda d: [parse.invoice(i) for i in d["invoices"]], data)

    def issue_invoice(self, month: str, idempotency_key: str | None = None) -> m.Invoice:
        """Issue the monthly invoice (once per month: a second one is a Conflict)."""
        return self._parsed(
            parse.invoice, self._mutate("POST", "/v1/invoices", {"month": month}, idempotency_key)
        )

    def report_spam(
        self, number: str, content: str, idempotency_key: str | None = None
    ) -> m.SpamReport:
        """Report a spam number/message (10086999)."""
        body = {"number": number, "content": content}
        return self._parsed(
            parse.spam_report, self._mutate("POST", "/v1/spam-reports", body, idempotency_key)
        )

    def transaction_state(self, key: str) -> m.TransactionState:
        """Peek: was the mutation sent with ``key`` applied (or abandoned) so far? Decides
        nothing — a request still inside the backend may apply later. Terminal-level."""
        data = self._get(f"/v1/terminal/transactions/{quote(key, safe='')}")
        return self._parsed(parse.transaction_state, data)

    def settle_transaction(self, key: str) -> m.TransactionState:
        """The final answer for ``key``: applied (with its reference), or abandoned — the
        backend then refuses the key for good, so "not applied" stays true. Retried like a
        GET: settling twice gives the same verdict. Terminal-level (no customer session)."""
        path = f"/v1/terminal/transactions/{quote(key, safe='')}/settle"
        data = self._call("POST", path, retry=True)
        if not isinstance(data, dict):
            raise e.BackendError("unexpected answer shape")
        return self._parsed(parse.transaction_state, data)

    @property
    def longest_call(self) -> dt.timedelta:
        """How long one call of this client can stay in flight, retries and backoff included:
        after that the terminal itself can no longer deliver it (the journal's age guard)."""
        attempts = 1 + self._retries
        connect, read = self._timeout
        backoff = sum(self._backoff_s * 2**i for i in range(self._retries))
        return dt.timedelta(seconds=attempts * (connect + read) + backoff)

    def probe(self) -> m.Probe:
        """One terminal-authenticated read with this client's own TLS and token settings, for
        ``kiosk doctor``: no retry, and the failure kept precise (TLS vs. refused vs. token).

        The key asked about is random: the answer is always "not applied", nothing changes.
        """
        import email.utils

        url = f"{self._base}/v1/terminal/transactions/doctor-{uuid.uuid4()}"
        try:
            response = self._http.get(url, timeout=self._timeout)
        except requests.exceptions.SSLError as exc:
            return m.Probe(m.ProbeOutcome.TLS_FAILED, None, _short(exc))
        except requests.exceptions.Timeout:
            return m.Probe(m.ProbeOutcome.UNREACHABLE, None, "timed out")
        except requests.exceptions.ConnectionError as exc:
            return m.Probe(m.ProbeOutcome.UNREACHABLE, None, _short(exc))
        date = response.headers.get("Date")
        server_time = email.utils.parsedate_to_datetime(date) if date else None
        if response.status_code in (401, 403):
            outcome = m.ProbeOutcome.AUTH_REFUSED
        elif response.status_code == 200:
            outcome = m.ProbeOutcome.OK
        else:
            outcome = m.ProbeOutcome.ERROR
        return m.Probe(outcome, server_time, f"HTTP {response.status_code}")

    def report_status(self, report: StatusReport) -> None:
        """The terminal's health report (PUT, not retried: the next one follows in a minute)."""
        self._call("PUT", "/v1/terminal/status", body=report.as_json(), retry=False)

    def set_reminder_threshold(
        self, threshold_fen: int | None, idempotency_key: str | None = None
    ) -> m.ReminderSetting:
        """Set (5/10/20/30/50 元) or cancel (``None``) the balance reminder; pre-paid only."""
        body = {"threshold_fen": threshold_fen}
        return self._parsed(
            parse.reminder, self._mutate("PUT", "/v1/reminder", body, idempotency_key)
        )

    # -- cash top-up (terminal-level: no customer session needed) ------------------------------

    def create_cash_order(self, phone: str, idempotency_key: str) -> CashOrder:
        """Open a cash order for ``phone`` before the acceptor opens (journal the key first)."""
        data = self._mutate("POST", "/v1/cash/orders", {"phone": phone}, idempotency_key)
        return self._parsed(cash_api.cash_order, data)

    def report_cash_note(
        self, order_id: str, sequence: int, value_fen: int, event_counter: int, key: str
    ) -> CashOrder:
        """One stacked note; the same (order, sequence) again changes nothing."""
        body = {"sequence": sequence, "value_fen": value_fen, "event_counter": event_counter}
        path = f"/v1/cash/orders/{quote(order_id, safe='')}/notes"
        return self._parsed(cash_api.cash_order, self._mutate("POST", path, body, key))

    def close_cash_order(
        self, order_id: str, note_count: int, total_fen: int, key: str
    ) -> CashOrder:
        """Credit the reported notes once; Conflict when the counts differ from the reports."""
        body = {"note_count": note_count, "total_fen": total_fen}
        path = f"/v1/cash/orders/{quote(order_id, safe='')}/close"
        return self._parsed(cash_api.cash_order, self._mutate("POST", path, body, key))

    def cash_order(self, order_id: str) -> CashOrder:
        """An order's state with the notes the backend has."""
        data = self._get(f"/v1/cash/orders/{quote(order_id, safe='')}")
        return self._parsed(cash_api.cash_order, data)

    def cash_box(self) -> CashBox:
        """The terminal's box: notes reported since the last clearance."""
        return self._parsed(cash_api.cash_box, self._get("/v1/cash/box"))

    def record_cash_clearance(
        self, counted: dict[int, int], idempotency_key: str | None = None
    ) -> CashClearance:
        """清机: what staff counted (value_fen -> notes) against the reports."""
        body = {"counts": [{"value_fen": v, "count": c} for v, c in sorted(counted.items())]}
        data = self._mutate("POST", "/v1/cash/clearances", body, idempotency_key)
        return self._parsed(cash_api.cash_clearance, data)

    # -- demo-only endpoints (server started with --demo) ------------------------------------

    def demo_read_sms(self, phone: str) -> list[m.SmsMessage]:
        """Messages in the demo SMS outbox for a number, newest first."""
        data = self._call("POST", "/v1/demo/sms-outbox", body={"phone": phone}, retry=True)
        return self._parsed(lambda d: [parse.sms_message(x) for x in d["messages"]], data)

    def demo_mark_paid(self, order_id: str) -> m.PaymentOrder:
        """Act as the customer's payment app: settle a pending order."""
        data = self._call("POST", f"/v1/demo/payments/{order_id}/paid", retry=True)
        return self._parsed(parse.payment, data)

    # -- transport --------------------------------------------------------------------------

    def _identify(self, path: str, body: Mapping[str, Any]) -> m.Session:
        data = self._call("POST", path, body=body, retry=False)
        token = data.get("session_token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise e.BackendError("identification answer without a session token")
        result = self._parsed(parse.session, data)
        self._session_token = token
        return result

    def _get(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        data = self._call("GET", path, params=params, retry=True)
        if not isinstance(data, dict):
            raise e.BackendError("unexpected answer shape")
        return data

    def _mutate(
        self, method: str, path: str, body: Mapping[str, Any], key: str | None
    ) -> dict[str, Any]:
        data = self._call(method, path, body=body, key=key or new_idempotency_key(), retry=True)
        if not isinstance(data, dict):
            raise e.BackendError("unexpected answer shape")
        return data

    @staticmethod
    def _parsed(parser: Callable[[dict[str, Any]], T], data: dict[str, Any]) -> T:
        try:
            return parser(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise e.BackendError(f"malformed answer: {type(exc).__name__}") from exc

    def _call(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        key: str | None = None,
        retry: bool,
    ) -> Any:
        headers: dict[str, str] = {}
        if self._session_token is not None:
            headers["X-Session-Token"] = self._session_token
        if key is not None:
            headers["Idempotency-Key"] = key
        attempts = 1 + (self._retries if retry else 0)
        last: e.BackendError = e.BackendUnavailable("no attempt made")
        for attempt in range(attempts):
            if attempt:
                # Exponential backoff: 0.2 s, 0.4 s, ... so a restarting server is not hammered.
                time.sleep(self._backoff_s * 2 ** (attempt - 1))
            try:
                response = self._http.request(
                    method,
                    self._base + path,
                    json=dict(body) if body is not None else None,
                    params=params,
                    headers=headers,
                    timeout=self._timeout,
                )
            except requests.exceptions.SSLError as exc:
                # Not retried: a certificate that does not verify will not verify in 0.2 s.
                log.warning("%s %s: TLS refused (%s)", method, path, _tls_reason(exc))
                raise e.BackendUntrusted("TLS handshake refused") from exc
            except requests.exceptions.ConnectTimeout:
                last = e.BackendUnavailable("connect timeout")
            except requests.exceptions.ReadTimeout:
                last = e.BackendTimeout("read timeout")
            except requests.exceptions.ConnectionError:
                last = e.BackendUnavailable("connection failed")
            except requests.exceptions.RequestException as exc:
                raise e.BackendError(f"request failed: {type(exc).__name__}") from exc
            else:
                if response.status_code in _RETRYABLE_STATUS:
                    last = error_from_response(response)
                    continue
                return self._result_of(response)
            log.info("%s %s attempt %d/%d: %s", method, path, attempt + 1, attempts, last.code)
        raise last

    def _result_of(self, response: requests.Response) -> Any:
        if 200 <= response.status_code < 300:
            if response.status_code == 204 or not response.content:
                return {}
            try:
                return response.json()
            except ValueError as exc:
                raise e.BackendError("answer is not JSON") from exc
        error = error_from_response(response)
        if isinstance(error, e.SessionExpired):
            self._session_token = None
        raise error


def _short(exc: Exception) -> str:
    """The innermost reason of a requests error, e.g. ``CERTIFICATE_VERIFY_FAILED``."""
    text = str(exc)
    for marker in ("CERTIFICATE_VERIFY_FAILED", "WRONG_VERSION_NUMBER", "Connection refused"):
        if marker in text:
            return marker
    return type(exc).__name__
