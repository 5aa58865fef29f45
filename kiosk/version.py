"""The running release's version, read from the installed package's metadata.

One source of truth: ``pyproject.toml``'s ``version`` becomes the wheel's metadata, which is
what ``kiosk --version``, ``kiosk doctor`` and the health report carry, so the fleet view shows
exactly the release a terminal runs (``/opt/kiosk/releases/<version>``).
"""

from __future__ import annotations

import functools

DISTRIBUTION = "hall-kiosk"
UNKNOWN = "0+unknown"


@functools.cache
def app_version() -> str:
    """The installed distribution's version; ``0+unknown`` when run from a bare source tree.

    Imported lazily: ``importlib.metadata`` costs a few ms that the first frame does not need.
    """
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return UNKNOWN
