"""Issue #5 figures: model discovery (sync 500 listed models, then again), import-config of
the example file (first run and the idempotent second), what scoped settings and routes cost a
chat request, and how long a settings write takes to apply on this replica.

Usage:
    .venv/bin/python bench/settings_admin.py [--database-url URL] [--models 500]

Starts an in-process server on a throw-away SQLite database (or the URL given, which must be
an empty database) and a local fake /models upstream; stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import grpc

from switchboard import config_import
from switchboard.auth.keys import display_prefix, generate_key, key_digest
from switchboard.bootstrap import ADMIN_PERMISSIONS
from switchboard.chat.outcome import CallContext
from switchboard.chat.request import parse_chat
from switchboard.config import Config
from switchboard.db import bootstrap_store
from switchboard.db.migrate import upgrade
from switchboard.runtime import Runtime
from switchboard.server import create_server
from switchboard.settings.snapshot import Scope
from switchboard.v1 import settings_pb2, settings_pb2_grpc

EXAMPLE = Path(__file__).resolve().parents[1] / "switchboard.example.yaml"


def listing_server(count: int) -> ThreadingHTTPServer:
    data = [
        {"id": f"vendor/model-{i:04d}", "context_length": 8192, "pricing": {"prompt": "0.0000001"}}
        for i in range(count)
    ]
    body = json.dumps({"object": "list", "data": data}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


async def timed(label: str, work) -> object:
    started = time.perf_counter()
    result = await work
    print(f"{label}: {(time.perf_counter() - started) * 1000:.1f} ms")
    return result


def per_call_us(work, rounds: int) -> tuple[float, float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1e6)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99)]


async def discovery(admin, base_url: str, count: int) -> None:
    provider = await admin.CreateProvider(
        settings_pb2.CreateProviderRequest(name="bulk", type="openai", base_url=base_url)
    )
    sync = settings_pb2.SyncProviderModelsRequest(id=provider.id, enable_new=True)
    first = await timed(f"sync {count} models (first)", admin.SyncProviderModels(sync))
    again = await timed(f"sync {count} models (again)", admin.SyncProviderModels(sync))
    print(f"  first: added {first.added}; again: unchanged {again.unchanged}")


async def importing(config: Config) -> None:
    os.environ.setdefault("OPENAI_API_KEY", "sk-bench-openai-000000000000")
    os.environ.setdefault("ANTHROPIC_API_KEY", "sk-bench-anthropic-0000000000")
    args = argparse.Namespace(path=EXAMPLE)
    await timed("import-config example (first)", config_import.run(config, args))
    await timed("import-config example (again)", config_import.run(config, args))


async def hot_path(runtime: Runtime, admin, rounds: int) -> None:
    core = runtime.chat_core()
    call = parse_chat({"model": "echo/echo-1", "messages": [{"role": "user", "content": "x"}]})
    ctx = CallContext("bench", "chat.completions", "bench", False, None, organization_id="org")
    median, p99 = per_call_us(lambda: core.with_settings(call, ctx), rounds)
    print(f"scoped settings per request (nothing set): p50 {median:.2f} us, p99 {p99:.2f} us")
    settings = settings_pb2.SettingValues(temperature=0.3, max_tokens=500)
    started = time.perf_counter()
    await admin.UpdateGlobalSettings(settings_pb2.UpdateGlobalSettingsRequest(settings=settings))
    applied = core.with_settings(call, ctx).request.max_tokens == 500
    print(
        f"settings write, applied on this replica when it returns: {applied}, "
        f"{(time.perf_counter() - started) * 1000:.1f} ms"
    )
    runtime.directory.current.settings.overrides(Scope(organization_id="org"))
    median, p99 = per_call_us(lambda: core.with_settings(call, ctx), rounds)
    print(f"scoped settings per request (global set): p50 {median:.2f} us, p99 {p99:.2f} us")
    route = settings_pb2.CreateRouteRequest(
        name="spread",
        strategy="weighted",
        targets=[
            settings_pb2.RouteTarget(model="echo/echo-1", weight=3),
            settings_pb2.RouteTarget(model="bulk/vendor/model-0001", weight=1),
        ],
    )
    await admin.CreateRoute(route)
    routed = parse_chat({"model": "spread", "messages": [{"role": "user", "content": "x"}]})
    median, p99 = per_call_us(lambda: core.targets(routed), rounds)
    print(f"weighted route resolution per request: p50 {median:.2f} us, p99 {p99:.2f} us")
    median, p99 = per_call_us(lambda: core.targets(call), rounds)
    print(f"plain model resolution per request: p50 {median:.2f} us, p99 {p99:.2f} us")


class Bearer(grpc.aio.UnaryUnaryClientInterceptor):
    def __init__(self, key: str) -> None:
        self._metadata = (("authorization", f"Bearer {key}"),)

    async def intercept_unary_unary(self, continuation, details, request):
        metadata = tuple(details.metadata or ()) + self._metadata
        return await continuation(details._replace(metadata=metadata), request)


def admin_key(database_url: str) -> str:
    key = generate_key()
    bootstrap_store.ensure_admin_key(
        database_url,
        digest=key_digest(key),
        prefix=display_prefix(key),
        name="bench-admin",
        permissions=ADMIN_PERMISSIONS,
    )
    return key


async def main(database_url: str, count: int, rounds: int) -> None:
    var_dir = Path(tempfile.mkdtemp(prefix="sb-bench-"))
    database_url = database_url or f"sqlite:///{var_dir / 'bench.db'}"
    upgrade(database_url)
    key = admin_key(database_url)
    config = Config(grpc_addr="127.0.0.1:0", database_url=database_url, var_dir=var_dir)
    runtime = Runtime.build(config)
    await runtime.start()
    server, port, _ = await create_server(config, runtime)
    await server.start()
    upstream = listing_server(count)
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}", interceptors=[Bearer(key)])
    try:
        admin = settings_pb2_grpc.SettingsServiceStub(channel)
        print(f"database: {config.safe_database_url}")
        await discovery(admin, f"http://127.0.0.1:{upstream.server_address[1]}/v1", count)
        await importing(config)
        await hot_path(runtime, admin, rounds)
    finally:
        await channel.close()
        upstream.shutdown()
        await server.stop(None)
        await runtime.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--models", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=20000)
    options = parser.parse_args()
    asyncio.run(main(options.database_url, options.models, options.rounds))
