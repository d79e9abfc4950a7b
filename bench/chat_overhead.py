"""Gateway overhead for chat completions, with request logging to Postgres on.

    .venv/bin/python bench/chat_overhead.py [--seconds 10] [--rate 200] [--concurrency 32]

Starts a fast fake OpenAI upstream and `python -m switchboard run` (gRPC server + Envoy) on
free loopback ports against a throw-away Postgres database, then measures:
  1. latency at a fixed open-loop rate (default 200 rps): direct to the upstream, and through
     Envoy + the gateway to the same upstream; "added" is the difference per percentile;
  2. maximum non-streaming throughput (closed loop) through the gateway, to the upstream and to
     the in-process echo model;
  3. that every request reached llm_logs (exactly once).
Everything runs on this machine's 2 cores (load generator included): figures are conservative.
Bounded: each phase stops after --seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import psycopg
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, func, pool, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from switchboard._ports import free_port
from switchboard.db.engine import sync_url
from switchboard.db.migrate import upgrade
from switchboard.db.schema import LlmLog, Model, ModelPrice, Provider
from switchboard.security.secrets import Vault

ROOT = Path(__file__).resolve().parents[1]
ADMIN_URL = os.environ.get("SWITCHBOARD_TEST_PG_ADMIN_URL", "postgresql://root@127.0.0.1:5432/test")
BODY = {"model": "bench/ok", "messages": [{"role": "user", "content": "hello, how are you today?"}]}


def create_database() -> str:
    name = f"sb_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return (
        make_url(ADMIN_URL)
        .set(drivername="postgresql+psycopg", database=name)
        .render_as_string(False)
    )


def drop_database(url: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def seed(url: str, master_key: str, upstream: str) -> None:
    upgrade(url)
    engine = create_engine(sync_url(url), poolclass=pool.NullPool)
    with Session(engine) as session, session.begin():
        provider = Provider(
            name="bench",
            type="openai",
            base_url=upstream,
            encrypted_credentials=Vault([master_key.encode()]).encrypt("sk-bench"),
        )
        session.add(provider)
        session.flush()
        model = Model(provider_id=provider.id, name="ok", context_window=128000)
        session.add(model)
        session.flush()
        session.add(
            ModelPrice(model_id=model.id, input_price_pico=150_000, output_price_pico=600_000)
        )
    engine.dispose()


def count_logs(url: str) -> int:
    engine = create_engine(sync_url(url), poolclass=pool.NullPool)
    with Session(engine) as session:
        count = session.scalar(select(func.count()).select_from(LlmLog)) or 0
    engine.dispose()
    return count


def percentiles(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98]}


async def open_loop(
    client: httpx.AsyncClient, url: str, body: dict, rate: float, seconds: float
) -> tuple[list[float], int]:
    """Fire at a fixed rate regardless of answers (no coordinated omission)."""
    latencies: list[float] = []
    errors = 0

    async def one() -> None:
        nonlocal errors
        started = time.perf_counter()
        try:
            response = await client.post(url, json=body)
            response.raise_for_status()
        except httpx.HTTPError:
            errors += 1
            return
        latencies.append((time.perf_counter() - started) * 1000)

    tasks, start = [], time.perf_counter()
    for index in range(int(rate * seconds)):
        delay = start + index / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one()))
    await asyncio.gather(*tasks)
    return latencies, errors


async def closed_loop(
    client: httpx.AsyncClient, url: str, body: dict, concurrency: int, seconds: float
) -> tuple[int, int, float]:
    done = errors = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done, errors
        while time.perf_counter() < deadline:
            try:
                (await client.post(url, json=body)).raise_for_status()
                done += 1
            except httpx.HTTPError:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done, errors, time.perf_counter() - started


def start_stack(url: str, master_key: str) -> tuple[subprocess.Popen[str], str]:
    http_port = free_port()
    env = {
        **os.environ,
        "SWITCHBOARD_DATABASE_URL": url,
        "SWITCHBOARD_MASTER_KEY": master_key,
        "SWITCHBOARD_HTTP_PORT": str(http_port),
        "SWITCHBOARD_GRPC_ADDR": f"127.0.0.1:{free_port()}",
        "SWITCHBOARD_ENVOY_ADMIN_PORT": str(free_port()),
        "SWITCHBOARD_METRICS_ADDR": f"127.0.0.1:{free_port()}",
        "SWITCHBOARD_VAR_DIR": f"/tmp/sb-bench-{uuid.uuid4().hex[:8]}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "switchboard", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        text=True,
    )
    rest = f"http://127.0.0.1:{http_port}"
    for _ in range(300):
        try:
            if httpx.get(f"{rest}/api/v1/health", timeout=1).status_code == 200:
                return process, rest
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.kill()
    raise SystemExit("the stack did not start")


def report(name: str, samples: list[float], errors: int) -> dict[str, float]:
    cut = percentiles(samples)
    print(
        f"  {name:28s} n={len(samples):5d} errors={errors:3d}  "
        + "  ".join(f"{k} {v:7.3f} ms" for k, v in cut.items())
    )
    return cut


async def measure(rest: str, upstream: str, args: argparse.Namespace) -> int:
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    sent = 0
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        done, errors, _ = await closed_loop(client, f"{rest}/api/v1/chat/completions", BODY, 8, 2)
        sent += done + errors  # warm-up requests are logged too
        await closed_loop(client, f"{upstream}/chat/completions", BODY, 8, 1)
        print(f"Open loop at {args.rate} rps for {args.seconds} s:")
        direct, e1 = await open_loop(
            client, f"{upstream}/chat/completions", BODY, args.rate, args.seconds
        )
        via, e2 = await open_loop(
            client, f"{rest}/api/v1/chat/completions", BODY, args.rate, args.seconds
        )
        sent += len(via) + e2
        d, v = report("direct to upstream", direct, e1), report("via Envoy + gateway", via, e2)
        print(
            "  added by the gateway         " + "  ".join(f"{k} {v[k] - d[k]:7.3f} ms" for k in d)
        )
        print(f"Closed loop, concurrency {args.concurrency}, {args.seconds} s:")
        for label, model in (
            ("fake upstream (bench/ok)", "bench/ok"),
            ("echo (in-process)", "echo/echo-1"),
        ):
            done, errors, elapsed = await closed_loop(
                client,
                f"{rest}/api/v1/chat/completions",
                {**BODY, "model": model},
                args.concurrency,
                args.seconds,
            )
            sent += done + errors
            print(f"  {label:28s} {done / elapsed:7.1f} rps  ({done} ok, {errors} errors)")
    return sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    upstream_port = free_port()
    fake = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "fake_upstream.py"), str(upstream_port)]
    )
    upstream = f"http://127.0.0.1:{upstream_port}/v1"
    url, master_key = create_database(), Fernet.generate_key().decode()
    process = None
    try:
        seed(url, master_key, upstream)
        process, rest = start_stack(url, master_key)
        sent = asyncio.run(measure(rest, upstream, args))
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        logged = count_logs(url)
        print(f"llm_logs rows: {logged}; gateway requests sent: {sent} (must be equal)")
    finally:
        if process is not None and process.poll() is None:
            process.kill()
        fake.kill()
        drop_database(url)


if __name__ == "__main__":
    main()
