"""Sub-commands of the ``kiosk`` CLI that need no display (devices, maintenance)."""
