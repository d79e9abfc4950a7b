"""A real call to a provider's upstream: list its models (or, where it cannot, ask health)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from switchboard.chat.outcome import gateway_error
from switchboard.domain.catalog import ModelInfo
from switchboard.errors import FailedPrecondition, ProviderTimeout
from switchboard.providers.base import Provider, UnsupportedFeature
from switchboard.providers.errors import (
    UpstreamAuthError,
    UpstreamBadRequest,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamServerError,
    UpstreamTimeout,
)
from switchboard.providers.registry import Clients, ProviderSpec, make_adapter
from switchboard.security.secrets import mask

PROBE_TIMEOUT_SECONDS = 15.0
ERROR_KINDS: tuple[tuple[type[UpstreamError], str], ...] = (
    (UpstreamAuthError, "auth"),
    (UpstreamRateLimited, "rate_limited"),
    (UpstreamBadRequest, "bad_request"),
    (UpstreamServerError, "server"),
    (UpstreamTimeout, "timeout"),
)


@dataclass(frozen=True)
class ProbeResult:
    ok: bool
    error: str = ""
    models: int = 0


def _adapter(spec: ProviderSpec, clients: Clients) -> Provider:
    adapter = make_adapter(spec, clients)
    if adapter is None:
        raise FailedPrecondition(f"no adapter for provider type {spec.type!r}", param="type")
    return adapter


def _scrub(text: str, secret: str) -> str:
    return text.replace(secret, mask(secret)) if secret else text


def describe(exc: UpstreamError, secret: str) -> str:
    """'auth: ...' from the error's class, never its credentials (some upstreams echo them)."""
    kind = next((k for cls, k in ERROR_KINDS if isinstance(exc, cls)), "unreachable")
    message = _scrub(exc.message, secret)
    status = f" (HTTP {exc.status})" if exc.status else ""
    return f"{kind}{status}: {message}"


async def _list(adapter: Provider) -> list[ModelInfo]:
    async with asyncio.timeout(PROBE_TIMEOUT_SECONDS):
        return await adapter.list_models()


async def probe(spec: ProviderSpec, clients: Clients) -> ProbeResult:
    adapter = _adapter(spec, clients)
    try:
        listed = await _list(adapter)
    except UnsupportedFeature:
        healthy = await adapter.health()
        return ProbeResult(ok=healthy, error="" if healthy else "the health check failed")
    except UpstreamError as exc:
        return ProbeResult(ok=False, error=describe(exc, spec.api_key))
    except TimeoutError:
        return ProbeResult(ok=False, error=f"timeout: no answer in {PROBE_TIMEOUT_SECONDS:g} s")
    return ProbeResult(ok=True, models=len(listed))


async def upstream_models(spec: ProviderSpec, clients: Clients) -> list[ModelInfo]:
    """The provider's model list, or the client-facing error of why not."""
    adapter = _adapter(spec, clients)
    try:
        return await _list(adapter)
    except UnsupportedFeature:
        raise FailedPrecondition(f"{spec.name} cannot list its models", param="id") from None
    except UpstreamError as exc:
        error = gateway_error(exc)
        message = _scrub(error.message, spec.api_key)
        raise type(error)(message, retry_after_seconds=error.retry_after_seconds) from None
    except TimeoutError:
        raise ProviderTimeout(f"{spec.name} did not list its models in time") from None
