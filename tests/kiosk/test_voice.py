"""Voice guidance core (kiosk/voice): generation, lookup, volume, and the worker thread."""

from __future__ import annotations

import array
import io
import shutil
import statistics
import subprocess
import threading
import time
import wave
from pathlib import Path

import pytest

from kiosk.cli import build_parser
from kiosk.config import ConfigError, config_from_dict
from kiosk.i18n import load_catalogue, placeholders
from kiosk.voice.generate import ESPEAK_VOICES, generate
from kiosk.voice.guide import VoiceGuide
from kiosk.voice.library import GENERATED_DIR, PromptLibrary, prompt_file
from kiosk.voice.player import AplayPlayer, PlayerUnavailableError
from kiosk.voice.prompts import MESSAGES, Prompt, prompt_text
from kiosk.voice.wav import scale_volume

LOCALES = ("zh_CN", "en")
needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng")


def make_wav(samples: list[int], width: int = 2) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(width)
        writer.setframerate(8000)
        if width == 2:
            writer.writeframes(array.array("h", samples).tobytes())
        else:
            writer.writeframes(bytes(samples))
    return out.getvalue()


def frames_of(data: bytes) -> bytes:
    with wave.open(io.BytesIO(data), "rb") as reader:
        return reader.readframes(reader.getnframes())


def write_prompt(directory: Path, locale: str, prompt: Prompt, samples: list[int]) -> Path:
    path = prompt_file(directory, locale, prompt)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(make_wav(samples))
    return path


# The list of prompts -----------------------------------------------------------------------
def test_every_prompt_speaks_existing_placeholder_free_messages() -> None:
    assert set(MESSAGES) == set(Prompt)
    for locale in LOCALES:
        catalogue = load_catalogue(locale)
        for prompt in Prompt:
            for key in MESSAGES[prompt]:
                assert key in catalogue, (locale, key)
                # Audio is made ahead of time and nothing personal is said aloud.
                assert not placeholders(catalogue[key]), key
            assert prompt_text(prompt, catalogue).strip()


# Generation -------------------------------------------------------------------------------
@needs_espeak
def test_generate_makes_audio_for_every_prompt_and_locale(tmp_path: Path) -> None:
    written = generate(tmp_path)
    assert len(written) == len(Prompt) * len(LOCALES)
    for locale in LOCALES:
        for prompt in Prompt:
            path = prompt_file(tmp_path, locale, prompt)
            with wave.open(str(path), "rb") as reader:
                assert reader.getsampwidth() == 2
                seconds = reader.getnframes() / reader.getframerate()
                frames = reader.readframes(reader.getnframes())
            assert 0.5 < seconds < 30, (locale, prompt, seconds)
            samples = array.array("h", frames)
            assert max(abs(s) for s in samples) > 1000  # speech, not silence
    assert not list(tmp_path.rglob("*.part"))


@pytest.mark.skipif(
    not (GENERATED_DIR / ".generated").exists(), reason="setup has not generated assets/voice"
)
def test_setup_generated_audio_for_every_prompt_and_locale() -> None:
    """What `make setup` left in assets/voice (its stamp is there): a file for every prompt
    in every locale, so no step is silent on a set-up kiosk (a new prompt regenerates: the
    Makefile's voice stamp depends on prompts.py and the catalogues)."""
    missing = [
        (locale, prompt.value)
        for locale in LOCALES
        for prompt in Prompt
        if not prompt_file(GENERATED_DIR, locale, prompt).is_file()
    ]
    assert not missing


