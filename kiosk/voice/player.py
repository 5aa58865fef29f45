"""Players: how scaled WAV bytes reach a loudspeaker (or a test's ears).

A player's ``play`` blocks until the sound has finished or ``stop`` is set; only the voice
guide's own worker thread ever calls it. ``AplayPlayer`` hands the file to ALSA's ``aplay``
(package alsa-utils): a subprocess, so no audio library is linked into the kiosk and a stuck
sound card can always be killed.
"""

from __future__ import annotations

import logging
import shutil
import threading
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

POLL_S = 0.02  # how quickly a new prompt cuts the old one off


class PlayerUnavailableError(RuntimeError):
    """No way to make sound here (no aplay, no sound card): the guide goes quiet."""


class Player(Protocol):
    def play(self, wav: bytes, stop: threading.Event) -> None:
        """Play ``wav``; return when it has finished or as soon as ``stop`` is set."""


class NullPlayer:
    """Plays nothing: kiosks without a loudspeaker, and after a player failed."""

    def play(self, wav: bytes, stop: threading.Event) -> None:
        return None


class FileSink:
    """Writes what would have been played to ``<directory>/<n>.wav`` (tests, diagnosis)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.count = 0

    def play(self, wav: bytes, stop: threading.Event) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.count += 1
        (self.directory / f"{self.count:04d}.wav").write_bytes(wav)


class AplayPlayer:
    """``aplay -q [-D device] FILE``; a set ``stop`` terminates it mid-sentence."""

    def __init__(self, device: str = "", program: str | None = None) -> None:
        found = program or shutil.which("aplay")
        if found is None:
            raise PlayerUnavailableError("aplay not found (Debian package alsa-utils)")
        self._program = found
        self._device = device

    def play(self, wav: bytes, stop: threading.Event) -> None:
        # Imported here, on the guide's thread: subprocess and tempfile are not needed for the
        # first paint (the guide is built before it).
        import tempfile

        # A file, not a pipe: aplay reads the header first, and a pipe would block this thread
        # on a full buffer while the sound card drains it. Deleted as soon as aplay is done.
        with tempfile.NamedTemporaryFile(prefix="kiosk-voice-", suffix=".wav") as file:
            file.write(wav)
            file.flush()
            self._run(file.name, stop)

    def _run(self, path: str, stop: threading.Event) -> None:
        import subprocess

        command = [self._program, "-q"]
        if self._device:
            command += ["-D", self._device]
        command.append(path)
        with subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        ) as process:
            while process.poll() is None:
                if stop.wait(POLL_S):
                    process.terminate()
                    process.wait()
                    return
            err = process.stderr.read() if process.stderr else b""
        if process.returncode != 0:
            detail = err.decode(errors="replace").strip()
            raise PlayerUnavailableError(f"aplay exited with {process.returncode}: {detail[:200]}")


SOUND_CARDS = Path("/proc/asound/cards")


def has_sound_card(cards: Path = SOUND_CARDS) -> bool:
    """ALSA lists its cards here; a machine without one (a CI box, a kiosk with no speaker)
    has no file or says "--- no soundcards ---"."""
    try:
        text = cards.read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return bool(text.strip()) and "no soundcards" not in text


def default_player(device: str = "", cards: Path = SOUND_CARDS) -> Player:
    """aplay when there is a sound card and aplay, else the silent player (one log line)."""
    if not has_sound_card(cards):
        log.info("no sound card: voice guidance is silent")
        return NullPlayer()
    try:
        return AplayPlayer(device)
    except PlayerUnavailableError as exc:
        log.warning("voice guidance silent: %s", exc)
        return NullPlayer()
