"""Database errors as one line a person can act on: the URL (password masked) and why.

Exception
 └── DatabaseUnavailable   cannot connect, or the connection failed (migrate, ping, ...)
"""

from __future__ import annotations

import re

from switchboard.config import mask_url_password

_SEVERITY = re.compile(r"^(FATAL|ERROR):\s+")


class DatabaseUnavailable(Exception):
    """The database could not be reached or used. str() is one line without secrets."""


def _reason(exc: BaseException) -> str:
    original = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    if not lines:
        return type(original).__name__
    # psycopg: 'connection failed: connection to server at "h", port 1 failed: Connection refused'
    return _SEVERITY.sub("", lines[0].rsplit(" failed: ", 1)[-1])


def describe_connect_error(url: str, exc: BaseException) -> DatabaseUnavailable:
    """`database unavailable: postgresql+psycopg://u:***@h:5432/db (Connection refused)`."""
    # A driver may echo the URL or DSN back; never let a password through.
    reason = mask_url_password(_reason(exc))
    return DatabaseUnavailable(f"database unavailable: {mask_url_password(url)} ({reason})")
