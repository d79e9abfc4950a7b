"""AnalyticsService: usage for a period (totals, breakdowns, cost trend) and the dashboard,
from the hourly/daily rollups, scoped like the logs (own / organization / all)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import grpc
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from switchboard.context import current_principal
from switchboard.db.repositories import analytics as repo
from switchboard.errors import InvalidRequest
from switchboard.logs.query import Scope, parse_moment, scope_of
from switchboard.logs.rollups import SUMS
from switchboard.money import pico_to_usd
from switchboard.v1 import analytics_pb2, analytics_pb2_grpc

TIME_GROUPS: dict[str, Callable[[datetime], str]] = {
    "day": lambda d: d.strftime("%Y-%m-%d"),
    "week": lambda d: "{}-W{:02d}".format(*d.isocalendar()[:2]),
    "month": lambda d: d.strftime("%Y-%m"),
}
DIMENSION_GROUPS = {"provider": ("provider",), "model": ("model",), "feature": ("feature_name",)}
FILTERS = ("user_id", "organization_id", "provider", "model", "feature_name")
DEFAULT_DAYS = 30
TOP_MODELS = 5


def _scope() -> Scope:
    principal = current_principal()
    assert principal is not None, "AnalyticsService RPCs are never public"
    return scope_of(principal)


def _average(sums: dict[str, int]) -> float:
    return round(sums["latency_ms_sum"] / sums["requests"], 3) if sums["requests"] else 0.0


def usage_totals(sums: dict[str, int]) -> analytics_pb2.UsageTotals:
    return analytics_pb2.UsageTotals(
        requests=sums["requests"],
        successful_requests=sums["successful_requests"],
        failed_requests=sums["failed_requests"],
        total_tokens=sums["total_tokens"],
        prompt_tokens=sums["prompt_tokens"],
        completion_tokens=sums["completion_tokens"],
        total_cost_usd=pico_to_usd(sums["cost_pico_usd"]),
        average_latency_ms=_average(sums),
    )


def _group(key: str, sums: dict[str, int]) -> analytics_pb2.UsageGroup:
    return analytics_pb2.UsageGroup(
        key=key,
        requests=sums["requests"],
        total_cost_usd=pico_to_usd(sums["cost_pico_usd"]),
        total_tokens=sums["total_tokens"],
        average_latency_ms=_average(sums),
    )


def roll_up(
    groups: list[tuple[tuple[str, ...], dict[str, int]]],
    coarser: Callable[[tuple[str, ...]], tuple[str, ...]],
) -> list[tuple[tuple[str, ...], dict[str, int]]]:
    """Finer groups summed into coarser ones (exact ints), most requests first."""
    merged: dict[tuple[str, ...], dict[str, int]] = {}
    for key, sums in groups:
        target = merged.setdefault(coarser(key), dict.fromkeys(SUMS, 0))
        for name, value in sums.items():
            target[name] += value
    return sorted(merged.items(), key=lambda item: (-item[1]["requests"], item[0]))


def merge_buckets(
    buckets: list[tuple[datetime, dict[str, int]]], label: Callable[[datetime], str]
) -> list[tuple[str, dict[str, int]]]:
    """Hour or day buckets summed into day/week/month groups, in time order (exact ints)."""
    merged: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for start, sums in buckets:
        target = merged[label(start)]
        for name, value in sums.items():
            target[name] += value
    return [(key, dict(sums)) for key, sums in merged.items()]


def whole_hours(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The window widened to whole UTC hours, the rollups' resolution: a partial first hour
    counts whole (it was left out) and so does a partial last one (as it already did)."""
    floor = start.replace(minute=0, second=0, microsecond=0)
    top = end.replace(minute=0, second=0, microsecond=0)
    return floor, top if top == end else top + timedelta(hours=1)


def _window_of(request: analytics_pb2.GetUsageRequest, scope: Scope) -> repo.Window:
    if not request.start_date:
        raise InvalidRequest("start_date is required", param="start_date")
    if not request.end_date:
        raise InvalidRequest("end_date is required", param="end_date")
    start = parse_moment(request.start_date, "start_date")
    end = parse_moment(request.end_date, "end_date", end=True)
    if end <= start:
        raise InvalidRequest("end_date must be after start_date", param="end_date")
    try:
        start, end = whole_hours(start, end)
    except OverflowError:
        raise InvalidRequest("end_date is too far in the future", param="end_date") from None
    if request.group_by and request.group_by not in (*TIME_GROUPS, *DIMENSION_GROUPS):
        raise InvalidRequest(
            "group_by must be day, week, month, provider, model or feature", param="group_by"
        )
    equals = {name: getattr(request, name) for name in FILTERS if getattr(request, name)}
    return repo.Window(start, end, equals, scope)


