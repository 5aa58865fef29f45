"""The backend's layers (issue 12 item 10): domain refusals and plain values in ops, their
HTTP face in one table in api, no SQL in the route modules."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from backend.api import problems
from backend.api.schemas import OverviewOut, RecordOut
from backend.ops import bills, errors, lines
from backend.ops.money import line_money
from kiosk.backend import errors as kiosk_errors

API = Path(problems.__file__).parent
# Codes a terminal never needs words for: the abstract base (never raised), a body the
# kiosk never sends that large, and 500 (the kiosk treats any 5xx as unavailable).
KIOSK_GENERIC = {"bad_request", "payload_too_large", "internal"}


def test_every_problem_code_is_defined_once_and_has_its_http_status() -> None:
    codes = [cls.code for cls in errors.all_errors()]
    assert len(codes) == len(set(codes)) == 16
    assert set(codes) == set(problems.STATUS)


def test_the_kiosk_knows_every_code_the_backend_answers_with() -> None:
    codes = {cls.code for cls in errors.all_errors()}
    assert codes - set(kiosk_errors.PROBLEM_TYPES) == KIOSK_GENERIC


@pytest.mark.parametrize(
    ("refusal", "status", "header"),
    [
        (errors.RateLimited("请30秒后再试", retry_after_s=30), 429, {"Retry-After": "30"}),
        (errors.CashNotesMissing("请先补报", reported_count=2), 409, {}),
        (errors.Locked("已锁定", until=dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)), 423, {}),
    ],
)
def test_a_refusal_becomes_its_problem_document(
    refusal: errors.DomainError, status: int, header: dict[str, str]
) -> None:
    answer = problems.response(refusal)
    assert answer.status_code == status
    assert answer.headers["content-type"] == problems.PROBLEM_JSON
    assert all(answer.headers[k] == v for k, v in header.items())
    doc = problems.body(refusal)
    assert (doc["code"], doc["status"], doc["detail"]) == (refusal.code, status, refusal.detail)
    assert doc["type"].endswith(f"/problems/{refusal.code}")
    if isinstance(refusal, errors.Locked):
        assert doc["until"] == "2026-01-02T03:04:00+00:00"


def _imports(path: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.setdefault(node.module, set()).update(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                found.setdefault(alias.name, set())
    return found


@pytest.mark.parametrize("module", sorted(p.name for p in API.glob("*.py")), ids=str)
def test_no_sql_in_the_api_package(module: str) -> None:
    imports = _imports(API / module)
    assert not any(m == "backend.db" or m.startswith("backend.db.") for m in imports), module
    # Connection and Engine only name the transaction a route opens for ops to work in.
    assert imports.get("sqlalchemy", set()) <= {"Connection", "Engine"}, module
    assert not any(m.startswith("sqlalchemy.") for m in imports), module


def test_ops_values_are_plain_dataclasses_the_schemas_validate() -> None:
    plan = lines.Plan("P1", "畅享", "全球通", 5800, 300, 100, 10240, 19, 10, 3, "")
    usage = lines.usage_lines(plan, 12, 3, 400)
    overview = lines.Overview(
        "2026-11", "138****0000", "张*", "全球通", "normal", False, 0, 0,
        line_money(is_prepaid=False, balance_fen=0, credit_fen=0), 0, None, None,
        plan, None, usage,
    )
    assert dataclasses.is_dataclass(overview)
    out = OverviewOut.model_validate(overview, from_attributes=True)
    assert out.plan.code == "P1" and [u.used for u in out.usage] == [12, 3, 400]


def test_record_columns_on_the_wire_are_the_schemas_fields() -> None:
    assert tuple(RecordOut.model_fields) == bills.RECORD_FIELDS
