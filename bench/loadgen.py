"""A lean open-loop HTTP/1.1 load generator (raw asyncio sockets, keep-alive), so the client
costs little CPU next to the server it measures on the same 2 cores."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    async def request(self, payload: bytes) -> int:
        self.writer.write(payload)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        lowered = head.lower()
        if b"transfer-encoding: chunked" in lowered:
            await self._read_chunked()
            return status
        for line in lowered.split(b"\r\n"):
            if line.startswith(b"content-length:"):
                await self.reader.readexactly(int(line[15:]))
        return status

    async def _read_chunked(self) -> None:
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await self.reader.readexactly(size + 2)
            if size == 0:
                return


def cpu_ms(pid: int) -> float:
    """User + system CPU time a process has used so far, in milliseconds (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def child_pids(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


def post_bytes(url: str, body: dict, headers: dict[str, str] | None = None) -> bytes:
    parts = urlsplit(url)
    data = json.dumps(body).encode()
    extra = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    return (
        f"POST {parts.path} HTTP/1.1\r\nhost: {parts.netloc}\r\n{extra}"
        f"content-type: application/json\r\ncontent-length: {len(data)}\r\n\r\n"
    ).encode() + data


async def on_schedule(one: Callable[[float], Awaitable[None]], rate: float, seconds: float) -> None:
    """Start `one(scheduled_time)` `rate` times a second for `seconds`, whether or not earlier
    ones have finished (an open loop: no coordinated omission); wait for all of them."""
    tasks, start = [], time.perf_counter()
    for index in range(int(rate * seconds)):
        scheduled = start + index / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(scheduled)))
    await asyncio.gather(*tasks)


class LoadTarget:
    """One URL and a pool of keep-alive connections to it, kept across runs."""

    def __init__(self, url: str, body: dict, headers: dict[str, str] | None = None) -> None:
        self.url = url
        self.payload = post_bytes(url, body, headers)
        self.pool: asyncio.Queue[Connection] = asyncio.Queue()

    async def connect(self, connections: int = 64) -> LoadTarget:
        parts = urlsplit(self.url)
        for _ in range(connections):
            reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
            self.pool.put_nowait(Connection(reader, writer))
        return self

    async def run(self, rate: float, seconds: float) -> tuple[list[float], int]:
        """Send `rate` requests per second for `seconds`; returns latencies (ms) and errors."""
        latencies: list[float] = []
        errors = 0

        async def one(scheduled: float) -> None:
            nonlocal errors
            connection = await self.pool.get()
            try:
                status = await connection.request(self.payload)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                errors += 1
                return
            self.pool.put_nowait(connection)
            if status >= 400:
                errors += 1
            else:  # measured from the scheduled send time: no coordinated omission
                latencies.append((time.perf_counter() - scheduled) * 1000)

        await on_schedule(one, rate, seconds)
        return latencies, errors

    def close(self) -> None:
        while not self.pool.empty():
            self.pool.get_nowait().writer.close()


async def open_loop(
    url: str,
    body: dict,
    rate: float,
    seconds: float,
    connections: int = 64,
    headers: dict[str, str] | None = None,
) -> tuple[list[float], int]:
    """Send `rate` requests per second for `seconds`; returns latencies (ms) and errors."""
    target = await LoadTarget(url, body, headers).connect(connections)
    try:
        return await target.run(rate, seconds)
    finally:
        target.close()


@dataclass
class Interleaved:
    """Latencies and errors of a baseline and a subject measured in alternating blocks, and
    the CPU the watched processes spent during the subject's blocks only."""

    baseline: list[float] = field(default_factory=list)
    subject: list[float] = field(default_factory=list)
    errors: int = 0
    subject_cpu_ms: dict[int, float] = field(default_factory=dict)

    def added(self) -> dict[str, float]:
        """The subject's latency above the baseline's, per percentile (ms)."""
        baseline, subject = percentiles(self.baseline), percentiles(self.subject)
        return {cut: subject[cut] - baseline[cut] for cut in baseline}

    def cpu_per_request(self, pid: int) -> float:
        return self.subject_cpu_ms[pid] / (len(self.subject) + self.errors)


async def interleaved(
    baseline: LoadTarget,
    subject: LoadTarget,
    rate: float,
    seconds: float,
    watch: tuple[int, ...] = (),
    block: float = 1.0,
) -> Interleaved:
    """`seconds` of each at `rate`, alternating `block`-second runs: this machine's speed drifts
    from minute to minute, so a baseline measured in another minute than its subject would
    not compare."""
    result = Interleaved(subject_cpu_ms=dict.fromkeys(watch, 0.0))
    for _ in range(max(1, round(seconds / block))):
        latencies, errors = await baseline.run(rate, block)
        result.baseline += latencies
        before = {pid: cpu_ms(pid) for pid in watch}
        latencies, more = await subject.run(rate, block)
        for pid in watch:
            result.subject_cpu_ms[pid] += cpu_ms(pid) - before[pid]
        result.subject += latencies
        result.errors += errors + more
    return result


async def direct_and_via(
    direct: LoadTarget, via: LoadTarget, rate: float, seconds: float, watch: tuple[int, ...] = ()
) -> Interleaved:
    """Connect both targets, run `interleaved` (direct as the baseline), close both."""
    try:
        await direct.connect()
        await via.connect()
        return await interleaved(direct, via, rate, seconds, watch)
    finally:
        direct.close()
        via.close()


async def grpc_open_loop(
    target: str, body: dict, rate: float, seconds: float, metadata: tuple[tuple[str, str], ...]
) -> tuple[list[float], int]:
    """The same open loop over gRPC straight to the server (OpenAIService, no Envoy)."""
    import grpc  # noqa: PLC0415 - only this phase needs it
    from google.api import httpbody_pb2  # noqa: PLC0415

    from switchboard.v1 import openai_pb2_grpc  # noqa: PLC0415

    request = httpbody_pb2.HttpBody(content_type="application/json", data=json.dumps(body).encode())
    latencies: list[float] = []
    errors = 0
    async with grpc.aio.insecure_channel(target) as channel:
        stub = openai_pb2_grpc.OpenAIServiceStub(channel)

        async def one(scheduled: float) -> None:
            nonlocal errors
            try:
                async for _ in stub.ChatCompletions(request, metadata=metadata):
                    pass
            except grpc.aio.AioRpcError:
                errors += 1
                return
            latencies.append((time.perf_counter() - scheduled) * 1000)

        await on_schedule(one, rate, seconds)
    return latencies, errors


def percentiles(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98]}


def wrk(
    url: str, body: dict, connections: int, seconds: float, headers: dict[str, str] | None = None
) -> tuple[float, str]:
    """Maximum throughput, closed loop, measured by wrk (C, epoll): (requests/s, summary)."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed for the throughput phase: apt-get install wrk")
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    extra = "".join(f'wrk.headers["{k}"] = "{v}"\n' for k, v in (headers or {}).items())
    script.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["content-type"] = "application/json"\n'
        f"{extra}wrk.body = [[{json.dumps(body)}]]\n"
    )
    result = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{int(seconds)}s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    )
    script.unlink()
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))
    total = int(re.search(r"(\d+) requests in", result.stdout).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    return rate, f"{total} requests, {bad.group(1) if bad else 0} non-2xx"
