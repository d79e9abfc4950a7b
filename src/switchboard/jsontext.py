"""Compact JSON for the request path: orjson, and the standard library for what orjson refuses.

orjson is several times faster but refuses integers beyond 64 bits and strings with lone
surrogates (which a JSON request may carry as "\\ud800"). Those go through Python's json with
non-ASCII escaped, so even a lone surrogate becomes valid JSON text instead of an error.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def dumps(value: Any) -> bytes:
    """UTF-8 JSON without spaces."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value, separators=(",", ":")).encode()


def dumps_str(value: Any) -> str:
    """dumps() as text (for libraries that want str: aiohttp's and SQLAlchemy's serializers)."""
    return dumps(value).decode()
