"""The registry of home-screen functions, and the one way a feature joins it.

Every package under ``ui/screens/`` that has an ``install`` module is a feature: its
``features(ctx)`` returns the tiles it brings (:class:`Feature`), found by :func:`discover`,
never listed by hand. A screen is named by ``"module:Class"`` and imported on first use
(:func:`lazy_screen`), so start-up loads only the home screen. A feature that talks to the
backend (``needs_backend``, the default) is left out when the kiosk has none: no dead tiles.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kiosk.backend.factors import Access
from ui.context import AppContext
from ui.screen import Screen

ScreenFactory = Callable[[AppContext], Screen]
# A feature package's ``install.features``: the tiles it brings in this kiosk.
FeatureInstaller = Callable[[AppContext], Iterable["Feature"]]


def lazy_screen(target: str, *args: object) -> ScreenFactory:
    """A factory for ``"package.module:Class"``, built as ``Class(ctx, *args)`` on first use."""
    module_name, _, class_name = target.partition(":")

    def build(ctx: AppContext) -> Screen:
        cls = getattr(importlib.import_module(module_name), class_name)
        screen = cls(ctx, *args)
        if not isinstance(screen, Screen):
            raise TypeError(f"{target} is not a Screen")
        return screen

    return build


@dataclass(frozen=True)
class Feature:
    """One tile: what it says, what it needs, and the screens it brings."""

    key: str  # its texts are the messages feature.<key> and feature.<key>_sub
    icon: str  # file name under assets/icons
    entry_screen: str
    level: Access | None  # None: nothing personal, no identification
    screens: tuple[tuple[str, ScreenFactory], ...]  # (screen id, factory)
    order: int = 100
    needs_backend: bool = True
    # True for a function that exists only to print (an invoice): disabled while the printer
    # cannot print. Functions that merely offer a receipt stay open.
    needs_paper: bool = False

    @property
    def title_key(self) -> str:
        return f"feature.{self.key}"

    @property
    def subtitle_key(self) -> str:
        return f"feature.{self.key}_sub"


class FeatureRegistry:
    """Features in display order."""

    def __init__(self) -> None:
        self._features: dict[str, Feature] = {}

    def install(self, installers: Iterable[FeatureInstaller], ctx: AppContext) -> None:
        """Add every feature the installers bring that this kiosk can serve."""
        for installer in installers:
            for feature in installer(ctx):
                if feature.needs_backend and ctx.services.backend is None:
                    continue
                self.add(feature)

    def add(self, feature: Feature) -> None:
        if feature.key in self._features:
            raise ValueError(f"feature {feature.key} registered twice")
        self._features[feature.key] = feature

    def get(self, key: str) -> Feature:
        return self._features[key]

    def all(self) -> list[Feature]:
        return sorted(self._features.values(), key=lambda f: (f.order, f.key))


def discover() -> list[FeatureInstaller]:
    """``features`` of every ``ui/screens/<feature>/install.py``, in package name order."""
    import ui.screens

    found: list[FeatureInstaller] = []
    for name in _packages(ui.screens.__path__):
        try:
            module = importlib.import_module(f"ui.screens.{name}.install")
        except ModuleNotFoundError as exc:
            if exc.name != f"ui.screens.{name}.install":
                raise
            continue  # a package without tiles (e.g. identification)
        found.append(module.features)
    return found


def _packages(paths: Iterable[str]) -> list[str]:
    """The packages directly under ``paths``, by name: what ``pkgutil.iter_modules`` lists
    with ``ispkg``, without importing pkgutil (~1 ms) before the first frame."""
    names = {
        entry.name
        for path in paths
        for entry in os.scandir(path)
        if entry.is_dir() and entry.name.isidentifier() and _has_init(entry.path)
    }
    return sorted(names)


def _has_init(directory: str) -> bool:
    return any(os.path.exists(os.path.join(directory, f"__init__{ext}")) for ext in (".py", ".pyc"))
