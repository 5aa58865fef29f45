"""The kiosk under test: the real shell, offscreen, performing a plan of transactions.

``python -m tests.faults.harness.driver --config kiosk.toml --plan plan.json`` starts the kiosk
exactly as ``kiosk run`` does (``ui.app.start_shell``: real services, the journal on disk, the
start-up settlement, the status reporter, the event-loop probe), waits until start-up is over
(and, in a life that only settles, until the settlement has settled what earlier lives left
behind the age guard of kiosk/reconcile.py), identifies the plan's customer with the
ID card and the SMS code, then performs each transaction through the real screen's
``Screen.transact`` (the journaled path every screen uses). It does not tap widgets: the
screens' own journeys are covered by tests/e2e; what this proves is the transaction path under
SIGKILL, network faults and a full disk.

The harness talks to it with JSON lines: events on stdout (``ready``, ``settled``,
``identified``, ``begin``, ``end``, ``bye``), and before each transaction the driver waits for a
``go`` line on stdin, so the harness can arm a fault (a database lock, a proxy fault, a full
disk) at the exact step and then kill the process at a random moment inside it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import re
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[3]
CARDS = {
    c["phone"]: c
    for c in json.loads((REPO / "assets/demo/cardholders.json").read_text("utf-8"))["cards"]
}
SETTLE_TIMEOUT_S = 60.0  # the age guard alone is ~17 s with the harness's timeouts
SESSION_END_MEASURED_MS = 500  # the home screen after the session end, before exiting
RETRIES = 2  # a customer pressing "try again" after a lost answer (same choice, same key)


def emit(event: str, **fields: Any) -> None:
    """One JSON line to the harness (flushed: the harness may kill us right after)."""
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


class GuiBridge(QObject):
    """Runs callables on the GUI thread (the driver thread may not touch widgets)."""

    call = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.call.connect(self._run)

    @Slot(object)
    def _run(self, fn: Callable[[], None]) -> None:
        fn()

    def run(self, fn: Callable[[], None]) -> None:
        self.call.emit(fn)


class Driver:
    """The driver thread: waits, prepares each transaction, hands it to a screen."""

    def __init__(self, shell: Any, plan: dict[str, Any], bridge: GuiBridge) -> None:
        self.shell = shell
        self.ctx = shell.ctx
        self.plan = plan
        self.bridge = bridge
        self.started_at = time.time()

    # -- start-up ---------------------------------------------------------------------------
    def wait_settled(self) -> None:
        """Until the start-up reconciliation has asked about every older entry (or gave up)."""
        import datetime as dt

        from kiosk.journal import Journal

        started = dt.datetime.fromtimestamp(self.started_at, dt.UTC)
        journal = Journal(self.ctx.config.journal_path)  # a reader beside the kiosk's own
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        try:
            while True:
                older = [e for e in journal.unresolved() if e.created_at < started]
                if not older or time.monotonic() > deadline:
                    emit("settled", unresolved=len(older))
                    return
                threading.Event().wait(0.05)
        finally:
            journal.close()

    def identify(self, phone: str) -> None:
        from kiosk.backend.factors import Factor
        from kiosk.session import Customer

        backend = self.ctx.backend
        card = CARDS[phone]
        backend.identify_id_card(
            id_number=card["id_number"],
            name=card["name"],
            card_type=card["card_type"],
            valid_from=card["valid_from"],
            valid_to=card["valid_to"],
            photo_sha256=card["photo_sha256"],
            phone=phone,
        )
        backend.send_sms_code(phone)
        session = backend.verify_sms_code(phone, self.sms_code(phone))
        customer = Customer(phone, session.name_masked, session.brand, {Factor.ID_CARD, Factor.SMS})
        done = threading.Event()

        def attach() -> None:
            self.ctx.sessions.identify(customer)
            done.set()

        self.bridge.run(attach)
        done.wait(10)
        emit("identified")

    @staticmethod
    def _with_retries(action: Callable[[], None]) -> None:
        """Identification is not a transaction: on a loaded machine a read may time out, and
        the customer simply tries again."""
        from kiosk.backend.errors import BackendTimeout, BackendUnavailable

        for attempt in range(3):
            try:
                action()
                return
            except (BackendTimeout, BackendUnavailable) as exc:
                if attempt == 2:
                    raise
                emit("identify_retry", error=exc.code)

    def sms_code(self, phone: str) -> str:
        for message in self.ctx.backend.demo_read_sms(phone):
            found = re.search(r"(?<!\d)(\d{6})(?!\d)", message.text)
            if found:
                return found.group(1)
        raise RuntimeError("no SMS code in the demo outbox")

    # -- transactions -----------------------------------------------------------------------
    def transact(
        self,
        index: int,
        kind: str,
        screen_id: str,
        choice: Any,
        call: Callable[[str], Any],
        txid: Callable[[Any], str],
        amount_fen: int | None = None,
    ) -> Any:
        """One customer choice on the real screen, retried (same key) after a lost answer."""
        from kiosk.backend.errors import BackendTimeout, BackendUnavailable

        emit("begin", index=index, kind=kind)
        if sys.stdin.readline().strip() != "go":
            raise SystemExit(3)
        outcome: dict[str, Any] = {}
        for attempt in range(1 + RETRIES):
            finished = threading.Event()
            outcome.clear()

            def submit(finished: threading.Event = finished) -> None:
                screen = self.shell.navigator.screen(screen_id)

                def done(result: Any) -> None:
                    outcome["result"] = result
                    finished.set()

                def failed(exc: Exception) -> None:
                    outcome["error"] = exc
                    outcome["shown"] = "" if screen.error.isHidden() else screen.error.text()
                    finished.set()

                screen.transact(
                    kind, choice, call, txid, done, amount_fen=amount_fen, on_error=failed
                )

            self.bridge.run(submit)
            finished.wait(120)
            error = outcome.get("error")
            if not isinstance(error, BackendTimeout | BackendUnavailable):
                break
            emit("retry", index=index, kind=kind, attempt=attempt + 1, error=error.code)
        error = outcome.get("error")
        emit(
            "end",
            index=index,
            kind=kind,
            outcome="done" if "result" in outcome else "error",
            error=getattr(error, "code", type(error).__name__) if error else None,
            shown=outcome.get("shown", ""),
        )
        return outcome.get("result")

    def run_step(self, index: int, kind: str, rng: Any) -> None:
        """Prepare and perform one transaction of ``kind`` for the identified customer; a read
        that times out while preparing is tried again, as a customer taps again."""
        from kiosk.backend.errors import BackendTimeout, BackendUnavailable

        for attempt in range(3):
            try:
                self._run_step(index, kind, rng)
                return
            except (BackendTimeout, BackendUnavailable) as exc:
                if attempt == 2:
                    raise
                emit("prepare_retry", index=index, kind=kind, error=exc.code)

    def _run_step(self, index: int, kind: str, rng: Any) -> None:
        b = self.ctx.backend
        t = self.transact
        if kind == "payment":
            fen = 100 * rng.randrange(1, 500) + index % 100
            t(
                index,
                "payment",
                "pay",
                fen,
                lambda k: b.create_payment(fen, idempotency_key=k),
                lambda o: o.order_id,
                fen,
            )
        elif kind == "dispute":
            month = b.overview().month
            page = b.records(month, with_fee_only=True, limit=100)
            candidates = [r for r in page.items if r.fee_fen > 0]
            record = rng.choice(candidates)
            reason = "收费有误"
            t(
                index,
                "dispute",
                "dispute",
                (record.record_id, reason),
                lambda k: b.open_dispute(record.record_id, reason, idempotency_key=k),
                lambda d: d.number,
                record.fee_fen,
            )
        elif kind == "reminder":
            fen = rng.choice([500, 1000, 2000, 3000, 5000])
            t(
                index,
                "reminder",
                "overview",
                fen,
                lambda k: b.set_reminder_threshold(fen, idempotency_key=k),
                lambda _s: "",
                fen,
            )
        elif kind == "plan_change":
            current = b.overview()
            plans = [p for p in b.plans() if p.brand == current.brand]
            plan = rng.choice(plans)
            version = b.agreement("plan_change").version
            t(
                index,
                "plan_change",
                "plan_compare",
                (plan.code, version),
                lambda k: b.change_plan(plan.code, version, idempotency_key=k),
                lambda c: c.transaction_id,
            )
        elif kind == "service_order":
            services = b.services()
            held = {s.service.code for s in services.subscriptions}
            service = rng.choice([s for s in services.catalogue if s.code not in held])
            version = b.agreement("service_order").version
            quote = t(
                index,
                "service_quote",
                "services",
                ("quote", service.code, version),
                lambda k: b.order_service(service.code, version, idempotency_key=k),
                lambda q: q.quote_id,
            )
            if quote is not None:
                code = self.sms_code(self.plan["phone"])
                t(
                    index,
                    "service_order",
                    "services",
                    (quote.quote_id, code),
                    lambda k: b.confirm_order(quote.quote_id, code, idempotency_key=k),
                    lambda c: c.transaction_id,
                    quote.price_fen,
                )
        elif kind == "service_cancel":
            subs = [s for s in b.services().subscriptions if s.ends_on is None]
            if not subs:
                emit("skip", index=index, kind=kind)
                return
            code = rng.choice(subs).service.code
            t(
                index,
                "service_cancel",
                "services",
                ("cancel", code),
                lambda k: b.cancel_service(code, idempotency_key=k),
                lambda c: c.transaction_id,
            )
        elif kind == "password_reset":
            password = rng.choice(["730561", "482907", "915364", "604829"])
            t(
                index,
                "password_reset",
                "line_password",
                (index, password),
                lambda k: b.reset_password(password, idempotency_key=k),
                lambda r: r.transaction_id,
            )
        elif kind == "suspend_resume":
            status = b.overview().status.value
            action = "resume" if status != "normal" else "suspend"
            method = b.resume if action == "resume" else b.suspend
            t(
                index,
                action,
                "line_status",
                action,
                lambda k: method(idempotency_key=k),
                lambda r: r.transaction_id,
            )
        elif kind == "invoice":
            months = [bill.month for bill in b.bills()][1:]  # closed months
            month = rng.choice(months)
            t(
                index,
                "invoice",
                "invoice",
                month,
                lambda k: b.issue_invoice(month, idempotency_key=k),
                lambda i: i.invoice_number,
            )
        elif kind == "spam":
            number = f"1700000{rng.randrange(1000, 9999)}"
            content = "中奖通知，请点击链接"
            t(
                index,
                "spam_report",
                "spam",
                (number, content),
                lambda k: b.report_spam(number, content, idempotency_key=k),
                lambda r: r.report_id,
            )
        else:
            raise ValueError(f"unknown kind {kind}")

    def run(self) -> None:
        import random

        try:
            # Every step runs after start-up (all screens built), where the probe measures.
            while not self.shell.started_up:
                threading.Event().wait(0.05)
            if self.plan.get("settle"):
                self.wait_settled()  # a life that only settles (the harness waits for it)
            steps = self.plan.get("steps", [])
            if steps:
                self._with_retries(lambda: self.identify(self.plan["phone"]))
            rng = random.Random(self.plan.get("seed", 0))
            for index, kind in enumerate(steps):
                if index == self.plan.get("disk_full_before"):
                    fill_disk(Path(self.ctx.config.journal_path), self.plan["disk_full_mode"])
                    emit("disk_full")
                self.run_step(index, kind, rng)
            if self.plan.get("report_status"):
                self.report_status()
            probe = self.shell.loop_probe
            emit("bye", stalls=dataclasses.asdict(probe.stalls()) if probe else None)
        except BaseException as exc:  # reported to the harness as a crash of the kiosk
            emit("crash", error=f"{type(exc).__name__}: {exc}")
            log.exception("driver failed")
        finally:
            self.bridge.run(self.quit)

    def report_status(self) -> None:
        """Send the health report now instead of within the minute; emit its problem codes."""
        reporter = self.shell.status_reporter
        before = reporter.sent
        self.bridge.run(reporter.report_now)
        deadline = time.monotonic() + 20
        while reporter.sent is before and time.monotonic() < deadline:
            threading.Event().wait(0.05)
        sent = reporter.sent
        emit("reported", problems=list(sent.problems) if sent is not None else None)

    def quit(self) -> None:
        """End the session (measured: a customer sees it), then exit (not measured: the
        probe stops first, so shutting the process down is not counted as a stall)."""
        from PySide6.QtCore import QTimer

        from kiosk.session import EndReason

        self.shell.end_session(EndReason.CUSTOMER)

        def exit_now() -> None:
            if self.shell.loop_probe is not None:
                self.shell.loop_probe.stop()
            self.shell.lockdown.allow_exit()
            self.shell.app.quit()

        QTimer.singleShot(SESSION_END_MEASURED_MS, exit_now)


def _log_slow_collections() -> None:
    """Diagnosis: log garbage collections longer than 10 ms (with the generation)."""
    import gc

    started: list[float] = []

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[:] = [time.perf_counter()]
        elif started:
            took = (time.perf_counter() - started[0]) * 1000
            if took > 10:
                log.info(
                    "gc gen %d took %.0f ms on %s (%d collected)",
                    info["generation"],
                    took,
                    threading.current_thread().name,
                    info["collected"],
                )

    gc.callbacks.append(callback)


def fill_disk(journal: Path, mode: str) -> None:
    """Make the journal's disk full, for real.

    ``tmpfs``: the journal lives on a small tmpfs (the harness mounted it in a private mount
    namespace); fill it with a file until the kernel answers ENOSPC. ``rlimit``: where no
    mount is allowed, give this process a file-size limit of 0 (RLIMIT_FSIZE), so each write
    to a file fails in the kernel with EFBIG (SIGXFSZ is ignored).
    """
    import errno
    import resource

    if mode == "tmpfs":
        fd = os.open(journal.parent / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
        finally:
            os.close(fd)
        return
    # The kernel checks every write's end offset against the limit, so a limit of 0 fails
    # each write to a file (appends and rewrites alike, as no free block does); pipes and the
    # memory-mapped WAL index are not files written with write(2), so logs and reads go on.
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--plan", type=Path, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.config import load_config
    from kiosk.logsetup import configure_logging
    from ui.app import show, start_shell, stop_shell

    configure_logging()
    if os.environ.get("KIOSK_DEBUG_GC"):
        _log_slow_collections()
    config = load_config(args.config)
    plan = json.loads(args.plan.read_text("utf-8"))
    if plan.get("disk_full_mode") == "rlimit":
        import signal

        # A write past RLIMIT_FSIZE then fails with EFBIG instead of killing the process.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    shell = start_shell(config)
    show(shell, fullscreen=False)
    bridge = GuiBridge()
    emit("ready", pid=os.getpid())
    driver = Driver(shell, plan, bridge)
    thread = threading.Thread(target=driver.run, name="driver", daemon=True)
    thread.start()
    code = shell.app.exec()
    thread.join(timeout=10)
    stop_shell(shell)
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
