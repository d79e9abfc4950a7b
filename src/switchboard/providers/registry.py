"""Provider adapters by type id. Built-in providers are always present; the others are made
from the providers table (one explicit dict, never an if-chain)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from switchboard.providers.anthropic import AnthropicProvider
from switchboard.providers.base import Provider
from switchboard.providers.cohere import CohereProvider
from switchboard.providers.echo import EchoProvider
from switchboard.providers.fasthttp import ProviderHttp
from switchboard.providers.google import GeminiProvider
from switchboard.providers.openai import AzureOpenAIProvider, OpenAIProvider

BUILTIN_PROVIDERS: dict[str, Callable[[], Provider]] = {
    "echo": EchoProvider,
}


@dataclass(frozen=True)
class ProviderSpec:
    """What the providers table says about one provider (credentials decrypted)."""

    name: str
    type: str
    base_url: str
    api_key: str = field(repr=False)  # never in a log line or traceback
    api_version: str = ""
    # Per-request read timeout in seconds; None keeps the shared client's default.
    timeout: float | None = None


@dataclass(frozen=True)
class Clients:
    """The pooled HTTP clients adapters share: `fast` on the hot path, httpx elsewhere."""

    http: httpx.AsyncClient
    fast: ProviderHttp


AdapterFactory = Callable[[ProviderSpec, Clients], Provider]


def _openai(spec: ProviderSpec, clients: Clients) -> Provider:
    return OpenAIProvider(
        spec.name, spec.base_url, spec.api_key, clients.fast, timeout=spec.timeout
    )


def _azure(spec: ProviderSpec, clients: Clients) -> Provider:
    version = spec.api_version or "2024-10-21"
    return AzureOpenAIProvider(
        spec.name,
        spec.base_url,
        spec.api_key,
        clients.fast,
        api_version=version,
        timeout=spec.timeout,
    )


def _anthropic(spec: ProviderSpec, clients: Clients) -> Provider:
    return AnthropicProvider(
        spec.name,
        spec.base_url,
        spec.api_key,
        clients.fast,
        api_version=spec.api_version,
        timeout=spec.timeout,
    )


def _google(spec: ProviderSpec, clients: Clients) -> Provider:
    return GeminiProvider(
        spec.name, spec.base_url, spec.api_key, clients.fast, timeout=spec.timeout
    )


def _cohere(spec: ProviderSpec, clients: Clients) -> Provider:
    return CohereProvider(
        spec.name, spec.base_url, spec.api_key, clients.fast, timeout=spec.timeout
    )


ADAPTER_TYPES: dict[str, AdapterFactory] = {
    "openai": _openai,
    "azure": _azure,
    "anthropic": _anthropic,
    "google": _google,
    "cohere": _cohere,
}


def builtin_providers() -> dict[str, Provider]:
    return {name: factory() for name, factory in BUILTIN_PROVIDERS.items()}


def make_adapter(spec: ProviderSpec, clients: Clients) -> Provider | None:
    factory = ADAPTER_TYPES.get(spec.type)
    return None if factory is None else factory(spec, clients)
