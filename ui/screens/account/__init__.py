"""Function 1: balance and account overview, balance reminder threshold."""
