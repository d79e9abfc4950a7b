"""Telling a database that is away from one that refuses what a record holds.

Only an outage (no connection, a timeout, a server shutting down) sends a batch to the spool:
the spool is replayed before every later batch, so a record that can never be stored must not
go there, or it would hold back every record after it, for good. Anything else the database
or its driver raises on a batch is about the rows (a NUL character, which Postgres cannot
store in text or jsonb; a lone surrogate, which cannot be encoded; a broken constraint): the
writer cleans the records and sets aside the few that are still refused.
"""

from __future__ import annotations

import re
from typing import Any

import psycopg
from sqlalchemy import exc as sa_exc

OUTAGE_ERRORS = (
    sa_exc.OperationalError,  # connection refused or lost, server shutting down, locked
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,  # no pooled connection in time
    psycopg.OperationalError,
    psycopg.InterfaceError,
    OSError,
    TimeoutError,
)
REPLACEMENT = "\ufffd"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def is_outage(exc: BaseException) -> bool:
    return isinstance(exc, OUTAGE_ERRORS)


def storable(value: Any) -> Any:
    """The value with every NUL and lone surrogate in its strings (keys too) replaced by
    U+FFFD."""
    if isinstance(value, str):
        return _UNSTORABLE.sub(REPLACEMENT, value)
    if isinstance(value, dict):
        return {storable(key): storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [storable(item) for item in value]
    return value
