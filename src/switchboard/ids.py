"""Random (version 4) UUIDs without building uuid.UUID objects, which cost several
microseconds each on the request path; same bits and text as str(uuid.uuid4())."""

from __future__ import annotations

import os

_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_SET = (0x4000 << 64) | (0x8000 << 48)  # version 4, RFC 4122 variant


def random_hex() -> str:
    """32 lower-case hex digits of a version-4 UUID (uuid.uuid4().hex)."""
    number = int.from_bytes(os.urandom(16), "big") & _CLEAR | _SET
    return f"{number:032x}"


def random_uuid() -> str:
    """A version-4 UUID in its 36-character text form (str(uuid.uuid4()))."""
    digits = random_hex()
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"
