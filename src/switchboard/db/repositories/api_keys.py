"""API key rows. Only digests (hex SHA-256/HMAC, 64 chars) and display prefixes are stored."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard.db.schema import ApiKey


def new_key_row(
    *, digest: str, prefix: str, name: str, permissions: Sequence[str], organization_id: str | None
) -> ApiKey:
    return ApiKey(
        key_hash=digest,
        prefix=prefix,
        name=name,
        permissions=list(permissions),
        organization_id=organization_id,
    )


async def insert_key(
    session: AsyncSession,
    *,
    digest: str,
    prefix: str,
    name: str,
    permissions: Sequence[str],
    organization_id: str | None = None,
) -> ApiKey:
    """Add the row and flush (so `id` is set and a duplicate digest fails here); no commit."""
    row = new_key_row(
        digest=digest,
        prefix=prefix,
        name=name,
        permissions=permissions,
        organization_id=organization_id,
    )
    session.add(row)
    await session.flush()
    return row


async def find_by_digest(session: AsyncSession, digest: str) -> ApiKey | None:
    return await session.scalar(select(ApiKey).where(ApiKey.key_hash == digest))


async def count_keys(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(ApiKey)) or 0
