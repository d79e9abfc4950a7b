"""The model catalog: built-in providers' models plus the ones configured in the database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from switchboard.db.repositories.models import list_enabled_models
from switchboard.domain.catalog import ModelInfo
from switchboard.errors import NotFound
from switchboard.providers.base import Provider

StoredModels = Callable[[], Awaitable[list[ModelInfo]]]


class ModelCatalog:
    def __init__(self, builtins: Mapping[str, Provider], stored_models: StoredModels) -> None:
        self._builtins = builtins
        self._stored_models = stored_models

    async def list_models(self, provider: str = "") -> list[ModelInfo]:
        models: list[ModelInfo] = []
        for builtin in self._builtins.values():
            models.extend(await builtin.list_models())
        models.extend(await self._stored_models())
        if provider:
            models = [m for m in models if m.provider == provider]
        return sorted(models, key=lambda m: m.id)

    async def get(self, model_id: str) -> ModelInfo:
        for info in await self.list_models(model_id.partition("/")[0]):
            if info.id == model_id:
                return info
        raise NotFound(f"The model `{model_id}` does not exist.", param="model")


def stored_models(sessions: async_sessionmaker[AsyncSession]) -> StoredModels:
    async def load() -> list[ModelInfo]:
        async with sessions() as session:
            return await list_enabled_models(session)

    return load
