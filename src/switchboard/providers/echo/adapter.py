"""The echo provider's adapter: no I/O at all, so it measures the gateway alone."""

from __future__ import annotations

from collections.abc import AsyncIterator

from switchboard.domain.catalog import ModelInfo
from switchboard.domain.chat import ChatChunk, ChatRequest, ChatResult
from switchboard.errors import NotFound
from switchboard.providers.echo import translate

CATALOG_CREATED = 1_735_689_600  # 2025-01-01T00:00:00Z, fixed so listings are deterministic


class EchoProvider:
    name = "echo"

    async def complete(self, request: ChatRequest) -> ChatResult:
        self._check_model(request.model)
        return translate.complete(request)

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        self._check_model(request.model)
        for chunk in translate.chunks(request):
            yield chunk

    async def embed(
        self, model: str, inputs: list[str], dimensions: int | None = None
    ) -> tuple[list[list[float]], int]:
        self._check_model(model)
        tokens = sum(translate.count_tokens(text) for text in inputs)
        size = dimensions or translate.EMBEDDING_DIMENSIONS
        return [translate.embed(text, size) for text in inputs], tokens

    async def list_models(self) -> list[ModelInfo]:
        return [
            ModelInfo(
                provider=self.name,
                upstream=translate.MODEL,
                context_length=translate.CONTEXT_LENGTH,
                input_price=0,
                output_price=0,
                description="Built-in deterministic echo model: replies 'Echo:' + your last "
                "user message; one token per word.",
                created=CATALOG_CREATED,
            )
        ]

    async def health(self) -> bool:
        return True

    def _check_model(self, model: str) -> None:
        if model != translate.MODEL:
            raise NotFound(f"The model `echo/{model}` does not exist.", param="model")
