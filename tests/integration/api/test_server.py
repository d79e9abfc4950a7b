"""The server over real gRPC: health, catalog, reflection, the error path."""

from __future__ import annotations

import json

import grpc
import pytest
from fakes.seed import UPSTREAM_KEY, PricedModel, ProviderSeed, seed_provider
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from grpc_status import rpc_status

from switchboard.catalog import ModelCatalog
from switchboard.v1 import (
    health_pb2 as sb_health,
)
from switchboard.v1 import (
    health_pb2_grpc as sb_health_grpc,
)
from switchboard.v1 import (
    models_pb2,
    models_pb2_grpc,
)

ALL_SERVICES = {
    "switchboard.v1.ChatService",
    "switchboard.v1.OpenAIService",
    "switchboard.v1.ModelsService",
    "switchboard.v1.LogsService",
    "switchboard.v1.AnalyticsService",
    "switchboard.v1.SettingsService",
    "switchboard.v1.KeysService",
    "switchboard.v1.HealthService",
    "grpc.health.v1.Health",
}


def error_json(err: grpc.aio.AioRpcError) -> dict:
    trailers = dict(err.trailing_metadata() or ())
    return json.loads(trailers["x-error-json"])


async def test_health_reports_database_and_echo(running) -> None:
    stub = sb_health_grpc.HealthServiceStub(running.channel)
    report = await stub.GetHealth(sb_health.GetHealthRequest())
    assert report.status == "healthy"
    assert report.services.database == "healthy"
    assert report.services.redis == "disabled"
    assert [p.provider for p in report.services.llm_providers] == ["echo"]
    assert report.services.llm_providers[0].status == "available"
    assert report.timestamp.seconds > 0


async def test_standard_health_service_is_serving(running) -> None:
    stub = health_pb2_grpc.HealthStub(running.channel)
    for service in ("", "switchboard.v1.ModelsService"):
        reply = await stub.Check(health_pb2.HealthCheckRequest(service=service))
        assert reply.status == health_pb2.HealthCheckResponse.SERVING


async def test_reflection_lists_every_service(running) -> None:
    stub = reflection_pb2_grpc.ServerReflectionStub(running.channel)
    call = stub.ServerReflectionInfo(
        iter([reflection_pb2.ServerReflectionRequest(list_services="")])
    )
    async for reply in call:
        names = {s.name for s in reply.list_services_response.service}
        break
    assert names >= ALL_SERVICES


async def test_catalog_lists_and_gets_echo(running) -> None:
    stub = models_pb2_grpc.ModelsServiceStub(running.channel)
    listing = await stub.ListModels(models_pb2.ListModelsRequest())
    assert listing.object == "list"
    echo = next(m for m in listing.data if m.id == "echo/echo-1")
    assert (echo.object, echo.owned_by) == ("model", "echo")
    assert (echo.pricing.prompt, echo.pricing.completion) == ("0", "0")
    assert echo.context_length == 8192
    got = await stub.GetModel(models_pb2.GetModelRequest(id="echo/echo-1"))
    assert got == echo


