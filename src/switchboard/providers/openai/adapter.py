"""Thin transport for OpenAI-compatible APIs over the shared aiohttp session."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp

from switchboard.domain.catalog import ModelInfo
from switchboard.domain.chat import ChatChunk, ChatRequest, ChatResult
from switchboard.providers.errors import UpstreamError, UpstreamUnreachable
from switchboard.providers.fasthttp import TRANSPORT_ERRORS, lines, request_timeout, transport_error
from switchboard.providers.openai import translate
from switchboard.providers.transport import sse_events


class OpenAIProvider:
    """Any OpenAI-compatible base_url (including /v1), e.g. https://api.openai.com/v1."""

    def __init__(
        self,
        name: str,
        base_url: str,
        api_key: str,
        session: aiohttp.ClientSession,
        *,
        timeout: float | None = None,
    ) -> None:
        self.name = name
        self._base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._session = session
        self._timeout = request_timeout(timeout)

    def _url(self, path: str, model: str) -> str:
        return f"{self._base_url}{path}"

    def _headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self._api_key}"} if self._api_key else {}

    async def _error(self, response: aiohttp.ClientResponse) -> UpstreamError:
        text = await response.text()
        try:
            body: Any = json.loads(text)
        except ValueError:
            body = None
        headers = {k.lower(): v for k, v in response.headers.items()}
        return translate.error_from_response(response.status, body, headers, self.name)

    async def _post_json(self, path: str, model: str, body: dict[str, Any]) -> Any:
        try:
            async with self._session.post(
                self._url(path, model), json=body, headers=self._headers(), timeout=self._timeout
            ) as response:
                if response.status >= 400:
                    raise await self._error(response)
                return await response.json(content_type=None)
        except TRANSPORT_ERRORS as exc:
            raise transport_error(exc, self.name) from None

    async def complete(self, request: ChatRequest) -> ChatResult:
        body = translate.to_wire(request, stream=False)
        return translate.from_wire(await self._post_json("/chat/completions", request.model, body))

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        body = translate.to_wire(request, stream=True)
        url = self._url("/chat/completions", request.model)
        state = translate.StreamState(provider=self.name)
        try:
            async with self._session.post(
                url, json=body, headers=self._headers(), timeout=self._timeout
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
        body = {"model": model, "input": inputs, "encoding_format": "float"}
        answer = await self._post_json("/embeddings", model, body)
        vectors = [item["embedding"] for item in sorted(answer["data"], key=lambda d: d["index"])]
        return vectors, int((answer.get("usage") or {}).get("prompt_tokens") or 0)

    async def list_models(self) -> list[ModelInfo]:
        try:
            async with self._session.get(
                self._url("/models", ""), headers=self._headers(), timeout=self._timeout
            ) as response:
                if response.status >= 400:
                    raise await self._error(response)
                listing = await response.json(content_type=None)
        except TRANSPORT_ERRORS as exc:
            raise transport_error(exc, self.name) from None
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
        session: aiohttp.ClientSession,
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
