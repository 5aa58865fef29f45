"""The hall staff's admin PIN, stored only as a salted, slow hash.

Why scrypt with these numbers: a PIN has at most 10**8 values (4-8 digits), so no hash makes a
stolen configuration file safe on its own; the hash only has to make every guess expensive
(memory-hard, so GPUs gain little) and make every terminal's hash different (a random salt,
so one precomputed table cannot serve the whole fleet). The parameters are the OWASP minimum
for scrypt (N=2**14, r=8, p=5: 16 MiB, ~0.2 s here) and are stored with the hash, so a
stronger setting can be rolled out without breaking existing files.

Stored form::

    scrypt$n=16384,r=8,p=5$<salt, base64>$<key, base64>

``pbkdf2_sha256$<iterations>$<salt>$<hex>`` (the older form) is still verified so an existing
file keeps working in demo mode; ``kiosk run`` refuses it below 600 000 iterations
(:func:`weakness`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass

SCRYPT = "scrypt"
PBKDF2 = "pbkdf2_sha256"
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 5
_SCRYPT_MIN_WORK = SCRYPT_N * SCRYPT_R * SCRYPT_P
PBKDF2_MIN_ITERATIONS = 600_000
SALT_BYTES = 16
KEY_BYTES = 32
# Bounds on what a stored hash may ask for: a crafted file must not make one check take
# minutes or gigabytes.
_MAX_N = 2**20
_MAX_RP = 64
_MAX_PBKDF2 = 10_000_000
PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 8  # the admin keypad's length


class PinHashError(ValueError):
    """A stored hash that cannot be parsed; the message says what is wrong with it."""


@dataclass(frozen=True)
class ParsedHash:
    """One stored hash taken apart (salt and key as bytes)."""

    algorithm: str
    params: dict[str, int]
    salt: bytes
    key: bytes


def hash_pin(pin: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """A new ``admin.pin_hash`` value for ``pin``, with a fresh random salt."""
    check_pin_format(pin)
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(pin, salt, n, r, p)
    return f"{SCRYPT}$n={n},r={r},p={p}${_b64(salt)}${_b64(key)}"


def check_pin_format(pin: str) -> None:
    """Raise ValueError unless ``pin`` is 4-8 ASCII digits (what the admin keypad can type)."""
    if not (pin.isascii() and pin.isdigit() and PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS):
        raise ValueError(f"a PIN is {PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits")


def parse(stored: str) -> ParsedHash:
    """Take a stored hash apart; PinHashError names the problem."""
    parts = stored.split("$")
    if len(parts) != 4:
        raise PinHashError(f"expected {SCRYPT}$n=..,r=..,p=..$salt$key")
    algorithm, params_text, salt_text, key_text = parts
    if algorithm == SCRYPT:
        params = _scrypt_params(params_text)
        return ParsedHash(algorithm, params, _unb64(salt_text), _unb64(key_text))
    if algorithm == PBKDF2:
        if not params_text.isdigit() or not 0 < int(params_text) <= _MAX_PBKDF2:
            raise PinHashError("pbkdf2_sha256: iterations must be a whole number")
        try:
            key = bytes.fromhex(key_text)
        except ValueError:
            raise PinHashError("pbkdf2_sha256: the key must be hex") from None
        return ParsedHash(algorithm, {"iterations": int(params_text)}, salt_text.encode(), key)
    raise PinHashError(f"unknown algorithm {algorithm!r} (use {SCRYPT})")


def verify_pin(pin: str, stored: str) -> bool:
    """True when ``pin`` matches ``stored``; False for any unparsable hash.

    The comparison is constant-time (:func:`hmac.compare_digest`); the work before it (the
    hash) does not depend on how much of the PIN is right.
    """
    try:
        parsed = parse(stored)
    except PinHashError:
        return False
    if parsed.algorithm == SCRYPT:
        candidate = _scrypt(
            pin, parsed.salt, parsed.params["n"], parsed.params["r"], parsed.params["p"]
        )
    else:
        iterations = parsed.params["iterations"]
        candidate = hashlib.pbkdf2_hmac("sha256", pin.encode(), parsed.salt, iterations)
    return hmac.compare_digest(candidate, parsed.key)


def weakness(stored: str) -> str | None:
    """Why ``kiosk run`` must not accept this hash, or None when it is strong enough."""
    try:
        parsed = parse(stored)
    except PinHashError as exc:
        return str(exc)
    if parsed.algorithm == PBKDF2:
        if parsed.params["iterations"] < PBKDF2_MIN_ITERATIONS:
            return (
                f"pbkdf2_sha256 with fewer than {PBKDF2_MIN_ITERATIONS} iterations; "
                "make a new hash with 'kiosk admin hash-pin'"
            )
    elif parsed.params["n"] * parsed.params["r"] * parsed.params["p"] < _SCRYPT_MIN_WORK:
        return "scrypt below n=16384,r=8,p=5; make a new hash with 'kiosk admin hash-pin'"
    if len(parsed.salt) < 8:
        return "the salt is too short; make a new hash with 'kiosk admin hash-pin'"
    return None


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    maxmem = 128 * r * (n + 2 + p) + 1024 * 1024  # OpenSSL's own accounting, plus slack
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=KEY_BYTES)


def _scrypt_params(text: str) -> dict[str, int]:
    params: dict[str, int] = {}
    for item in text.split(","):
        name, _, value = item.partition("=")
        if name not in ("n", "r", "p") or not value.isdigit() or name in params:
            raise PinHashError("scrypt: parameters must read n=..,r=..,p=..")
        params[name] = int(value)
    if set(params) != {"n", "r", "p"}:
        raise PinHashError("scrypt: parameters must read n=..,r=..,p=..")
    n, r, p = params["n"], params["r"], params["p"]
    if n < 2 or n & (n - 1) or n > _MAX_N or not 0 < r <= _MAX_RP or not 0 < p <= _MAX_RP:
        raise PinHashError(f"scrypt: n must be a power of two up to {_MAX_N}, r and p 1..64")
    return params


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise PinHashError("salt and key must be base64") from None
