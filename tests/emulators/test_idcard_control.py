"""The generic JSON-lines control channel shared by the emulators."""

from __future__ import annotations

import socket
from typing import Any

from emulators.control import ControlError, ControlServer, handle_message, send_control


def _handlers() -> dict[str, Any]:
    state: dict[str, Any] = {"card": None}

    def place(msg: dict[str, Any]) -> dict[str, Any]:
        if msg.get("card") not in ("0", "1"):
            raise ControlError(f"no card {msg.get('card')!r}")
        state["card"] = msg["card"]
        return {"card": state["card"]}

    def show(_msg: dict[str, Any]) -> dict[str, Any]:
        return {"card": state["card"]}

    return {"place": place, "show": show}


def test_handle_message_answers_ok_error_and_unknown() -> None:
    handlers = _handlers()
    assert handle_message(handlers, b'{"cmd":"place","card":"1"}') == {"ok": True, "card": "1"}
    assert handle_message(handlers, b'{"cmd":"show"}') == {"ok": True, "card": "1"}
    bad = handle_message(handlers, b'{"cmd":"place","card":"9"}')
    assert bad == {"ok": False, "error": "no card '9'"}
    unknown = handle_message(handlers, b'{"cmd":"dance"}')
    assert unknown["ok"] is False and "place" in unknown["error"]
    assert handle_message(handlers, b"not json")["ok"] is False
    assert handle_message(handlers, b"[1,2]")["ok"] is False
    assert handle_message(handlers, b"\xff\xfe")["ok"] is False


def test_server_round_trip_over_tcp() -> None:
    with ControlServer(_handlers()) as server:
        host, port = server.address
        assert host == "127.0.0.1" and port > 0
        assert send_control(host, port, {"cmd": "place", "card": "0"}) == {"ok": True, "card": "0"}
        assert send_control(host, port, {"cmd": "show"}) == {"ok": True, "card": "0"}
        # Several requests on one connection, answered one line each, in order.
        with socket.create_connection((host, port), timeout=2) as sock:
            sock.sendall(b'{"cmd":"show"}\n\n{"cmd":"nope"}\n')
            buf = b""
            while buf.count(b"\n") < 2:
                chunk = sock.recv(4096)
                assert chunk
                buf += chunk
        first, second = buf.splitlines()
        assert first == b'{"ok": true, "card": "0"}'
        assert b'"ok": false' in second
