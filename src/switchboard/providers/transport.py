"""What every HTTP adapter shares: the pooled client, status classification, SSE parsing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx

from switchboard.providers.errors import (
    UpstreamAuthError,
    UpstreamBadRequest,
    UpstreamContextTooLong,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamServerError,
    UpstreamTimeout,
    UpstreamUnreachable,
    parse_retry_after,
)

DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 120.0


def make_client(
    *, connect_timeout: float = DEFAULT_CONNECT_TIMEOUT, read_timeout: float = DEFAULT_READ_TIMEOUT
) -> httpx.AsyncClient:
    """The one pooled client the adapters share (HTTP/2 is negotiated where offered via ALPN)."""
    timeout = httpx.Timeout(read_timeout, connect=connect_timeout)
    limits = httpx.Limits(max_connections=512, max_keepalive_connections=128, keepalive_expiry=30)
    return httpx.AsyncClient(timeout=timeout, limits=limits, http2=_http2_available())


def _http2_available() -> bool:
    try:
        import h2  # noqa: F401, PLC0415 - optional dependency probe, once at client creation
    except ImportError:
        return False
    return True


def classify(
    status: int,
    *,
    provider: str,
    message: str,
    retry_after: str | None = None,
    context_too_long: bool = False,
) -> UpstreamError:
    """An upstream HTTP error status (plus the provider's structured type) as an UpstreamError."""
    kwargs = {"provider": provider, "status": status}
    if status == 429:
        return UpstreamRateLimited(message, retry_after=parse_retry_after(retry_after), **kwargs)
    if status in (401, 402, 403):  # 402: the gateway's account with the provider is unpaid
        return UpstreamAuthError(message, **kwargs)
    if context_too_long:
        return UpstreamContextTooLong(message, **kwargs)
    if status == 408:
        return UpstreamTimeout(message, **kwargs)
    if 400 <= status < 500:
        return UpstreamBadRequest(message, **kwargs)
    return UpstreamServerError(message, **kwargs)


def transport_error(exc: httpx.TransportError, provider: str) -> UpstreamError:
    if isinstance(exc, httpx.TimeoutException):
        return UpstreamTimeout(f"{provider} timed out ({type(exc).__name__})", provider=provider)
    return UpstreamUnreachable(f"{provider} unreachable ({type(exc).__name__})", provider=provider)


@dataclass(frozen=True)
class SseEvent:
    event: str
    data: str


async def sse_events(lines: AsyncIterator[str]) -> AsyncIterator[SseEvent]:
    """Server-sent events per the HTML spec: `event:`/`data:` fields, blank line dispatches."""
    event, data = "", []
    async for line in lines:
        if not line:
            if data:
                yield SseEvent(event or "message", "\n".join(data))
            event, data = "", []
        elif line.startswith(":"):
            continue
        else:
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                event = value
            elif field == "data":
                data.append(value)
    if data:
        yield SseEvent(event or "message", "\n".join(data))
