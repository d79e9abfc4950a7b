"""Two real server processes sharing Postgres and Redis enforce ONE rate limit."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from google.api import httpbody_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc

from switchboard._ports import free_port
from switchboard.v1 import openai_pb2_grpc

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/0"
BODY = httpbody_pb2.HttpBody(
    content_type="application/json",
    data=json.dumps(
        {"model": "echo/echo-1", "messages": [{"role": "user", "content": "hi"}]}
    ).encode(),
)


def switchboard(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "switchboard", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def wait_serving(target: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    with grpc.insecure_channel(target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read()
            try:
                stub.Check(health_pb2.HealthCheckRequest(), timeout=1)
                return
            except grpc.RpcError:
                time.sleep(0.1)
    pytest.fail(f"server on {target} did not start")


@pytest.fixture
def two_servers(empty_postgres_url: str, tmp_path: Path) -> Iterator[tuple[list[str], dict]]:
    env = {
        "SWITCHBOARD_DATABASE_URL": empty_postgres_url,
        "SWITCHBOARD_REDIS_URL": REDIS_URL,
        "SWITCHBOARD_VAR_DIR": str(tmp_path),
    }
    switchboard("migrate", env=env)
    targets, processes = [], []
    for _ in range(2):
        target = f"127.0.0.1:{free_port()}"
        process = subprocess.Popen(
            [sys.executable, "-m", "switchboard", "serve"],
            cwd=ROOT,
            env={
                **os.environ,
                **env,
                "SWITCHBOARD_GRPC_ADDR": target,
                "SWITCHBOARD_METRICS_ADDR": f"127.0.0.1:{free_port()}",
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        targets.append(target)
        processes.append(process)
    try:
        for target, process in zip(targets, processes, strict=True):
            wait_serving(target, process)
        yield targets, env
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.communicate(timeout=20)


async def one_call(target: str, key: str) -> bool:
    async with grpc.aio.insecure_channel(target) as channel:
        stub = openai_pb2_grpc.OpenAIServiceStub(channel)
        try:
            [_ async for _ in stub.ChatCompletions(BODY, metadata=(("x-api-key", key),))]
        except grpc.aio.AioRpcError as exc:
            assert exc.code() is grpc.StatusCode.RESOURCE_EXHAUSTED, exc
            return False
        return True


def test_fifty_calls_across_two_processes_let_exactly_twenty_through(two_servers) -> None:
    targets, env = two_servers
    created = switchboard("keys", "create", "--name", "shared", "--rpm", "20", env=env)
    key = next(line.split()[1] for line in created.stdout.splitlines() if line.startswith("key:"))
    if 60 - time.time() % 60 < 8:
        time.sleep(9)

    async def burst() -> list[bool]:
        return await asyncio.gather(*(one_call(targets[i % 2], key) for i in range(50)))

    results = asyncio.run(burst())
    assert results.count(True) == 20
