"""Qt adapters that move the plain-Python device drivers onto their own threads."""
