"""One shape for the technician's device commands (duplicate D8): --port/--baud/--json, one
JSON object or a table, and a failure as one line with a non-zero exit, for all three."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import build_parser


@pytest.mark.parametrize(
    ("argv", "baud", "cause"),
    [
        (["idcard", "read"], 115200, "reader not connected"),
        (["cash", "status"], 9600, "acceptor not connected"),
        (["printer", "status"], None, "port problem"),
    ],
)
def test_a_missing_port_is_one_line_and_one_json_object(
    argv: list[str],
    baud: int | None,
    cause: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    port = str(tmp_path / "ttyNONE")
    args = build_parser().parse_args([*argv, "--port", port, "--json"])
    assert args.baud == baud
    assert args.func(args) == 1
    out, err = capsys.readouterr()
    assert err.startswith(f"error: {cause}") and err.count("\n") == 1
    assert "cannot open" in err and port in err
    assert json.loads(out) == {"ok": False, "error": err.removeprefix("error: ").rstrip("\n")}
    plain = build_parser().parse_args([*argv, "--port", port])
    assert plain.func(plain) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"error: {cause}")
