"""The ListLogs summary (totals over EVERY matching record) without scanning a million rows.

When the filters are rollup dimensions (organization, user, provider, model, feature, status,
environment) and the date bounds fall on whole hours, the summary is read from the rollups for
the period no retention purge can have touched (from the first whole day after now -
retention), plus the raw rows before that (at most a day or so of them). Rollups are written
in the same transaction as the rows and subtracted by deletes, so both halves are exact. Any
other filter (cost range, route) sums the raw rows.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from switchboard.db.repositories import analytics
from switchboard.db.repositories import logs as raw
from switchboard.logs.query import LogQuery, Scope
from switchboard.logs.rollups import DIMENSIONS

FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


def _whole_hour(moment: datetime | None) -> bool:
    return moment is None or moment == moment.replace(minute=0, second=0, microsecond=0)


def from_rollups(query: LogQuery) -> bool:
    return (
        query.min_cost_pico is None
        and query.max_cost_pico is None
        and set(query.equals) <= set(DIMENSIONS)
        and _whole_hour(query.start)
        and _whole_hour(query.end)
    )


def untouched_since(retention_days: int, now: datetime) -> datetime:
    """The first whole UTC day no retention purge can have reached."""
    edge = now - timedelta(days=retention_days)
    return edge.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


async def summarize(
    session: AsyncSession, query: LogQuery, scope: Scope, retention_days: int
) -> raw.Summary:
    if not from_rollups(query):
        return await raw.summarize(session, query, scope)
    cutoff = untouched_since(retention_days, datetime.now(UTC))
    start, end = query.start, query.end or FAR_FUTURE
    total = raw.Summary(0, 0, 0, 0)
    if start is None or start < cutoff:
        early = dataclasses.replace(query, end=min(end, cutoff))
        total += await raw.summarize(session, early, scope)
    if end > cutoff:
        equals = {**query.equals, **({"status": query.status} if query.status else {})}
        window = analytics.Window(max(start or cutoff, cutoff), end, equals, scope)
        sums = await analytics.totals(session, window)
        total += raw.Summary(
            sums["requests"], sums["cost_pico_usd"], sums["total_tokens"], sums["latency_ms_sum"]
        )
    return total
