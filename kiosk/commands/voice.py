"""``kiosk voice generate|play``: make the spoken prompts, and test the loudspeaker.

``generate`` writes every prompt nobody recorded with espeak-ng (``make setup`` runs it into
assets/voice). ``play`` says one prompt the way the kiosk would (operator recordings first,
the configured volume), so staff can check a recording or the sound card.
"""

from __future__ import annotations

import argparse
import logging
import threading
from pathlib import Path
from typing import Any

from kiosk.config import LOCALES, ConfigError, load_config
from kiosk.voice.generate import GenerateError, generate
from kiosk.voice.library import GENERATED_DIR, PromptLibrary
from kiosk.voice.player import AplayPlayer, PlayerUnavailableError
from kiosk.voice.prompts import Prompt
from kiosk.voice.wav import scale_volume

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("voice", help="voice guidance prompts (语音播报)")
    actions = parser.add_subparsers(dest="voice_action", required=True, metavar="ACTION")
    gen = actions.add_parser("generate", help="make the prompts with espeak-ng")
    gen.add_argument("--out", type=Path, default=GENERATED_DIR, help=f"(default {GENERATED_DIR})")
    gen.set_defaults(func=_generate)
    play = actions.add_parser("play", help="say one prompt through the loudspeaker")
    play.add_argument("prompt", choices=[p.value for p in Prompt])
    play.add_argument("--locale", choices=LOCALES, default="zh_CN")
    play.add_argument("--config", type=Path, default=None, help="terminal TOML file")
    play.set_defaults(func=_play)


def _generate(args: argparse.Namespace) -> int:
    try:
        written = generate(args.out)
    except GenerateError as exc:
        print(f"kiosk voice generate: {exc}")
        return 1
    print(f"{len(written)} prompts written under {args.out}")
    return 0


def _play(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"kiosk voice play: {exc}")
        return 1
    operator = Path(config.voice.prompts_dir).expanduser() if config.voice.prompts_dir else None
    path = PromptLibrary(operator).find(Prompt(args.prompt), args.locale)
    if path is None:
        print("kiosk voice play: no audio for this prompt; run kiosk voice generate")
        return 1
    try:
        player = AplayPlayer(config.voice.device)
        player.play(scale_volume(path.read_bytes(), config.voice.volume), threading.Event())
    except PlayerUnavailableError as exc:
        print(f"kiosk voice play: {exc}")
        return 1
    print(f"played {path}")
    return 0
