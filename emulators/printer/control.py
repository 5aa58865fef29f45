"""Control-channel commands of the printer emulator (JSON lines, see emulators.control).

``{"cmd": "paper", "state": "ok|near_end|out"}``, ``{"cmd": "cover", "open": true}``,
``{"cmd": "offline", "offline": true}``, ``{"cmd": "cutter", "error": true}``,
``{"cmd": "answering", "mode": "normal|silent|garbled"}``, ``{"cmd": "state"}``,
``{"cmd": "reset"}``, ``{"cmd": "list_receipts"}``,
``{"cmd": "wait_receipts", "count": N, "timeout": S}`` (blocks until N receipts are saved),
``{"cmd": "unplug"}`` / ``{"cmd": "replug"}`` (the pty goes away / comes back at the same path).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulators.control import ControlError, Handler
from emulators.printer.state import Answering, Paper

if TYPE_CHECKING:
    from emulators.printer.emulator import PrinterEmulator


def _flag(message: dict[str, Any], *names: str) -> bool:
    for name in names:
        if name in message:
            value = message[name]
            if not isinstance(value, bool):
                raise ControlError(f"{name!r} must be true or false")
            return value
    raise ControlError(f"missing {' or '.join(repr(n) for n in names)}")


def control_handlers(emulator: PrinterEmulator) -> dict[str, Handler]:
    """Handlers bound to ``emulator``."""

    def state(_: dict[str, Any]) -> dict[str, Any]:
        return {"state": emulator.state.condition.as_dict()}

    def paper(message: dict[str, Any]) -> dict[str, Any]:
        try:
            emulator.set_paper(Paper(message.get("state")))
        except ValueError as exc:
            raise ControlError("paper state is one of ok, near_end, out") from exc
        return state(message)

    def cover(message: dict[str, Any]) -> dict[str, Any]:
        emulator.set_cover_open(_flag(message, "open"))
        return state(message)

    def offline(message: dict[str, Any]) -> dict[str, Any]:
        emulator.set_offline(_flag(message, "offline", "on"))
        return state(message)

    def cutter(message: dict[str, Any]) -> dict[str, Any]:
        emulator.state.update(cutter_error=_flag(message, "error"))
        emulator.set_offline(emulator.state.condition.offline)  # wakes the mechanism
        return state(message)

    def answering(message: dict[str, Any]) -> dict[str, Any]:
        try:
            emulator.set_answering(Answering(message.get("mode")))
        except ValueError as exc:
            raise ControlError("answering mode is one of normal, silent, garbled") from exc
        return state(message)

    def reset(message: dict[str, Any]) -> dict[str, Any]:
        emulator.state.reset()
        emulator.set_offline(False)
        return state(message)

    def list_receipts(_: dict[str, Any]) -> dict[str, Any]:
        return {"receipts": [r.as_dict() for r in emulator.receipts()]}

    def wait_receipts(message: dict[str, Any]) -> dict[str, Any]:
        count, timeout = message.get("count"), message.get("timeout", 10.0)
        if not isinstance(count, int) or not isinstance(timeout, int | float):
            raise ControlError("wait_receipts needs an integer 'count' and a numeric 'timeout'")
        try:
            receipts = emulator.wait_for_receipts(count, min(float(timeout), 60.0))
        except TimeoutError as exc:
            raise ControlError(str(exc)) from exc
        return {"receipts": [r.as_dict() for r in receipts]}

    def unplug(message: dict[str, Any]) -> dict[str, Any]:
        emulator.unplug()
        return state(message)

    def replug(message: dict[str, Any]) -> dict[str, Any]:
        emulator.replug()
        return state(message)

    return {
        "unplug": unplug,
        "replug": replug,
        "wait_receipts": wait_receipts,
        "state": state,
        "paper": paper,
        "cover": cover,
        "offline": offline,
        "cutter": cutter,
        "answering": answering,
        "reset": reset,
        "list_receipts": list_receipts,
    }
