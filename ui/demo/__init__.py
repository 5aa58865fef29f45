"""Demo-only windows (never shown by ``kiosk run``)."""
