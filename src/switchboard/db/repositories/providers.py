"""Provider rows: create, read, update, delete. Credentials arrive encrypted; this module
never sees a plaintext key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard.db.schema import Provider
from switchboard.errors import AlreadyExists, NotFound


@dataclass(frozen=True)
class NewProvider:
    name: str
    type: str
    base_url: str
    encrypted_credentials: bytes | None
    credentials_hint: str
    enabled: bool = True
    api_version: str = ""
    timeout_ms: int | None = None
    max_retries: int | None = None


async def _name_taken(session: AsyncSession, name: str, other_than: str = "") -> bool:
    query = select(Provider.id).where(Provider.name == name, Provider.id != other_than)
    return await session.scalar(query) is not None


async def create_provider(session: AsyncSession, new: NewProvider) -> Provider:
    if await _name_taken(session, new.name):
        raise AlreadyExists(f"A provider named {new.name!r} already exists.", param="name")
    row = Provider(**new.__dict__)
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return row


async def get_provider(session: AsyncSession, provider_id: str) -> Provider:
    row = await session.get(Provider, provider_id)
    if row is None:
        raise NotFound(f"No provider with id {provider_id!r}.", param="id")
    return row


async def find_by_name(session: AsyncSession, name: str) -> Provider | None:
    return await session.scalar(select(Provider).where(Provider.name == name))


async def list_providers(
    session: AsyncSession, *, offset: int, limit: int
) -> tuple[list[Provider], int]:
    total = await session.scalar(select(func.count()).select_from(Provider)) or 0
    rows = await session.scalars(
        select(Provider).order_by(Provider.name).offset(offset).limit(limit)
    )
    return list(rows), total


async def update_provider(session: AsyncSession, row: Provider, changes: dict[str, Any]) -> None:
    """Apply the changed columns; a new name must be free."""
    name = changes.get("name")
    if name is not None and await _name_taken(session, name, other_than=row.id):
        raise AlreadyExists(f"A provider named {name!r} already exists.", param="name")
    for column, value in changes.items():
        setattr(row, column, value)
    await session.flush()
    await session.refresh(row)


async def record_health(
    session: AsyncSession, row: Provider, *, status: str, error: str, at: datetime
) -> None:
    row.health_status, row.last_error, row.last_check_at = status, error, at
    await session.flush()
    await session.refresh(row)


async def all_with_credentials(session: AsyncSession) -> list[Provider]:
    """Locked until the transaction ends (Postgres): a credential set meanwhile waits for the
    re-encryption instead of being overwritten by it."""
    query = select(Provider).where(Provider.encrypted_credentials.is_not(None)).with_for_update()
    return list(await session.scalars(query))
