"""A real grpc.aio server on a free loopback port, backed by a real migrated database."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest

from switchboard.auth.keys import generate_key
from switchboard.bootstrap import ensure_admin_key
from switchboard.config import Config, ConfigError
from switchboard.db.errors import DatabaseUnavailable
from switchboard.runtime import Runtime
from switchboard.server import create_server, mark_serving
from switchboard.v1 import keys_pb2, keys_pb2_grpc


@dataclass
class RunningServer:
    target: str
    runtime: Runtime
    # Sends the bootstrap admin key with every call.
    channel: grpc.aio.Channel
    admin_key: str
    # Sends no key at all.
    bare_channel: grpc.aio.Channel

    def channel_with_key(self, key: str) -> grpc.aio.Channel:
        """A new channel sending `key` (the caller closes it)."""
        return keyed_channel(self.target, key)


class _KeyMetadata:
    """Adds `authorization: Bearer <key>`. grpc.aio files an interceptor under ONE kind, so
    each kind gets a subclass of its own."""

    def __init__(self, key: str) -> None:
        self._metadata = (("authorization", f"Bearer {key}"),)

    def with_key(self, details: grpc.aio.ClientCallDetails) -> grpc.aio.ClientCallDetails:
        metadata = tuple(details.metadata or ()) + self._metadata
        return details._replace(metadata=metadata)


class _UnaryKey(_KeyMetadata, grpc.aio.UnaryUnaryClientInterceptor):
    async def intercept_unary_unary(self, continuation, details, request):
        return await continuation(self.with_key(details), request)


class _StreamKey(_KeyMetadata, grpc.aio.UnaryStreamClientInterceptor):
    async def intercept_unary_stream(self, continuation, details, request):
        return await continuation(self.with_key(details), request)


def keyed_channel(target: str, key: str) -> grpc.aio.Channel:
    return grpc.aio.insecure_channel(target, interceptors=[_UnaryKey(key), _StreamKey(key)])


async def start_server(
    database_url: str, var_dir: Path, **settings: str
) -> tuple[grpc.aio.Server, RunningServer]:
    admin_key = generate_key()
    config = Config(
        grpc_addr="127.0.0.1:0",
        database_url=database_url,
        var_dir=var_dir,
        admin_key=admin_key,
        **settings,
    )
    with contextlib.suppress(ConfigError, DatabaseUnavailable):
        ensure_admin_key(config)  # a test of a dead database gets a server without one
    runtime = Runtime.build(config)
    await runtime.start()
    server, port, grpc_health = await create_server(config, runtime)
    await server.start()
    await mark_serving(grpc_health, True)
    target = f"127.0.0.1:{port}"
    running = RunningServer(
        target,
        runtime,
        keyed_channel(target, admin_key),
        admin_key,
        grpc.aio.insecure_channel(target),
    )
    return server, running


async def stop_server(server: grpc.aio.Server, running: RunningServer) -> None:
    await running.channel.close()
    await running.bare_channel.close()
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

    async def start(database_url: str, **settings: str) -> RunningServer:
        started.append(await start_server(database_url, tmp_path, **settings))
        return started[-1][1]

    yield start
    for server, running in started:
        await stop_server(server, running)


KeyMaker = Callable[..., Awaitable[tuple[keys_pb2.ApiKey, grpc.aio.Channel]]]


@pytest.fixture
async def make_key(running) -> AsyncIterator[KeyMaker]:
    """Create a key with the admin key; returns it and a channel that sends it."""
    channels: list[grpc.aio.Channel] = []

    async def make(**fields: Any) -> tuple[keys_pb2.ApiKey, grpc.aio.Channel]:
        fields.setdefault("name", "test key")
        fields.setdefault("permissions", ["ai:chat"])
        stub = keys_pb2_grpc.KeysServiceStub(running.channel)
        key = await stub.CreateKey(keys_pb2.CreateKeyRequest(**fields))
        channels.append(running.channel_with_key(key.key))
        return key, channels[-1]

    yield make
    for channel in channels:
        await channel.close()
