"""Where a prompt's audio is: the operator's recordings override the generated files.

Layout of both directories: ``<dir>/<locale>/<prompt>.wav`` (e.g. ``zh_CN/place_card.wav``).
An operator drops a recorded WAV with the same name into ``voice.prompts_dir`` and it is used
from the next prompt on; a prompt with no file anywhere is simply not spoken (logged once).
"""

from __future__ import annotations

import logging
from pathlib import Path

from kiosk.voice.prompts import Prompt

log = logging.getLogger(__name__)

ASSETS = Path(__file__).resolve().parents[2] / "assets"
GENERATED_DIR = ASSETS / "voice"


def prompt_file(directory: Path, locale: str, prompt: Prompt) -> Path:
    return directory / locale / f"{prompt.value}.wav"


class PromptLibrary:
    """Looks a prompt up in the operator directory first, then in the generated one."""

    def __init__(self, operator_dir: Path | None, generated_dir: Path = GENERATED_DIR) -> None:
        self._dirs = [d for d in (operator_dir, generated_dir) if d is not None]
        self._reported: set[tuple[str, Prompt]] = set()

    def find(self, prompt: Prompt, locale: str) -> Path | None:
        """The file to play, or None (logged once per prompt and locale) when there is none."""
        for directory in self._dirs:
            path = prompt_file(directory, locale, prompt)
            if path.is_file():
                return path
        if (locale, prompt) not in self._reported:
            self._reported.add((locale, prompt))
            log.warning("no audio for prompt %s in %s", prompt.value, locale)
        return None