@needs_espeak
def test_chinese_prompts_are_read_as_mandarin_not_english() -> None:
    catalogue = load_catalogue("zh_CN")
    for prompt in Prompt:
        phonemes = subprocess.run(
            ["espeak-ng", "-q", "-x", "-v", ESPEAK_VOICES["zh_CN"], prompt_text(prompt, catalogue)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "(en)" not in phonemes, (prompt, phonemes)


@needs_espeak
def test_cli_generate_writes_into_the_given_directory(tmp_path: Path) -> None:
    # Through the parser, not main(): main() would install a log handler on this test's
    # captured stderr, which later tests would write to after it is closed.
    args = build_parser().parse_args(["voice", "generate", "--out", str(tmp_path / "v")])
    assert args.func(args) == 0
    assert prompt_file(tmp_path / "v", "en", Prompt.PLACE_CARD).is_file()


def test_generate_without_espeak_names_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kiosk.voice.generate as gen

    monkeypatch.setattr(gen, "find_espeak", lambda: None)
    with pytest.raises(gen.GenerateError, match="apt-get install espeak-ng"):
        gen.generate(tmp_path)


# Lookup -----------------------------------------------------------------------------------
@pytest.mark.allow_log_warnings
def test_operator_recordings_override_generated_files(tmp_path: Path) -> None:
    generated, operator = tmp_path / "gen", tmp_path / "op"
    gen_card = write_prompt(generated, "zh_CN", Prompt.PLACE_CARD, [1])
    gen_code = write_prompt(generated, "zh_CN", Prompt.ENTER_CODE, [2])
    op_card = write_prompt(operator, "zh_CN", Prompt.PLACE_CARD, [3])
    library = PromptLibrary(operator, generated)
    assert library.find(Prompt.PLACE_CARD, "zh_CN") == op_card != gen_card
    assert library.find(Prompt.ENTER_CODE, "zh_CN") == gen_code  # not recorded: generated
    assert library.find(Prompt.ENTER_CODE, "en") is None


# Volume -----------------------------------------------------------------------------------
def test_volume_scales_16_bit_samples() -> None:
    original = make_wav([1000, -1000, 32767, -32768, 0])
    half = scale_volume(original, 50)
    assert frames_of(half) == array.array("h", [500, -500, 16383, -16384, 0]).tobytes()
    assert frames_of(scale_volume(original, 100)) == frames_of(original)
    assert set(frames_of(scale_volume(original, 0))) == {0}
    with wave.open(io.BytesIO(half), "rb") as reader:
        assert (reader.getframerate(), reader.getnchannels()) == (8000, 1)


def test_volume_scales_8_bit_samples_around_their_midpoint() -> None:
    assert frames_of(scale_volume(make_wav([228, 28, 128], width=1), 50)) == bytes([178, 78, 128])


def test_voice_config_section() -> None:
    config = config_from_dict({"voice": {"volume": 40, "prompts_dir": "/srv/voice"}})
    assert (config.voice.enabled, config.voice.volume, config.voice.prompts_dir) == (
        True,
        40,
        "/srv/voice",
    )
    with pytest.raises(ConfigError, match=r"voice\.volume"):
        config_from_dict({"voice": {"volume": 120}})
    with pytest.raises(ConfigError, match=r"voice\.volume"):
        config_from_dict({"voice": {"volume": 0}})


# The worker thread ------------------------------------------------------------------------
class SlowPlayer:
    """Holds every sound until told to let go or interrupted; records what it was given."""

    def __init__(self) -> None:
        self.started = threading.Semaphore(0)
        self.release = threading.Event()
        self.played: list[bytes] = []
        self.interrupted: list[bytes] = []
        self.finished = threading.Semaphore(0)

    def play(self, wav: bytes, stop: threading.Event) -> None:
        self.played.append(wav)
        self.started.release()
        while not stop.is_set() and not self.release.is_set():
            stop.wait(0.01)
        if stop.is_set():
            self.interrupted.append(wav)
        self.finished.release()


@pytest.fixture
def library(tmp_path: Path) -> PromptLibrary:
    for index, prompt in enumerate(Prompt):
        write_prompt(tmp_path, "zh_CN", prompt, [1000 + index] * 4)
    return PromptLibrary(None, tmp_path)


def sample_of(wav: bytes) -> int:
    return array.array("h", frames_of(wav))[0]


def test_speak_returns_at_once_while_the_player_is_slow(library: PromptLibrary) -> None:
    player = SlowPlayer()
    guide = VoiceGuide(library, player, volume=100)
    try:
        guide.speak(Prompt.WELCOME, "zh_CN")
        assert player.started.acquire(timeout=5)  # the first sound is now "playing", stuck
        durations, cpu = [], []
        for prompt in (Prompt.PLACE_CARD, Prompt.ENTER_CODE, Prompt.TAKE_RECEIPT) * 10:
            start, start_cpu = time.perf_counter(), time.thread_time()
            guide.speak(prompt, "zh_CN")
            durations.append(time.perf_counter() - start)
            cpu.append(time.thread_time() - start_cpu)
        # The caller's own work stays far under 5 ms; wall time adds only the scheduler's
        # hand-back when the worker wakes on a loaded machine.
        assert max(cpu) < 0.005, sorted(cpu)
        assert statistics.median(durations) < 0.001, sorted(durations)
        assert max(durations) < 0.05, sorted(durations)
    finally:
        player.release.set()
        guide.close()


def test_a_new_prompt_interrupts_the_one_playing(library: PromptLibrary) -> None:
    player = SlowPlayer()
    played: list[Prompt] = []
    done = threading.Event()

    def on_played(prompt: Prompt, _locale: str) -> None:
        played.append(prompt)
        done.set()

    guide = VoiceGuide(library, player, volume=100, on_played=on_played)
    try:
        guide.speak(Prompt.PLACE_CARD, "zh_CN")
        assert player.started.acquire(timeout=5)
        player_release_after_next = player.release
        guide.speak(Prompt.ENTER_CODE, "zh_CN")
        assert player.started.acquire(timeout=5)
        player_release_after_next.set()
        assert done.wait(5)
        index = list(Prompt).index
        assert [sample_of(w) for w in player.interrupted] == [1000 + index(Prompt.PLACE_CARD)]
        assert sample_of(player.played[-1]) == 1000 + index(Prompt.ENTER_CODE)
        assert played == [Prompt.ENTER_CODE]
    finally:
        guide.close()


def test_muted_guide_says_nothing_and_mute_cuts_the_sentence(library: PromptLibrary) -> None:
    player = SlowPlayer()
    guide = VoiceGuide(library, player, volume=100)
    try:
        guide.speak(Prompt.WELCOME, "zh_CN")
        assert player.started.acquire(timeout=5)
        guide.set_muted(True)
        assert player.finished.acquire(timeout=5)
        assert len(player.interrupted) == 1
        guide.speak(Prompt.PLACE_CARD, "zh_CN")
        guide.set_muted(False)
        guide.speak(Prompt.ENTER_CODE, "zh_CN")
        assert player.started.acquire(timeout=5)
        assert len(player.played) == 2  # the prompt given while muted was never played
        assert sample_of(player.played[1]) == 1000 + list(Prompt).index(Prompt.ENTER_CODE)
    finally:
        player.release.set()
        guide.close()


def test_the_guide_applies_its_volume_to_the_bytes_played(library: PromptLibrary) -> None:
    player = SlowPlayer()
    player.release.set()
    guide = VoiceGuide(library, player, volume=25)
    try:
        guide.speak(Prompt.WELCOME, "zh_CN")
        assert player.finished.acquire(timeout=5)
        guide.set_volume(50)
        guide.speak(Prompt.WELCOME, "zh_CN")
        assert player.finished.acquire(timeout=5)
        assert [sample_of(w) for w in player.played] == [1000 * 25 // 100, 1000 * 50 // 100]
    finally:
        guide.close()


class BrokenPlayer:
    def __init__(self) -> None:
        self.calls = 0
        self.tried = threading.Event()

    def play(self, wav: bytes, stop: threading.Event) -> None:
        self.calls += 1
        self.tried.set()
        raise PlayerUnavailableError("no sound card")


@pytest.mark.allow_log_warnings
def test_a_failing_player_is_dropped_after_one_try(
    library: PromptLibrary, caplog: pytest.LogCaptureFixture
) -> None:
    broken = BrokenPlayer()
    after: list[Prompt] = []
    quiet = threading.Event()
    guide = VoiceGuide(
        library, broken, on_played=lambda prompt, _l: (after.append(prompt), quiet.set())
    )
    try:
        guide.speak(Prompt.WELCOME, "zh_CN")
        assert broken.tried.wait(5)
        guide.speak(Prompt.PLACE_CARD, "zh_CN")
        assert quiet.wait(5)  # handled by the silent player, without an exception
        assert broken.calls == 1
        assert after == [Prompt.PLACE_CARD]
        assert caplog.text.count("silent from now on") == 1
    finally:
        guide.close()


# aplay ------------------------------------------------------------------------------------
def fake_aplay(tmp_path: Path, body: str) -> str:
    script = tmp_path / "aplay"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return str(script)


def test_aplay_player_is_killed_when_a_new_prompt_comes(tmp_path: Path) -> None:
    started = tmp_path / "started"
    player = AplayPlayer(program=fake_aplay(tmp_path, f'touch "{started}"; exec sleep 30'))
    stop = threading.Event()
    thread = threading.Thread(target=player.play, args=(make_wav([1, 2]), stop))
    began = time.monotonic()
    thread.start()
    stop.set()
    thread.join(5)
    assert not thread.is_alive()
    assert time.monotonic() - began < 5


def test_aplay_player_passes_the_device_and_file(tmp_path: Path) -> None:
    log = tmp_path / "args"
    program = fake_aplay(tmp_path, f'echo "$@" > "{log}"; cp "$4" "{tmp_path}/copy.wav"')
    wav = make_wav([5, 6, 7])
    AplayPlayer("plughw:1,0", program=program).play(wav, threading.Event())
    args = log.read_text().split()
    assert args[:3] == ["-q", "-D", "plughw:1,0"]
    assert (tmp_path / "copy.wav").read_bytes() == wav


def test_aplay_failure_becomes_player_unavailable(tmp_path: Path) -> None:
    program = fake_aplay(tmp_path, 'echo "aplay: main:831: audio open error" >&2; exit 1')
    with pytest.raises(PlayerUnavailableError, match="audio open error"):
        AplayPlayer(program=program).play(make_wav([1]), threading.Event())


def test_no_sound_card_means_the_silent_player(tmp_path: Path) -> None:
    from kiosk.voice.player import NullPlayer, default_player, has_sound_card

    assert not has_sound_card(tmp_path / "missing")
    none = tmp_path / "none"
    none.write_text("--- no soundcards ---\n")
    assert isinstance(default_player(cards=none), NullPlayer)
    card = tmp_path / "cards"
    card.write_text(" 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n")
    assert has_sound_card(card)


@pytest.mark.allow_log_warnings
def test_a_bug_in_one_prompt_does_not_end_the_worker(library: PromptLibrary) -> None:
    class Flaky:
        def __init__(self) -> None:
            self.calls = 0
            self.raised = threading.Event()

        def play(self, wav: bytes, stop: threading.Event) -> None:
            self.calls += 1
            if self.calls == 1:
                self.raised.set()
                raise RuntimeError("bug")

    heard = threading.Event()
    flaky = Flaky()
    guide = VoiceGuide(library, flaky, on_played=lambda _p, _l: heard.set())
    try:
        guide.speak(Prompt.WELCOME, "zh_CN")
        assert flaky.raised.wait(5)
        guide.speak(Prompt.PLACE_CARD, "zh_CN")
        assert heard.wait(5)
        assert flaky.calls == 2
    finally:
        guide.close()
