"""Qt item models over kiosk data."""
