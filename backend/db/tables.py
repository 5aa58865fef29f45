"""The backend's schema as SQLAlchemy Core tables (migrations: backend/migrations).

Money columns are integer fen (``*_fen``); instants are timezone-aware in Python and stored as
UTC; business dates are ``Date``; billing months are ``"YYYY-MM"`` strings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in Python, naive UTC in the database (SQLite has no time zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            raise ValueError("UtcDateTime needs an aware datetime")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

terminals = Table(
    "terminals",
    metadata,
    Column("terminal_id", String(40), primary_key=True),
    Column("token_hash", String(64), nullable=False),
    Column("name", String(100), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    # The business hall it stands in: the staff fleet page shows one hall at a time.
    Column("hall", String(40), nullable=False, default="", server_default=""),
)

# The newest health report of each terminal (PUT /v1/terminal/status, once a minute).
terminal_status = Table(
    "terminal_status",
    metadata,
    Column("terminal_id", ForeignKey("terminals.terminal_id"), primary_key=True),
    Column("received_at", UtcDateTime(), nullable=False),
    Column("app_version", String(40), nullable=False),
    Column("reader", String(12), nullable=False),  # ok / fault / absent
    Column("printer", String(12), nullable=False),
    Column("problems", String(300), nullable=False),  # space-separated codes
    Column("journal_unresolved", Integer, nullable=False),
    Column("in_session", Boolean, nullable=False),
    Column("uptime_s", Integer, nullable=False),
    # Restarts by systemd since boot (watchdog, crashes): a climbing count needs development.
    Column("restarts", Integer, nullable=False, default=0, server_default="0"),
    # The banknote acceptor (ok / fault / absent; NULL: a terminal older than cash) and its
    # box's fill as the terminal counts it; the fleet page shows it against the capacity.
    Column("cash", String(12), nullable=True),
    Column("cash_box_notes", Integer, nullable=True),
    Column("cash_box_capacity", Integer, nullable=True),
)

# Every problem code a terminal started or stopped reporting (from its status reports), so
# the fleet page can show what went wrong overnight, not only what is wrong now.
terminal_problem_events = Table(
    "terminal_problem_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("terminal_id", ForeignKey("terminals.terminal_id"), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("code", String(40), nullable=False),
    Column("change", String(8), nullable=False),  # raised / cleared
    Index("ix_terminal_problem_events_terminal_at", "terminal_id", "at"),
)

# Hall staff and IT who may open the fleet page (not terminals, not customers).
staff = Table(
    "staff",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(40), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),  # scrypt, see backend/ops/staff.py
    Column("hall", String(40), nullable=False),  # "" = every hall (IT)
    Column("active", Boolean, nullable=False),
)

staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("staff_id", ForeignKey("staff.id"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
)

# Failed staff logins, counted per user name and per client address to throttle guessing;
# kept in the database so that every worker process sees the same count.
staff_login_failures = Table(
    "staff_login_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(40), nullable=False),
    Column("client", String(64), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Index("ix_staff_login_failures_at", "at"),
)

customers = Table(
    "customers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("id_number", String(32), nullable=False, unique=True),
    Column("card_type", String(20), nullable=False),
    Column("address", String(200), nullable=False),
    # The card registered at 入网 (real-name registration): its validity as printed
    # ("YYYYMMDD" or "长期") and the SHA-256 of its photo block (the WLT bytes only a genuine
    # card returns through the reader's SAM). NULL for records made before 0005: such a
    # customer cannot identify by card until re-registered at the counter.
    Column("card_valid_from", String(8), nullable=True),
    Column("card_valid_to", String(8), nullable=True),
    Column("photo_sha256", String(64), nullable=True),
)

plans = Table(
    "plans",
    metadata,
    Column("code", String(20), primary_key=True),
    Column("name", String(60), nullable=False),
    Column("brand", String(10), nullable=False),
    Column("monthly_fee_fen", Integer, nullable=False),
    Column("included_minutes", Integer, nullable=False),
    Column("included_sms", Integer, nullable=False),
    Column("included_data_mb", Integer, nullable=False),
    Column("overage_minute_fen", Integer, nullable=False),
    Column("overage_sms_fen", Integer, nullable=False),
    Column("overage_data_fen_per_mb", Integer, nullable=False),
    Column("description", String(200), nullable=False),
)

lines = Table(
    "lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(11), nullable=False, unique=True),
    Column("customer_id", ForeignKey("customers.id"), nullable=False),
    Column("brand", String(10), nullable=False),
    Column("status", String(12), nullable=False),
    Column("plan_code", ForeignKey("plans.code"), nullable=False),
    Column("next_plan_code", ForeignKey("plans.code"), nullable=True),
    Column("is_prepaid", Boolean, nullable=False),
    Column("balance_fen", Integer, nullable=False),
    Column("credit_fen", Integer, nullable=False),
    Column("reminder_threshold_fen", Integer, nullable=True),
    Column("password_salt", String(32), nullable=False),
    Column("password_hash", String(100), nullable=False),  # "<rounds>$<hex>"
    Column("opened_on", Date, nullable=False),
)

services = Table(
    "services",
    metadata,
    Column("code", String(20), primary_key=True),
    Column("name", String(60), nullable=False),
    Column("kind", String(4), nullable=False),  # vas | sp
    Column("sp_name", String(100), nullable=False),
    Column("sp_code", String(20), nullable=False),
    Column("service_number", String(20), nullable=False),
    Column("monthly_fee_fen", Integer, nullable=False),
    Column("description", String(200), nullable=False),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("line_id", ForeignKey("lines.id"), nullable=False, index=True),
    Column("service_code", ForeignKey("services.code"), nullable=False),
    Column("started_on", Date, nullable=False),
    Column("ends_on", Date, nullable=True),
)

bills = Table(
    "bills",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("line_id", ForeignKey("lines.id"), nullable=False),
    Column("month", String(7), nullable=False),
    Column("plan_code", ForeignKey("plans.code"), nullable=False),
    Column("total_fen", Integer, nullable=False),
    Column("opening_balance_fen", Integer, nullable=False),
    Column("topup_fen", Integer, nullable=False),
    Column("closing_balance_fen", Integer, nullable=False),
    # Use against the plan's allowances, frozen when the month closed.
    Column("used_minutes", Integer, nullable=False),
    Column("used_sms", Integer, nullable=False),
    Column("used_data_mb", Integer, nullable=False),
    UniqueConstraint("line_id", "month", name="uq_bills_line_month"),
)

bill_items = Table(
    "bill_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("bill_id", ForeignKey("bills.id"), nullable=False, index=True),
    Column("category", String(20), nullable=False),
    Column("sub_item", String(60), nullable=False),
    Column("amount_fen", Integer, nullable=False),
)

records = Table(
    "records",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("line_id", ForeignKey("lines.id"), nullable=False),
    Column("month", String(7), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("fee_fen", Integer, nullable=False),
    Column("category", String(20), nullable=False),
    Column("sub_item", String(60), nullable=False),
    Column("place", String(20)),
    Column("direction", String(4)),
    Column("other_party", String(20)),
    Column("duration_s", Integer),
    Column("comm_type", String(10)),
    Column("plan_discount", String(60)),
    Column("msg_type", String(4)),
    Column("access", String(10)),
    Column("volume_kb", Integer),
    Column("service_name", String(60)),
    Column("service_number", String(20)),
    Column("sp_name", String(100)),
    Column("sp_code", String(20)),
    Column("fee_type", String(4)),
    Column("period", String(20)),
    # Keyset pagination walks (line, month, started_at, id), optionally per kind.
    Index("ix_records_page", "line_id", "month", "started_at", "id"),
    Index("ix_records_kind_page", "line_id", "month", "kind", "started_at", "id"),
)

payments = Table(
    "payments",
    metadata,
    Column("order_id", String(32), primary_key=True),
    Column("line_id", ForeignKey("lines.id"), nullable=False, index=True),
    Column("terminal_id", String(40), nullable=False),
    Column("amount_fen", Integer, nullable=False),
    Column("status", String(10), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("paid_at", UtcDateTime()),
    Column("balance_after_fen", Integer),
)

invoices = Table(
    "invoices",
    metadata,
    Column("invoice_number", String(20), primary_key=True),
    Column("line_id", ForeignKey("lines.id"), nullable=False),
    Column("month", String(7), nullable=False),
    Column("amount_fen", Integer, nullable=False),
    Column("issued_at", UtcDateTime(), nullable=False),
    UniqueConstraint("line_id", "month", name="uq_invoices_line_month"),
)

disputes = Table(
    "disputes",
    metadata,
    Column("number", String(20), primary_key=True),
    Column("line_id", ForeignKey("lines.id"), nullable=False),
    Column("record_id", ForeignKey("records.id"), nullable=False, unique=True),
    Column("amount_fen", Integer, nullable=False),
    Column("reason", String(200), nullable=False),
    Column("status", String(16), nullable=False),
    Column("refund_fen", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

transactions = Table(
    "transactions",
    metadata,
    Column("transaction_id", String(32), primary_key=True),
    Column("line_id", ForeignKey("lines.id"), nullable=False, index=True),
    Column("terminal_id", String(40), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("amount_fen", Integer, nullable=False, default=0),
    Column("detail", String(200), nullable=False, default=""),
    Column("created_at", UtcDateTime(), nullable=False),
)

auth_attempts = Table(
    "auth_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(11), nullable=False),
    Column("factor", String(10), nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("terminal_id", String(40), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Index("ix_auth_attempts_number_at", "number", "at"),
)

locks = Table(
    "locks",
    metadata,
    Column("number", String(11), primary_key=True),
    Column("until", UtcDateTime(), nullable=False),
)

sms_codes = Table(
    "sms_codes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(11), nullable=False, index=True),
    Column("purpose", String(16), nullable=False),
    Column("code_hash", String(64), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("used", Boolean, nullable=False, default=False),
)

sms_outbox = Table(
    "sms_outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(11), nullable=False, index=True),
    Column("purpose", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("sent_at", UtcDateTime(), nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("line_id", ForeignKey("lines.id"), nullable=False),
    Column("terminal_id", String(40), nullable=False),
    Column("factors", String(40), nullable=False),  # comma-separated Factor values
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("ended", Boolean, nullable=False, default=False),
)

order_quotes = Table(
    "order_quotes",
    metadata,
    Column("quote_id", String(32), primary_key=True),
    Column("line_id", ForeignKey("lines.id"), nullable=False),
    Column("service_code", ForeignKey("services.code"), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("confirmed", Boolean, nullable=False, default=False),
)

spam_reports = Table(
    "spam_reports",
    metadata,
    Column("report_id", String(32), primary_key=True),
    Column("line_id", ForeignKey("lines.id"), nullable=False),
    Column("reported_number", String(30), nullable=False),
    Column("content", Text, nullable=False),
    Column("received_at", UtcDateTime(), nullable=False),
)

consents = Table(
    "consents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("line_id", ForeignKey("lines.id"), nullable=False, index=True),
    Column("topic", String(20), nullable=False),
    Column("version", String(20), nullable=False),
    Column("terminal_id", String(40), nullable=False),
    Column("reference", String(32), nullable=False),  # transaction id or order quote id
    Column("at", UtcDateTime(), nullable=False),
)

idempotency = Table(
    "idempotency",
    metadata,
    Column("terminal_id", String(40), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    # "applied" (the mutation committed with this row) or "abandoned" (settlement fenced the
    # key first: a request arriving later with it is refused). See backend/ops/idem.py.
    Column("outcome", String(10), nullable=False, server_default="applied"),
)

# Fixed-window counters for throttling (backend/ops/guard.py): in the database so that every
# server process shares them.
throttle = Table(
    "throttle",
    metadata,
    Column("bucket", String(80), primary_key=True),
    Column("window_start", UtcDateTime(), nullable=False),
    Column("count", Integer, nullable=False),
)

# Secrets generated per deployment (migration 0005), e.g. the idempotency fingerprint key.
deployment_secrets = Table(
    "deployment_secrets",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", String(128), nullable=False),
)

# Cash top-up (现金缴费): an order opened before the acceptor opens, each stacked note reported
# with its sequence number, closed once (crediting the sum). A note belongs to the terminal's
# cash box until a clearance (清机) takes it out: ``clearance_id`` NULL = still in the box.
cash_orders = Table(
    "cash_orders",
    metadata,
    Column("order_id", String(32), primary_key=True),
    Column("line_id", ForeignKey("lines.id"), nullable=False, index=True),
    Column("terminal_id", String(40), nullable=False, index=True),
    Column("status", String(10), nullable=False),  # open / closed
    Column("created_at", UtcDateTime(), nullable=False),
    Column("closed_at", UtcDateTime()),
    Column("credited_fen", Integer),
    Column("balance_after_fen", Integer),
    Column("transaction_id", String(32)),
)

cash_notes = Table(
    "cash_notes",
    metadata,
    Column("order_id", ForeignKey("cash_orders.order_id"), primary_key=True),
    Column("sequence", Integer, primary_key=True),
    Column("terminal_id", String(40), nullable=False),
    Column("value_fen", Integer, nullable=False),
    Column("event_counter", Integer, nullable=False),
    Column("reported_at", UtcDateTime(), nullable=False),
    Column("clearance_id", String(32), nullable=True),
    Index("ix_cash_notes_box", "terminal_id", "clearance_id"),
)

cash_clearances = Table(
    "cash_clearances",
    metadata,
    Column("clearance_id", String(32), primary_key=True),
    Column("terminal_id", String(40), nullable=False, index=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("previous_at", UtcDateTime()),
    Column("expected_count", Integer, nullable=False),
    Column("expected_fen", Integer, nullable=False),
    Column("counted_count", Integer, nullable=False),
    Column("counted_fen", Integer, nullable=False),
    Column("difference_fen", Integer, nullable=False),  # counted - expected
    Column("flagged", Boolean, nullable=False),
    Column("orders", Integer, nullable=False),
    Column("detail", Text, nullable=False),  # JSON: expected and counted counts per value
)
