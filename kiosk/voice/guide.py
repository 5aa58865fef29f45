"""The voice guide: ``speak()`` from the GUI thread, playback on the guide's own thread.

``speak`` only records the newest request under a lock and wakes the worker, so it returns in
microseconds whatever the player does. A new prompt replaces a waiting one and interrupts the
one playing: the customer hears the current step, never a backlog of old ones. The worker reads
the file, applies the volume and plays; a player that fails (no sound card) is replaced by
the silent one after one log line, and the kiosk carries on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from kiosk.voice.library import PromptLibrary
from kiosk.voice.player import NullPlayer, Player, PlayerUnavailableError
from kiosk.voice.prompts import Prompt
from kiosk.voice.wav import MAX_VOLUME, WavError, scale_volume

log = logging.getLogger(__name__)


class VoiceGuide:
    """Speaks prompts in the background; mute and volume can change at any time."""

    def __init__(
        self,
        library: PromptLibrary,
        player: Player,
        *,
        volume: int = 80,
        muted: bool = False,
        on_played: Callable[[Prompt, str], None] | None = None,
    ) -> None:
        self._library = library
        self._player = player
        self._volume = _checked(volume)
        self._muted = muted
        self._on_played = on_played
        self._lock = threading.Condition()
        self._pending: tuple[Prompt, str] | None = None
        self._stop_current = threading.Event()
        self._closed = False
        # Scaling is a pure-Python loop over ~10^5 samples: done once per file and volume.
        self._cache: dict[tuple[Path, int, int], bytes] = {}
        self._thread = threading.Thread(target=self._run, name="voice", daemon=True)
        self._thread.start()

    @property
    def muted(self) -> bool:
        return self._muted

    @property
    def volume(self) -> int:
        return self._volume

    def set_muted(self, muted: bool) -> None:
        """Mute stops the sentence being spoken at once."""
        with self._lock:
            self._muted = muted
            if muted:
                self._pending = None
                self._stop_current.set()

    def set_volume(self, volume: int) -> None:
        self._volume = _checked(volume)

    def speak(self, prompt: Prompt, locale: str) -> None:
        """Say ``prompt`` in ``locale`` soon; never blocks (safe on the GUI thread)."""
        with self._lock:
            if self._muted or self._closed:
                return
            self._pending = (prompt, locale)
            self._stop_current.set()
            self._lock.notify()

    def close(self, timeout: float = 2.0) -> None:
        """Stop playing and end the worker thread."""
        with self._lock:
            self._closed = True
            self._pending = None
            self._stop_current.set()
            self._lock.notify()
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._lock:
                while self._pending is None and not self._closed:
                    self._lock.wait()
                if self._closed:
                    return
                assert self._pending is not None
                prompt, locale = self._pending
                self._pending = None
                stop = self._stop_current = threading.Event()
            try:
                self._play(prompt, locale, stop)
            except Exception:  # a bug in one prompt must not silence the kiosk for good
                log.exception("voice prompt %s failed", prompt.value)

    def _scaled(self, path: Path) -> bytes:
        """The file at the current volume; a replaced recording (new mtime) is read again."""
        key = (path, path.stat().st_mtime_ns, self._volume)
        wav = self._cache.get(key)
        if wav is None:
            if len(self._cache) > 64:
                self._cache.clear()
            wav = self._cache[key] = scale_volume(path.read_bytes(), self._volume)
        return wav

    def _play(self, prompt: Prompt, locale: str, stop: threading.Event) -> None:
        path = self._library.find(prompt, locale)
        if path is None:
            return
        try:
            wav = self._scaled(path)
        except (OSError, WavError) as exc:
            log.warning("voice prompt %s unusable: %s", path.name, exc)
            return
        try:
            self._player.play(wav, stop)
        except PlayerUnavailableError as exc:
            log.warning("voice guidance silent from now on: %s", exc)
            self._player = NullPlayer()
            return
        if self._on_played is not None and not stop.is_set():
            self._on_played(prompt, locale)


def _checked(volume: int) -> int:
    if not 0 <= volume <= MAX_VOLUME:
        raise ValueError(f"volume {volume} outside 0..{MAX_VOLUME}")
    return volume
