"""The model catalog: what the provider directory's current snapshot can serve (built-in
providers' models plus the enabled ones of configured providers whose credentials work), read
from memory: the public /models listing never touches the database and never lists a model
that chat would then refuse."""

from __future__ import annotations

from collections.abc import Callable

from switchboard.chat.directory import Directory
from switchboard.domain.catalog import ModelInfo
from switchboard.errors import NotFound


class ModelCatalog:
    def __init__(self, directory: Callable[[], Directory]) -> None:
        self._directory = directory

    async def list_models(self, provider: str = "") -> list[ModelInfo]:
        models = self._directory().models.values()
        if provider:
            models = [m for m in models if m.provider == provider]
        return sorted(models, key=lambda m: m.id)

    async def get(self, model_id: str) -> ModelInfo:
        info = self._directory().models.get(model_id)
        if info is None:
            raise NotFound(f"The model `{model_id}` does not exist.", param="model")
        return info
