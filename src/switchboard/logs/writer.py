"""Durable, batched, asynchronous log writing.

The request path only calls `submit(record)` (a non-blocking queue put). A background task
drains the queue in batches and inserts them idempotently (ON CONFLICT (request_id) DO
NOTHING). If the database is down, the batch is appended to an append-only spool file
(JSON lines, fsynced) instead; the spool is replayed, also idempotently, before each later
batch and truncated only after a replay fully succeeds. So no record is lost and none is
written twice, even if the process dies mid-replay.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from switchboard.db.repositories import rollups
from switchboard.db.schema import LlmLog
from switchboard.ids import random_uuid
from switchboard.logs.pg_copy import ALL_COLUMNS, copy_new_rows
from switchboard.logs.refused import CONTENT_ERRORS, without_nul
from switchboard.logs.rollups import aggregate
from switchboard.logs.scoped_redaction import RecordRedactor

log = logging.getLogger(__name__)

Record = dict[str, Any]
_DIALECT_INSERT = {"postgresql": pg_insert, "sqlite": sqlite_insert}


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode()}
    raise TypeError(f"cannot spool {type(value).__name__}")


def _decode(obj: dict[str, Any]) -> Any:
    if set(obj) == {"$dt"}:
        return datetime.fromisoformat(obj["$dt"])
    if set(obj) == {"$b64"}:
        return base64.b64decode(obj["$b64"])
    return obj


class Spool:
    """An append-only JSON-lines file of records not yet in the database."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, records: list[Record]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lines = "".join(
            json.dumps(r, default=_encode, separators=(",", ":")) + "\n" for r in records
        )
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(lines)
            handle.flush()
            os.fsync(handle.fileno())

    def read(self) -> list[Record]:
        if not self.path.exists():
            return []
        records = []
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.endswith("\n"):  # a torn last line (crash mid-write) is not a record yet
                    records.append(json.loads(line, object_hook=_decode))
        return records

    def size(self) -> int:
        return self.path.stat().st_size if self.path.exists() else 0

    def clear(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


_STOP = object()  # queued by stop(): everything queued before it gets written first


class LogWriter:
    def __init__(
        self,
        engine: AsyncEngine,
        spool: Spool,
        *,
        batch_size: int = 500,
        flush_interval: float = 0.2,
        max_queue: int = 100_000,
        redactor: RecordRedactor | None = None,
    ) -> None:
        self._redactor = redactor
        self._engine = engine
        self._spool = spool
        self._rejected = Spool(spool.path.with_suffix(".rejected.jsonl"))
        self._batch_size = batch_size
        self._flush_interval = flush_interval
        self._queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=max_queue)
        self._overflow: list[Record] = []
        self._task: asyncio.Task[None] | None = None
        self.written = 0
        self.spooled = 0
        self.rejected = 0

    def submit(self, record: Record) -> None:
        """Hot path: never blocks, never does I/O."""
        try:
            self._queue.put_nowait(record)
        except asyncio.QueueFull:
            self._overflow.append(record)  # the writer takes these with its next batch

    @property
    def queue_depth(self) -> int:
        return self._queue.qsize() + len(self._overflow)

    def spool_bytes(self) -> int:
        return self._spool.size()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Write (or spool) everything submitted so far, then end the background task."""
        if self._task is None:
            return
        await self._queue.put(_STOP)
        await self._task
        self._task = None

    async def _run(self) -> None:
        stopping = False
        while not stopping:
            first = await self._queue.get()
            if first is not _STOP:
                await asyncio.sleep(self._flush_interval)
            batch = [first, *self._drain()]
            stopping = any(item is _STOP for item in batch)
            await self._flush([item for item in batch if item is not _STOP])

    def _drain(self) -> list[Any]:
        batch: list[Any] = []
        while not self._queue.empty():
            batch.append(self._queue.get_nowait())
        batch.extend(self._overflow)
        self._overflow = []
        return batch

    async def _flush(self, batch: list[Record]) -> None:
        if batch and self._redactor is not None:
            await asyncio.to_thread(self._redact, batch)
        if not await self._replay_spool():
            await self._to_spool(batch)
            return
        if not batch:
            return
        try:
            refused = await self._insert(batch)
        except Exception as exc:  # the database is away: keep the records on disk instead
            log.warning(
                "log database unavailable (%s); spooling %d records", type(exc).__name__, len(batch)
            )
            await self._to_spool(batch)
            return
        self.written += len(batch) - refused

    def _redact(self, batch: list[Record]) -> None:
        assert self._redactor is not None
        for record in batch:
            self._redactor.record(record)

    async def _to_spool(self, batch: list[Record]) -> None:
        if batch:
            await asyncio.to_thread(self._spool.append, batch)
            self.spooled += len(batch)

    async def _replay_spool(self) -> bool:
        """True when the spool is empty afterwards (nothing to replay, or replayed)."""
        if self._spool.size() == 0:
            return True
        records = await asyncio.to_thread(self._spool.read)
        try:
            refused = await self._insert(records)
        except Exception:
            return False
        await asyncio.to_thread(self._spool.clear)
        log.info("replayed %d spooled log records", len(records))
        self.written += len(records) - refused
        return True

    async def _insert(self, records: list[Record]) -> int:
        """Insert the records; how many were refused for their content and set aside."""
        try:
            await insert_records(self._engine, records, self._batch_size)
        except CONTENT_ERRORS:
            return await self._salvage(records)
        return 0

    async def _salvage(self, records: list[Record]) -> int:
        """The database refused the batch for its content: NULs become U+FFFD, then a record
        still refused goes to the rejected file (kept, and said in the log) rather than
        blocking every later batch. A real outage meanwhile still raises (and spools)."""
        cleaned = [without_nul(record) for record in records]
        try:
            await insert_records(self._engine, cleaned, self._batch_size)
        except CONTENT_ERRORS:
            pass
        else:
            return 0
        refused = []
        for record in cleaned:
            try:
                await insert_records(self._engine, [record])
            except CONTENT_ERRORS:
                refused.append(record)
        if not refused:
            return 0
        log.error(
            "the log database refused %d records for their content; kept in %s",
            len(refused),
            self._rejected.path,
        )
        await asyncio.to_thread(self._rejected.append, refused)
        self.rejected += len(refused)
        return len(refused)


async def insert_records(engine: AsyncEngine, records: list[Record], batch_size: int = 500) -> None:
    """Insert the records not yet present and add exactly those to the rollups, in one
    transaction (idempotent on request_id).

    Ids are assigned afresh for each attempt (records are never mutated, so a spooled one gets
    a new id when replayed), and only the rows that went in are counted in the rollups: a
    record already stored is never counted twice. On Postgres the rows go in by COPY
    (logs.pg_copy); elsewhere by a plain executemany (no RETURNING: psycopg would parse one
    giant multi-row statement per batch, on the event loop) and a SELECT by those ids."""
    async with engine.begin() as connection:
        for chunk in _chunks(records, batch_size):
            attempt = [{**record, "id": record.get("id") or random_uuid()} for record in chunk]
            if engine.dialect.name == "postgresql" and ALL_COLUMNS.issubset(attempt[0]):
                inserted = await copy_new_rows(connection, attempt)
            else:
                inserted = await _execute_new_rows(connection, attempt)
            await rollups.add(connection, aggregate(r for r in attempt if r["id"] in inserted))


async def _execute_new_rows(connection: AsyncConnection, records: list[Record]) -> set[str]:
    """The portable way (SQLite, or records lacking columns): executemany, then a SELECT."""
    statement = _DIALECT_INSERT.get(connection.dialect.name, insert)(LlmLog.__table__)
    statement = statement.on_conflict_do_nothing(index_elements=["request_id"])
    await connection.execute(statement, records)
    ids = [row["id"] for row in records]
    found = await connection.scalars(select(LlmLog.id).where(LlmLog.id.in_(ids)))
    return set(found)


def _chunks(records: list[Record], size: int) -> list[list[Record]]:
    """Batches of records with the same keys (an executemany takes its columns from the first
    record, so a key only some records have would be dropped silently)."""
    by_keys: dict[frozenset[str], list[Record]] = {}
    for record in records:
        by_keys.setdefault(frozenset(record), []).append(record)
    return [
        group[start : start + size]
        for group in by_keys.values()
        for start in range(0, len(group), size)
    ]
