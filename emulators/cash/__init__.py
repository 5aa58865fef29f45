"""Emulated ccTalk bill validator on a pseudo-terminal (see emulator.py)."""

from emulators.cash.emulator import BillValidatorEmulator

__all__ = ["BillValidatorEmulator"]
