"""Nothing a record holds, nothing left in the spool and no hung database stops the log writer
or loses a record."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from fakes.log_rows import log_row, write_through
from fakes.tcp_proxy import TcpProxy
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from switchboard.db.engine import create_engine_from_url, session_factory
from switchboard.db.schema import LlmLog
from switchboard.logs.spool import Spool
from switchboard.logs.writer import LogWriter


async def stored(engine) -> dict[str, LlmLog]:
    async with session_factory(engine)() as session:
        return {row.id: row for row in await session.scalars(select(LlmLog))}


async def test_a_lone_surrogate_is_stored_as_a_replacement_character(
    database_url: str, tmp_path: Path
) -> None:
    engine = create_engine_from_url(database_url)
    spool = Spool(tmp_path / "spool.jsonl")
    writer = LogWriter(engine, spool, flush_interval=0.01)
    odd = log_row(1, route="/x\ud800", request_body={"messages": [{"content": "a\udfffb"}]})
    await write_through(writer, [odd, log_row(2)])
    await write_through(LogWriter(engine, spool, flush_interval=0.01), [log_row(3)])
    logged = await stored(engine)
    assert len(logged) == 3 and spool.size() == 0 and writer.rejected == 0
    assert logged[odd["id"]].route == "/x\ufffd"
    assert logged[odd["id"]].request_body == {"messages": [{"content": "a\ufffdb"}]}
    await engine.dispose()


async def test_unreadable_spool_lines_are_set_aside_and_the_rest_replayed(
    database_url: str, tmp_path: Path
) -> None:
    engine = create_engine_from_url(database_url)
    spool = Spool(tmp_path / "spool.jsonl")
    lookalike = {"$dt": "not a time"}  # a client's JSON that once looked like a spool tag
    first, second = log_row(1, request_body={"schema": lookalike}), log_row(2)
    spool.append([first])
    with spool.path.open("a") as handle:
        handle.write("this is not json\n")
        handle.write('{"request_id": "torn by a cra')  # crash mid-write, then more appended
    spool.append([second])
    await write_through(LogWriter(engine, spool, flush_interval=0.01), [log_row(3)])
    logged = await stored(engine)
    assert set(logged) >= {first["id"], second["id"]} and len(logged) == 3
    assert logged[first["id"]].request_body == {"schema": lookalike}
    assert spool.size() == 0
    unreadable = spool.unreadable.read_text().splitlines()
    assert unreadable == ["this is not json", '{"request_id": "torn by a cra']
    await engine.dispose()


async def test_a_record_submitted_after_stop_is_spooled_not_dropped(
    database_url: str, tmp_path: Path
) -> None:
    engine = create_engine_from_url(database_url)
    spool = Spool(tmp_path / "spool.jsonl")
    writer = LogWriter(engine, spool, flush_interval=0.01)
    await write_through(writer, [log_row(1)])
    late = log_row(2)
    writer.submit(late)
    assert [record["id"] for record in spool.read()] == [late["id"]]
    await write_through(LogWriter(engine, spool, flush_interval=0.01), [])
    assert set(await stored(engine)) == {late["id"]} | set(await stored(engine))
    assert len(await stored(engine)) == 2
    await engine.dispose()


async def test_a_hung_database_costs_a_deadline_then_the_batch_is_spooled(
    postgres_url: str, tmp_path: Path
) -> None:
    url = make_url(postgres_url)
    proxy = await TcpProxy(url.host, url.port).start()
    engine = create_engine_from_url(url.set(port=proxy.port).render_as_string(False))
    spool = Spool(tmp_path / "spool.jsonl")
    writer = LogWriter(engine, spool, flush_interval=0.01, db_timeout=0.5)
    await write_through(writer, [log_row(1)])  # connection pooled and working
    proxy.freeze()
    rows = [log_row(i) for i in range(2, 6)]
    await write_through(LogWriter(engine, spool, flush_interval=0.01, db_timeout=0.5), rows)
    spooled = [json.loads(line)["id"] for line in spool.path.read_text().splitlines()]
    assert spooled == [row["id"] for row in rows]
    proxy.thaw()
    await engine.dispose()
    await proxy.cut()
    direct = create_engine_from_url(postgres_url)
    await write_through(LogWriter(direct, spool, flush_interval=0.01), [])
    async with session_factory(direct)() as session:
        assert await session.scalar(select(func.count()).select_from(LlmLog)) == 5
    assert spool.size() == 0
    await direct.dispose()


async def test_stop_writes_at_once_instead_of_waiting_out_the_flush_interval(
    database_url: str, tmp_path: Path
) -> None:
    engine = create_engine_from_url(database_url)
    writer = LogWriter(engine, Spool(tmp_path / "spool.jsonl"), flush_interval=60)
    writer.start()
    row = log_row(1)
    writer.submit(row)
    await asyncio.sleep(0.05)  # the writer has the record and is gathering a batch
    async with asyncio.timeout(10):
        await writer.stop()
    assert list(await stored(engine)) == [row["id"]]
    await engine.dispose()
