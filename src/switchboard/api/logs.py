"""LogsService: list (offset or keyset pages, summary over all matches), detail, streamed
export, GDPR delete. Every query is limited to the caller's scope (own, organization, all);
a record outside it is NOT_FOUND."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable

import grpc
from google.api import httpbody_pb2
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from switchboard.api.paging import pagination, parse_page
from switchboard.auth.principal import Principal
from switchboard.context import add_response_header, current_principal, current_request_id
from switchboard.db.repositories import audit
from switchboard.db.repositories import logs as repo
from switchboard.errors import InvalidRequest, NotFound, RateLimited
from switchboard.limits.counters import Charge, CounterStore
from switchboard.logs import render
from switchboard.logs.query import (
    LogQuery,
    Scope,
    decode_cursor,
    delete_scope,
    parse_moment,
    parse_query,
    scope_of,
)
from switchboard.logs.summary import summarize
from switchboard.money import pico_to_usd
from switchboard.v1 import logs_pb2, logs_pb2_grpc

DEFAULT_LIMIT = 50
MAX_OFFSET = 10_000  # deeper pages by OFFSET rescan everything before them
EXPORT_FORMATS = {"csv": "text/csv", "json": "application/json", "ndjson": "application/x-ndjson"}
EXPORTS_PER_MINUTE = 6


def caller() -> Principal:
    principal = current_principal()
    assert principal is not None, "LogsService RPCs are never public"
    return principal


class LogsServicer(logs_pb2_grpc.LogsServiceServicer):
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        counters: CounterStore,
        shortest_retention_days: Callable[[], int],
    ) -> None:
        self._sessions = sessions
        self._counters = counters
        # Summaries count raw rows older than this (rollups still hold purged rows' sums).
        self._shortest_retention_days = shortest_retention_days

    async def ListLogs(
        self, request: logs_pb2.ListLogsRequest, context: grpc.aio.ServicerContext
    ) -> logs_pb2.ListLogsResponse:
        query = parse_query(request)
        page = parse_page(request, default_limit=DEFAULT_LIMIT)
        assert page.limit is not None
        cursor = decode_cursor(request.page_token, query) if request.page_token else None
        if cursor is None and page.offset > MAX_OFFSET:
            raise InvalidRequest(
                f"pages beyond the first {MAX_OFFSET} records are read with page_token",
                param="page",
            )
        scope = scope_of(caller())
        async with self._sessions() as session:
            rows, more = await repo.list_page(
                session, query, scope, offset=page.offset, limit=page.limit, cursor=cursor
            )
            summary = await summarize(session, query, scope, self._shortest_retention_days())
        token = repo.cursor_after(rows[-1], query).encode() if more and rows else ""
        paging = pagination(page.number if cursor is None else 0, page.limit, summary.requests)
        if cursor is not None:  # keyset pages have no number: the token says what follows
            paging.has_next, paging.has_prev = bool(token), True
        return logs_pb2.ListLogsResponse(
            data=[render.entry(r) for r in rows],
            pagination=paging,
            summary=logs_pb2.LogSummary(
                total_requests=summary.requests,
                total_cost_usd=pico_to_usd(summary.cost_pico),
                total_tokens=summary.tokens,
                average_latency_ms=round(summary.average_latency_ms, 3),
            ),
            next_page_token=token,
        )

    async def GetLog(
        self, request: logs_pb2.GetLogRequest, context: grpc.aio.ServicerContext
    ) -> logs_pb2.LogDetail:
        async with self._sessions() as session:
            row = await repo.get_log(session, request.id, scope_of(caller()))
        if row is None:
            raise NotFound(f"No log record with id {request.id!r}.", param="id")
        return render.detail(row)

    async def ExportLogs(
        self, request: logs_pb2.ExportLogsRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[httpbody_pb2.HttpBody]:
        fmt = request.format or "json"
        if fmt not in EXPORT_FORMATS:
            raise InvalidRequest("format must be csv, json or ndjson", param="format")
        query = parse_query(request, sortable=False)
        principal = caller()
        await self._limit_exports(principal)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        add_response_header("content-disposition", f'attachment; filename="llm-logs-{stamp}.{fmt}"')
        async for body in self._export(fmt, query, scope_of(principal)):
            yield httpbody_pb2.HttpBody(content_type=EXPORT_FORMATS[fmt], data=body)

    async def _export(self, fmt: str, query: LogQuery, scope: Scope) -> AsyncIterator[bytes]:
        first = True
        if fmt == "json":
            yield b"["
        async with self._sessions() as session:
            async for rows in repo.stream_rows(session, query, scope):
                if fmt == "csv":
                    yield render.csv_chunk(rows, header=first)
                elif fmt == "ndjson":
                    yield render.ndjson_chunk(rows)
                else:
                    yield render.json_chunk(rows, first=first)
                first = False
        if fmt == "csv" and first:
            yield render.csv_chunk([], header=True)
        if fmt == "json":
            yield b"]"

    async def _limit_exports(self, principal: Principal) -> None:
        window = int(time.time() // 60)
        charge = Charge(f"sb:export:{principal.key_id}:{window}", EXPORTS_PER_MINUTE, 1, 120)
        verdict = await self._counters.charge([charge])
        if not verdict.allowed:
            raise RateLimited(
                f"At most {EXPORTS_PER_MINUTE} exports a minute; retry shortly.",
                retry_after_seconds=60 - int(time.time() % 60),
            )

    async def DeleteLogs(
        self, request: logs_pb2.DeleteLogsRequest, context: grpc.aio.ServicerContext
    ) -> logs_pb2.DeleteLogsResponse:
        if not (
            request.user_id or request.organization_id or request.start_date or request.end_date
        ):
            raise InvalidRequest(
                "give at least one of user_id, organization_id, start_date, end_date",
                param="user_id",
            )
        principal = caller()
        query = delete_query(request)
        scope = delete_scope(principal)
        async with self._sessions.begin() as session:
            deleted = await repo.delete_logs(session, query, scope)
            details = {**query.equals, "deleted": deleted}
            audit.record(
                session, principal, "logs.delete", ("llm_logs", ""), current_request_id(), details
            )
        return logs_pb2.DeleteLogsResponse(deleted_count=deleted)


def delete_query(request: logs_pb2.DeleteLogsRequest) -> LogQuery:
    equals = {
        name: getattr(request, name)
        for name in ("user_id", "organization_id")
        if getattr(request, name)
    }
    start = parse_moment(request.start_date, "start_date") if request.start_date else None
    end = parse_moment(request.end_date, "end_date", end=True) if request.end_date else None
    return LogQuery(equals=equals, start=start, end=end)
