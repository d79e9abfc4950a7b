"""Gateway overhead for chat completions, with request logging to Postgres on.

    .venv/bin/python bench/chat_overhead.py [--seconds 10] [--rate 200] [--concurrency 32]
                                            [--rounds 1]

Starts a fast fake OpenAI upstream and `python -m switchboard run` (gRPC server + Envoy) on
free loopback ports against a throw-away Postgres database, then measures:
  1. latency at a fixed open-loop rate (default 200 rps): direct to the upstream, and through
     Envoy + the gateway to the same upstream, in alternating 1-s blocks so both see the same
     machine (its speed drifts minute to minute); "added" is the difference per percentile;
  2. maximum non-streaming throughput (closed loop) through the gateway, to the upstream and to
     the in-process echo model;
  3. that every request reached llm_logs (exactly once).
After the latency phase the same rate goes to bench/grpc_floor.py's no-op servicer behind the
same Envoy config: what Envoy + grpc.aio cost before the gateway does anything.
Everything runs on this machine's 2 cores (load generator included): figures are conservative.
--rounds N repeats the latency phase N times on the same stack (for A/B runs of a change: the
rounds show how much the figures move by themselves). Bounded: each phase stops after --seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import psycopg
from cryptography.fernet import Fernet
from fake_upstream import CHAT_REQUEST as BODY
from fake_upstream import spawn
from grpc_floor import Floor, warm_up
from grpc_floor import latency_round as floor_round
from loadgen import (
    LoadTarget,
    child_pids,
    direct_and_via,
    grpc_open_loop,
    open_loop,
    percentiles,
    wrk,
)
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, func, pool, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from switchboard._ports import free_port
from switchboard.auth.keys import generate_key
from switchboard.db.engine import sync_url
from switchboard.db.migrate import upgrade
from switchboard.db.schema import LlmLog, Model, ModelPrice, Provider
from switchboard.security.secrets import Vault

ROOT = Path(__file__).resolve().parents[1]
# Registered as the bootstrap admin key; every request sends it (chat needs a key since #4).
ADMIN_KEY = generate_key()
AUTH = {"authorization": f"Bearer {ADMIN_KEY}"}
ADMIN_URL = os.environ.get("SWITCHBOARD_TEST_PG_ADMIN_URL", "postgresql://root@127.0.0.1:5432/test")


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


def request_counts(metrics_url: str) -> tuple[int, int, int]:
    """From the server's Prometheus counters: chat RPCs it finished (every status), those
    cancelled by their client, and the calls its chat core finished (each one log record)."""
    rpcs, cancelled, calls = 0, 0, 0
    for family in text_string_to_metric_families(httpx.get(metrics_url).text):
        for sample in family.samples:
            if sample.name == "switchboard_llm_requests_total":
                calls += int(sample.value)
            elif sample.name == "switchboard_rpc_requests_total" and sample.labels[
                "method"
            ].endswith("OpenAIService/ChatCompletions"):
                rpcs += int(sample.value)
                cancelled += int(sample.value) if sample.labels["code"] == "CANCELLED" else 0
    return rpcs, cancelled, calls


def loop_lag(metrics_url: str) -> str:
    """The server's event-loop lag quantiles, read off its histogram's bucket bounds."""
    text = httpx.get(metrics_url).text
    pattern = r'switchboard_event_loop_lag_seconds_bucket\{le="([^"]+)"\} ([\d.e+]+)'
    buckets = [(float(le), float(count)) for le, count in re.findall(pattern, text)]
    total = buckets[-1][1] if buckets else 0
    if not total:
        return "no samples"

    def bound(quantile: float) -> str:
        limit = next(le for le, count in buckets if count >= quantile * total)
        return f"<= {limit * 1000:g} ms"

    return f"p50 {bound(0.5)}, p99 {bound(0.99)}, p99.9 {bound(0.999)} ({total:.0f} probes)"


def start_stack(url: str, master_key: str) -> tuple[subprocess.Popen[str], str, str, str]:
    http_port, metrics_port = free_port(), free_port()
    grpc_addr = f"127.0.0.1:{free_port()}"
    env = {
        **os.environ,
        "SWITCHBOARD_DATABASE_URL": url,
        "SWITCHBOARD_MASTER_KEY": master_key,
        "SWITCHBOARD_ADMIN_KEY": ADMIN_KEY,
        "SWITCHBOARD_HTTP_PORT": str(http_port),
        "SWITCHBOARD_GRPC_ADDR": grpc_addr,
        "SWITCHBOARD_ENVOY_ADMIN_PORT": str(free_port()),
        "SWITCHBOARD_METRICS_ADDR": f"127.0.0.1:{metrics_port}",
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
                return process, rest, f"http://127.0.0.1:{metrics_port}/metrics", grpc_addr
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.kill()
    raise SystemExit("the stack did not start")


def stop(process: subprocess.Popen[str] | None) -> None:
    """Let the launcher stop its server and Envoy (SIGKILL would orphan them)."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def report(name: str, samples: list[float], errors: int) -> dict[str, float]:
    cut = percentiles(samples)
    print(
        f"  {name:28s} n={len(samples):5d} errors={errors:3d}  "
        + "  ".join(f"{k} {v:7.3f} ms" for k, v in cut.items())
    )
    return cut


