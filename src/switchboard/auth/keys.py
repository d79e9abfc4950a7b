"""API key material: generation, digest and display prefix. Only digests are ever stored."""

from __future__ import annotations

import hashlib
import secrets
import string

KEY_PREFIX = "sk-sb-"
RANDOM_BYTES = 32
_BASE62 = string.digits + string.ascii_letters
_DISPLAY_CHARS = 4


def _base62(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, rem = divmod(number, 62)
        digits.append(_BASE62[rem])
    return "".join(reversed(digits)) or "0"


def generate_key() -> str:
    """`sk-sb-` + 32 random bytes in base62 (about 43 characters)."""
    return KEY_PREFIX + _base62(secrets.token_bytes(RANDOM_BYTES)).rjust(43, "0")


def key_digest(key: str) -> str:
    """Hex SHA-256 of the key. High-entropy keys need no slow hash; lookups stay O(1)."""
    return hashlib.sha256(key.encode()).hexdigest()


def display_prefix(key: str) -> str:
    """What may be shown of a key: `sk-sb-` and its first four random characters."""
    return key[: len(KEY_PREFIX) + _DISPLAY_CHARS]


def looks_like_key(key: str) -> bool:
    body = key[len(KEY_PREFIX) :]
    return key.startswith(KEY_PREFIX) and 40 <= len(body) <= 64 and all(c in _BASE62 for c in body)
