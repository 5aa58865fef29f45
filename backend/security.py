"""Hashing of secrets: service passwords, SMS codes, terminal and session tokens.

Nothing secret is stored in clear: passwords are PBKDF2-salted (6 digits are weak by nature;
the lock-out rule is what protects them), tokens and codes are SHA-256 (they are random or
short-lived, so a plain digest suffices).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

# A 6-digit secret has only 10^6 values: no hash cost makes an offline search slow, so the
# rounds are kept modest (CPU per login matters at 200 terminals); the lock-out rule is what
# stops online guessing, and the salt stops precomputed tables.
PBKDF2_ROUNDS = 4_096


def hash_password(password: str, salt: str, rounds: int = PBKDF2_ROUNDS) -> str:
    """PBKDF2-SHA256 of a service password, stored as ``"<rounds>$<hex>"``."""
    digest_ = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), rounds)
    return f"{rounds}${digest_.hex()}"


def new_salt() -> str:
    """16 random bytes, hex."""
    return secrets.token_hex(16)


def check_password(password: str, salt: str, expected_hash: str) -> bool:
    """Constant-time comparison with the stored hash (whatever rounds it was made with)."""
    rounds_text, _, _ = expected_hash.partition("$")
    if not rounds_text.isdigit():
        return False
    candidate = hash_password(password, salt, int(rounds_text))
    return hmac.compare_digest(candidate, expected_hash)


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
