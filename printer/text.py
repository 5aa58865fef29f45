"""Printer text: GB18030 2-byte normalisation and display-column maths.

A Chinese thermal printer in Chinese mode prints one byte per column: ASCII is 1 column,
a 2-byte GBK/GB18030 character is 2 columns. Characters whose GB18030 form is 4 bytes
print as garbage, so :func:`normalise` maps them to a 2-byte look-alike (``¥`` -> ``￥``)
or substitutes them visibly with a character of the same display width, so one odd
character never shifts the rest of a line. Control characters are replaced too: text
from customers or the backend must never inject printer commands.

After :func:`normalise`, ``width(s) == len(s.encode("gb18030"))`` for every string.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

ENCODING = "gb18030"
#: Closing punctuation that must not start a line (kinsoku shori), full and half width.
CLOSING_PUNCTUATION = frozenset("。，、；：？！）」』》〉】〕”’…·.,;:?!)]}%")
NARROW_SUBSTITUTE = "?"
WIDE_SUBSTITUTE = "□"  # U+25A1, GB18030 A1F5: a visible box of hanzi width

# 4-byte characters with a printable 2-byte (or ASCII) stand-in.
_MAPPED: dict[str, str] = {
    "¥": "￥",
    "•": "·",
    "\u00a0": " ",
    "\u2002": " ",
    "\u2003": "　",
    "\u2009": " ",
    "\u200b": "",
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2212": "-",
    "\u2027": "·",
    "\u00a9": "(C)",
    "\u00ae": "(R)",
    "\u2122": "TM",
    "\u00bd": "1/2",
    "\u00b5": "μ",
    "\u00e9": "e",
    "\u00e8": "e",
    "\u00e0": "a",
    "\u00fc": "ü",
}

# Lines made only of these characters need no per-character work (the common case).
_FAST_OK = re.compile(r"[\x20-\x7e\u3000-\u303f\u4e00-\u9fa5\uff01-\uff5e]*")


@lru_cache(maxsize=4096)
def _normalise_char(ch: str) -> str:
    if ch in _MAPPED:
        return _MAPPED[ch]
    code = ord(ch)
    if code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0:
        return " " if ch == "\t" else NARROW_SUBSTITUTE
    if unicodedata.category(ch) in ("Mn", "Cf"):
        return ""  # combining marks / format chars have no column of their own
    try:
        encoded = ch.encode(ENCODING)
    except UnicodeEncodeError:  # lone surrogates
        return NARROW_SUBSTITUTE
    if len(encoded) <= 2:
        return ch
    wide = unicodedata.east_asian_width(ch) in ("W", "F")
    return WIDE_SUBSTITUTE if wide else NARROW_SUBSTITUTE


def normalise(text: str) -> str:
    """Text the printer can print: only ASCII and 2-byte GB18030 characters, no controls."""
    if text.isascii():
        if text.isprintable():
            return text
    elif _FAST_OK.fullmatch(text):
        return text
    return "".join(_normalise_char(ch) for ch in text)


def encode(text: str) -> bytes:
    """GB18030 bytes of already normalised text (1 or 2 bytes per character)."""
    return text.encode(ENCODING)


def width(text: str) -> int:
    """Display columns of normalised text (= its GB18030 byte count)."""
    if text.isascii():
        return len(text)
    return len(text.encode(ENCODING))


def char_width(ch: str) -> int:
    """Columns of one normalised character: 1 for ASCII, 2 otherwise."""
    return 1 if ord(ch) < 0x80 else 2


def truncate(text: str, columns: int, *, ellipsis: str = "") -> str:
    """The longest prefix of ``text`` fitting ``columns`` (with ``ellipsis`` when cut)."""
    if width(text) <= columns:
        return text
    room = columns - width(ellipsis)
    if room < 0:
        return ""
    used = 0
    out: list[str] = []
    for ch in text:
        w = char_width(ch)
        if used + w > room:
            break
        out.append(ch)
        used += w
    return "".join(out) + ellipsis


def wrap(text: str, columns: int) -> list[str]:
    """Split ``text`` into lines of at most ``columns`` columns, never splitting a hanzi.

    ASCII words are kept whole when they fit on a line; hanzi may break anywhere.
    An empty text gives one empty line.
    """
    if columns <= 0:
        raise ValueError("columns must be positive")
    if width(text) <= columns:
        return [text]
    lines: list[str] = []
    current: list[str] = []
    used = 0
    for token in re.findall(r"[\x21-\x7e]+| +|[^\x20-\x7e]", text):
        w = width(token)
        if used + w <= columns:
            current.append(token)
            used += w
            continue
        if token.isspace():
            lines.append("".join(current).rstrip())
            current, used = [], 0
            continue
        if w > columns:  # a word longer than a line: break it by characters
            for ch in token:
                cw = char_width(ch)
                if used + cw > columns:
                    lines.append("".join(current))
                    current, used = [], 0
                current.append(ch)
                used += cw
            continue
        current, carried = _kinsoku(current, token, columns)
        lines.append("".join(current).rstrip())
        current, used = carried, width("".join(carried))
    if current or not lines:
        lines.append("".join(current).rstrip())
    return lines


def _kinsoku(current: list[str], token: str, columns: int) -> tuple[list[str], list[str]]:
    """Where a full line ends before ``token``: (the line's tokens, the next line's tokens).

    Kinsoku: a line never starts with closing punctuation (``。，、；：？！）」`` and their
    kin), so the character before it moves down with it, as typesetters do; a line that would
    then be empty or too wide keeps its character.
    """
    carried = [token]
    kept = list(current)
    while carried[0][0] in CLOSING_PUNCTUATION and len(kept) > 1 and not kept[-1].isspace():
        candidate = [kept[-1], *carried]
        if width("".join(candidate)) > columns:
            break
        kept.pop()
        carried = candidate
    return kept, carried


def pad(text: str, columns: int, align: str = "left") -> str:
    """Pad (or truncate) ``text`` to exactly ``columns`` columns; align is left/right/center."""
    text = truncate(text, columns)
    gap = columns - width(text)
    if align == "right":
        return " " * gap + text
    if align == "center":
        left = gap // 2
        return " " * left + text + " " * (gap - left)
    return text + " " * gap