def stack_pids(launcher: int) -> dict[str, int]:
    """The launcher's children: the gRPC server and Envoy."""
    pids = {}
    for pid in child_pids(launcher):
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
        pids["Envoy" if b"envoy" in command else "server"] = pid
    return pids


async def latency_phase(rest: str, upstream: str, pids: dict[str, int], args) -> dict[str, float]:
    print(
        f"Open loop at {args.rate:.0f} rps, {args.seconds:.0f} s each, direct and via the gateway"
        " in alternating 1-s blocks (lean raw-socket client):"
    )
    chat = f"{rest}/api/v1/chat/completions"
    await open_loop(chat, BODY, 50, 2, headers=AUTH)  # warm-up
    direct = LoadTarget(f"{upstream}/chat/completions", BODY)
    via = LoadTarget(chat, BODY, AUTH)
    run = await direct_and_via(direct, via, args.rate, args.seconds, tuple(pids.values()))
    report("direct to upstream", run.baseline, 0)
    report("via Envoy + gateway", run.subject, run.errors)
    added = run.added()
    cpu = {name: run.cpu_per_request(pid) for name, pid in pids.items()}
    print(
        "  added by the gateway         " + "  ".join(f"{k} {v:7.3f} ms" for k, v in added.items())
    )
    print("  CPU per request              " + ", ".join(f"{k} {v:.3f} ms" for k, v in cpu.items()))
    return added


async def measure_floor(upstream: str, floor: Floor, args: argparse.Namespace) -> dict[str, float]:
    await warm_up(floor.rest)
    return await floor_round(upstream, floor.rest, *floor.pids, args)


def floor_phase(upstream: str, gateway: dict[str, float], args: argparse.Namespace) -> None:
    """The same rate on bench/grpc_floor.py's no-op servicer behind the same Envoy config,
    right after the gateway's run: this box's speed drifts from minute to minute, so the
    floor is measured alongside rather than taken from another run."""
    print("  floor: a no-op servicer behind the same Envoy config (bench/grpc_floor.py):")
    floor = Floor()
    try:
        added = asyncio.run(measure_floor(upstream, floor, args))
    finally:
        floor.stop()
    differences = "  ".join(f"{k} {gateway[k] - added[k]:7.3f} ms" for k in added)
    print(f"  gateway minus floor          {differences}")


async def grpc_phase(grpc_addr: str, upstream: str, args: argparse.Namespace) -> None:
    """The same rate straight to the server's gRPC port: what Envoy adds and what it does not."""
    metadata = tuple(AUTH.items())
    await grpc_open_loop(grpc_addr, BODY, 50, 2, metadata)  # warm-up
    direct, e1 = await open_loop(f"{upstream}/chat/completions", BODY, args.rate, args.seconds)
    via, e2 = await grpc_open_loop(grpc_addr, BODY, args.rate, args.seconds, metadata)
    d, v = report("direct to upstream", direct, e1), report("gRPC to gateway (no Envoy)", via, e2)
    print("  added without Envoy          " + "  ".join(f"{k} {v[k] - d[k]:7.3f} ms" for k in d))


def throughput_phase(rest: str, args: argparse.Namespace) -> int:
    print(f"Closed loop (wrk, {args.concurrency} connections, {args.seconds:.0f} s):")
    sent = 0
    for label, model in (
        ("fake upstream (bench/ok)", "bench/ok"),
        ("echo (in-process)", "echo/echo-1"),
    ):
        rate, summary = wrk(
            f"{rest}/api/v1/chat/completions",
            {**BODY, "model": model},
            args.concurrency,
            args.seconds,
            AUTH,
        )
        sent += int(summary.split()[0])
        print(f"  {label:28s} {rate:7.1f} rps  ({summary})")
    return sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    fake, upstream = spawn()
    url, master_key = create_database(), Fernet.generate_key().decode()
    process = None
    try:
        seed(url, master_key, upstream)
        process, rest, metrics, grpc_addr = start_stack(url, master_key)
        pids = stack_pids(process.pid)
        for _ in range(args.rounds):
            added = asyncio.run(latency_phase(rest, upstream, pids, args))
        floor_phase(upstream, added, args)
        asyncio.run(grpc_phase(grpc_addr, upstream, args))
        print(f"  server event-loop lag up to here: {loop_lag(metrics)}")
        throughput_phase(rest, args)
        rpcs, cancelled, calls = request_counts(metrics)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        logged = count_logs(url)
        print(
            f"llm_logs rows: {logged}; calls the chat core finished: {calls}"
            f" ({'equal' if logged == calls else 'MISMATCH'}); chat RPCs: {rpcs}, of which"
            f" {cancelled} cancelled by their client ({rpcs - calls} before reaching the core)"
        )
    finally:
        stop(process)
        fake.kill()
        drop_database(url)


if __name__ == "__main__":
    main()
