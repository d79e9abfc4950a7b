"""Records the database refuses for their content (a NUL character, a broken constraint) must
neither pass for an outage nor hold back the records after them."""

from __future__ import annotations

from pathlib import Path

from fakes.log_rows import log_row, write_through
from sqlalchemy import select

from switchboard.db.engine import create_engine_from_url, session_factory
from switchboard.db.schema import LlmLog
from switchboard.logs.refused import storable
from switchboard.logs.spool import Spool
from switchboard.logs.writer import LogWriter


async def stored(engine) -> dict[str, LlmLog]:
    async with session_factory(engine)() as session:
        return {row.request_id: row for row in await session.scalars(select(LlmLog))}


def nul_rows() -> list[dict]:
    return [
        log_row(1),
        log_row(2, request_body={"messages": [{"role": "user", "content": "a\x00b"}]}),
        log_row(3, error_message="x\x00y", response_body={"k\x00": ["\x00"]}),
    ]


async def test_nul_characters_are_stored_as_replacement_characters(
    database_url: str, tmp_path: Path
) -> None:
    engine = create_engine_from_url(database_url)
    writer = LogWriter(engine, Spool(tmp_path / "spool.jsonl"), flush_interval=0.01)
    rows = nul_rows()
    await write_through(writer, rows)
    logged = await stored(engine)
    assert set(logged) == {row["request_id"] for row in rows}
    assert writer.spooled == 0 and writer.written == 3 and writer.rejected == 0
    second, third = logged[rows[1]["request_id"]], logged[rows[2]["request_id"]]
    if engine.dialect.name == "postgresql":  # SQLite stores NUL as it is
        assert second.request_body["messages"][0]["content"] == "a\ufffdb"
        assert third.error_message == "x\ufffdy"
        assert third.response_body == {"k\ufffd": ["\ufffd"]}
    await engine.dispose()


async def test_a_record_breaking_a_constraint_is_set_aside_and_the_rest_go_on(
    database_url: str, tmp_path: Path
) -> None:
    engine = create_engine_from_url(database_url)
    spool = Spool(tmp_path / "spool.jsonl")
    writer = LogWriter(engine, spool, flush_interval=0.01)
    good, bad = log_row(1), log_row(2, status="bogus")
    await write_through(writer, [good, bad, log_row(3)])
    later = log_row(4)
    await write_through(writer, [later])
    logged = await stored(engine)
    assert bad["request_id"] not in logged
    assert len(logged) == 3 and later["request_id"] in logged
    assert writer.rejected == 1 and writer.spooled == 0 and spool.size() == 0
    rejected = Spool(tmp_path / "spool.rejected.jsonl").read()
    assert [r["request_id"] for r in rejected] == [bad["request_id"]]
    await engine.dispose()


async def test_a_spooled_record_with_a_nul_is_replayed_instead_of_blocking_the_spool(
    postgres_url: str, tmp_path: Path
) -> None:
    engine = create_engine_from_url(postgres_url)
    spool = Spool(tmp_path / "spool.jsonl")
    spool.append(nul_rows())  # spooled during an outage, before they were ever tried
    writer = LogWriter(engine, spool, flush_interval=0.01)
    await write_through(writer, [log_row(4)])
    assert len(await stored(engine)) == 4
    assert spool.size() == 0
    await engine.dispose()


def test_storable_reaches_keys_and_nested_values_and_leaves_the_rest() -> None:
    value = {"a\x00": [{"b": "c\x00d", "n": 1, "f": 1.5, "t": True, "z": None}], "plain": "ok"}
    assert storable(value) == {
        "a\ufffd": [{"b": "c\ufffdd", "n": 1, "f": 1.5, "t": True, "z": None}],
        "plain": "ok",
    }
