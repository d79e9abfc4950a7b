"""What later work relies on: exact money, idempotent log inserts, unique keys, UTC times,
enforced foreign keys and vocabularies, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, StatementError

from switchboard.db.schema import (
    ApiKey,
    LlmLog,
    Model,
    Provider,
    Route,
    Setting,
    UsageRollup,
)


def log_row(request_id: str, cost: int = 0, **fields) -> LlmLog:
    values = {
        "status": "success",
        "provider": "echo",
        "model": "echo-1",
        "attempts": [{"provider": "echo", "status": "success"}],
    }
    return LlmLog(request_id=request_id, cost_pico_usd=cost, **(values | fields))


async def add(sessions, *rows) -> None:
    async with sessions() as session, session.begin():
        session.add_all(rows)


async def test_big_costs_round_trip_exactly(sessions) -> None:
    cost = 10**15 + 7  # a thousand dollars and 7 pico-dollars
    await add(sessions, log_row("req-big", cost, request_body={"messages": [], "seed": 2**53 + 1}))
    async with sessions() as session:
        stored = await session.scalar(select(LlmLog).where(LlmLog.request_id == "req-big"))
        total = await session.scalar(select(func.sum(LlmLog.cost_pico_usd)))
    assert stored.cost_pico_usd == cost
    assert isinstance(stored.cost_pico_usd, int)
    assert int(total) == cost
    assert stored.request_body == {"messages": [], "seed": 2**53 + 1}
    assert stored.attempts == [{"provider": "echo", "status": "success"}]
    assert (stored.redaction_status, stored.redaction_rules, stored.stream) == (
        "pending",
        [],
        False,
    )
    assert len(stored.id) == 36


async def test_a_request_id_may_repeat_but_a_row_id_may_not(sessions) -> None:
    """request_id may be the caller's x-request-id; the writer is idempotent on id."""
    await add(sessions, log_row("req-shared"))
    await add(sessions, log_row("req-shared"))
    async with sessions() as session:
        first_id = await session.scalar(select(LlmLog.id))
    with pytest.raises(IntegrityError):
        await add(sessions, log_row("req-other", id=first_id))


async def test_times_come_back_aware_in_utc(sessions) -> None:
    local = datetime(2026, 3, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))
    await add(sessions, log_row("req-time", created_at=local))
    async with sessions() as session:
        stored = await session.scalar(select(LlmLog.created_at))
        later = await session.scalar(
            select(func.count()).where(LlmLog.created_at > datetime(2026, 3, 1, 10, 29, tzinfo=UTC))
        )
    assert stored == local
    assert stored.utcoffset() == timedelta(0)
    assert later == 1


async def test_naive_times_are_refused(sessions) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        await add(sessions, log_row("req-naive", created_at=datetime(2026, 3, 1)))


async def test_closed_vocabularies_are_enforced(sessions) -> None:
    with pytest.raises(IntegrityError):
        await add(sessions, log_row("req-bad", status="ok"))
    with pytest.raises(IntegrityError):
        await add(sessions, Route(name="r", strategy="random"))
    with pytest.raises(IntegrityError):
        await add(sessions, Setting(scope="planet"))


async def test_rollup_key_holds_with_empty_dimensions(sessions) -> None:
    bucket = datetime(2026, 1, 1, tzinfo=UTC)
    await add(
        sessions,
        UsageRollup(granularity="hour", bucket_start=bucket, provider="echo"),
        UsageRollup(granularity="day", bucket_start=bucket, provider="echo"),
        UsageRollup(granularity="hour", bucket_start=bucket, provider="echo", model="echo-1"),
    )
    with pytest.raises(IntegrityError):
        await add(sessions, UsageRollup(granularity="hour", bucket_start=bucket, provider="echo"))


async def test_one_settings_row_per_scope(sessions) -> None:
    await add(
        sessions,
        Setting(scope="global", values={"temperature": 0.7}),
        Setting(scope="feature", scope_id="summarize", values={}),
    )
    with pytest.raises(IntegrityError):
        await add(sessions, Setting(scope="global", values={}))


async def test_foreign_keys_are_enforced_and_cascade(sessions) -> None:
    with pytest.raises(IntegrityError):
        await add(sessions, Model(provider_id="0" * 36, name="ghost"))
    acme = Provider(name="acme", type="openai")
    await add(sessions, acme)
    await add(sessions, Model(provider_id=acme.id, name="m"))
    async with sessions() as session, session.begin():
        await session.delete(await session.get(Provider, acme.id))
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Model)) == 0


async def test_rotation_link_is_cleared_when_the_new_key_goes(sessions) -> None:
    new = ApiKey(key_hash="b" * 64, prefix="sk-sb-new", name="new")
    await add(sessions, new)
    old = ApiKey(key_hash="a" * 64, prefix="sk-sb-old", name="old", replaced_by_id=new.id)
    await add(sessions, old)
    async with sessions() as session, session.begin():
        await session.delete(await session.get(ApiKey, new.id))
    async with sessions() as session:
        assert (await session.get(ApiKey, old.id)).replaced_by_id is None
