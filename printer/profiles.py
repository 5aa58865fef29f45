"""Printer profiles: every model-specific width, code page and byte sequence, as data files.

Profiles live in ``assets/printer/<name>.json`` (one per model family). Code never branches
on a model name: it reads the profile's fields.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from printer.errors import ProfileError

DEFAULT_PROFILE = "generic-80"
PROFILE_DIR = Path(__file__).resolve().parent.parent / "assets" / "printer"


class FlowControl(Enum):
    """Serial handshake the printer expects."""

    RTSCTS = "rtscts"
    XONXOFF = "xonxoff"
    NONE = "none"


def _hex(text: str) -> bytes:
    try:
        return bytes.fromhex(text)
    except ValueError as exc:
        raise ProfileError(f"bad hex byte string in profile: {text!r}") from exc


@dataclass(frozen=True)
class PrinterProfile:
    """One printer model's facts (see assets/printer/*.json)."""

    name: str
    description: str
    paper_width_mm: int
    dpi: int
    dots_per_line: int
    columns: int
    encoding: str = "gb18030"
    chinese_mode: bool = True
    flow_control: FlowControl = FlowControl.XONXOFF
    baudrate: int = 115200
    native_qr: bool = True
    native_barcode: bool = True
    feed_before_cut: int = 4
    cut_partial: bytes = b"\x1dV\x01"
    cut_full: bytes = b"\x1dV\x00"
    init: bytes = b""
    extras: dict[str, bytes] = field(default_factory=dict, hash=False, compare=False)

    @property
    def dots_per_column(self) -> int:
        """Dots of one Font A column (12 on 203 dpi and 180 dpi heads)."""
        return self.dots_per_line // self.columns

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PrinterProfile:
        """Build from a parsed profile JSON object; raises :class:`ProfileError`."""
        try:
            return cls(
                name=str(data["name"]),
                description=str(data.get("description", "")),
                paper_width_mm=int(data["paper_width_mm"]),
                dpi=int(data["dpi"]),
                dots_per_line=int(data["dots_per_line"]),
                columns=int(data["columns"]),
                encoding=str(data.get("encoding", "gb18030")),
                chinese_mode=bool(data.get("chinese_mode", True)),
                flow_control=FlowControl(data.get("flow_control", "xonxoff")),
                baudrate=int(data.get("baudrate", 115200)),
                native_qr=bool(data.get("native_qr", True)),
                native_barcode=bool(data.get("native_barcode", True)),
                feed_before_cut=int(data.get("feed_before_cut", 4)),
                cut_partial=_hex(data.get("cut_partial", "1d 56 01")),
                cut_full=_hex(data.get("cut_full", "1d 56 00")),
                init=_hex(data.get("init", "")),
                extras={str(k): _hex(v) for k, v in dict(data.get("extras", {})).items()},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ProfileError(f"invalid printer profile: {exc}") from exc


def available_profiles(directory: Path = PROFILE_DIR) -> list[str]:
    """Names of the profiles found in ``directory``."""
    return sorted(p.stem for p in directory.glob("*.json"))


def load_profile(name: str = DEFAULT_PROFILE, directory: Path = PROFILE_DIR) -> PrinterProfile:
    """Load ``<directory>/<name>.json``; raises :class:`ProfileError` if missing or invalid."""
    path = directory / f"{name}.json"
    if not path.is_file() or "/" in name:
        known = ", ".join(available_profiles(directory)) or "none"
        raise ProfileError(f"unknown printer profile {name!r} (known: {known})")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ProfileError(f"profile {name!r} is not valid JSON: {exc}") from exc
    return PrinterProfile.from_dict(data)
