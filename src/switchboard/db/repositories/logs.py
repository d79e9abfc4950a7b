"""Reading and deleting the request log: filters, scope, sort, offset or keyset pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard.db.repositories import rollups
from switchboard.db.schema import LlmLog
from switchboard.logs.query import Cursor, LogQuery, Scope
from switchboard.logs.rollups import aggregate

SORT_COLUMNS = {
    "timestamp": LlmLog.created_at,
    "cost": LlmLog.cost_pico_usd,
    "latency_ms": LlmLog.latency_ms,
    "total_tokens": LlmLog.total_tokens,
}
EXPORT_COLUMNS = (
    LlmLog.id,
    LlmLog.created_at,
    LlmLog.request_id,
    LlmLog.user_id,
    LlmLog.organization_id,
    LlmLog.provider,
    LlmLog.model,
    LlmLog.endpoint,
    LlmLog.feature_name,
    LlmLog.route,
    LlmLog.environment,
    LlmLog.status,
    LlmLog.http_status,
    LlmLog.finish_reason,
    LlmLog.error_code,
    LlmLog.prompt_tokens,
    LlmLog.completion_tokens,
    LlmLog.total_tokens,
    LlmLog.cost_pico_usd,
    LlmLog.latency_ms,
    LlmLog.stream,
)


def scope_conditions(scope: Scope) -> list[ColumnElement[bool]]:
    if scope.everything:
        return []
    found = [LlmLog.organization_id == scope.organization_id]
    if scope.user_id is not None:
        found.append(LlmLog.user_id == scope.user_id)
    return found


def conditions(query: LogQuery, scope: Scope) -> list[ColumnElement[bool]]:
    found = scope_conditions(scope)
    found += [getattr(LlmLog, name) == value for name, value in query.equals.items()]
    if query.status:
        found.append(LlmLog.status == query.status)
    if query.start:
        found.append(LlmLog.created_at >= query.start)
    if query.end:
        found.append(LlmLog.created_at < query.end)
    if query.min_cost_pico is not None:
        found.append(LlmLog.cost_pico_usd >= query.min_cost_pico)
    if query.max_cost_pico is not None:
        found.append(LlmLog.cost_pico_usd <= query.max_cost_pico)
    return found


def _after(cursor: Cursor) -> ColumnElement[bool]:
    column = SORT_COLUMNS[cursor.sort_by]
    value: Any = cursor.value
    if cursor.sort_by == "timestamp":
        value = datetime.fromisoformat(value)
    if cursor.descending:
        return or_(column < value, and_(column == value, LlmLog.id < cursor.row_id))
    return or_(column > value, and_(column == value, LlmLog.id > cursor.row_id))


def cursor_after(row: LlmLog, query: LogQuery) -> Cursor:
    value: Any = getattr(row, SORT_COLUMNS[query.sort_by].key)
    if isinstance(value, datetime):
        value = value.isoformat()
    return Cursor(query.sort_by, query.descending, value, row.id)


def _ordered(statement: Select[Any], query: LogQuery) -> Select[Any]:
    column = SORT_COLUMNS[query.sort_by]
    if query.descending:
        return statement.order_by(column.desc(), LlmLog.id.desc())
    return statement.order_by(column.asc(), LlmLog.id.asc())


async def list_page(
    session: AsyncSession,
    query: LogQuery,
    scope: Scope,
    *,
    offset: int,
    limit: int,
    cursor: Cursor | None,
) -> tuple[list[LlmLog], bool]:
    """One page and whether more follow."""
    statement = select(LlmLog).where(*conditions(query, scope))
    statement = statement.offset(offset) if cursor is None else statement.where(_after(cursor))
    rows = list((await session.scalars(_ordered(statement, query).limit(limit + 1))).all())
    return rows[:limit], len(rows) > limit


@dataclass(frozen=True)
class Summary:
    requests: int
    cost_pico: int
    tokens: int
    latency_ms_sum: int

    def __add__(self, other: Summary) -> Summary:
        return Summary(
            self.requests + other.requests,
            self.cost_pico + other.cost_pico,
            self.tokens + other.tokens,
            self.latency_ms_sum + other.latency_ms_sum,
        )

    @property
    def average_latency_ms(self) -> float:
        return self.latency_ms_sum / self.requests if self.requests else 0.0


async def summarize(session: AsyncSession, query: LogQuery, scope: Scope) -> Summary:
    statement = select(
        func.count(),
        func.coalesce(func.sum(LlmLog.cost_pico_usd), 0),
        func.coalesce(func.sum(LlmLog.total_tokens), 0),
        func.coalesce(func.sum(LlmLog.latency_ms), 0),
    ).where(*conditions(query, scope))
    count, cost, tokens, latency = (await session.execute(statement)).one()
    return Summary(int(count), int(cost), int(tokens), int(latency))


async def get_log(session: AsyncSession, log_id: str, scope: Scope) -> LlmLog | None:
    statement = select(LlmLog).where(LlmLog.id == log_id, *scope_conditions(scope))
    return await session.scalar(statement)


async def stream_rows(
    session: AsyncSession, query: LogQuery, scope: Scope, *, batch: int = 2000
) -> AsyncIterator[Sequence[Any]]:
    """Every matching row (export columns, oldest first), in batches, via a server-side cursor."""
    statement = (
        select(*EXPORT_COLUMNS)
        .where(*conditions(query, scope))
        .order_by(LlmLog.created_at, LlmLog.id)
        .execution_options(yield_per=batch)
    )
    result = await session.stream(statement)
    async for partition in result.partitions(batch):
        yield partition


DELETE_CHUNK = 1000
ROLLUP_COLUMNS = (
    LlmLog.created_at,
    LlmLog.status,
    LlmLog.organization_id,
    LlmLog.user_id,
    LlmLog.provider,
    LlmLog.model,
    LlmLog.feature_name,
    LlmLog.environment,
    LlmLog.prompt_tokens,
    LlmLog.completion_tokens,
    LlmLog.total_tokens,
    LlmLog.cost_pico_usd,
    LlmLog.latency_ms,
)


async def delete_logs(session: AsyncSession, query: LogQuery, scope: Scope) -> int:
    """Delete the matching records and take them out of the rollups (one transaction), so
    analytics keep equalling the rows that remain. A chunk at a time, and only what each
    DELETE itself removed (RETURNING) is subtracted: a concurrent delete or retention purge
    of the same rows cannot subtract them twice."""
    where = conditions(query, scope)
    connection = await session.connection()
    deleted = 0
    while True:
        chunk = list(await session.scalars(select(LlmLog.id).where(*where).limit(DELETE_CHUNK)))
        if not chunk:
            return deleted
        removed = delete(LlmLog).where(LlmLog.id.in_(chunk)).returning(*ROLLUP_COLUMNS)
        gone = (await session.execute(removed)).mappings().all()
        await rollups.add(connection, aggregate(gone, sign=-1))
        deleted += len(gone)


async def delete_before(
    session: AsyncSession,
    cutoff: datetime,
    *,
    organization_id: str | None = None,
    except_organizations: Collection[str] = (),
    batch: int = 10_000,
) -> int:
    """Delete up to `batch` records older than `cutoff` (the retention job loops on this):
    of one organization, or of every organization but the excepted ones."""
    oldest = select(LlmLog.id).where(LlmLog.created_at < cutoff)
    if organization_id is not None:
        oldest = oldest.where(LlmLog.organization_id == organization_id)
    elif except_organizations:
        oldest = oldest.where(
            or_(
                LlmLog.organization_id.is_(None),
                LlmLog.organization_id.not_in(list(except_organizations)),
            )
        )
    ids = list((await session.scalars(oldest.limit(batch))).all())
    if ids:
        await session.execute(delete(LlmLog).where(LlmLog.id.in_(ids)))
    # Counted from the ids: some drivers report rowcount -1 for this statement.
    return len(ids)
