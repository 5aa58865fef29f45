"""Function 4: pay / top up by QR code, with a payment receipt."""
