"""The committed OpenAPI document is the app's (regenerate: make openapi)."""

from __future__ import annotations

import json
from pathlib import Path

from backend.api.app import create_app
from backend.db.engine import make_engine

DOC = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_committed_openapi_matches_the_app() -> None:
    engine = make_engine("sqlite://")
    try:
        generated = create_app(engine, demo_mode=True).openapi()
    finally:
        engine.dispose()
    committed = json.loads(DOC.read_text("utf-8"))
    assert committed == json.loads(json.dumps(generated)), "run: make openapi"


def test_demo_endpoints_exist_only_in_demo_mode() -> None:
    engine = make_engine("sqlite://")
    try:
        normal = create_app(engine).openapi()["paths"]
        demo = create_app(engine, demo_mode=True).openapi()["paths"]
    finally:
        engine.dispose()
    demo_only = {p for p in demo if p.startswith("/v1/demo/")}
    assert demo_only == {"/v1/demo/sms-outbox", "/v1/demo/payments/{order_id}/paid"}
    assert not demo_only & set(normal)
