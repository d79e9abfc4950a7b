"""Thin transport for the Gemini API over the shared provider connections."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Any

from switchboard.domain.catalog import ModelInfo
from switchboard.domain.chat import ChatChunk, ChatRequest, ChatResult
from switchboard.providers.errors import UpstreamError
from switchboard.providers.fasthttp import ProviderHttp, Upstream, ended_early
from switchboard.providers.google import translate

MODELS_PAGE_SIZE = 1000
# A bound on GET /models pagination, should an upstream keep sending a nextPageToken.
MAX_MODEL_PAGES = 20


class GeminiProvider:
    """base_url includes the version path, e.g. https://generativelanguage.googleapis.com/v1beta."""

    def __init__(
        self,
        name: str,
        base_url: str,
        api_key: str,
        session: ProviderHttp,
        *,
        timeout: float | None = None,
    ) -> None:
        self.name = name
        self._base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._http = Upstream(name, session, timeout, translate.error_from_response)

    def _url(self, model: str, method: str) -> str:
        return f"{self._base_url}/{translate.model_path(model)}:{method}"

    def _headers(self) -> dict[str, str]:
        return {"x-goog-api-key": self._api_key} if self._api_key else {}

    async def _request(
        self,
        method: str,
        url: str,
        *,
        body: dict[str, Any] | None = None,
        query: Mapping[str, str] | None = None,
    ) -> Any:
        return await self._http.json(method, url, headers=self._headers(), body=body, query=query)

    async def complete(self, request: ChatRequest) -> ChatResult:
        body = translate.to_wire(request)
        answer = await self._request("POST", self._url(request.model, "generateContent"), body=body)
        return translate.from_wire(answer)

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        body = translate.to_wire(request)
        state = translate.StreamState(provider=self.name)
        events = self._http.events(
            self._url(request.model, "streamGenerateContent"),
            headers=self._headers(),
            body=body,
            query={"alt": "sse"},
        )
        async with contextlib.aclosing(events):
            async for event in events:
                chunk = translate.chunk_from_event(event.data, state)
                if chunk is not None:
                    yield chunk
        last = translate.end_of_stream(state)
        if last is None:
            raise ended_early(self.name)
        yield last

    async def embed(
        self, model: str, inputs: list[str], dimensions: int | None = None
    ) -> tuple[list[list[float]], int]:
        """Vectors in input order; Gemini reports no token usage for embeddings (0)."""
        if not inputs:
            return [], 0
        body = translate.embed_to_wire(model, inputs, dimensions)
        answer = await self._request("POST", self._url(model, "batchEmbedContents"), body=body)
        return translate.embeddings_from_wire(answer), 0

    async def list_models(self) -> list[ModelInfo]:
        models: list[ModelInfo] = []
        query = {"pageSize": str(MODELS_PAGE_SIZE)}
        for _ in range(MAX_MODEL_PAGES):
            page = await self._request("GET", f"{self._base_url}/models", query=query)
            models.extend(translate.models_from_wire(page, self.name))
            token = page.get("nextPageToken")
            if not token:
                break
            query = {"pageSize": str(MODELS_PAGE_SIZE), "pageToken": token}
        return models

    async def health(self) -> bool:
        try:
            await self.list_models()
        except UpstreamError:
            return False
        return True
