"""套餐变更 (PRODUCT function 5)."""
