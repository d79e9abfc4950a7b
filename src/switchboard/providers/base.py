"""The contract every provider adapter meets."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

from switchboard.domain.catalog import ModelInfo
from switchboard.domain.chat import ChatChunk, ChatRequest, ChatResult


class UnsupportedFeature(Exception):
    """The provider has no equivalent of what was asked (e.g. embeddings on Anthropic)."""


class Provider(Protocol):
    name: str

    async def complete(self, request: ChatRequest) -> ChatResult: ...

    def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]: ...

    async def embed(
        self, model: str, inputs: list[str], dimensions: int | None = None
    ) -> tuple[list[list[float]], int]:
        """Vectors in input order (of `dimensions` values when asked, for the models that
        can shorten them) and the prompt tokens used; UnsupportedFeature if none."""
        ...

    async def list_models(self) -> list[ModelInfo]: ...

    async def health(self) -> bool: ...
