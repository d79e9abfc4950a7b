"""HealthService: the seed's health report; UNAVAILABLE (HTTP 503) when unhealthy."""

from __future__ import annotations

import grpc
from google.protobuf import json_format

from switchboard import __version__
from switchboard.api.convert import timestamp
from switchboard.errors import ServiceUnavailable
from switchboard.health import HealthChecker, HealthReport
from switchboard.v1 import health_pb2, health_pb2_grpc


def report_to_proto(report: HealthReport) -> health_pb2.GetHealthResponse:
    redis = (
        "disabled" if report.redis_ok is None else ("healthy" if report.redis_ok else "unhealthy")
    )
    providers = [
        health_pb2.ProviderHealth(
            provider=p.provider,
            status="available" if p.available else "unavailable",
            last_check=timestamp(p.last_check),
        )
        for p in report.providers
    ]
    return health_pb2.GetHealthResponse(
        status=report.status,
        version=__version__,
        timestamp=timestamp(report.checked_at),
        services=health_pb2.ServiceHealth(
            database="healthy" if report.database_ok else "unhealthy",
            llm_providers=providers,
            redis=redis,
        ),
    )


class HealthServicer(health_pb2_grpc.HealthServiceServicer):
    def __init__(self, checker: HealthChecker) -> None:
        self._checker = checker

    async def GetHealth(
        self, request: health_pb2.GetHealthRequest, context: grpc.aio.ServicerContext
    ) -> health_pb2.GetHealthResponse:
        response = report_to_proto(await self._checker.check())
        if response.status == "unhealthy":
            body = json_format.MessageToDict(
                response,
                preserving_proto_field_name=True,
                always_print_fields_with_no_presence=True,
            )
            raise ServiceUnavailable(
                "The gateway is unhealthy: the database is unreachable.", body=body
            )
        return response
