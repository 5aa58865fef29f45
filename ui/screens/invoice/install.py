"""发票打印与垃圾短信举报 (PRODUCT functions 9 and 10).

The home tiles and screens this feature adds.
Screen modules are imported inside their factories: start-up loads only the home screen.
"""

from __future__ import annotations

from ui.context import AppContext
from ui.features import FeatureRegistry


def install_invoice(registry: FeatureRegistry, ctx: AppContext) -> None:
    """Not built yet: adds nothing (no dead tiles)."""
    return None
