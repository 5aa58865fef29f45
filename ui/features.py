"""The registry of home-screen functions. Each feature adds itself; no dead tiles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kiosk.backend.factors import Access
from ui.context import AppContext
from ui.screens.base import Screen


@dataclass(frozen=True)
class Feature:
    """One tile: what it says, what it needs, and the screens it brings."""

    key: str  # its texts are the messages feature.<key> and feature.<key>_sub
    icon: str  # file name under assets/icons
    entry_screen: str
    level: Access | None  # None: nothing personal, no identification
    screens: tuple[tuple[str, Callable[[AppContext], Screen]], ...]  # (screen id, factory)
    order: int = 100
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

    def add(self, feature: Feature) -> None:
        if feature.key in self._features:
            raise ValueError(f"feature {feature.key} registered twice")
        self._features[feature.key] = feature

    def get(self, key: str) -> Feature:
        return self._features[key]

    def all(self) -> list[Feature]:
        return sorted(self._features.values(), key=lambda f: (f.order, f.key))
