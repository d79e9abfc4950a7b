"""Page/limit validation shared by every list RPC (ARCHITECTURE section 2, AIP-158)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from switchboard.errors import InvalidRequest
from switchboard.v1 import common_pb2

MAX_LIMIT = 500
SMALL_LISTING_LIMIT = 50


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


def offset_page(request: Any, *, default_limit: int | None) -> Page:
    """`page` and `limit` of a listing small enough for offsets; a `page_token` is refused."""
    if request.page_token:
        raise InvalidRequest("page_token is not valid for this listing", param="page_token")
    return parse_page(request, default_limit=default_limit)


def small_listing_page(request: Any) -> Page:
    """A listing of few rows (keys, audit events, settings): offsets, 50 a page by default."""
    page = offset_page(request, default_limit=SMALL_LISTING_LIMIT)
    assert page.limit is not None
    return page


def pagination(page: int, limit: int, total: int) -> common_pb2.Pagination:
    pages = -(-total // limit)
    return common_pb2.Pagination(
        page=page,
        limit=limit,
        total=total,
        total_pages=pages,
        has_next=page < pages,
        has_prev=page > 1,
    )
