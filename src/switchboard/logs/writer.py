"""Durable, batched, asynchronous log writing.

The request path only calls `submit(record)` (a non-blocking queue put). A background task
drains the queue in batches and inserts them idempotently (ON CONFLICT (id) DO NOTHING; the
id is made when the call finishes and kept through spool and replay). If the database is away
(logs.refused.is_outage), the batch is appended to an append-only spool file (logs.spool)
instead; the spool is replayed, also idempotently, before later batches (backing off while
the database stays away) and truncated only after a replay fully succeeds. So no record is
lost and none is written twice, even if the process dies mid-replay. Every database step has
a deadline; a batch the database refuses for its content is cleaned and, failing that, set
aside record by record; nothing a batch holds can stop the writer's loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from psycopg.errors import UniqueViolation
from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from switchboard.db.repositories import rollups
from switchboard.db.schema import LlmLog
from switchboard.ids import random_uuid
from switchboard.logs.pg_copy import ALL_COLUMNS, copy_fresh_rows, copy_new_rows
from switchboard.logs.refused import is_outage, storable
from switchboard.logs.rollups import aggregate
from switchboard.logs.scoped_redaction import RecordRedactor
from switchboard.logs.spool import Record, Spool

log = logging.getLogger(__name__)

_DIALECT_INSERT = {"postgresql": pg_insert, "sqlite": sqlite_insert}
_STOP = object()  # queued by stop(): everything queued before it gets written first
DB_TIMEOUT_SECONDS = 10.0  # one insert or replay step; past it the batch is spooled
STOP_TIMEOUT_SECONDS = 3.0  # the last flush at shutdown: then spool, within the launcher's wait
REPLAY_BACKOFF_MAX_SECONDS = 5.0
REPLAY_SLICE = 2000  # records per replay transaction
MAX_QUEUE = 100_000  # then submit() keeps records in a list the writer takes next

__all__ = ["LogWriter", "Spool", "insert_records"]


class LogWriter:
    def __init__(
        self,
        engine: AsyncEngine,
        spool: Spool,
        *,
        batch_size: int = 500,
        flush_interval: float = 1.0,
        redactor: RecordRedactor | None = None,
        db_timeout: float = DB_TIMEOUT_SECONDS,
    ) -> None:
        self._redactor = redactor
        self._engine = engine
        self._spool = spool
        self._rejected = Spool(spool.path.with_suffix(".rejected.jsonl"))
        self._batch_size = batch_size
        self._flush_interval = flush_interval
        self._configured_timeout = self._db_timeout = db_timeout
        self._queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=MAX_QUEUE)
        self._overflow: list[Record] = []
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()  # set by stop(); also cuts a batch's gathering short
        self._stopped = False
        self._replay_after = 0.0  # monotonic time before which the spool is not retried
        self._replay_backoff = 0.0
        self.written = 0
        self.spooled = 0
        self.rejected = 0

    def submit(self, record: Record) -> None:
        """Hot path: never blocks, never does I/O (until stop(): then straight to the spool)."""
        if "id" not in record:
            record["id"] = random_uuid()
        if self._stopped:
            self._spool_late([record])
            return
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
        self._stopping.clear()
        self._stopped = False
        self._db_timeout = self._configured_timeout
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Write (or spool) everything submitted so far, then end the background task. The
        last database steps get a short deadline: past it, records go to the spool."""
        if self._task is None:
            return
        self._stopping.set()
        self._db_timeout = min(self._db_timeout, STOP_TIMEOUT_SECONDS)
        if self._queue.full():
            self._overflow.append(_STOP)  # type: ignore[arg-type] - the writer is awake anyway
        else:
            self._queue.put_nowait(_STOP)
        await asyncio.gather(self._task, return_exceptions=True)
        self._task = None
        self._stopped = True
        # Anything still queued (only if the writer's loop had died): kept on disk.
        self._spool_late([item for item in self._drain() if item is not _STOP])

    def _spool_late(self, records: list[Record]) -> None:
        """Records finished after stop() (calls unwinding at shutdown): kept on disk."""
        if not records:
            return
        try:
            self._spool.append(records)
            self.spooled += len(records)
        except OSError:
            log.exception("%d log records after shutdown could not be spooled", len(records))

    async def _run(self) -> None:
        stopping = False
        while not stopping:
            first = await self._queue.get()
            if first is not _STOP:
                await self._gather()
            batch = [first, *self._drain()]
            stopping = any(item is _STOP for item in batch)
            records = [item for item in batch if item is not _STOP]
            try:
                await self._flush(records)
            except Exception:  # never let one turn end the writer
                log.exception("log writer: a batch of %d failed; spooling it", len(records))
                await self._last_resort(records)

    async def _gather(self) -> None:
        """Let a batch gather for the flush interval, or until stop() is called."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._flush_interval):
                await self._stopping.wait()

    def _drain(self) -> list[Any]:
        batch: list[Any] = []
        while not self._queue.empty():
            batch.append(self._queue.get_nowait())
        batch.extend(self._overflow)
        self._overflow = []
        return batch

    async def _last_resort(self, records: list[Record]) -> None:
        try:
            await self._to_spool(records)
        except Exception:
            log.exception("log writer: %d records kept in memory for the next turn", len(records))
            self._overflow[:0] = records
            await asyncio.sleep(1.0)

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
        except Exception as exc:
            if not is_outage(exc):
                raise
            log.warning(
                "log database unavailable (%s); spooling %d records", type(exc).__name__, len(batch)
            )
            self._back_off()
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

    def _back_off(self) -> None:
        self._replay_backoff = min(
            REPLAY_BACKOFF_MAX_SECONDS, max(self._flush_interval, self._replay_backoff * 2)
        )
        self._replay_after = time.monotonic() + self._replay_backoff

    async def _replay_spool(self) -> bool:
        """True when the spool is empty afterwards (nothing to replay, or replayed). While the
        database stays away the spool is not re-read on every batch: retries back off."""
        if self._spool.size() == 0:
            return True
        if time.monotonic() < self._replay_after and not self._stopping.is_set():
            return False
        unreadable: list[bytes] = []
        slices = self._spool.read_slices(REPLAY_SLICE, unreadable)
        replayed = refused = 0
        try:
            while records := await asyncio.to_thread(next, slices, None):
                refused += await self._insert(records)
                replayed += len(records)
        except Exception as exc:
            if not is_outage(exc):
                raise
            self._back_off()
            return False
        finally:
            # A cancelled read may still run in its thread: then the file closes with it.
            with contextlib.suppress(ValueError):
                slices.close()
        await asyncio.to_thread(self._spool.finish_replay, unreadable)
        self._replay_backoff = 0.0
        log.info("replayed %d spooled log records", replayed)
        self.written += replayed - refused
        return True

    async def _went_in(self, records: list[Record]) -> bool:
        """Inserted within the deadline: True; refused for what they hold: False; an outage
        (the database away, the deadline passed) raises."""
        try:
            async with asyncio.timeout(self._db_timeout):
                await insert_records(self._engine, records, self._batch_size)
        except Exception as exc:
            if is_outage(exc):
                raise
            return False
        return True

    async def _insert(self, records: list[Record]) -> int:
        """Insert the records; how many were refused for their content and set aside."""
        return 0 if await self._went_in(records) else await self._salvage(records)

    async def _salvage(self, records: list[Record]) -> int:
        """The database refused the batch for its content: NULs and lone surrogates become
        U+FFFD, then a record still refused goes to the rejected file (kept, and said in the
        log) rather than blocking every later batch. A real outage meanwhile still raises."""
        cleaned = [storable(record) for record in records]
        if await self._went_in(cleaned):
            return 0
        refused = [record for record in cleaned if not await self._went_in([record])]
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
    transaction (idempotent on id).

    A record keeps its id from submit() through spool and replay, and only the rows that went
    in are counted in the rollups: a record already stored is never counted twice. On Postgres
    the rows go in by COPY (logs.pg_copy), straight into llm_logs while every id is new (the
    usual case); a batch holding an id already stored (a replay, a retried batch) is rolled
    back and goes again through the scratch table that skips those ids. Elsewhere by a plain
    executemany (no RETURNING: psycopg would parse one giant multi-row statement per batch,
    on the event loop), with the ids already present looked up first."""
    chunks = _chunks(_once_each(records), batch_size)
    if all(_by_copy(engine, chunk) for chunk in chunks):
        try:
            await _copy_fresh(engine, chunks)
            return
        except UniqueViolation:
            pass  # some ids are stored already: the next way skips them
    async with engine.begin() as connection:
        for chunk in chunks:
            if _by_copy(engine, chunk):
                inserted = await copy_new_rows(connection, chunk)
            else:
                inserted = await _execute_new_rows(connection, chunk)
            await rollups.add(connection, aggregate(r for r in chunk if r["id"] in inserted))


