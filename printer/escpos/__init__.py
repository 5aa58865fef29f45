"""ESC/POS for Chinese thermal printers: command bytes, encoder, decoder, status bytes."""
