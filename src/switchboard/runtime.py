"""Long-lived collaborators of the server, built once from the config and closed at shutdown."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from switchboard.catalog import ModelCatalog, stored_models
from switchboard.config import Config
from switchboard.db.engine import create_engine_from_url, ping, session_factory
from switchboard.health import HealthChecker, Probe
from switchboard.metrics import Metrics
from switchboard.providers.base import Provider
from switchboard.providers.registry import builtin_providers


@dataclass
class Runtime:
    config: Config
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    metrics: Metrics
    providers: dict[str, Provider]
    redis: Redis | None

    @classmethod
    def build(cls, config: Config) -> Runtime:
        engine = create_engine_from_url(config.database_url)
        redis = Redis.from_url(config.redis_url) if config.redis_url else None
        return cls(
            config=config,
            engine=engine,
            sessions=session_factory(engine),
            metrics=Metrics(),
            providers=builtin_providers(),
            redis=redis,
        )

    def catalog(self) -> ModelCatalog:
        return ModelCatalog(self.providers, stored_models(self.sessions))

    def health_checker(self) -> HealthChecker:
        async def database() -> None:
            await ping(self.engine)

        return HealthChecker(database, _redis_probe(self.redis), self.providers)

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()
        await self.engine.dispose()


def _redis_probe(redis: Redis | None) -> Probe | None:
    if redis is None:
        return None

    async def probe() -> None:
        await redis.ping()

    return probe
