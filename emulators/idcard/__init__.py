"""Emulated SAM resident ID card reader (see ``emulator.py``; ``python -m emulators idcard``)."""

from emulators.idcard.cards import DemoCard, encode_text, find_card, load_demo_cards
from emulators.idcard.emulator import Fault, IdCardEmulator

__all__ = ["DemoCard", "Fault", "IdCardEmulator", "encode_text", "find_card", "load_demo_cards"]
