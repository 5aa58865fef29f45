"""Money is integer fen (分) everywhere; these helpers format it only at the edge."""

from __future__ import annotations

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_BIG_UNITS = ("", "万", "亿", "万亿")


def format_fen(fen: int, *, symbol: str = "¥", sign: bool = False) -> str:
    """Format fen as ``¥12.34``; negatives as ``-¥12.34``; ``sign`` adds ``+`` to positives."""
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise TypeError(f"money must be integer fen, got {type(fen).__name__}")
    prefix = "-" if fen < 0 else ("+" if sign and fen > 0 else "")
    yuan, cents = divmod(abs(fen), 100)
    return f"{prefix}{symbol}{yuan:,}.{cents:02d}"


def format_yuan(fen: int) -> str:
    """Format fen as a bare decimal yuan amount (``12.34``), as in bill columns."""
    return format_fen(fen, symbol="").replace(",", "")


def parse_yuan(text: str) -> int:
    """Parse ``"12.34"`` / ``"¥12.3"`` / ``"-5"`` into fen; raises ValueError on anything else."""
    cleaned = text.strip().replace("¥", "").replace("￥", "").replace(",", "")
    negative = cleaned.startswith("-")
    cleaned = cleaned.lstrip("+-")
    whole, _, frac = cleaned.partition(".")
    if not whole.isdigit() or (frac and (not frac.isdigit() or len(frac) > 2)):
        raise ValueError(f"not an amount in yuan: {text!r}")
    fen = int(whole) * 100 + int(frac.ljust(2, "0") or "0")
    return -fen if negative else fen


def _four_digits_to_capitals(n: int) -> str:
    """0 < n < 10000 in capitals, with 零 for inner gaps (e.g. 1005 -> 壹仟零伍)."""
    out: list[str] = []
    zero_pending = False
    for pos in range(3, -1, -1):
        digit = (n // 10**pos) % 10
        if digit == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(_DIGITS[digit] + _SMALL_UNITS[pos])
    return "".join(out)


def fen_to_capitals(fen: int) -> str:
    """Amount in Chinese financial capitals (大写), as printed on receipts: 玖拾玖元玖角玖分."""
    if fen < 0:
        return "负" + fen_to_capitals(-fen)
    yuan, cents = divmod(fen, 100)
    jiao, fen_digit = divmod(cents, 10)
    parts: list[str] = []
    if yuan:
        groups: list[int] = []
        while yuan:
            yuan, group = divmod(yuan, 10000)
            groups.append(group)
        text = ""
        need_zero = False
        for index in range(len(groups) - 1, -1, -1):
            group = groups[index]
            if group == 0:
                need_zero = bool(text)
                continue
            if text and (need_zero or group < 1000):
                text += "零"
            text += _four_digits_to_capitals(group) + _BIG_UNITS[index]
            need_zero = False
        parts.append(text + "元")
    if jiao:
        parts.append(_DIGITS[jiao] + "角")
    elif fen_digit and parts:
        parts.append("零")
    if fen_digit:
        parts.append(_DIGITS[fen_digit] + "分")
    if not parts:
        return "零元整"
    if not jiao and not fen_digit:
        parts.append("整")
    return "".join(parts)


_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _english_below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    words = [f"{_ONES[hundreds]} hundred"] if hundreds else []
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(_TENS[tens] + (f"-{_ONES[ones]}" if ones else ""))
    elif rest or not words:
        words.append(_ONES[rest])
    return " ".join(words)


def _english_number(n: int) -> str:
    if n == 0:
        return "zero"
    words: list[str] = []
    for size, name in ((10**9, "billion"), (10**6, "million"), (1000, "thousand"), (1, "")):
        part, n = divmod(n, size)
        if part:
            words.append(_english_below_thousand(part) + (f" {name}" if name else ""))
    return " ".join(words)


def fen_to_english_words(fen: int) -> str:
    """The amount in English words, as the capitals say it in Chinese: fifty yuan;
    ninety-nine yuan and ninety-nine fen."""
    if fen < 0:
        return "minus " + fen_to_english_words(-fen)
    yuan, cents = divmod(fen, 100)
    text = f"{_english_number(yuan)} yuan"
    if cents:
        text += f" and {_english_number(cents)} fen"
    return text
