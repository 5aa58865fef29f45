"""A small stand-in for the operator backend's line functions (status, suspend/resume,
password), with the server's rules and its idempotency (a repeated key replays the first
answer), and answers that can be lost on the way back. Used by the line UI and fit tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from common.months import month_of
from kiosk.backend import errors as be
from kiosk.backend import models as m
from kiosk.line import password_problem
from kiosk.money import LineMoney, MoneyKind
from tests.fixtures.backend_stub import StubBackend

PHONE = "13800138000"
PLAN = m.Plan("QQT128", "全球通128元套餐", "全球通", 12800, 500, 100, 3072, 19, 10, 29, "")


@dataclass
class LineBackend(StubBackend):
    """The line of ``PHONE``: its status, its password and the transactions applied."""

    status: m.LineStatus = m.LineStatus.NORMAL
    password: str = "864213"
    applied: dict[str, m.TransactionResult] = field(default_factory=dict)  # key -> result
    lose_next_answer: bool = False  # apply, then the answer never arrives (timeout)
    refuse_next: be.BackendError | None = None
    now: dt.datetime = dt.datetime(2026, 11, 25, 10, 30, tzinfo=dt.UTC)

    def overview(self) -> m.AccountOverview:
        return m.AccountOverview(
            month=month_of(self.now.date()),  # the business month of the pinned now
            phone_masked="138****8000",
            name_masked="张*峰",
            brand="全球通",
            status=self.status,
            is_prepaid=False,
            balance_fen=5000,
            credit_fen=10000,
            money=LineMoney(MoneyKind.POSTPAID, 15000, 0, 10000),
            month_to_date_fen=8000,
            days_until_suspension=None,
            reminder_threshold_fen=None,
            plan=PLAN,
            next_plan=None,
            usage=(),
        )

    def reset_password(
        self, new_password: str, idempotency_key: str | None = None
    ) -> m.TransactionResult:
        def apply() -> m.TransactionResult:
            problem = password_problem(new_password, PHONE)
            if problem is not None:
                raise be.InvalidInput("new_password", "密码过于简单")
            self.password = new_password
            return self._result("password_reset", self.status, "服务密码已重置，请牢记新密码。")

        return self._mutate(idempotency_key, apply)

    def suspend(self, idempotency_key: str | None = None) -> m.TransactionResult:
        return self._mutate(idempotency_key, lambda: self._change(m.LineStatus.NORMAL, "suspend"))

    def resume(self, idempotency_key: str | None = None) -> m.TransactionResult:
        return self._mutate(idempotency_key, lambda: self._change(m.LineStatus.SUSPENDED, "resume"))

    # -- internals --------------------------------------------------------------------------
    def _change(self, src: m.LineStatus, kind: str) -> m.TransactionResult:
        if self.status is not src:
            raise be.Conflict("号码当前状态不能办理该业务")
        self.status = m.LineStatus.SUSPENDED if kind == "suspend" else m.LineStatus.NORMAL
        note = "已报停。当月套餐费照常收取，自下一计费周期起收取号码保留费。"
        return self._result(kind, self.status, note if kind == "suspend" else "已复机。")

    def _result(self, kind: str, status: m.LineStatus, note: str) -> m.TransactionResult:
        return m.TransactionResult(f"TX{len(self.applied) + 1:04d}", kind, status, self.now, note)

    def _mutate(
        self, key: str | None, apply: Callable[[], m.TransactionResult]
    ) -> m.TransactionResult:
        assert key, "every mutating call carries an idempotency key"
        if self.refuse_next is not None:
            error, self.refuse_next = self.refuse_next, None
            raise error
        result = self.applied.get(key)
        if result is None:
            result = apply()
            self.applied[key] = result
        if self.lose_next_answer:
            self.lose_next_answer = False
            raise be.BackendTimeout("read timeout")
        return result
