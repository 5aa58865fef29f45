"""Where A4 statements are saved: one object shared by the bill screens (light to import)."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import Config


class StatementOutput:
    """The statement folder (changeable at run time, e.g. by the tour). A plain holder, not a
    dataclass: it is made on the way to the first frame, where a dataclass costs ~0.5 ms to
    define (bench_startup)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __repr__(self) -> str:
        return f"StatementOutput({self.folder!r})"


def default_output(config: Config) -> StatementOutput:
    """``statements/`` beside the terminal's journal."""
    return StatementOutput(Path(config.journal_path).expanduser().resolve().parent / "statements")
