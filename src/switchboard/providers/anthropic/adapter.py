"""Thin transport for Anthropic's Messages API over the shared aiohttp session."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp

from switchboard.domain.catalog import ModelInfo
from switchboard.domain.chat import ChatChunk, ChatRequest, ChatResult
from switchboard.providers.anthropic import translate
from switchboard.providers.base import UnsupportedFeature
from switchboard.providers.errors import UpstreamError, UpstreamUnreachable
from switchboard.providers.fasthttp import TRANSPORT_ERRORS, lines, request_timeout, transport_error
from switchboard.providers.transport import sse_events

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
        session: aiohttp.ClientSession,
        *,
        api_version: str = DEFAULT_API_VERSION,
        timeout: float | None = None,
    ) -> None:
        self.name = name
        self._base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._api_version = api_version or DEFAULT_API_VERSION
        self._session = session
        self._timeout = request_timeout(timeout)

    def _headers(self) -> dict[str, str]:
        headers = {"anthropic-version": self._api_version}
        if self._api_key:
            headers["x-api-key"] = self._api_key
        return headers

    async def _error(self, response: aiohttp.ClientResponse) -> UpstreamError:
        text = await response.text()
        try:
            body: Any = json.loads(text)
        except ValueError:
            body = None
        headers = {k.lower(): v for k, v in response.headers.items()}
        return translate.error_from_response(response.status, body, headers, self.name)

    async def complete(self, request: ChatRequest) -> ChatResult:
        body = translate.to_wire(request, stream=False)
        try:
            async with self._session.post(
                f"{self._base_url}/messages",
                json=body,
                headers=self._headers(),
                timeout=self._timeout,
            ) as response:
                if response.status >= 400:
                    raise await self._error(response)
                answer = await response.json(content_type=None)
        except TRANSPORT_ERRORS as exc:
            raise transport_error(exc, self.name) from None
        return translate.from_wire(answer)

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        body = translate.to_wire(request, stream=True)
        state = translate.StreamState(provider=self.name)
        try:
            async with self._session.post(
                f"{self._base_url}/messages",
                json=body,
                headers=self._headers(),
                timeout=self._timeout,
            ) as response:
                if response.status >= 400:
                    raise await self._error(response)
                async for event in sse_events(lines(response)):
                    chunk = translate.chunk_from_event(event.data, state)
                    if chunk is not None:
                        yield chunk
        except TRANSPORT_ERRORS as exc:
            raise transport_error(exc, self.name) from None
        if not state.finished:
            raise UpstreamUnreachable(f"{self.name} stream ended early", provider=self.name)

    async def embed(self, model: str, inputs: list[str]) -> tuple[list[list[float]], int]:
        raise UnsupportedFeature(f"{self.name}: Anthropic has no embeddings API")

    async def _models_page(self, after_id: str | None) -> dict[str, Any]:
        query = {"limit": str(MODELS_PAGE_SIZE)}
        if after_id:
            query["after_id"] = after_id
        try:
            async with self._session.get(
                f"{self._base_url}/models",
                params=query,
                headers=self._headers(),
                timeout=self._timeout,
            ) as response:
                if response.status >= 400:
                    raise await self._error(response)
                return await response.json(content_type=None)
        except TRANSPORT_ERRORS as exc:
            raise transport_error(exc, self.name) from None

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
