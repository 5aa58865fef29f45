"""Receipt printer emulator: ESC/POS over a pty, status from a simulated state, receipts saved.

``python -m emulators printer`` runs it standalone (see :mod:`emulators.printer.cli`); tests
use :class:`emulators.printer.emulator.PrinterEmulator` in-process.
"""
