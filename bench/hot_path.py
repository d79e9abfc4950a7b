"""CPU the gateway's own code spends per chat request, without gRPC, Envoy or HTTP in front.

    .venv/bin/python bench/hot_path.py [--requests 2000] [--concurrency 16] [--profile out.txt]

Builds the server's Runtime against a throw-away Postgres database (the same seed as
bench/chat_overhead.py), then calls the intercepted OpenAIService.ChatCompletions handler
directly (interceptor, auth, limits, routing, adapter, cost, metrics, log writer) with a
minimal servicer context, for the in-process echo model and for the fast fake upstream.
Reports process CPU per request (all threads; the log writer's batches are waited for and
included). Process CPU, not wall time, so the figure hardly moves with the machine's load.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from chat_overhead import ADMIN_KEY, BODY, create_database, drop_database, seed
from cryptography.fernet import Fernet
from fake_upstream import spawn
from google.api import httpbody_pb2

from switchboard.api.interceptor import GatewayInterceptor
from switchboard.api.openai_facade import OpenAIFacade
from switchboard.bootstrap import ensure_admin_key
from switchboard.cli import run_loop
from switchboard.config import Config
from switchboard.runtime import Runtime

METHOD = "/switchboard.v1.OpenAIService/ChatCompletions"


class Context:
    """What the handler uses of grpc.aio.ServicerContext."""

    def __init__(self) -> None:
        self.metadata = (("authorization", f"Bearer {ADMIN_KEY}"),)

    def invocation_metadata(self) -> tuple[tuple[str, str], ...]:
        return self.metadata

    async def send_initial_metadata(self, metadata: Any) -> None:
        return None

    async def abort(self, code: grpc.StatusCode, details: str = "", trailing: Any = ()) -> None:
        raise RuntimeError(f"aborted: {code} {details}")


@dataclass(frozen=True)
class Details:
    method: str
    invocation_metadata: tuple[tuple[str, str], ...]


def handler_factory(runtime: Runtime) -> Callable[[], Awaitable[grpc.RpcMethodHandler]]:
    """As grpc.aio does per call: the interceptor wraps the servicer's method handler."""
    interceptor = GatewayInterceptor(runtime.metrics, runtime.gate)
    facade = OpenAIFacade(runtime.chat_core(), runtime.config.environment)
    method = grpc.unary_stream_rpc_method_handler(facade.ChatCompletions)
    details = Details(METHOD, Context().metadata)

    async def continuation(details: Any) -> grpc.RpcMethodHandler:
        return method

    async def handler() -> grpc.RpcMethodHandler:
        return await interceptor.intercept_service(continuation, details)

    return handler


async def run(runtime: Runtime, model: str, requests: int, concurrency: int) -> float:
    handler = handler_factory(runtime)
    request = httpbody_pb2.HttpBody(
        content_type="application/json", data=json.dumps({**BODY, "model": model}).encode()
    )
    queue = iter(range(requests))

    async def worker() -> None:
        for _ in queue:
            wrapped = (await handler()).unary_stream
            async for reply in wrapped(request, Context()):
                assert b'"chat.completion"' in reply.data, reply.data

    written = runtime.log_writer.written
    started = time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    while runtime.log_writer.written < written + requests:  # noqa: ASYNC110 (polls a counter)
        await asyncio.sleep(0.01)
    return (time.process_time() - started) / requests


async def profile(runtime: Runtime, args: argparse.Namespace) -> None:
    """One more round on the upstream model under cProfile (which slows it: read the shares,
    not the times); the functions by their own time, then by time including callees."""
    profiler = cProfile.Profile()
    profiler.enable()
    await run(runtime, "bench/ok", args.requests, args.concurrency)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(40)
    stats.sort_stats("cumulative").print_stats(60)
    args.profile.write_text(out.getvalue())
    print(f"  profile of one bench/ok round written to {args.profile}")


async def main(args: argparse.Namespace, url: str, master_key: str) -> None:
    os.environ.update(
        SWITCHBOARD_DATABASE_URL=url,
        SWITCHBOARD_MASTER_KEY=master_key,
        SWITCHBOARD_ADMIN_KEY=ADMIN_KEY,
        SWITCHBOARD_VAR_DIR=f"/tmp/sb-hot-path-{os.getpid()}",
    )
    config = Config.from_env()
    ensure_admin_key(config)
    runtime = Runtime.build(config)
    await runtime.start()
    try:
        for model in ("echo/echo-1", "bench/ok"):
            await run(runtime, model, 300, args.concurrency)  # warm-up
            rounds = [await run(runtime, model, args.requests, args.concurrency) for _ in range(3)]
            figures = ", ".join(f"{cpu * 1e6:.0f}" for cpu in rounds)
            print(
                f"  {model:12s} {statistics.median(rounds) * 1e6:5.0f} µs CPU per request, median"
                f" of 3 rounds of {args.requests} ({figures})"
            )
        if args.profile:
            await profile(runtime, args)
    finally:
        await runtime.close()


def entry() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--profile", type=Path, help="write a cProfile report here")
    args = parser.parse_args()
    fake, upstream = spawn()
    url, master_key = create_database(), Fernet.generate_key().decode()
    try:
        seed(url, master_key, upstream)
        run_loop(main(args, url, master_key))  # the server's loop (uvloop where installed)
    finally:
        fake.kill()
        drop_database(url)


if __name__ == "__main__":
    entry()
