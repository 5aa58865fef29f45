"""Package exports that resolve on first use (PEP 562), shared by the device packages.

Importing one submodule of a device package (its errors from a screen, say) must not pull
in pyserial and ctypes at start-up, so each package's ``__init__`` names its exports and
lets :func:`lazy_exports` import a module only when one of its names is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: ``exports`` maps each name to its module."""

    def resolve(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)

    return resolve
