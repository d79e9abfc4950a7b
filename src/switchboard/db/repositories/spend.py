"""Spend already logged, for budgets that start counting in a new process."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard.db.schema import LlmLog

_SCOPE_COLUMNS = {"key": LlmLog.api_key_id, "organization": LlmLog.organization_id}


async def spent_since(session: AsyncSession, scope: str, scope_id: str, since: datetime) -> int:
    """pico-USD logged for a key or organization since `since`."""
    column = _SCOPE_COLUMNS[scope]
    query = select(func.coalesce(func.sum(LlmLog.cost_pico_usd), 0)).where(
        column == scope_id, LlmLog.created_at >= since
    )
    return int(await session.scalar(query) or 0)
