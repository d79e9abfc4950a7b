"""Long-lived collaborators of the server, built once from the config and closed at shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from switchboard.api.settings.base import SettingsDeps
from switchboard.auth.authenticator import Authenticator
from switchboard.auth.gate import Gate
from switchboard.auth.principal import Principal
from switchboard.catalog import ModelCatalog
from switchboard.chat.core import ChatCore
from switchboard.chat.directory import Directory, DirectoryHolder, Router, load_directory
from switchboard.chat.resilience import Resilience
from switchboard.config import Config
from switchboard.db.engine import create_engine_from_url, ping, session_factory
from switchboard.db.repositories import audit
from switchboard.db.repositories.api_keys import load_principal, record_last_used
from switchboard.db.repositories.logs import delete_before
from switchboard.db.repositories.spend import spent_since
from switchboard.health import HealthChecker, Probe
from switchboard.limits.admission import Admission
from switchboard.limits.budget import BudgetGuard, SpentSince
from switchboard.limits.counters import (
    CounterStore,
    FailoverCounters,
    LocalCounters,
    RedisCounters,
)
from switchboard.limits.ratelimit import RateLimiter
from switchboard.logs.redaction import Redactor
from switchboard.logs.scoped_redaction import ScopedRedaction
from switchboard.logs.spool import Spool
from switchboard.logs.writer import LogWriter
from switchboard.metrics import Metrics
from switchboard.providers.base import Provider
from switchboard.providers.fasthttp import make_session
from switchboard.providers.registry import Clients, builtin_providers
from switchboard.providers.transport import make_client
from switchboard.security.secrets import Vault
from switchboard.settings.snapshot import Retention

DIRECTORY_REFRESH_SECONDS = 5.0
LAST_USED_FLUSH_SECONDS = 30.0
RETENTION_INTERVAL_SECONDS = 3600.0
REDIS_TIMEOUT_SECONDS = 0.25
LOOP_LAG_PROBE_SECONDS = 0.05

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    config: Config
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    metrics: Metrics
    providers: dict[str, Provider]
    redis: Redis | None
    vault: Vault
    clients: Clients
    directory: DirectoryHolder
    log_writer: LogWriter
    gate: Gate
    admission: Admission
    counters: CounterStore
    resilience: Resilience = field(default_factory=Resilience)
    _usage_flusher: asyncio.Task[None] | None = None
    _retention: asyncio.Task[None] | None = None
    _loop_lag: asyncio.Task[None] | None = None

    @classmethod
    def build(cls, config: Config) -> Runtime:
        engine = create_engine_from_url(config.database_url)
        sessions = session_factory(engine)
        providers = builtin_providers()
        vault = Vault.from_config(config.master_key, config.var_dir)
        clients = Clients(http=make_client(), fast=make_session())

        async def load() -> Directory:
            return await load_directory(sessions, vault, clients, providers)

        metrics = Metrics()
        redis = _redis_client(config.redis_url)
        counters = _counters(redis, metrics)
        limiter = RateLimiter(counters)
        directory = DirectoryHolder(load, DIRECTORY_REFRESH_SECONDS, providers)
        return cls(
            config=config,
            engine=engine,
            sessions=sessions,
            metrics=metrics,
            providers=providers,
            redis=redis,
            vault=vault,
            clients=clients,
            directory=directory,
            log_writer=LogWriter(
                engine,
                Spool(config.var_dir / "spool" / "llm_logs.jsonl"),
                redactor=ScopedRedaction(_redactor(config), lambda: directory.current.settings),
                flush_interval=config.log_flush_ms / 1000,
            ),
            gate=Gate(Authenticator(_principal_loader(sessions)), limiter),
            admission=Admission(limiter, BudgetGuard(counters, _spend_reader(sessions))),
            counters=counters,
        )

    async def start(self) -> None:
        await self.directory.start()
        self.log_writer.start()
        self.metrics.watch_log_writer(
            lambda: self.log_writer.queue_depth, self.log_writer.spool_bytes
        )
        self._usage_flusher = asyncio.create_task(self._flush_usage_every(LAST_USED_FLUSH_SECONDS))
        self._retention = asyncio.create_task(self._purge_every(RETENTION_INTERVAL_SECONDS))
        self._loop_lag = asyncio.create_task(self._measure_loop_lag())

    def settings_deps(self, router: Router) -> SettingsDeps:
        return SettingsDeps(
            sessions=self.sessions,
            vault=self.vault,
            clients=self.clients,
            refresh=self.directory.refresh,
            directory=lambda: self.directory.current,
            router=router,
            allow_link_local=self.config.allow_link_local_upstreams,
        )

    def chat_core(self) -> ChatCore:
        return ChatCore(
            lambda: self.directory.current,
            self._record_call,
            admission=self.admission,
            resilience=self.resilience,
        )

    def _record_call(self, record: dict[str, Any]) -> None:
        self.log_writer.submit(record)
        try:
            self.metrics.observe_call(record)
        except ValueError:  # e.g. a negative token count from a misbehaving provider
            log.warning("a call's figures do not fit the metrics", exc_info=True)

    async def flush_last_used(self) -> None:
        """Write every key's last_used_at collected since the last flush (one statement)."""
        used = self.gate.authenticator.take_last_used()
        if used:
            async with self.sessions.begin() as session:
                await record_last_used(session, used)

    async def _flush_usage_every(self, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await self.flush_last_used()
            except SQLAlchemyError:
                log.warning("could not record keys' last use; will retry", exc_info=True)

    def catalog(self) -> ModelCatalog:
        return ModelCatalog(lambda: self.directory.current)

    def health_checker(self) -> HealthChecker:
        async def database() -> None:
            await ping(self.engine)

        def configured() -> list[str]:  # the directory's snapshot of the moment
            return list(self.directory.current.adapters)

        states = (configured, self.resilience.circuit_open)
        return HealthChecker(database, _redis_probe(self.redis), self.providers, states)

    def retention(self) -> Retention:
        """Days to keep log records: the settings' (global, per organization), else the env's."""
        return self.directory.current.settings.retention(self.config.log_retention_days)

    async def purge_expired_logs(self) -> int:
        """Delete log records past their organization's retention, or the global one (rollups
        keep their sums)."""
        if not self.directory.loaded:  # per-organization retention is not known yet
            return 0
        retention, now = self.retention(), datetime.now(UTC)
        purged = 0
        for organization, days in retention.organizations.items():
            purged += await self._purge(now - timedelta(days=days), organization_id=organization)
        cutoff = now - timedelta(days=retention.days)
        purged += await self._purge(cutoff, except_organizations=list(retention.organizations))
        if purged:
            log.info("retention: deleted %d log records", purged)
            details = {"deleted": purged, "retention_days": retention.days}
            async with self.sessions.begin() as session:
                audit.record(session, None, "logs.retention", ("llm_logs", ""), "", details)
        return purged

    async def _purge(self, cutoff: datetime, **which: Any) -> int:
        purged = 0
        while True:
            async with self.sessions.begin() as session:
                deleted = await delete_before(session, cutoff, **which)
            purged += deleted
            if deleted <= 0:
                return purged

    async def _measure_loop_lag(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            expected = loop.time() + LOOP_LAG_PROBE_SECONDS
            await asyncio.sleep(LOOP_LAG_PROBE_SECONDS)
            self.metrics.loop_lag.observe(max(0.0, loop.time() - expected))

    async def _purge_every(self, seconds: float) -> None:
        while True:
            try:
                await self.purge_expired_logs()
            except SQLAlchemyError:
                log.warning("retention job failed; will retry", exc_info=True)
            await asyncio.sleep(seconds)

    async def close(self) -> None:
        for task in (self._usage_flusher, self._retention, self._loop_lag):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        with contextlib.suppress(SQLAlchemyError):
            await self.flush_last_used()
        await self.admission.drain()
        await self.log_writer.stop()
        await self.directory.stop()
        await self.clients.http.aclose()
        await self.clients.fast.close()
        if self.redis is not None:
            await self.redis.aclose()
        await self.engine.dispose()


def _redactor(config: Config) -> Redactor:
    """Also with no rules: records are then marked completed with no rules applied."""
    return Redactor.build(config.redaction_rules, dict(config.redaction_custom))


def _redis_client(url: str | None) -> Redis | None:
    """Short timeouts: a hung Redis must cost a request milliseconds, not seconds."""
    if not url:
        return None
    return Redis.from_url(
        url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
    )


def _counters(redis: Redis | None, metrics: Metrics) -> CounterStore:
    if redis is None:
        return LocalCounters()
    return FailoverCounters(RedisCounters(redis), LocalCounters(), metrics.limit_backend_errors.inc)


def _principal_loader(
    sessions: async_sessionmaker[AsyncSession],
) -> Callable[[str], Awaitable[Principal | None]]:
    async def load(digest: str) -> Principal | None:
        async with sessions() as session:
            return await load_principal(session, digest)

    return load


def _spend_reader(sessions: async_sessionmaker[AsyncSession]) -> SpentSince:
    async def read(scope: str, scope_id: str, since: datetime) -> int:
        async with sessions() as session:
            return await spent_since(session, scope, scope_id, since)

    return read


def _redis_probe(redis: Redis | None) -> Probe | None:
    if redis is None:
        return None

    async def probe() -> None:
        await redis.ping()

    return probe
