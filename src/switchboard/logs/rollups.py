"""Hourly and daily usage sums, maintained as log records are written (and un-written).

`aggregate` is pure: records in, {bucket key: totals} out. The writer adds the sums of the
records it actually inserted, in the same transaction, so rollups and raw rows never disagree
and a replayed spool cannot count a record twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

DIMENSIONS = (
    "organization_id",
    "user_id",
    "provider",
    "model",
    "feature_name",
    "status",
    "environment",
)
# The user_id of rows summing every user (a request without a user has user_id "" too: it is
# counted once, here).
ALL_USERS = ""
SUMS = (
    "requests",
    "successful_requests",
    "failed_requests",
    "prompt_tokens",
    "completion_tokens",
    "total_tokens",
    "cost_pico_usd",
    "latency_ms_sum",
)


def bucket(moment: datetime, granularity: str) -> datetime:
    hour = moment.replace(minute=0, second=0, microsecond=0)
    return hour if granularity == "hour" else hour.replace(hour=0)


def amounts(record: Mapping[str, Any], sign: int) -> dict[str, int]:
    """What one record adds to (sign 1) or takes from (sign -1) each sum."""
    success = record["status"] == "success"
    return {
        "requests": sign,
        "successful_requests": sign if success else 0,
        "failed_requests": 0 if success else sign,
        "prompt_tokens": sign * int(record.get("prompt_tokens") or 0),
        "completion_tokens": sign * int(record.get("completion_tokens") or 0),
        "total_tokens": sign * int(record.get("total_tokens") or 0),
        "cost_pico_usd": sign * int(record.get("cost_pico_usd") or 0),
        "latency_ms_sum": sign * int(record.get("latency_ms") or 0),
    }


@dataclass
class Totals:
    values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SUMS, 0))

    def add_amounts(self, added: Mapping[str, int]) -> None:
        values = self.values
        for name, amount in added.items():
            values[name] += amount


RollupKey = tuple[str, datetime, str, str, str, str, str, str, str]


def aggregate(records: Iterable[Mapping[str, Any]], sign: int = 1) -> dict[RollupKey, Totals]:
    """Each record counts in its hour and its day, once under its user and once under
    ALL_USERS, so organization-wide analytics never read per-user rows."""
    sums: dict[Any, Totals] = {}
    for record in records:
        organization, user, *rest = (str(record.get(d) or "") for d in DIMENSIONS)
        added = amounts(record, sign)
        hour = bucket(record["created_at"], "hour")
        for granularity, start in (("hour", hour), ("day", hour.replace(hour=0))):
            for who in {user, ALL_USERS}:
                key = (granularity, start, organization, who, *rest)
                totals = sums.get(key)
                if totals is None:
                    totals = sums[key] = Totals()
                totals.add_amounts(added)
    return sums


def rows(sums: Mapping[RollupKey, Totals]) -> list[dict[str, Any]]:
    """The upsert parameters, one dict per bucket."""
    made = []
    for (granularity, start, *dims), totals in sums.items():
        made.append(
            {
                "granularity": granularity,
                "bucket_start": start,
                **dict(zip(DIMENSIONS, dims, strict=True)),
                **totals.values,
            }
        )
    return made
