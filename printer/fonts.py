"""Find a CJK TrueType font for previews (Pillow) and PDFs (reportlab)."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from printer.errors import FontNotFoundError

# Known locations, best first; KIOSK_CJK_FONT overrides them all.
KNOWN_FONTS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


@dataclass(frozen=True)
class FontFile:
    """A font file and the face index inside it (TTC collections hold several faces)."""

    path: Path
    index: int = 0


def _fc_match() -> Path | None:
    if shutil.which("fc-match") is None:
        return None
    try:
        result = subprocess.run(
            ["fc-match", "-f", "%{file}", "sans:lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    path = Path(result.stdout.strip())
    if (
        result.returncode == 0
        and path.suffix.lower() in (".ttf", ".ttc", ".otf")
        and path.is_file()
    ):
        return path
    return None


@lru_cache(maxsize=1)
def find_cjk_font() -> FontFile:
    """The CJK font to use; raises :class:`FontNotFoundError` with what was tried."""
    override = os.environ.get("KIOSK_CJK_FONT")
    candidates = [override] if override else []
    candidates += list(KNOWN_FONTS)
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return FontFile(Path(candidate))
    found = _fc_match()
    if found is not None:
        return FontFile(found)
    raise FontNotFoundError(
        "no CJK TrueType font found (tried KIOSK_CJK_FONT, "
        + ", ".join(KNOWN_FONTS)
        + ", fc-match); install fonts-wqy-microhei"
    )
