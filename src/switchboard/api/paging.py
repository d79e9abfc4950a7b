"""Page/limit validation shared by every list RPC (ARCHITECTURE section 2, AIP-158)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from switchboard.errors import InvalidRequest

MAX_LIMIT = 500


@dataclass(frozen=True)
class Page:
    number: int
    # None means "everything" (only where the RPC allows it).
    limit: int | None

    @property
    def offset(self) -> int:
        return 0 if self.limit is None else (self.number - 1) * self.limit


def parse_page(request: Any, *, default_limit: int | None) -> Page:
    """Read the optional `page` and `limit` of a list request; out of range is INVALID_REQUEST."""
    page = request.page if request.HasField("page") else 1
    limit = request.limit if request.HasField("limit") else default_limit
    if page < 1:
        raise InvalidRequest(f"page must be >= 1, got {page}", param="page")
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise InvalidRequest(f"limit must be between 1 and {MAX_LIMIT}, got {limit}", param="limit")
    return Page(number=page, limit=limit)
