"""A real grpc.aio server on a free loopback port, backed by a real migrated database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest

from switchboard.config import Config
from switchboard.runtime import Runtime
from switchboard.server import create_server, mark_serving


@dataclass
class RunningServer:
    target: str
    runtime: Runtime
    channel: grpc.aio.Channel


async def start_server(database_url: str, var_dir: Path) -> tuple[grpc.aio.Server, RunningServer]:
    config = Config(grpc_addr="127.0.0.1:0", database_url=database_url, var_dir=var_dir)
    runtime = Runtime.build(config)
    await runtime.start()
    server, port, grpc_health = await create_server(config, runtime)
    await server.start()
    await mark_serving(grpc_health, True)
    target = f"127.0.0.1:{port}"
    return server, RunningServer(target, runtime, grpc.aio.insecure_channel(target))


async def stop_server(server: grpc.aio.Server, running: RunningServer) -> None:
    await running.channel.close()
    await server.stop(None)
    await running.runtime.close()


@pytest.fixture
async def running(database_url: str, tmp_path: Path) -> AsyncIterator[RunningServer]:
    server, running = await start_server(database_url, tmp_path)
    yield running
    await stop_server(server, running)


@pytest.fixture
async def server_on(tmp_path: Path) -> AsyncIterator[Callable[[str], Awaitable[RunningServer]]]:
    """Start servers on any database URL (e.g. a dead one); all are stopped at teardown."""
    started: list[tuple[grpc.aio.Server, RunningServer]] = []

    async def start(database_url: str) -> RunningServer:
        started.append(await start_server(database_url, tmp_path))
        return started[-1][1]

    yield start
    for server, running in started:
        await stop_server(server, running)
