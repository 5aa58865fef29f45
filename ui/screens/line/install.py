"""密码重置、报停/复机 (PRODUCT function 8).

The home tiles and screens this feature adds.
Screen modules are imported inside their factories: start-up loads only the home screen.
"""

from __future__ import annotations

from kiosk.backend.factors import Access
from ui.context import AppContext
from ui.features import Feature, FeatureRegistry
from ui.screens.base import Screen


def _password(ctx: AppContext) -> Screen:
    from ui.screens.line.password import PasswordResetScreen

    return PasswordResetScreen(ctx)


def _status(ctx: AppContext) -> Screen:
    from ui.screens.line.status import LineStatusScreen

    return LineStatusScreen(ctx)


def install_line(registry: FeatureRegistry, ctx: AppContext) -> None:
    """Two tiles: 重置服务密码 and 报停/复机; both sensitive (ID card + SMS code), as the
    backend demands for these calls."""
    if ctx.services.backend is None:
        return
    registry.add(
        Feature(
            key="line_password",
            icon="password.svg",
            entry_screen="line_password",
            level=Access.SENSITIVE,
            screens=(("line_password", _password),),
            order=80,
        )
    )
    registry.add(
        Feature(
            key="line_status",
            icon="suspend.svg",
            entry_screen="line_status",
            level=Access.SENSITIVE,
            screens=(("line_status", _status),),
            order=82,
        )
    )
