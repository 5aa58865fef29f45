"""Hashing of secrets: service passwords, SMS codes, terminal and session tokens.

Nothing secret is stored in clear: passwords are PBKDF2-salted (6 digits are weak by nature;
the lock-out rule is what protects them), tokens and codes are SHA-256 (they are random or
short-lived, so a plain digest suffices).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

PBKDF2_ROUNDS = 20_000


def hash_password(password: str, salt: str) -> str:
    """PBKDF2-SHA256 of a service password."""
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), PBKDF2_ROUNDS)
    return digest.hex()


def new_salt() -> str:
    """16 random bytes, hex."""
    return secrets.token_hex(16)


def check_password(password: str, salt: str, expected_hash: str) -> bool:
    """Constant-time comparison of a candidate password with the stored hash."""
    return hmac.compare_digest(hash_password(password, salt), expected_hash)


def digest(value: str) -> str:
    """SHA-256 hex of a token or code."""
    return hashlib.sha256(value.encode()).hexdigest()


def new_token() -> str:
    """A session token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def new_code() -> str:
    """A 6-digit one-time SMS code."""
    return f"{secrets.randbelow(10**6):06d}"


def new_id(prefix: str) -> str:
    """A random identifier for orders, quotes, transactions (prefix + 20 hex digits)."""
    return prefix + secrets.token_hex(10).upper()
