"""Postgres takes log batches by COPY: the rows must read back exactly as the portable
executemany path stores them, and a record already stored (its id) is skipped, not duplicated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from fakes.log_rows import log_row
from psycopg.errors import UniqueViolation
from sqlalchemy import select

from switchboard.db.engine import create_engine_from_url
from switchboard.db.schema import LlmLog, UsageRollup
from switchboard.logs.pg_copy import COLUMNS, copy_fresh_rows, copy_new_rows
from switchboard.logs.rollups import DIMENSIONS, aggregate, rows
from switchboard.logs.writer import _execute_new_rows, insert_records

AWKWARD = {
    "error_message": "tab\there\nnew line \\N backslash \\ and 'quotes' \"double\" é 日本 🎉",
    "created_at": datetime(2026, 11, 1, 23, 30, tzinfo=timezone(timedelta(hours=-5))),
    "cost_pico_usd": 2**62 + 12345,
    "request_body": {"messages": [{"role": "user", "content": 'a\tb\\c\n{}[]"', "n": 2**40}]},
    "response_body": None,
    "attempts": [],
    "redaction_rules": ["email", "phone"],
    "feature_name": None,
    "stream": True,
}


def stored(row: LlmLog) -> dict[str, Any]:
    return {name: getattr(row, name) for name in COLUMNS if name not in ("id", "request_id")}


async def read(engine, request_id: str) -> LlmLog:
    async with engine.connect() as connection:
        result = await connection.execute(select(LlmLog).where(LlmLog.request_id == request_id))
        return result.one()


async def test_copy_stores_what_executemany_stores(postgres_url: str) -> None:
    engine = create_engine_from_url(postgres_url)
    by_copy, by_insert = log_row(1, **AWKWARD), log_row(1, **AWKWARD)
    async with engine.begin() as connection:
        assert await copy_new_rows(connection, [by_copy]) == {by_copy["id"]}
        assert await _execute_new_rows(connection, [by_insert]) == {by_insert["id"]}
    copied = await read(engine, by_copy["request_id"])
    inserted = await read(engine, by_insert["request_id"])
    assert stored(copied) == stored(inserted)
    assert copied.error_message == AWKWARD["error_message"]
    assert copied.created_at == AWKWARD["created_at"].astimezone(UTC)
    assert copied.cost_pico_usd == 2**62 + 12345
    assert copied.request_body == AWKWARD["request_body"]
    assert copied.response_body is None
    await engine.dispose()


async def test_copy_skips_records_already_stored_and_says_which_went_in(
    postgres_url: str,
) -> None:
    engine = create_engine_from_url(postgres_url)
    first = log_row(1)
    replayed = {**first, "error_message": "second copy"}  # the same record (same id) again
    fresh = log_row(2)
    async with engine.begin() as connection:
        await copy_new_rows(connection, [first])
    async with engine.begin() as connection:  # two chunks in one transaction, as the writer
        assert await copy_new_rows(connection, [replayed]) == set()
        assert await copy_new_rows(connection, [fresh, replayed]) == {fresh["id"]}
    async with engine.connect() as connection:
        ids = (await connection.scalars(select(LlmLog.request_id))).all()
    assert sorted(ids) == sorted([first["request_id"], fresh["request_id"]])
    assert (await read(engine, first["request_id"])).error_message is None
    await engine.dispose()


async def test_two_requests_sharing_a_callers_request_id_are_both_stored(
    database_url: str,
) -> None:
    engine = create_engine_from_url(database_url)
    first = log_row(1, request_id="client-chosen")
    second = log_row(2, request_id="client-chosen")
    await insert_records(engine, [first])
    await insert_records(engine, [second, first])
    async with engine.connect() as connection:
        rows = (await connection.execute(select(LlmLog.id, LlmLog.request_id))).all()
    assert sorted(rows) == sorted([(first["id"], "client-chosen"), (second["id"], "client-chosen")])
    await engine.dispose()


async def test_a_fresh_copy_refuses_a_batch_holding_a_stored_id_as_a_whole(
    postgres_url: str,
) -> None:
    engine = create_engine_from_url(postgres_url)
    first = log_row(1)
    async with engine.begin() as connection:
        await copy_fresh_rows(connection, [first])
    with pytest.raises(UniqueViolation):
        async with engine.begin() as connection:
            await copy_fresh_rows(connection, [log_row(2), first])
    async with engine.connect() as connection:
        ids = (await connection.scalars(select(LlmLog.id))).all()
    assert ids == [first["id"]]
    await engine.dispose()


def _rollup_key(row: Any) -> tuple[Any, ...]:
    return (row["granularity"], row["bucket_start"], *(row[name] for name in DIMENSIONS))


async def test_a_batch_holding_a_stored_record_adds_only_the_new_ones_to_the_rollups(
    postgres_url: str,
) -> None:
    engine = create_engine_from_url(postgres_url)
    first, fresh = log_row(1, cost_pico_usd=7), log_row(2, cost_pico_usd=11)
    await insert_records(engine, [first])
    await insert_records(engine, [fresh, first])  # the straight COPY fails: the batch goes again
    expected = {
        _rollup_key(row): (row["requests"], row["cost_pico_usd"])
        for row in rows(aggregate([first, fresh]))
    }
    async with engine.connect() as connection:
        stored = (await connection.execute(select(UsageRollup))).mappings().all()
    assert {_rollup_key(row): (row["requests"], row["cost_pico_usd"]) for row in stored} == expected
    async with engine.connect() as connection:
        ids = (await connection.scalars(select(LlmLog.id))).all()
    assert sorted(ids) == sorted([first["id"], fresh["id"]])
    await engine.dispose()


async def test_a_record_twice_in_one_batch_is_stored_and_counted_once(database_url: str) -> None:
    engine = create_engine_from_url(database_url)
    record = log_row(1, cost_pico_usd=5)
    await insert_records(engine, [record, dict(record)])
    async with engine.connect() as connection:
        ids = (await connection.scalars(select(LlmLog.id))).all()
        stored = (await connection.execute(select(UsageRollup))).mappings().all()
    assert ids == [record["id"]]
    expected = {
        _rollup_key(row): (row["requests"], row["cost_pico_usd"])
        for row in rows(aggregate([record]))
    }
    assert {_rollup_key(row): (row["requests"], row["cost_pico_usd"]) for row in stored} == expected
    await engine.dispose()
