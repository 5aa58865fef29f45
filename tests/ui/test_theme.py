from __future__ import annotations

import pytest

from ui import theme


@pytest.mark.parametrize(("what", "fg", "bg"), theme.CONTRAST_PAIRS)
def test_text_contrast_is_at_least_aa(what: str, fg: str, bg: str) -> None:
    assert theme.contrast_ratio(fg, bg) >= 4.5, what


def test_pairs_are_the_colours_of_the_style_sheet() -> None:
    qss = theme.stylesheet(False).upper()
    for _, fg, bg in theme.CONTRAST_PAIRS:
        assert fg.upper() in qss and bg.upper() in qss


def test_scales_meet_the_design_minimums() -> None:
    standard, large = theme.SCALES["standard"], theme.SCALES["large"]
    assert standard["body"] >= 24 and large["body"] >= 36
    assert standard["target"] >= 80 and large["target"] >= 110
    assert all(large[k] >= standard[k] for k in standard if k not in theme.SPACINGS)
    assert "@{" not in theme.stylesheet(True)


def test_contrast_formula() -> None:
    assert theme.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert theme.contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
