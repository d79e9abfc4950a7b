"""AnalyticsService from the rollups: totals equal the rows, groupings, scope, dashboard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import grpc
import pytest
from fakes.calls import error_of
from fakes.log_rows import insert_rows, log_row
from sqlalchemy import func, select

from switchboard.db.schema import LlmLog, UsageRollup
from switchboard.money import pico_to_usd
from switchboard.v1 import analytics_pb2, analytics_pb2_grpc, logs_pb2, logs_pb2_grpc

DAY1 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def spread() -> list[dict]:
    """30 rows over three days (Nov 1-3), two providers, three features, some errors."""
    made = []
    for i in range(30):
        made.append(
            log_row(
                i,
                created_at=DAY1 + timedelta(hours=5 * i),
                provider="acme" if i % 3 else "other",
                model="acme/ok" if i % 3 else "other/big",
                feature_name=("a", "b", "c")[i % 3 if i % 5 else 0],
                organization_id="org-a" if i < 20 else "org-b",
                status="error" if i % 7 == 0 else "success",
                cost_pico_usd=123_456_789 * (i + 1),
            )
        )
    return made


def stub(channel) -> analytics_pb2_grpc.AnalyticsServiceStub:
    return analytics_pb2_grpc.AnalyticsServiceStub(channel)


def expected(rows: list[dict]) -> dict:
    return {
        "requests": len(rows),
        "failed": sum(r["status"] == "error" for r in rows),
        "tokens": sum(r["total_tokens"] for r in rows),
        "cost": pico_to_usd(sum(r["cost_pico_usd"] for r in rows)),
    }


def observed(totals) -> dict:
    return {
        "requests": totals.requests,
        "failed": totals.failed_requests,
        "tokens": totals.total_tokens,
        "cost": totals.total_cost_usd,
    }


@pytest.fixture
async def seeded(running):
    rows = spread()
    await insert_rows(running, rows)
    return rows


async def test_totals_equal_the_sum_of_the_rows_exactly(running, seeded) -> None:
    usage = await stub(running.channel).GetUsage(
        analytics_pb2.GetUsageRequest(start_date="2026-11-01", end_date="2026-11-30")
    )
    assert observed(usage.totals) == expected(seeded)
    assert usage.period.start.startswith("2026-11-01T00:00:00")
    assert {p.provider: p.requests for p in usage.by_provider} == {"acme": 20, "other": 10}
    assert sum(m.requests for m in usage.by_model) == 30
    assert {f.feature_name for f in usage.by_feature} == {"a", "b", "c"}


async def test_group_by_day_week_month_and_dimensions(running, seeded) -> None:
    request = analytics_pb2.GetUsageRequest(
        start_date="2026-11-01", end_date="2026-11-30", group_by="day"
    )
    by_day = await stub(running.channel).GetUsage(request)
    days = {}
    for row in seeded:
        days.setdefault(row["created_at"].strftime("%Y-%m-%d"), []).append(row)
    assert [g.key for g in by_day.groups] == sorted(days)
    for group in by_day.groups:
        assert group.requests == len(days[group.key])
        assert group.total_cost_usd == expected(days[group.key])["cost"]
    assert [p.date for p in by_day.cost_trend] == sorted(days)
    request.group_by = "month"
    assert [
        (g.key, g.requests) for g in (await stub(running.channel).GetUsage(request)).groups
    ] == [("2026-11", 30)]
    request.group_by = "week"
    weeks = (await stub(running.channel).GetUsage(request)).groups
    assert sum(g.requests for g in weeks) == 30
    assert all(g.key.startswith("2026-W") for g in weeks)
    request.group_by = "provider"
    providers = (await stub(running.channel).GetUsage(request)).groups
    assert [(g.key, g.requests) for g in providers] == [("acme", 20), ("other", 10)]


async def test_an_hour_window_and_filters(running, seeded) -> None:
    request = analytics_pb2.GetUsageRequest(
        start_date="2026-11-01T10:00:00Z", end_date="2026-11-02T10:00:00Z", provider="acme"
    )
    usage = await stub(running.channel).GetUsage(request)
    start, end = datetime(2026, 11, 1, 10, tzinfo=UTC), datetime(2026, 11, 2, 10, tzinfo=UTC)
    inside = [r for r in seeded if start <= r["created_at"] < end and r["provider"] == "acme"]
    assert observed(usage.totals) == expected(inside)


async def test_a_window_inside_hours_counts_those_whole_hours(running, seeded) -> None:
    request = analytics_pb2.GetUsageRequest(
        start_date="2026-11-01T14:30:00Z", end_date="2026-11-01T19:10:00+00:00"
    )
    usage = await stub(running.channel).GetUsage(request)
    start, end = datetime(2026, 11, 1, 14, tzinfo=UTC), datetime(2026, 11, 1, 20, tzinfo=UTC)
    inside = [r for r in seeded if start <= r["created_at"] < end]
    assert len(inside) == 2  # 14:00 (in the partial first hour) and 19:00
    assert observed(usage.totals) == expected(inside)


async def test_scope_and_deletes_are_reflected(running, seeded, make_key) -> None:
    _, org_b = await make_key(organization_id="org-b", permissions=["logs:read:organization"])
    request = analytics_pb2.GetUsageRequest(start_date="2026-11-01", end_date="2026-11-30")
    usage = await stub(org_b).GetUsage(request)
    assert observed(usage.totals) == expected(
        [r for r in seeded if r["organization_id"] == "org-b"]
    )
    await logs_pb2_grpc.LogsServiceStub(running.channel).DeleteLogs(
        logs_pb2.DeleteLogsRequest(organization_id="org-b")
    )
    after = await stub(running.channel).GetUsage(request)
    assert observed(after.totals) == expected(
        [r for r in seeded if r["organization_id"] == "org-a"]
    )
    assert await rollups_by_environment(running) == await logs_by_environment(running)


async def rollups_by_environment(running) -> dict[str, int]:
    """Daily all-users rollups per environment, zero rows left out."""
    statement = (
        select(UsageRollup.environment, func.sum(UsageRollup.requests))
        .where(UsageRollup.granularity == "day", UsageRollup.user_id == "")
        .group_by(UsageRollup.environment)
    )
    async with running.runtime.engine.connect() as connection:
        return {env: int(n) for env, n in (await connection.execute(statement)).all() if n}


async def logs_by_environment(running) -> dict[str, int]:
    statement = select(LlmLog.environment, func.count()).group_by(LlmLog.environment)
    async with running.runtime.engine.connect() as connection:
        return dict((await connection.execute(statement)).all())


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"end_date": "2026-11-30"}, "start_date"),
        ({"start_date": "2026-11-01"}, "end_date"),
        ({"start_date": "2026-11-05", "end_date": "2026-11-01"}, "end_date"),
        ({"start_date": "2026-11-01", "end_date": "2026-11-30", "group_by": "year"}, "group_by"),
        ({"start_date": "11/01/2026", "end_date": "2026-11-30"}, "start_date"),
    ],
)
async def test_bad_parameters(running, fields, param) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub(running.channel).GetUsage(analytics_pb2.GetUsageRequest(**fields))
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert error_of(caught.value)["param"] == param


async def test_dashboard(running) -> None:
    now = datetime.now(UTC)
    rows = [
        log_row(
            i,
            created_at=now - timedelta(hours=3 * i),
            model=("acme/ok", "acme/big", "other/x")[i % 3],
            status="error" if i == 4 else "success",
        )
        for i in range(15)
    ]
    rows.append(log_row(99, created_at=now - timedelta(days=40)))  # outside the window
    await insert_rows(running, rows)
    board = await stub(running.channel).GetDashboard(analytics_pb2.GetDashboardRequest(days=30))
    recent = rows[:15]
    assert board.overview.total_requests == 15
    assert board.overview.failed_requests == 1
    assert board.overview.success_rate == pytest.approx(14 / 15, abs=1e-6)
    assert board.overview.total_cost_usd == expected(recent)["cost"]
    assert [a.timestamp for a in board.recent_activity] == [
        r["created_at"].isoformat() for r in recent[:10]
    ]
    assert [(t.model, t.requests) for t in board.top_models] == [
        ("acme/big", 5),
        ("acme/ok", 5),
        ("other/x", 5),
    ]
    trend_total = sum(Decimal(p.cost_usd) for p in board.cost_trend) * 10**12
    assert trend_total == sum(r["cost_pico_usd"] for r in recent)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub(running.channel).GetDashboard(analytics_pb2.GetDashboardRequest(days=400))
    assert error_of(caught.value)["param"] == "days"
