"""Make the prompts nobody recorded, with Debian's espeak-ng (run by ``make setup``).

Each prompt's words come from the i18n catalogue of its locale (``prompts.prompt_text``), so a
catalogue change followed by ``kiosk voice generate`` keeps the voice and the screen in step.
Files are written to a temporary name and renamed, so a kiosk playing meanwhile never reads a
half-written file.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from kiosk.config import LOCALES
from kiosk.i18n import load_catalogue
from kiosk.voice.prompts import Prompt, prompt_text

log = logging.getLogger(__name__)

# `espeak-ng --voices=zh` lists two Mandarin voices. Debian 12's plain "cmn" ("latin as
# English") turns many words of its dictionary into pinyin and then reads that pinyin with
# English rules (`espeak-ng -v cmn -x 欢迎使用自助服务` shows "(en)" runs): 欢迎 comes out
# as an English word. "cmn-latn-pinyin" reads the same pinyin as Mandarin; every prompt's
# phonemes are Mandarin (tests/kiosk/test_voice.py checks the phoneme dump).
ESPEAK_VOICES = {"zh_CN": "cmn-latn-pinyin", "en": "en-gb"}
# Words per minute: slower than espeak's 175 for elderly listeners.
SPEED = {"zh_CN": 150, "en": 140}


class GenerateError(RuntimeError):
    """espeak-ng is missing or refused a prompt."""


def find_espeak() -> str | None:
    return shutil.which("espeak-ng")


def generate(out: Path, locales: Iterable[str] = LOCALES, espeak: str | None = None) -> list[Path]:
    """Write ``out/<locale>/<prompt>.wav`` for every prompt; returns the files written."""
    program = espeak or find_espeak()
    if program is None:
        raise GenerateError("espeak-ng not found: apt-get install espeak-ng")
    written: list[Path] = []
    for locale in locales:
        catalogue = load_catalogue(locale)
        directory = out / locale
        directory.mkdir(parents=True, exist_ok=True)
        for prompt in Prompt:
            target = directory / f"{prompt.value}.wav"
            partial = target.with_suffix(".wav.part")
            command = [
                program,
                "-v",
                ESPEAK_VOICES[locale],
                "-s",
                str(SPEED[locale]),
                "-w",
                str(partial),
                prompt_text(prompt, catalogue),
            ]
            result = subprocess.run(command, capture_output=True, text=True, check=False)
            if result.returncode != 0 or not partial.is_file():
                partial.unlink(missing_ok=True)
                raise GenerateError(f"espeak-ng failed on {locale}/{prompt.value}: {result.stderr}")
            partial.replace(target)
            written.append(target)
    log.info("generated %d voice prompts in %s", len(written), out)
    return written
