"""Thin transport for OpenAI-compatible APIs: one pooled httpx client, no translation logic."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx

from switchboard.domain.catalog import ModelInfo
from switchboard.domain.chat import ChatChunk, ChatRequest, ChatResult
from switchboard.providers.errors import UpstreamError, UpstreamUnreachable
from switchboard.providers.openai import translate
from switchboard.providers.transport import sse_events, transport_error

log = logging.getLogger(__name__)


class OpenAIProvider:
    """Any OpenAI-compatible base_url (including /v1), e.g. https://api.openai.com/v1."""

    def __init__(
        self,
        name: str,
        base_url: str,
        api_key: str,
        client: httpx.AsyncClient,
        *,
        timeout: float | None = None,
    ) -> None:
        self.name = name
        self._base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._client = client
        self._timeout: Any = (
            httpx.Timeout(timeout, connect=min(timeout, 5.0))
            if timeout
            else httpx.USE_CLIENT_DEFAULT
        )

    def _url(self, path: str, model: str) -> str:
        return f"{self._base_url}{path}"

    def _headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self._api_key}"} if self._api_key else {}

    async def _error(self, response: httpx.Response) -> UpstreamError:
        await response.aread()
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        return translate.error_from_response(
            response.status_code, body, dict(response.headers), self.name
        )

    async def complete(self, request: ChatRequest) -> ChatResult:
        body = translate.to_wire(request, stream=False)
        try:
            response = await self._client.post(
                self._url("/chat/completions", request.model),
                json=body,
                headers=self._headers(),
                timeout=self._timeout,
            )
        except httpx.TransportError as exc:
            raise transport_error(exc, self.name) from None
        if response.status_code >= 400:
            raise await self._error(response)
        return translate.from_wire(response.json())

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        body = translate.to_wire(request, stream=True)
        url = self._url("/chat/completions", request.model)
        state = translate.StreamState(provider=self.name)
        try:
            async with self._client.stream(
                "POST", url, json=body, headers=self._headers()
            ) as response:
                if response.status_code >= 400:
                    raise await self._error(response)
                async for event in sse_events(response.aiter_lines()):
                    chunk = translate.chunk_from_event(event.data, state)
                    if chunk is not None:
                        yield chunk
        except httpx.TransportError as exc:
            raise transport_error(exc, self.name) from None
        if not state.finished:
            raise UpstreamUnreachable(f"{self.name} stream ended early", provider=self.name)

    async def embed(self, model: str, inputs: list[str]) -> tuple[list[list[float]], int]:
        try:
            response = await self._client.post(
                self._url("/embeddings", model),
                json={"model": model, "input": inputs, "encoding_format": "float"},
                headers=self._headers(),
            )
        except httpx.TransportError as exc:
            raise transport_error(exc, self.name) from None
        if response.status_code >= 400:
            raise await self._error(response)
        body = response.json()
        vectors = [item["embedding"] for item in sorted(body["data"], key=lambda d: d["index"])]
        return vectors, int((body.get("usage") or {}).get("prompt_tokens") or 0)

    async def list_models(self) -> list[ModelInfo]:
        try:
            response = await self._client.get(self._url("/models", ""), headers=self._headers())
        except httpx.TransportError as exc:
            raise transport_error(exc, self.name) from None
        if response.status_code >= 400:
            raise await self._error(response)
        return [
            ModelInfo(
                provider=self.name,
                upstream=m["id"],
                context_length=int(m.get("context_length") or 0),
                input_price=0,
                output_price=0,
                created=int(m.get("created") or 0),
            )
            for m in response.json().get("data", [])
        ]

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
        client: httpx.AsyncClient,
        *,
        api_version: str = "2024-10-21",
        timeout: float | None = None,
    ) -> None:
        super().__init__(name, base_url, api_key, client, timeout=timeout)
        self._api_version = api_version

    def _url(self, path: str, model: str) -> str:
        if not model:
            return f"{self._base_url}{path}?api-version={self._api_version}"
        return f"{self._base_url}/deployments/{model}{path}?api-version={self._api_version}"

    def _headers(self) -> dict[str, str]:
        return {"api-key": self._api_key}
