"""密码重置、报停/复机 (PRODUCT function 8).

The home tiles and screens this feature adds.
Screen modules are imported inside their factories: start-up loads only the home screen.
"""

from __future__ import annotations

from ui.context import AppContext
from ui.features import FeatureRegistry


def install_line(registry: FeatureRegistry, ctx: AppContext) -> None:
    """Not built yet: adds nothing (no dead tiles)."""
    return None
