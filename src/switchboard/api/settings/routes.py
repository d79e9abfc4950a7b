"""Routes and the routing dry run."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import grpc

from switchboard.api.paging import pagination, small_listing_page
from switchboard.api.settings.base import SettingsArea, audited
from switchboard.db.repositories import routes as repo
from switchboard.db.schema import Route
from switchboard.errors import InvalidRequest
from switchboard.routing.strategies import RouteTarget, check_route
from switchboard.v1 import settings_pb2


def route_to_proto(row: Route) -> settings_pb2.Route:
    return settings_pb2.Route(
        id=row.id,
        name=row.name,
        strategy=row.strategy,
        targets=[
            settings_pb2.RouteTarget(model=t["model"], weight=int(t.get("weight", 1)))
            for t in row.targets
        ],
        enabled=row.enabled,
    )


def checked_targets(
    name: str, strategy: str, targets: Sequence[settings_pb2.RouteTarget]
) -> list[dict[str, Any]]:
    """The targets as stored, or INVALID_ARGUMENT naming the first offending field."""
    wanted = [RouteTarget(t.model.strip(), t.weight) for t in targets]
    violations = check_route(name, strategy, wanted)
    if violations:
        field, message = violations[0]
        raise InvalidRequest(f"{field}: {message}", param=field)
    return [{"model": t.model, "weight": t.weight} for t in wanted]


class RoutesArea(SettingsArea):
    async def ListRoutes(
        self, request: settings_pb2.ListRoutesRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.ListRoutesResponse:
        page = small_listing_page(request)
        async with self._sessions() as session:
            rows, total = await repo.list_routes(session, offset=page.offset, limit=page.limit)
        return settings_pb2.ListRoutesResponse(
            data=[route_to_proto(r) for r in rows],
            pagination=pagination(page.number, page.limit, total),
        )

    async def CreateRoute(
        self, request: settings_pb2.CreateRouteRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.Route:
        name = request.name.strip()
        targets = checked_targets(name, request.strategy, request.targets)
        enabled = request.enabled if request.HasField("enabled") else True
        async with self._sessions.begin() as session:
            row = await repo.create_route(session, name, request.strategy, targets, enabled)
            details = {"name": name, "strategy": row.strategy, "targets": targets}
            audited(session, "route.create", ("route", row.id), details)
            answer = route_to_proto(row)
        await self._deps.refresh()
        return answer

    async def UpdateRoute(
        self, request: settings_pb2.UpdateRouteRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.Route:
        async with self._sessions.begin() as session:
            row = await repo.get_route(session, request.id)
            row.targets = checked_targets(row.name, request.strategy, request.targets)
            row.strategy = request.strategy
            if request.HasField("enabled"):
                row.enabled = request.enabled
            await session.flush()
            details = {"strategy": row.strategy, "targets": row.targets}
            audited(session, "route.update", ("route", row.id), details)
            answer = route_to_proto(row)
        await self._deps.refresh()
        return answer

    async def DeleteRoute(
        self, request: settings_pb2.DeleteRouteRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.DeleteRouteResponse:
        async with self._sessions.begin() as session:
            row = await repo.get_route(session, request.id)
            await session.delete(row)
            audited(session, "route.delete", ("route", row.id), {"name": row.name})
        await self._deps.refresh()
        return settings_pb2.DeleteRouteResponse()

    async def DryRunRoute(
        self, request: settings_pb2.DryRunRouteRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.DryRunRouteResponse:
        if not request.model.strip():
            raise InvalidRequest("model is required", param="model")
        resolution = self._deps.directory().candidates(
            request.model.strip(), request.models, self._deps.router
        )
        candidates = [t.info.id for t in resolution.targets]
        return settings_pb2.DryRunRouteResponse(
            chosen=candidates[0], candidates=candidates, reasons=resolution.reasons
        )
