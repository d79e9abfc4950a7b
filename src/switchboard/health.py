"""Health checks of the gateway's dependencies, as plain data."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from switchboard.providers.base import Provider

CHECK_TIMEOUT_SECONDS = 2.0

Probe = Callable[[], Awaitable[None]]
# (the configured providers' names now, whether a provider's circuit is open)
ProviderStates = tuple[Callable[[], Iterable[str]], Callable[[str], bool]]


@dataclass(frozen=True)
class ProviderStatus:
    provider: str
    available: bool
    last_check: datetime


@dataclass(frozen=True)
class HealthReport:
    database_ok: bool
    # None when Redis is not configured.
    redis_ok: bool | None
    providers: tuple[ProviderStatus, ...]
    checked_at: datetime

    @property
    def status(self) -> str:
        if not self.database_ok:
            return "unhealthy"
        if self.redis_ok is False or not all(p.available for p in self.providers):
            return "degraded"
        return "healthy"


async def _passes(probe: Probe) -> bool:
    try:
        await asyncio.wait_for(probe(), CHECK_TIMEOUT_SECONDS)
    except Exception:  # any failure of a dependency check means "unhealthy", never a crash
        return False
    return True


async def _provider_ok(provider: Provider) -> bool:
    try:
        return await asyncio.wait_for(provider.health(), CHECK_TIMEOUT_SECONDS)
    except Exception:
        return False


class HealthChecker:
    """Built-in providers are asked (in process); configured ones are reported by their
    circuit breakers, so an unauthenticated health call never sends a request upstream."""

    def __init__(
        self,
        database: Probe,
        redis: Probe | None,
        builtins: Mapping[str, Provider],
        configured: ProviderStates,
    ) -> None:
        self._database = database
        self._redis = redis
        self._builtins = builtins
        self._configured = configured

    async def check(self) -> HealthReport:
        now = datetime.now(UTC)
        redis_ok = None if self._redis is None else await _passes(self._redis)
        statuses = [
            ProviderStatus(name, await _provider_ok(provider), now)
            for name, provider in self._builtins.items()
        ]
        names, circuit_open = self._configured
        statuses += [
            ProviderStatus(name, not circuit_open(name), now)
            for name in names()
            if name not in self._builtins
        ]
        return HealthReport(
            database_ok=await _passes(self._database),
            redis_ok=redis_ok,
            providers=tuple(statuses),
            checked_at=now,
        )
