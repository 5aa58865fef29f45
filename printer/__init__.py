"""Receipt printing: document model, ESC/POS encoder and decoder, serial driver, receipts, PDF.

Layering: ``printer`` imports only ``common`` and third-party libraries (reportlab, Pillow,
segno, pyserial); never Qt. Money is integer fen. See docs/printing.md for the overall shape:

    receipt builder -> Document -> layout() -> [PrintedItem] -> ESC/POS bytes / PNG / PDF
    ESC/POS bytes -> decode() -> [PrintedItem] -> text / PNG   (previews, emulator, tests)
"""
