"""The aiohttp transport for the hot path (OpenAI-compatible upstreams).

Measured here: ~300 µs of CPU per small JSON request with aiohttp against ~785 µs with httpx,
so the adapter that carries most traffic uses this; the others stay on httpx for now.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp

from switchboard.providers.errors import UpstreamError, UpstreamTimeout, UpstreamUnreachable

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 120.0


def make_session() -> aiohttp.ClientSession:
    """One pooled session for every aiohttp adapter (create it inside the running loop)."""
    connector = aiohttp.TCPConnector(limit=512, keepalive_timeout=30, enable_cleanup_closed=True)
    timeout = aiohttp.ClientTimeout(
        total=None, sock_connect=CONNECT_TIMEOUT, sock_read=READ_TIMEOUT
    )
    return aiohttp.ClientSession(connector=connector, timeout=timeout, auto_decompress=True)


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
