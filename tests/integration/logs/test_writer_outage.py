"""The durable log writer: batches, an outage of the real Postgres mid-burst, replay."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from pathlib import Path

from fakes.log_rows import write_through
from fakes.tcp_proxy import TcpProxy
from sqlalchemy import select
from sqlalchemy.engine import make_url

from switchboard.db.engine import create_engine_from_url, session_factory
from switchboard.db.schema import LlmLog
from switchboard.logs.spool import Spool
from switchboard.logs.writer import LogWriter


def record(request_id: str) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "request_id": request_id,
        "created_at": datetime.now(UTC),
        "status": "success",
        "provider": "echo",
        "model": "echo/echo-1",
        "cost_pico_usd": 10**15 + 1,
        "attempts": [{"provider": "echo"}],
        "request_body": {"messages": [{"role": "user", "content": "hi"}]},
    }


async def rows(engine) -> list[str]:
    async with session_factory(engine)() as session:
        return list(await session.scalars(select(LlmLog.request_id)))


async def test_burst_through_a_postgres_outage_is_logged_exactly_once(
    postgres_url: str, tmp_path: Path
) -> None:
    url = make_url(postgres_url)
    proxy = await TcpProxy(url.host, url.port).start()
    engine = create_engine_from_url(url.set(port=proxy.port).render_as_string(False))
    spool = Spool(tmp_path / "spool.jsonl")
    writer = LogWriter(engine, spool, batch_size=50, flush_interval=0.02)
    writer.start()
    ids = [f"req-{i:04d}" for i in range(600)]
    for index, request_id in enumerate(ids):
        if index == 150:
            await proxy.cut()
        if index == 450:
            await proxy.restore()
        writer.submit(record(request_id))
        if index % 25 == 0:
            await asyncio.sleep(0.03)
    await writer.stop()
    written = await rows(engine)
    assert writer.spooled > 0, "the outage never reached the writer"
    assert sorted(written) == ids
    assert spool.size() == 0
    await engine.dispose()
    await proxy.cut()


async def test_replay_after_a_crash_mid_replay_writes_nothing_twice(
    database_url: str, tmp_path: Path
) -> None:
    engine = create_engine_from_url(database_url)
    spool = Spool(tmp_path / "spool.jsonl")
    spooled = [record(f"r{i}") for i in range(10)]
    spool.append(spooled)
    writer = LogWriter(engine, spool)
    await writer._insert(spooled[:4])  # replayed in part before the "crash"
    await write_through(writer, [record("r10")])
    assert sorted(await rows(engine)) == sorted(f"r{i}" for i in range(11))
    assert spool.size() == 0
    stored = await _one(engine, "r3")
    assert stored.cost_pico_usd == 10**15 + 1
    await engine.dispose()


async def _one(engine, request_id: str) -> LlmLog:
    async with session_factory(engine)() as session:
        return await session.scalar(select(LlmLog).where(LlmLog.request_id == request_id))


async def test_a_torn_last_spool_line_is_ignored(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool.jsonl")
    spool.append([record("whole")])
    with spool.path.open("a") as handle:
        handle.write('{"request_id": "torn"')
    assert [r["request_id"] for r in spool.read()] == ["whole"]
