"""Ids of the screens the shell itself knows; every other screen is named by its feature.

Apart from :mod:`ui.navigation` so that the first frame needs neither the routing rule nor
its types (bench_startup): they are imported on the first tap.
"""

from __future__ import annotations

HOME = "home"
IDENTIFY = "identify"