def _by_copy(engine: AsyncEngine, chunk: list[Record]) -> bool:
    """Postgres takes a chunk by COPY when its records have every column."""
    return engine.dialect.name == "postgresql" and ALL_COLUMNS.issubset(chunk[0])


async def _copy_fresh(engine: AsyncEngine, chunks: list[list[Record]]) -> None:
    async with engine.begin() as connection:
        for chunk in chunks:
            await copy_fresh_rows(connection, chunk)
            await rollups.add(connection, aggregate(chunk))


async def _execute_new_rows(connection: AsyncConnection, records: list[Record]) -> set[str]:
    """The portable way (SQLite, or records lacking columns): the ids of this batch already
    stored (a replay after a crash), then an executemany that skips them."""
    ids = [row["id"] for row in records]
    present = set(await connection.scalars(select(LlmLog.id).where(LlmLog.id.in_(ids))))
    statement = _DIALECT_INSERT.get(connection.dialect.name, insert)(LlmLog.__table__)
    statement = statement.on_conflict_do_nothing(index_elements=["id"])
    await connection.execute(statement, records)
    return set(ids) - present


def _once_each(records: list[Record]) -> list[Record]:
    """Each id once (a spool append that failed after writing can leave a record twice): the
    scratch-table way would otherwise add both copies to the rollups."""
    by_id: dict[str, Record] = {}
    for record in records:
        with_id = record if "id" in record else {**record, "id": random_uuid()}
        by_id.setdefault(with_id["id"], with_id)
    return list(by_id.values())


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
