"""What later issues rely on: exact money, idempotent log inserts, rollup keys."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from switchboard.db.schema import LlmLog, UsageRollup


def log_row(request_id: str, cost: int = 0) -> LlmLog:
    return LlmLog(
        request_id=request_id,
        status="success",
        provider="echo",
        model="echo-1",
        cost_pico_usd=cost,
        attempts=[{"provider": "echo", "status": "success"}],
    )


async def test_big_costs_round_trip_exactly(sessions) -> None:
    cost = 10**15 + 7  # a thousand dollars and 7 pico-dollars
    async with sessions() as session, session.begin():
        session.add(log_row("req-big", cost))
    async with sessions() as session:
        stored = await session.scalar(select(LlmLog).where(LlmLog.request_id == "req-big"))
    assert stored.cost_pico_usd == cost
    assert isinstance(stored.cost_pico_usd, int)
    assert stored.attempts == [{"provider": "echo", "status": "success"}]
    assert stored.redaction_status == "pending"


async def test_request_id_is_unique(sessions) -> None:
    async with sessions() as session, session.begin():
        session.add(log_row("req-once"))
    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            session.add(log_row("req-once"))


async def test_rollup_key_holds_with_empty_dimensions(sessions) -> None:
    bucket = datetime(2026, 1, 1, tzinfo=UTC)
    async with sessions() as session, session.begin():
        session.add(UsageRollup(granularity="hour", bucket_start=bucket, provider="echo"))
    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            session.add(UsageRollup(granularity="hour", bucket_start=bucket, provider="echo"))
