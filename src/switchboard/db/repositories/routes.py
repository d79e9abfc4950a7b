"""Routes: a name clients send as `model`, a strategy, and its targets."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard.db.schema import ModelAlias, Route
from switchboard.errors import AlreadyExists, NotFound


async def list_routes(session: AsyncSession, *, offset: int, limit: int) -> tuple[list[Route], int]:
    total = await session.scalar(select(func.count()).select_from(Route)) or 0
    rows = await session.scalars(select(Route).order_by(Route.name).offset(offset).limit(limit))
    return list(rows), total


async def get_route(session: AsyncSession, route_id: str) -> Route:
    row = await session.get(Route, route_id)
    if row is None:
        raise NotFound(f"No route with id {route_id!r}.", param="id")
    return row


async def create_route(
    session: AsyncSession, name: str, strategy: str, targets: list[dict[str, Any]], enabled: bool
) -> Route:
    if await session.scalar(select(Route.id).where(Route.name == name)) is not None:
        raise AlreadyExists(f"A route named {name!r} already exists.", param="name")
    if await session.scalar(select(ModelAlias.id).where(ModelAlias.alias == name)) is not None:
        raise AlreadyExists(f"{name!r} is already an alias.", param="name")
    row = Route(name=name, strategy=strategy, targets=targets, enabled=enabled)
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return row
