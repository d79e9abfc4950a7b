"""The aiohttp transport every HTTP adapter shares: one pooled session, and `Upstream`, one
provider's view of it (its name, read timeout and error parser).

Measured: ~300 µs of CPU per small JSON request with aiohttp against ~785 µs with httpx.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp

from switchboard.jsontext import dumps_str
from switchboard.providers.errors import UpstreamError, UpstreamTimeout, UpstreamUnreachable
from switchboard.providers.transport import SseEvent, sse_events

# (HTTP status, parsed JSON body or None, lower-cased headers, provider) -> the classified error.
ErrorParser = Callable[[int, Any, dict[str, str], str], UpstreamError]

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 120.0


def make_session() -> aiohttp.ClientSession:
    """One pooled session for every aiohttp adapter (create it inside the running loop)."""
    connector = aiohttp.TCPConnector(limit=512, keepalive_timeout=30, enable_cleanup_closed=True)
    timeout = aiohttp.ClientTimeout(
        total=None, sock_connect=CONNECT_TIMEOUT, sock_read=READ_TIMEOUT
    )
    return aiohttp.ClientSession(
        connector=connector,
        timeout=timeout,
        auto_decompress=True,
        json_serialize=dumps_str,
        # Shared by every tenant's calls: a cookie one response sets must not ride on the next.
        cookie_jar=aiohttp.DummyCookieJar(),
    )


def request_timeout(read_timeout: float | None) -> aiohttp.ClientTimeout | None:
    if not read_timeout:
        return None
    return aiohttp.ClientTimeout(
        total=None, sock_connect=min(read_timeout, CONNECT_TIMEOUT), sock_read=read_timeout
    )


def transport_error(exc: BaseException, provider: str) -> UpstreamError:
    if isinstance(exc, asyncio.TimeoutError):
        return UpstreamTimeout(f"{provider} timed out", provider=provider)
    return UpstreamUnreachable(f"{provider} unreachable ({type(exc).__name__})", provider=provider)


TRANSPORT_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError)


async def lines(response: aiohttp.ClientResponse) -> AsyncIterator[str]:
    """Decoded lines without their line breaks, however long (SSE chunks can be large)."""
    buffer = b""
    async for data in response.content.iter_any():
        buffer += data
        *complete, buffer = buffer.split(b"\n")
        for line in complete:
            yield line.rstrip(b"\r").decode()
    if buffer:
        yield buffer.rstrip(b"\r").decode()


@dataclass(frozen=True)
class Upstream:
    """One provider's requests over the shared session; every failure is an UpstreamError."""

    name: str
    session: aiohttp.ClientSession
    timeout: aiohttp.ClientTimeout | None
    parse_error: ErrorParser

    async def error(self, response: aiohttp.ClientResponse) -> UpstreamError:
        text = await response.text()
        try:
            body: Any = json.loads(text)
        except ValueError:
            body = None
        headers = {k.lower(): v for k, v in response.headers.items()}
        return self.parse_error(response.status, body, headers, self.name)

    async def json(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        body: Any = None,
        query: Mapping[str, str] | None = None,
    ) -> Any:
        try:
            async with self.session.request(
                method, url, json=body, params=query, headers=headers, timeout=self.timeout
            ) as response:
                if response.status >= 400:
                    raise await self.error(response)
                return await response.json(content_type=None)
        except TRANSPORT_ERRORS as exc:
            raise transport_error(exc, self.name) from None

    async def events(
        self,
        url: str,
        *,
        headers: Mapping[str, str],
        body: Any,
        query: Mapping[str, str] | None = None,
    ) -> AsyncIterator[SseEvent]:
        """POST, then each server-sent event. Close it (contextlib.aclosing) when stopping early."""
        try:
            async with self.session.post(
                url, json=body, params=query, headers=headers, timeout=self.timeout
            ) as response:
                if response.status >= 400:
                    raise await self.error(response)
                async for event in sse_events(lines(response)):
                    yield event
        except TRANSPORT_ERRORS as exc:
            raise transport_error(exc, self.name) from None


def ended_early(provider: str) -> UpstreamUnreachable:
    return UpstreamUnreachable(f"{provider} stream ended early", provider=provider)
