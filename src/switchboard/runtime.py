"""Long-lived collaborators of the server, built once from the config and closed at shutdown."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from switchboard.catalog import ModelCatalog, stored_models
from switchboard.chat.core import ChatCore
from switchboard.chat.directory import Directory, DirectoryHolder, load_directory
from switchboard.config import Config
from switchboard.db.engine import create_engine_from_url, ping, session_factory
from switchboard.health import HealthChecker, Probe
from switchboard.logs.writer import LogWriter, Spool
from switchboard.metrics import Metrics
from switchboard.providers.base import Provider
from switchboard.providers.fasthttp import make_session
from switchboard.providers.registry import Clients, builtin_providers
from switchboard.providers.transport import make_client
from switchboard.security.secrets import Vault, load_master_keys

DIRECTORY_REFRESH_SECONDS = 5.0


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

    @classmethod
    def build(cls, config: Config) -> Runtime:
        engine = create_engine_from_url(config.database_url)
        sessions = session_factory(engine)
        providers = builtin_providers()
        vault = Vault(load_master_keys(config.master_key, config.var_dir))
        clients = Clients(http=make_client(), fast=make_session())

        async def load() -> Directory:
            return await load_directory(sessions, vault, clients, providers)

        return cls(
            config=config,
            engine=engine,
            sessions=sessions,
            metrics=Metrics(),
            providers=providers,
            redis=Redis.from_url(config.redis_url) if config.redis_url else None,
            vault=vault,
            clients=clients,
            directory=DirectoryHolder(load, DIRECTORY_REFRESH_SECONDS),
            log_writer=LogWriter(engine, Spool(config.var_dir / "spool" / "llm_logs.jsonl")),
        )

    async def start(self) -> None:
        await self.directory.start()
        self.log_writer.start()

    def chat_core(self) -> ChatCore:
        return ChatCore(lambda: self.directory.current, self.log_writer.submit)

    def catalog(self) -> ModelCatalog:
        return ModelCatalog(self.providers, stored_models(self.sessions))

    def health_checker(self) -> HealthChecker:
        async def database() -> None:
            await ping(self.engine)

        return HealthChecker(database, _redis_probe(self.redis), self.providers)

    async def close(self) -> None:
        await self.log_writer.stop()
        await self.directory.stop()
        await self.clients.http.aclose()
        await self.clients.fast.close()
        if self.redis is not None:
            await self.redis.aclose()
        await self.engine.dispose()


def _redis_probe(redis: Redis | None) -> Probe | None:
    if redis is None:
        return None

    async def probe() -> None:
        await redis.ping()

    return probe
