"""Thin transport for Cohere's v2 API over the shared provider connections."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from switchboard.domain.catalog import ModelInfo
from switchboard.domain.chat import ChatChunk, ChatRequest, ChatResult
from switchboard.providers.cohere import translate
from switchboard.providers.errors import UpstreamError
from switchboard.providers.fasthttp import ProviderHttp, Upstream, ended_early

MODELS_PAGE_SIZE = 1000
# A bound on GET /models pagination, should an upstream keep sending a next_page_token.
MAX_MODEL_PAGES = 20


def models_base_url(base_url: str) -> str:
    """Cohere lists models only under v1: https://api.cohere.com/v2 -> .../v1."""
    return base_url[: -len("/v2")] + "/v1" if base_url.endswith("/v2") else base_url


class CohereProvider:
    """base_url includes the version path, e.g. https://api.cohere.com/v2."""

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

    def _headers(self) -> dict[str, str]:
        headers = {"accept": "application/json"}
        if self._api_key:
            headers["authorization"] = f"Bearer {self._api_key}"
        return headers

    async def _post_json(self, path: str, body: dict[str, Any]) -> Any:
        url = f"{self._base_url}{path}"
        return await self._http.json("POST", url, headers=self._headers(), body=body)

    async def complete(self, request: ChatRequest) -> ChatResult:
        body = translate.to_wire(request, stream=False)
        return translate.from_wire(await self._post_json("/chat", body), self.name)

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        body = translate.to_wire(request, stream=True)
        state = translate.StreamState(provider=self.name)
        headers = {**self._headers(), "accept": "text/event-stream"}
        events = self._http.events(f"{self._base_url}/chat", headers=headers, body=body)
        async with contextlib.aclosing(events):
            async for event in events:
                chunk = translate.chunk_from_event(event.data, state)
                if chunk is not None:
                    yield chunk
                if state.finished:
                    break
        if not state.finished:
            raise ended_early(self.name)

    async def embed(
        self, model: str, inputs: list[str], dimensions: int | None = None
    ) -> tuple[list[list[float]], int]:
        vectors: list[list[float]] = []
        tokens = 0
        for batch in translate.embed_batches(inputs):
            body = translate.embed_to_wire(model, batch, dimensions)
            answer = await self._post_json("/embed", body)
            batch_vectors, batch_tokens = translate.embeddings_from_wire(answer)
            vectors.extend(batch_vectors)
            tokens += batch_tokens
        return vectors, tokens

    async def _models_page(self, page_token: str | None) -> dict[str, Any]:
        query = {"page_size": str(MODELS_PAGE_SIZE)}
        if page_token:
            query["page_token"] = page_token
        url = f"{models_base_url(self._base_url)}/models"
        return await self._http.json("GET", url, headers=self._headers(), query=query)

    async def list_models(self) -> list[ModelInfo]:
        models: list[ModelInfo] = []
        page_token: str | None = None
        for _ in range(MAX_MODEL_PAGES):
            page = await self._models_page(page_token)
            models.extend(translate.models_from_wire(page, self.name))
            page_token = page.get("next_page_token")
            if not page_token:
                break
        return models

    async def health(self) -> bool:
        try:
            await self.list_models()
        except UpstreamError:
            return False
        return True
