"""Thin transport for OpenAI-compatible APIs over the shared provider connections."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from switchboard.domain.catalog import ModelInfo
from switchboard.domain.chat import ChatChunk, ChatRequest, ChatResult
from switchboard.providers.errors import UpstreamError
from switchboard.providers.fasthttp import ProviderHttp, Upstream, ended_early
from switchboard.providers.openai import translate


class OpenAIProvider:
    """Any OpenAI-compatible base_url (including /v1), e.g. https://api.openai.com/v1."""

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

    def _url(self, path: str, model: str) -> str:
        return f"{self._base_url}{path}"

    def _headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self._api_key}"} if self._api_key else {}

    async def _post_json(self, path: str, model: str, body: dict[str, Any]) -> Any:
        return await self._http.json(
            "POST", self._url(path, model), headers=self._headers(), body=body
        )

    async def complete(self, request: ChatRequest) -> ChatResult:
        body = translate.to_wire(request, stream=False)
        return translate.from_wire(await self._post_json("/chat/completions", request.model, body))

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        body = translate.to_wire(request, stream=True)
        url = self._url("/chat/completions", request.model)
        state = translate.StreamState(provider=self.name)
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
        body: dict[str, Any] = {"model": model, "input": inputs, "encoding_format": "float"}
        if dimensions is not None:
            body["dimensions"] = dimensions
        answer = await self._post_json("/embeddings", model, body)
        vectors = [item["embedding"] for item in sorted(answer["data"], key=lambda d: d["index"])]
        return vectors, int((answer.get("usage") or {}).get("prompt_tokens") or 0)

    async def list_models(self) -> list[ModelInfo]:
        listing = await self._http.json("GET", self._url("/models", ""), headers=self._headers())
        return [translate.model_from_wire(m, self.name) for m in listing.get("data", [])]

    async def health(self) -> bool:
        try:
            await self.list_models()
        except UpstreamError:
            return False
        return True


class AzureOpenAIProvider(OpenAIProvider):
    """Azure OpenAI: base_url is the resource (https://x.openai.azure.com/openai), the model is
    the deployment name, the key goes in `api-key`, and api-version is a query parameter."""

    def __init__(
        self,
        name: str,
        base_url: str,
        api_key: str,
        session: ProviderHttp,
        *,
        api_version: str = "2024-10-21",
        timeout: float | None = None,
    ) -> None:
        super().__init__(name, base_url, api_key, session, timeout=timeout)
        self._api_version = api_version

    def _url(self, path: str, model: str) -> str:
        if not model:
            return f"{self._base_url}{path}?api-version={self._api_version}"
        return f"{self._base_url}/deployments/{model}{path}?api-version={self._api_version}"

    def _headers(self) -> dict[str, str]:
        return {"api-key": self._api_key}
