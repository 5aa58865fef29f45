"""PySide6's per-import source scan, made cheap.

Importing PySide6 replaces ``__import__`` with a hook for ``from __feature__ import ...``
(snake_case, true_property). After every later import the hook asks whether the new module
uses PySide, by ``inspect.getsource(module)``: linecache reads and decodes the whole source
file and keeps it in memory, for every module of the process. The kiosk imports about ninety
modules after PySide6 on the way to its first frame; that scan alone was 13-28 ms of start-up
(bench_startup).

:func:`install` gives the hook the same answer from the file's bytes: ``b"PySide6"`` in a
UTF-8 source file is the same test as ``"PySide6"`` in its decoded text. Anything that is not
a readable ``.py`` file (built-ins, extensions, source-less modules) goes to PySide's own
check. The kiosk uses no ``__feature__``; the verdict is kept exact all the same. Should a
PySide release drop or rename the private function, :func:`install` leaves things as they are.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

import PySide6.QtCore  # noqa: F401  (loads shibokensupport.feature)

_MARK = "_kiosk_fast"
_ORIGINAL = "original"  # the check it replaced (tests compare verdicts)


def _fast(original: Callable[[ModuleType], bool]) -> Callable[[ModuleType], bool]:
    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return original(module)

    setattr(uses_pyside, _MARK, True)
    setattr(uses_pyside, _ORIGINAL, original)
    return uses_pyside


def install() -> bool:
    """Replace the scan once; True when the fast check is in place."""
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(original):
        return False
    if not getattr(original, _MARK, False):
        feature._mod_uses_pyside = _fast(original)  # type: ignore[attr-defined]
    return True