class AnalyticsServicer(analytics_pb2_grpc.AnalyticsServiceServicer):
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def GetUsage(
        self, request: analytics_pb2.GetUsageRequest, context: grpc.aio.ServicerContext
    ) -> analytics_pb2.GetUsageResponse:
        window = _window_of(request, _scope())
        async with self._sessions() as session:
            finest = await repo.grouped(session, window, ["provider", "model", "feature_name"])
            buckets = (
                await repo.by_bucket(session, window) if request.group_by in TIME_GROUPS else []
            )
        sums = roll_up(finest, lambda key: ())[0][1] if finest else dict.fromkeys(SUMS, 0)
        providers = roll_up(finest, lambda key: key[:1])
        models = roll_up(finest, lambda key: key[:2])
        features = roll_up(finest, lambda key: key[2:])
        response = analytics_pb2.GetUsageResponse(
            period=analytics_pb2.Period(start=window.start.isoformat(), end=window.end.isoformat()),
            totals=usage_totals(sums),
            by_provider=[
                analytics_pb2.ProviderUsage(
                    provider=p,
                    requests=s["requests"],
                    total_cost_usd=pico_to_usd(s["cost_pico_usd"]),
                    total_tokens=s["total_tokens"],
                )
                for (p,), s in providers
            ],
            by_model=[
                analytics_pb2.ModelUsage(
                    provider=p,
                    model=m,
                    requests=s["requests"],
                    total_cost_usd=pico_to_usd(s["cost_pico_usd"]),
                    total_tokens=s["total_tokens"],
                )
                for (p, m), s in models
            ],
            by_feature=[
                analytics_pb2.FeatureUsage(
                    feature_name=f,
                    requests=s["requests"],
                    total_cost_usd=pico_to_usd(s["cost_pico_usd"]),
                    average_latency_ms=_average(s),
                )
                for (f,), s in features
                if f
            ],
        )
        if request.group_by in TIME_GROUPS:
            groups = merge_buckets(buckets, TIME_GROUPS[request.group_by])
            response.groups.extend(_group(k, s) for k, s in groups)
            response.cost_trend.extend(
                analytics_pb2.CostPoint(date=k, cost_usd=pico_to_usd(s["cost_pico_usd"]))
                for k, s in groups
            )
        elif request.group_by:
            rows = {"provider": providers, "feature": features}.get(request.group_by)
            if request.group_by == "model":
                rows = [((m,), s) for (_, m), s in models]
            response.groups.extend(_group(key[0], s) for key, s in rows or [])
        return response

    async def GetDashboard(
        self, request: analytics_pb2.GetDashboardRequest, context: grpc.aio.ServicerContext
    ) -> analytics_pb2.GetDashboardResponse:
        days = request.days or DEFAULT_DAYS
        if not 1 <= days <= 366:
            raise InvalidRequest("days must be between 1 and 366", param="days")
        scope = _scope()
        # Whole UTC days, today included: served from the daily rollups.
        end = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        end += timedelta(days=1)
        start = end - timedelta(days=days)
        equals = {"organization_id": request.organization_id} if request.organization_id else {}
        window = repo.Window(start, end, equals, scope)
        async with self._sessions() as session:
            sums = await repo.totals(session, window)
            top = await repo.grouped(session, window, ["provider", "model"], top=TOP_MODELS)
            buckets = await repo.by_bucket(session, window)
            recent = await repo.recent(session, scope, start)
        total = sums["requests"]
        return analytics_pb2.GetDashboardResponse(
            period=analytics_pb2.Period(start=start.isoformat(), end=end.isoformat()),
            overview=analytics_pb2.DashboardOverview(
                total_requests=total,
                successful_requests=sums["successful_requests"],
                failed_requests=sums["failed_requests"],
                success_rate=round(sums["successful_requests"] / total, 6) if total else 0.0,
                total_cost_usd=pico_to_usd(sums["cost_pico_usd"]),
                total_tokens=sums["total_tokens"],
                average_latency_ms=_average(sums),
            ),
            recent_activity=[
                analytics_pb2.RecentActivity(
                    timestamp=r.created_at.isoformat(),
                    feature=r.feature_name or "",
                    status=r.status,
                    cost_usd=pico_to_usd(r.cost_pico_usd),
                    model=r.model,
                )
                for r in recent
            ],
            top_models=[
                analytics_pb2.TopModel(
                    provider=p,
                    model=m,
                    requests=s["requests"],
                    cost_usd=pico_to_usd(s["cost_pico_usd"]),
                )
                for (p, m), s in top
            ],
            cost_trend=[
                analytics_pb2.CostPoint(date=k, cost_usd=pico_to_usd(s["cost_pico_usd"]))
                for k, s in merge_buckets(buckets, TIME_GROUPS["day"])
            ],
        )
