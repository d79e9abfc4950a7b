"""Thin transport for Anthropic's Messages API over the shared provider connections."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from switchboard.domain.catalog import ModelInfo
from switchboard.domain.chat import ChatChunk, ChatRequest, ChatResult
from switchboard.providers.anthropic import translate
from switchboard.providers.base import UnsupportedFeature
from switchboard.providers.errors import UpstreamError
from switchboard.providers.fasthttp import ProviderHttp, Upstream, ended_early

DEFAULT_API_VERSION = "2023-06-01"
MODELS_PAGE_SIZE = 1000
# A bound on GET /models pagination, should an upstream keep saying has_more.
MAX_MODEL_PAGES = 20


class AnthropicProvider:
    """base_url includes the version path, e.g. https://api.anthropic.com/v1."""

    def __init__(
        self,
        name: str,
        base_url: str,
        api_key: str,
        session: ProviderHttp,
        *,
        api_version: str = DEFAULT_API_VERSION,
        timeout: float | None = None,
    ) -> None:
        self.name = name
        self._base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._api_version = api_version or DEFAULT_API_VERSION
        self._http = Upstream(name, session, timeout, translate.error_from_response)

    def _headers(self) -> dict[str, str]:
        headers = {"anthropic-version": self._api_version}
        if self._api_key:
            headers["x-api-key"] = self._api_key
        return headers

    async def complete(self, request: ChatRequest) -> ChatResult:
        body = translate.to_wire(request, stream=False)
        url = f"{self._base_url}/messages"
        return translate.from_wire(
            await self._http.json("POST", url, headers=self._headers(), body=body)
        )

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        body = translate.to_wire(request, stream=True)
        state = translate.StreamState(provider=self.name)
        url = f"{self._base_url}/messages"
        async with contextlib.aclosing(
            self._http.events(url, headers=self._headers(), body=body)
        ) as events:
            async for event in events:
                chunk = translate.chunk_from_event(event.data, state)
                if chunk is not None:
                    yield chunk
        if not state.finished:
            raise ended_early(self.name)

    async def embed(
        self, model: str, inputs: list[str], dimensions: int | None = None
    ) -> tuple[list[list[float]], int]:
        raise UnsupportedFeature(f"{self.name}: Anthropic has no embeddings API")

    async def _models_page(self, after_id: str | None) -> dict[str, Any]:
        query = {"limit": str(MODELS_PAGE_SIZE)}
        if after_id:
            query["after_id"] = after_id
        url = f"{self._base_url}/models"
        return await self._http.json("GET", url, headers=self._headers(), query=query)

    async def list_models(self) -> list[ModelInfo]:
        models: list[ModelInfo] = []
        after_id: str | None = None
        for _ in range(MAX_MODEL_PAGES):
            page = await self._models_page(after_id)
            models.extend(translate.models_from_wire(page, self.name))
            after_id = page.get("last_id")
            if not page.get("has_more") or not after_id:
                break
        return models

    async def health(self) -> bool:
        try:
            await self.list_models()
        except UpstreamError:
            return False
        return True
