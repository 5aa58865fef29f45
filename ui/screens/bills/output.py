"""Where A4 statements are saved: one object shared by the bill screens (light to import)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.config import Config


@dataclass
class StatementOutput:
    """The statement folder (changeable at run time, e.g. by the tour)."""

    folder: Path


def default_output(config: Config) -> StatementOutput:
    """``statements/`` beside the terminal's journal."""
    return StatementOutput(Path(config.journal_path).expanduser().resolve().parent / "statements")
