"""密码重置、报停/复机 (PRODUCT function 8)."""
