"""Compare the kiosk's journal with the backend's rows after the faults.

The backend writes its idempotency row in the same database transaction as the mutation, so a
row with outcome ``applied`` and a stored answer is the truth of "applied" (``abandoned`` rows
are keys the settlement fenced: nothing was applied under them). For every journal entry the
kiosk's final verdict must match it; every effect row (payments, disputes, ...) must be
accounted for by exactly one applied key; and no applied key may be missing from the journal.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tests.faults.harness.runs import FULL
from tests.fixtures.live_backend import LiveBackend

# The rows each applied mutation adds.
EFFECTS: dict[str, dict[str, int]] = {
    "payment": {"payments": 1},
    "dispute": {"disputes": 1, "transactions": 1},
    "reminder": {"transactions": 1},
    "plan_change": {"transactions": 1},
    "service_quote": {"order_quotes": 1},
    "service_order": {"transactions": 1, "subscriptions": 1},
    "service_cancel": {"transactions": 1},
    "password_reset": {"transactions": 1},
    "suspend": {"transactions": 1},
    "resume": {"transactions": 1},
    "invoice": {"invoices": 1, "transactions": 1},
    "spam_report": {"spam_reports": 1},
}
TABLES = sorted({table for rows in EFFECTS.values() for table in rows})


def effect_rows(backend: LiveBackend) -> dict[str, int]:
    """Row counts of every table a mutation adds to."""
    return {table: int(backend.query(f"SELECT COUNT(*) FROM {table}")[0][0]) for table in TABLES}


@dataclass(frozen=True)
class Baseline:
    """The backend before a suite: its effect rows and the keys already applied."""

    rows: dict[str, int]
    keys: frozenset[str]


def baseline(backend: LiveBackend, terminal_id: str = "KIOSK-DEMO-01") -> Baseline:
    """Take one before the faults: a suite answers only for what it added."""
    return Baseline(effect_rows(backend), frozenset(_applied_keys(backend, terminal_id)))


@dataclass
class Ledger:
    """The figures of one suite (what reports/faults.json holds per section)."""

    runs: int = 0
    intents: int = 0
    applied: int = 0
    not_applied: int = 0
    lost: int = 0
    applied_twice: int = 0
    unresolved_after_settlement: int = 0
    kiosk_crashes: int = 0
    max_stall_ms: float = 0.0  # the event loop's self stall (ui/loop_probe.py), asserted
    max_wall_stall_ms: float = 0.0  # wall clock, including time the OS kept the GUI off a CPU
    max_cpu_stall_ms: float = 0.0  # the GUI thread's own CPU time inside the worst gap
    startup_max_stall_ms: float = 0.0  # wall clock, first paint to every screen built
    kinds: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["problems"] = self.problems[:20]
        return data


def _applied_keys(backend: LiveBackend, terminal_id: str) -> dict[str, int]:
    """Keys whose mutation committed (a stored 2xx answer), with the stored status."""
    rows = backend.query(
        "SELECT key, status_code, body, outcome FROM idempotency WHERE terminal_id = ?",
        terminal_id,
    )
    return {r[0]: int(r[1]) for r in rows if r[3] == "applied" and r[2] and 200 <= int(r[1]) < 300}


def _journal(path: Path) -> list[tuple[str, str, str, str | None]]:
    with sqlite3.connect(path, timeout=30) as db:
        return list(
            db.execute("SELECT idempotency_key, kind, status, error_code FROM journal ORDER BY id")
        )


def compare(
    backend: LiveBackend,
    journals: list[Path],
    before: Baseline,
    *,
    terminal_id: str = "KIOSK-DEMO-01",
) -> Ledger:
    """Every journal entry against the backend: lost, applied twice, unresolved."""
    ledger = Ledger()
    applied = _applied_keys(backend, terminal_id)
    entries = [entry for path in journals for entry in _journal(path)]
    seen: set[str] = set()
    expected: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for key, kind, status, error in entries:
        seen.add(key)
        kinds[kind] += 1
        ledger.intents += 1
        at_backend = key in applied
        if status in ("pending", "unknown"):
            ledger.unresolved_after_settlement += 1
            ledger.problems.append(f"{kind} {key[:8]}: still {status}")
        elif status == "done" and not at_backend:
            ledger.lost += 1
            ledger.problems.append(f"{kind} {key[:8]}: journal done, backend has nothing")
        elif status == "failed" and at_backend:
            ledger.lost += 1
            ledger.problems.append(f"{kind} {key[:8]}: journal failed/{error}, backend applied it")
        if at_backend:
            ledger.applied += 1
            for table, count in EFFECTS.get(kind, {}).items():
                expected[table] += count
        else:
            ledger.not_applied += 1
    for key in applied:
        if key not in seen and key not in before.keys:
            ledger.lost += 1
            ledger.problems.append(f"key {key[:8]} applied at the backend, not in the journal")
    after = effect_rows(backend)
    for table in TABLES:
        extra = after[table] - before.rows[table] - expected[table]
        if extra > 0:
            ledger.applied_twice += extra
            ledger.problems.append(f"{table}: {extra} row(s) more than applied keys")
        elif extra < 0:
            ledger.problems.append(f"{table}: {-extra} row(s) fewer than applied keys")
    ledger.kinds = dict(sorted(kinds.items()))
    return ledger


# The full runs (``make faults``) write the committed report; CI's reduced runs write beside
# the temporary files, so a test run never changes the working tree.
REPORT = (
    Path(__file__).resolve().parents[3] / "reports" / "faults.json"
    if FULL
    else Path(tempfile.gettempdir()) / "kiosk-faults-reduced.json"
)


def write_section(name: str, data: dict[str, Any], path: Path = REPORT) -> None:
    """Merge one suite's figures into reports/faults.json (each test module owns a section)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        report = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        report = {}
    report.setdefault("sections", {})[name] = data
    sections = report["sections"]
    totals: dict[str, Any] = {}
    for key in (
        "runs",
        "intents",
        "lost",
        "applied_twice",
        "unresolved_after_settlement",
        "kiosk_crashes",
    ):
        totals[key] = sum(int(s.get(key, 0)) for s in sections.values())
    for key in ("max_stall_ms", "max_wall_stall_ms", "max_cpu_stall_ms", "startup_max_stall_ms"):
        totals[key] = max(float(s.get(key, 0.0)) for s in sections.values())
    report["totals"] = totals
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
