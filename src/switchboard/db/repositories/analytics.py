"""Usage analytics from usage_rollups (never the raw log, except the few recent rows)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, false, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard.db.repositories.logs import scope_conditions
from switchboard.db.schema import LlmLog, UsageRollup
from switchboard.logs.query import Scope
from switchboard.logs.rollups import ALL_USERS, SUMS


@dataclass(frozen=True)
class Window:
    """Buckets whose start lies in [start, end), from the coarsest rollup that fits."""

    start: datetime
    end: datetime
    equals: dict[str, str]
    scope: Scope

    @property
    def granularity(self) -> str:
        aligned = all(
            m.hour == m.minute == m.second == m.microsecond == 0 for m in (self.start, self.end)
        )
        return "day" if aligned else "hour"


def _conditions(window: Window) -> list[ColumnElement[bool]]:
    found = [
        UsageRollup.granularity == window.granularity,
        UsageRollup.bucket_start >= window.start,
        UsageRollup.bucket_start < window.end,
    ]
    equals = dict(window.equals)
    if not window.scope.everything:
        forced = {"organization_id": window.scope.organization_id or ""}
        if window.scope.user_id is not None:
            forced["user_id"] = window.scope.user_id
        if any(equals.get(name, value) != value for name, value in forced.items()):
            return [false()]  # a filter outside the caller's scope matches nothing
        equals.update(forced)
    # Per-user rows only when asked for one user; otherwise the rows summing all users.
    equals.setdefault("user_id", ALL_USERS)
    return found + [getattr(UsageRollup, name) == value for name, value in equals.items()]


def _sums() -> list[Any]:
    return [func.coalesce(func.sum(getattr(UsageRollup, name)), 0).label(name) for name in SUMS]


def _as_ints(row: Any) -> dict[str, int]:
    return {name: int(getattr(row, name)) for name in SUMS}


async def totals(session: AsyncSession, window: Window) -> dict[str, int]:
    row = (await session.execute(select(*_sums()).where(*_conditions(window)))).one()
    return _as_ints(row)


async def grouped(
    session: AsyncSession, window: Window, dimensions: Sequence[str], *, top: int | None = None
) -> list[tuple[tuple[str, ...], dict[str, int]]]:
    columns = [getattr(UsageRollup, d) for d in dimensions]
    statement = (
        select(*columns, *_sums())
        .where(*_conditions(window))
        .group_by(*columns)
        .order_by(func.sum(UsageRollup.requests).desc(), *columns)
    )
    if top is not None:
        statement = statement.limit(top)
    result = await session.execute(statement)
    return [(tuple(row[: len(columns)]), _as_ints(row)) for row in result]


async def by_bucket(session: AsyncSession, window: Window) -> list[tuple[datetime, dict[str, int]]]:
    statement = (
        select(UsageRollup.bucket_start, *_sums())
        .where(*_conditions(window))
        .group_by(UsageRollup.bucket_start)
        .order_by(UsageRollup.bucket_start)
    )
    result = await session.execute(statement)
    return [(row.bucket_start, _as_ints(row)) for row in result]


async def recent(
    session: AsyncSession, scope: Scope, since: datetime, limit: int = 10
) -> list[Any]:
    statement = (
        select(
            LlmLog.created_at,
            LlmLog.feature_name,
            LlmLog.status,
            LlmLog.cost_pico_usd,
            LlmLog.model,
        )
        .where(LlmLog.created_at >= since, *scope_conditions(scope))
        .order_by(LlmLog.created_at.desc())
        .limit(limit)
    )
    return list((await session.execute(statement)).all())
