"""密码重置、报停/复机 (PRODUCT function 8)."""

from __future__ import annotations

from kiosk.backend.factors import Access
from ui.context import AppContext
from ui.features import Feature, lazy_screen


def features(ctx: AppContext) -> tuple[Feature, ...]:
    """Two tiles: 重置服务密码 and 报停/复机; both sensitive (ID card + SMS code), as the
    backend demands for these calls."""
    return (
        Feature(
            key="line_password",
            icon="password.svg",
            entry_screen="line_password",
            level=Access.SENSITIVE,
            screens=(
                ("line_password", lazy_screen("ui.screens.line.password:PasswordResetScreen")),
            ),
            order=80,
        ),
        Feature(
            key="line_status",
            icon="suspend.svg",
            entry_screen="line_status",
            level=Access.SENSITIVE,
            screens=(("line_status", lazy_screen("ui.screens.line.status:LineStatusScreen")),),
            order=82,
        ),
    )
