"""增值业务 (PRODUCT function 6)."""
