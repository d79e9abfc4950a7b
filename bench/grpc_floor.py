"""The floor under bench/chat_overhead.py: what Envoy + grpc.aio cost before the gateway does
any work of its own.

    .venv/bin/python bench/grpc_floor.py [--seconds 10] [--rate 200] [--rounds 2] [--without-lua]

Serves OpenAIService.ChatCompletions from a no-op grpc.aio servicer (uvloop, as the real
server) that yields one fixed chat.completion HttpBody, behind Envoy with the project's own
config (switchboard.envoy.render_config, as `make run`), and measures it the way
chat_overhead.py measures the gateway: open loop at --rate, direct to the fast fake upstream
vs through Envoy + the no-op server in alternating 1-s blocks; "added" is the difference per
percentile. Also the server's and Envoy's CPU per request during that phase, and the maximum
rate (wrk, closed loop). No auth, no routing, no upstream call, no logging: nothing the gateway
could shed.
--without-lua drops the Lua filter from the rendered config, to show its share.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import grpc
from fake_upstream import BODY as COMPLETION
from fake_upstream import CHAT_REQUEST as BODY
from fake_upstream import spawn
from google.api import httpbody_pb2
from loadgen import LoadTarget, direct_and_via, open_loop, wrk

from switchboard._ports import free_port
from switchboard.cli import run_loop
from switchboard.config import Config
from switchboard.envoy import EnvoyProcess, render_config
from switchboard.v1 import openai_pb2_grpc

ROOT = Path(__file__).resolve().parents[1]
CHAT_PATH = "/api/v1/chat/completions"


class NoOpOpenAI(openai_pb2_grpc.OpenAIServiceServicer):
    async def ChatCompletions(self, request, context):
        yield httpbody_pb2.HttpBody(content_type="application/json", data=COMPLETION)


async def serve(port: int) -> None:
    server = grpc.aio.server()
    openai_pb2_grpc.add_OpenAIServiceServicer_to_server(NoOpOpenAI(), server)
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    await server.wait_for_termination()


def without_lua(config_path: Path) -> None:
    text = config_path.read_text()
    text = re.sub(
        r"          - name: envoy\.filters\.http\.lua\n.*?default_source_code: \{[^\n]*\n",
        "",
        text,
        flags=re.S,
    )
    if "envoy.filters.http.lua" in text:
        raise SystemExit("could not take the Lua filter out of the rendered config")
    config_path.write_text(text)


def start_envoy(grpc_port: int, work: Path, lua: bool) -> tuple[EnvoyProcess, str]:
    http_port, admin_port = free_port(), free_port()
    config = Config(
        grpc_addr=f"127.0.0.1:{grpc_port}", http_port=http_port, envoy_admin_port=admin_port
    )
    config_path = render_config(config, ROOT / "gen" / "switchboard.pb", ROOT / "envoy", work)
    if not lua:
        without_lua(config_path)
    envoy = EnvoyProcess(config_path, admin_port, work / "envoy.log")
    envoy.start()
    envoy.wait_ready()
    return envoy, f"http://127.0.0.1:{http_port}"


class Floor:
    """The no-op servicer and its Envoy, started and stopped together."""

    def __init__(self, lua: bool = True) -> None:
        self.work = Path(tempfile.mkdtemp(prefix="sb-grpc-floor-"))
        port = free_port()
        self.server = subprocess.Popen([sys.executable, __file__, "--serve", str(port)])
        self.envoy: EnvoyProcess | None = None
        try:
            self.envoy, self.rest = start_envoy(port, self.work, lua)
        except BaseException:
            self.stop()
            raise
        self.pids = (self.server.pid, self.envoy.process.pid)

    def stop(self) -> None:
        if self.envoy is not None:
            self.envoy.stop()
        self.server.kill()
        shutil.rmtree(self.work, ignore_errors=True)


async def latency_round(
    upstream: str, rest: str, server: int, envoy: int, args: argparse.Namespace
) -> dict[str, float]:
    """One round: direct vs through Envoy + the no-op server, in alternating 1-s blocks;
    prints and returns "added"."""
    direct = LoadTarget(f"{upstream}/chat/completions", BODY)
    via = LoadTarget(f"{rest}{CHAT_PATH}", BODY)
    run = await direct_and_via(direct, via, args.rate, args.seconds, (server, envoy))
    added = run.added()
    cuts = "  ".join(f"{cut} {ms:6.3f} ms" for cut, ms in added.items())
    print(
        f"  added  {cuts}   errors {run.errors}   "
        f"CPU per request: server {run.cpu_per_request(server):.3f} ms, "
        f"Envoy {run.cpu_per_request(envoy):.3f} ms"
    )
    return added


async def warm_up(rest: str) -> None:
    await open_loop(f"{rest}{CHAT_PATH}", BODY, 50, 2)


async def latency_phase(upstream: str, rest: str, pids: tuple[int, int], args) -> None:
    print(f"Open loop at {args.rate:.0f} rps, {args.seconds:.0f} s a round:")
    await warm_up(rest)
    for _ in range(args.rounds):
        await latency_round(upstream, rest, *pids, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--without-lua", action="store_true")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        run_loop(serve(args.serve))
        return
    fake, upstream = spawn()
    floor = None
    try:
        floor = Floor(lua=not args.without_lua)
        lua = "without" if args.without_lua else "with"
        print(f"No-op grpc.aio servicer behind Envoy ({lua} Lua)")
        asyncio.run(latency_phase(upstream, floor.rest, floor.pids, args))
        rate, summary = wrk(f"{floor.rest}{CHAT_PATH}", BODY, args.concurrency, args.seconds)
        print(f"Closed loop (wrk, {args.concurrency} connections): {rate:.1f} rps ({summary})")
    finally:
        if floor is not None:
            floor.stop()
        fake.kill()


if __name__ == "__main__":
    main()
