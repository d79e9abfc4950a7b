"""The audit log of admin actions. Written in the same transaction as the change it records."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard.auth.principal import Principal
from switchboard.db.schema import AuditEvent


def details_org(details: dict[str, Any] | None) -> str | None:
    return (details or {}).get("organization_id")


def record(
    session: AsyncSession,
    actor: Principal | None,
    action: str,
    target: tuple[str, str],
    request_id: str,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an event (never a secret in `details`) to the session; the caller commits.
    `actor` None is the command line (someone with access to the server's database)."""
    target_type, target_id = target
    event = AuditEvent(
        actor_key_id=actor.key_id if actor else None,
        actor_user_id=actor.user_id if actor else "cli",
        organization_id=actor.organization_id if actor else details_org(details),
        action=action,
        target_type=target_type,
        target_id=target_id,
        request_id=request_id,
        details=details or {},
    )
    session.add(event)
    return event


async def list_events(
    session: AsyncSession,
    organization_id: str | None,
    *,
    everywhere: bool,
    action: str,
    offset: int,
    limit: int,
) -> tuple[list[AuditEvent], int]:
    query = select(AuditEvent)
    if not everywhere:
        query = query.where(AuditEvent.organization_id == organization_id)
    if action:
        query = query.where(AuditEvent.action == action)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    rows = await session.scalars(page.offset(offset).limit(limit))
    return list(rows.all()), total
