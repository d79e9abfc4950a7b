"""What authentication + authorization + rate limiting cost per request (issue #4 targets:
<= 100 us in process, <= 1 ms with Redis on loopback).

Usage:
    .venv/bin/python bench/auth_overhead.py [--requests 20000] [--redis redis://127.0.0.1:6379/0]

Times `Gate.admit` exactly as the interceptor calls it, for a key with per-minute, per-hour and
tokens-per-minute limits on the key, its user and its organization (9 counters per request),
after the key's principal is cached (the steady state; a miss is one indexed SELECT every 2 s
per key). Also times the no-limits case. Sequential calls; stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from redis.asyncio import Redis

from switchboard.auth.authenticator import Authenticator
from switchboard.auth.gate import Gate
from switchboard.auth.keys import generate_key, key_digest
from switchboard.auth.principal import Limits, Principal
from switchboard.limits.counters import CounterStore, LocalCounters, RedisCounters
from switchboard.limits.ratelimit import RateLimiter

METHOD = "/switchboard.v1.OpenAIService/ChatCompletions"
HIGH = Limits(requests_per_minute=10**9, requests_per_hour=10**9, tokens_per_minute=10**9)


def principal(limited: bool) -> Principal:
    limits = HIGH if limited else Limits()
    return Principal(
        key_id="bench-key",
        key_name="bench",
        user_id="bench-user",
        organization_id="bench-org",
        permissions=frozenset({"ai:chat"}),
        key_limits=limits,
        user_limits=limits,
        organization_limits=limits,
    )


async def measure(store: CounterStore, limited: bool, requests: int) -> list[float]:
    key = generate_key()
    who = principal(limited)

    async def load(digest: str) -> Principal | None:
        return who if digest == key_digest(key) else None

    gate = Gate(Authenticator(load, ttl=3600), RateLimiter(store))
    metadata = (("authorization", f"Bearer {key}"), ("user-agent", "bench"))
    for _ in range(min(1000, requests)):
        await gate.admit(METHOD, metadata)
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        await gate.admit(METHOD, metadata)
        samples.append((time.perf_counter() - started) * 1e6)
    return samples


def report(label: str, samples: list[float]) -> None:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    print(
        f"{label:38} mean {statistics.fmean(samples):7.1f} us  p50 {cuts[49]:7.1f}  "
        f"p99 {cuts[98]:7.1f}"
    )


async def main(requests: int, redis_url: str) -> None:
    report("in-process, no limits", await measure(LocalCounters(), False, requests))
    report("in-process, 9 counters", await measure(LocalCounters(), True, requests))
    redis = Redis.from_url(redis_url)
    try:
        report("redis (loopback), 9 counters", await measure(RedisCounters(redis), True, requests))
    finally:
        await redis.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.redis))
