"""Postgres's fast way in for log batches: COPY.

An executemany costs the event loop ~200 µs per row (SQLAlchemy's bind processing and
psycopg's per-row query adaptation); COPY formats rows in psycopg's C code. Fresh records
(the usual case: ids are made when a call finishes) are copied straight into llm_logs
(copy_fresh_rows); a COPY that meets an id already stored fails as a whole, and then the
batch goes into a transaction's scratch table and on by INSERT ... SELECT ... ON CONFLICT (id)
DO NOTHING RETURNING id (copy_new_rows). The scratch table is created per transaction
(ON COMMIT DROP), so it always has llm_logs' current columns.
"""

from __future__ import annotations

import asyncio
from typing import Any

from psycopg.types.json import Jsonb
from sqlalchemy import JSON
from sqlalchemy.ext.asyncio import AsyncConnection

from switchboard.db.schema import LlmLog

COLUMNS = tuple(column.name for column in LlmLog.__table__.columns)
_JSON = frozenset(
    column.name for column in LlmLog.__table__.columns if isinstance(column.type, JSON)
)
ALL_COLUMNS = frozenset(COLUMNS)
_NAMES = ", ".join(COLUMNS)
_SCRATCH = "llm_logs_incoming"
ROWS_PER_TURN = 8  # rows formatted per event-loop turn: requests are served in between


def _row(record: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(
        Jsonb(record[name]) if name in _JSON and record[name] is not None else record[name]
        for name in COLUMNS
    )


async def _copy(cursor: Any, table: str, records: list[dict[str, Any]]) -> None:
    async with cursor.copy(f"COPY {table} ({_NAMES}) FROM STDIN") as copy:
        for index, record in enumerate(records, 1):
            await copy.write_row(_row(record))
            if index % ROWS_PER_TURN == 0:
                await asyncio.sleep(0)


async def copy_fresh_rows(connection: AsyncConnection, records: list[dict[str, Any]]) -> None:
    """COPY the records (each with every llm_logs column) straight into llm_logs, in the
    connection's transaction. An id already stored raises psycopg.errors.UniqueViolation and
    leaves the transaction failed: roll it back and take copy_new_rows."""
    raw = await connection.get_raw_connection()
    async with raw.driver_connection.cursor() as cursor:
        await _copy(cursor, "llm_logs", records)


async def copy_new_rows(connection: AsyncConnection, records: list[dict[str, Any]]) -> set[str]:
    """Insert the records (each with every llm_logs column) whose id is new, in the
    connection's transaction; the ids of those inserted."""
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    async with driver.cursor() as cursor:
        await cursor.execute(f"CREATE TEMP TABLE {_SCRATCH} (LIKE llm_logs) ON COMMIT DROP")
        await _copy(cursor, _SCRATCH, records)
        await cursor.execute(
            f"INSERT INTO llm_logs ({_NAMES}) SELECT {_NAMES} FROM {_SCRATCH} "
            "ON CONFLICT (id) DO NOTHING RETURNING id"
        )
        inserted = {row[0] for row in await cursor.fetchall()}
        await cursor.execute(f"DROP TABLE {_SCRATCH}")
    return inserted
