"""Provider types by id. Built-in providers are always present; others come from settings."""

from __future__ import annotations

from collections.abc import Callable

from switchboard.providers.base import Provider
from switchboard.providers.echo import EchoProvider

BUILTIN_PROVIDERS: dict[str, Callable[[], Provider]] = {
    "echo": EchoProvider,
}


def builtin_providers() -> dict[str, Provider]:
    return {name: factory() for name, factory in BUILTIN_PROVIDERS.items()}
