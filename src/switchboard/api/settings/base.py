"""What every SettingsService area shares: sessions, the vault, auditing, refreshing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from switchboard.auth.principal import Principal
from switchboard.chat.directory import Directory, Router
from switchboard.context import current_principal, current_request_id
from switchboard.db.repositories import audit
from switchboard.providers.registry import Clients
from switchboard.security.secrets import Vault


@dataclass(frozen=True)
class SettingsDeps:
    sessions: async_sessionmaker[AsyncSession]
    vault: Vault
    clients: Clients
    # Reload this replica's directory and settings snapshot after a change.
    refresh: Callable[[], Awaitable[None]]
    directory: Callable[[], Directory]
    router: Router
    allow_link_local: bool = False


def caller() -> Principal:
    principal = current_principal()
    assert principal is not None, "SettingsService RPCs are never public"
    return principal


def audited(
    session: AsyncSession, action: str, target: tuple[str, str], details: dict[str, Any]
) -> None:
    audit.record(session, caller(), action, target, current_request_id(), details)


class SettingsArea:
    def __init__(self, deps: SettingsDeps) -> None:
        self._deps = deps
        self._sessions = deps.sessions
