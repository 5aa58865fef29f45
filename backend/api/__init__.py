"""HTTP API (FastAPI): routes per function area, problem+json errors, idempotency."""