async def test_unknown_model_is_not_found_with_rich_error(running) -> None:
    stub = models_pb2_grpc.ModelsServiceStub(running.channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetModel(
            models_pb2.GetModelRequest(id="nope/nothing"), metadata=(("x-request-id", "req-abc"),)
        )
    err = caught.value
    assert err.code() is grpc.StatusCode.NOT_FOUND
    body = error_json(err)["error"]
    assert body["code"] == "NOT_FOUND"
    assert body["param"] == "model"
    assert body["request_id"] == "req-abc"
    status = rpc_status.from_call(err)
    info = error_details_pb2.ErrorInfo()
    assert status.details[0].Unpack(info)
    assert (info.reason, info.domain) == ("NOT_FOUND", "switchboard.v1")


async def test_bad_limit_is_invalid_argument_naming_the_parameter(running) -> None:
    stub = models_pb2_grpc.ModelsServiceStub(running.channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.ListModels(models_pb2.ListModelsRequest(limit=501))
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert error_json(caught.value)["error"]["param"] == "limit"


async def test_paging_the_catalog(running) -> None:
    stub = models_pb2_grpc.ModelsServiceStub(running.channel)
    first = await stub.ListModels(models_pb2.ListModelsRequest(limit=1))
    assert [m.id for m in first.data] == ["echo/echo-1"]
    second = await stub.ListModels(models_pb2.ListModelsRequest(page=2, limit=1))
    assert list(second.data) == []
    # A page without a limit is a page of 100, so paging on `page` alone comes to an end.
    assert len((await stub.ListModels(models_pb2.ListModelsRequest(page=1))).data) == 1
    assert list((await stub.ListModels(models_pb2.ListModelsRequest(page=2))).data) == []


async def test_unexpected_errors_are_internal_and_leak_nothing(
    running, caplog, monkeypatch
) -> None:
    async def explode(self, provider: str = "") -> list:
        raise RuntimeError("boom with secret sk-sb-leakyleakyleaky")

    monkeypatch.setattr(ModelCatalog, "list_models", explode)
    stub = models_pb2_grpc.ModelsServiceStub(running.channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.ListModels(models_pb2.ListModelsRequest())
    assert caught.value.code() is grpc.StatusCode.INTERNAL
    assert "sk-sb-" not in caught.value.details()
    assert "sk-sb-" not in json.dumps(error_json(caught.value))
    assert "boom" in caplog.text  # the traceback went to the server log


async def test_metrics_count_rpcs_by_method_and_code(running) -> None:
    stub = models_pb2_grpc.ModelsServiceStub(running.channel)
    await stub.ListModels(models_pb2.ListModelsRequest())
    with pytest.raises(grpc.aio.AioRpcError):
        await stub.GetModel(models_pb2.GetModelRequest(id="x/y"))
    sample = running.runtime.metrics.registry.get_sample_value
    method = "/switchboard.v1.ModelsService/GetModel"
    assert sample("switchboard_rpc_requests_total", {"method": method, "code": "NOT_FOUND"}) == 1
    listed = "/switchboard.v1.ModelsService/ListModels"
    assert sample("switchboard_rpc_requests_total", {"method": listed, "code": "OK"}) == 1


async def test_health_is_unavailable_with_the_report_when_the_database_is_down(server_on) -> None:
    running = await server_on("postgresql+psycopg://u:pw@127.0.0.1:1/nothing")
    stub = sb_health_grpc.HealthServiceStub(running.channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetHealth(sb_health.GetHealthRequest())
    assert caught.value.code() is grpc.StatusCode.UNAVAILABLE
    body = error_json(caught.value)
    assert body["status"] == "unhealthy"
    assert body["services"]["database"] == "unhealthy"
    assert "pw@" not in json.dumps(body)


async def test_configured_providers_are_reported_by_their_circuit_not_probed(running) -> None:
    seed = ProviderSeed("acme-health", "http://127.0.0.1:9/v1", UPSTREAM_KEY, [PricedModel("ok")])
    seed_provider(running.runtime.config.database_url, running.runtime.vault, seed)
    await running.runtime.directory.refresh()
    stub = sb_health_grpc.HealthServiceStub(running.channel)
    report = await stub.GetHealth(sb_health.GetHealthRequest())
    statuses = {p.provider: p.status for p in report.services.llm_providers}
    assert statuses["acme-health"] == "available"  # nothing was sent to port 9
    breaker = running.runtime.resilience.breakers.get("acme-health")
    for _ in range(breaker.threshold):
        breaker.record_failure()
    report = await stub.GetHealth(sb_health.GetHealthRequest())
    statuses = {p.provider: p.status for p in report.services.llm_providers}
    assert statuses["acme-health"] != "available"
    assert report.status == "degraded"
    breaker.record_success()
