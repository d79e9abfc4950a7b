"""The log filters of seed 000 (§2.1), validated, and the caller's scope.

Parsing is pure: request fields in, a LogQuery (or INVALID_REQUEST naming the parameter) out.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from switchboard.auth.permissions import LOGS_READ_ALL, LOGS_READ_ORG
from switchboard.auth.principal import Principal
from switchboard.errors import InvalidRequest
from switchboard.money import InvalidPrice, usd_to_pico

SORT_COLUMNS = ("timestamp", "cost", "latency_ms", "total_tokens")
STATUSES = ("success", "error")
FILTER_FIELDS = (
    "user_id",
    "organization_id",
    "provider",
    "model",
    "feature_name",
    "route",
    "environment",
)


@dataclass(frozen=True)
class Scope:
    """Which records the caller may see: everything, an organization, or its own."""

    organization_id: str | None = None
    user_id: str | None = None
    everything: bool = False


def scope_of(principal: Principal) -> Scope:
    """A caller with no organization reads only its own records, whatever it may read in an
    organization: "every record without an organization" is not an organization."""
    if LOGS_READ_ALL in principal.permissions:
        return Scope(everything=True)
    if LOGS_READ_ORG in principal.permissions and principal.organization_id:
        return Scope(organization_id=principal.organization_id)
    return own_scope(principal)


def own_scope(principal: Principal) -> Scope:
    return Scope(organization_id=principal.organization_id, user_id=principal.subject)


def delete_scope(principal: Principal) -> Scope:
    """What a caller may delete: everything (global), its organization, else its own."""
    if principal.is_global:
        return Scope(everything=True)
    if principal.organization_id:
        return Scope(organization_id=principal.organization_id)
    return own_scope(principal)


@dataclass(frozen=True)
class LogQuery:
    equals: dict[str, str]
    status: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    min_cost_pico: int | None = None
    max_cost_pico: int | None = None
    sort_by: str = "timestamp"
    descending: bool = True


def parse_moment(text: str, param: str, *, end: bool = False) -> datetime:
    """ISO 8601 date or date-time; a bare end date includes that whole day."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day + timedelta(days=1) if end else day, time(), UTC)
            return moment
        moment = datetime.fromisoformat(text)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: 9999-12-31 plus a day, say
        raise InvalidRequest(
            f"{param} must be an ISO 8601 date or date-time, got {text!r}", param=param
        ) from None


def parse_cost(text: str, param: str) -> int:
    try:
        return usd_to_pico(text)
    except InvalidPrice as exc:
        raise InvalidRequest(f"{param}: {exc}", param=param) from None


def parse_query(request: Any, *, sortable: bool = True) -> LogQuery:
    equals = {name: getattr(request, name) for name in FILTER_FIELDS if getattr(request, name)}
    if request.status and request.status not in STATUSES:
        raise InvalidRequest("status must be success or error", param="status")
    start = parse_moment(request.start_date, "start_date") if request.start_date else None
    end = parse_moment(request.end_date, "end_date", end=True) if request.end_date else None
    if start and end and end <= start:
        raise InvalidRequest("end_date must be after start_date", param="end_date")
    query = LogQuery(
        equals=equals,
        status=request.status or None,
        start=start,
        end=end,
        min_cost_pico=parse_cost(request.min_cost, "min_cost") if request.min_cost else None,
        max_cost_pico=parse_cost(request.max_cost, "max_cost") if request.max_cost else None,
    )
    if not sortable:
        return query
    if request.sort_by and request.sort_by not in SORT_COLUMNS:
        raise InvalidRequest(f"sort_by must be one of {', '.join(SORT_COLUMNS)}", param="sort_by")
    if request.sort_order and request.sort_order not in ("asc", "desc"):
        raise InvalidRequest("sort_order must be asc or desc", param="sort_order")
    return _sorted(query, request.sort_by or "timestamp", request.sort_order != "asc")


def _sorted(query: LogQuery, sort_by: str, descending: bool) -> LogQuery:
    return dataclasses.replace(query, sort_by=sort_by, descending=descending)


@dataclass(frozen=True)
class Cursor:
    """Keyset position: the last row's sort value and id, in a given order."""

    sort_by: str
    descending: bool
    value: Any
    row_id: str

    def encode(self) -> str:
        raw = json.dumps([self.sort_by, self.descending, self.value, self.row_id])
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str, query: LogQuery) -> Cursor:
    try:
        padded = token + "=" * (-len(token) % 4)
        sort_by, descending, value, row_id = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, TypeError, binascii.Error):
        raise InvalidRequest("page_token is malformed", param="page_token") from None
    if (sort_by, descending) != (query.sort_by, query.descending):
        raise InvalidRequest("page_token belongs to another sort order", param="page_token")
    if not isinstance(row_id, str) or not _fits_sort(sort_by, value):
        raise InvalidRequest("page_token is malformed", param="page_token")
    return Cursor(sort_by, descending, value, row_id)


def _fits_sort(sort_by: str, value: Any) -> bool:
    """A cursor's value has its sort column's type: an aware ISO time, or an integer."""
    if sort_by != "timestamp":
        return isinstance(value, int) and not isinstance(value, bool)
    if not isinstance(value, str):
        return False
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False
