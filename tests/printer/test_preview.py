"""PNG previews and text renderings of printed items."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from printer import fonts
from printer.document import DOUBLE, Align, Cut, Document, KeyValue, QrCode, Rule, Text
from printer.errors import FontNotFoundError
from printer.layout import layout
from printer.preview import render_png, render_text
from printer.profiles import load_profile

P80 = load_profile("generic-80")
P58 = load_profile("generic-58")

DOC = Document(
    (
        Text("自助缴费凭据", Align.CENTER, DOUBLE, True),
        Rule(),
        KeyValue("交易金额", "¥99.99"),
        QrCode("https://example.cn/v?t=1"),
        Cut(),
    )
)


@pytest.mark.parametrize("profile", [P80, P58])
def test_png_is_paper_wide_and_has_ink(profile: object) -> None:
    from printer.profiles import PrinterProfile

    assert isinstance(profile, PrinterProfile)
    png = render_png(layout(DOC, profile), profile)
    image = Image.open(io.BytesIO(png)).convert("L")
    assert image.width == profile.dots_per_line + 16
    # the title row has black pixels near the centre, the left margin stays white
    title = image.crop((0, 8, image.width, 8 + 60))
    assert title.getextrema()[0] == 0
    assert image.crop((0, 8, 40, 68)).getextrema() == (255, 255)


def test_text_rendering_centres_titles() -> None:
    text = render_text(layout(DOC, P80), P80)
    lines = text.splitlines()
    assert lines[0] == " " * 12 + "自助缴费凭据"
    assert lines[2].endswith("￥99.99")
    assert "[QR https://example.cn/v?t=1]" in lines
    assert lines[-1] == "[PARTIAL CUT]"


def test_missing_font_is_a_typed_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "KNOWN_FONTS", ("/nonexistent/font.ttc",))
    monkeypatch.setattr(fonts, "_fc_match", lambda: None)
    monkeypatch.delenv("KIOSK_CJK_FONT", raising=False)
    fonts.find_cjk_font.cache_clear()
    try:
        with pytest.raises(FontNotFoundError, match="fonts-wqy-microhei"):
            fonts.find_cjk_font()
    finally:
        fonts.find_cjk_font.cache_clear()


def _strokes(cell: Image.Image) -> int:
    """The most separate runs of ink along any row of a character cell."""
    px = cell.load()
    assert px is not None
    most = 0
    for y in range(cell.height):
        runs, inked = 0, False
        for x in range(cell.width):
            dark = px[x, y] < 128  # type: ignore[operator]
            runs += dark and not inked
            inked = dark
        most = max(most, runs)
    return most


def test_preview_draws_the_terminal_id_as_printed() -> None:
    # Issue 13: the PNG preview drew KIOSK-DEMO-01 as "KIOSK-DEVO-01": a glyph wider than its
    # 12-dot column was centred and cut, so M lost its outer strokes. Decode the slip's bytes
    # as the emulator does and look at the cells.
    from printer.escpos.decoder import decode
    from printer.escpos.encoder import encode_items

    terminal = "KIOSK-DEMO-01"
    data = encode_items(layout(Document((Text(terminal), Cut())), P80), P80)
    image = Image.open(io.BytesIO(render_png(decode(data, P80), P80))).convert("L")
    col = P80.dots_per_column
    cells = [image.crop((8 + i * col, 8, 8 + (i + 1) * col, 8 + 30)) for i in range(len(terminal))]
    for ch, cell in zip(terminal, cells, strict=True):
        left = cell.crop((0, 0, 1, cell.height)).getextrema()
        right = cell.crop((col - 1, 0, col, cell.height)).getextrema()
        assert left[0] > 128 and right[0] > 128, f"{ch!r} runs over its cell"
    assert _strokes(cells[terminal.index("M")]) >= 4  # | \ / |, not the V of a cut M
    assert _strokes(cells[terminal.index("D")]) == 2
