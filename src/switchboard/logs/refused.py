"""Log records the database refuses for what is in them, as opposed to being away.

Postgres cannot store a NUL character in text or jsonb, and a client may well send one
("\\u0000" in a message). Such a batch must not be mistaken for an outage: spooled, it would
fail on every replay and hold back every record after it.
"""

from __future__ import annotations

from typing import Any

import psycopg
from sqlalchemy import exc as sa_exc

# DataError (SQLSTATE class 22) and IntegrityError (23): the rows, not the connection.
CONTENT_ERRORS = (
    sa_exc.DataError,
    sa_exc.IntegrityError,
    psycopg.DataError,
    psycopg.IntegrityError,
)
REPLACEMENT = "\ufffd"


def without_nul(value: Any) -> Any:
    """The value with every NUL character in its strings (keys too) replaced by U+FFFD."""
    if isinstance(value, str):
        return value.replace("\x00", REPLACEMENT) if "\x00" in value else value
    if isinstance(value, dict):
        return {without_nul(key): without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_nul(item) for item in value]
    return value
