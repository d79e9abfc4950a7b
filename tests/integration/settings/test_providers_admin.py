"""Providers through SettingsService: CRUD, the encrypted key, probes, model sync."""

from __future__ import annotations

import json

import grpc
import pytest
from fakes.calls import chat, error_of
from sqlalchemy import select, text

from switchboard.db.schema import Model, ModelPrice
from switchboard.v1 import settings_pb2, settings_pb2_grpc

SECRET = "sk-upstream-live-5ecret-0123456789abcdef"


def create(upstream, name: str = "acme", **extra) -> settings_pb2.CreateProviderRequest:
    fields = {"name": name, "type": "openai", "base_url": upstream.base_url, "api_key": SECRET}
    return settings_pb2.CreateProviderRequest(**{**fields, **extra})


async def add_model(admin, provider: str = "acme", model: str = "ok") -> settings_pb2.ModelConfig:
    return await admin.CreateModelConfig(
        settings_pb2.CreateModelConfigRequest(
            provider=provider,
            model=model,
            input_price_per_mtok="0.15",
            output_price_per_mtok="0.60",
            context_window=128000,
        )
    )


async def raw_database_text(running) -> str:
    """Every provider column as the database stores it."""
    async with running.runtime.sessions() as session:
        rows = (await session.execute(text("SELECT * FROM providers"))).all()
    return json.dumps([[str(v) for v in row] for row in rows])


async def test_create_masks_the_key_and_routes_at_once(running, admin, upstream) -> None:
    provider = await admin.CreateProvider(create(upstream))
    assert provider.api_key_masked == "sk-...cdef"
    assert SECRET not in str(provider)
    await add_model(admin)
    reply = await chat(running.channel, "acme/ok")
    assert reply["provider"] == "acme"
    assert upstream.headers_seen[-1]["authorization"] == f"Bearer {SECRET}"
    assert SECRET not in await raw_database_text(running)
    listed = await admin.ListProviders(settings_pb2.ListProvidersRequest())
    assert [p.name for p in listed.data] == ["acme"]
    assert SECRET not in str(listed)


async def test_conflicting_name_is_already_exists(admin, upstream) -> None:
    await admin.CreateProvider(create(upstream))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await admin.CreateProvider(create(upstream))
    assert caught.value.code() is grpc.StatusCode.ALREADY_EXISTS
    assert error_of(caught.value)["param"] == "name"


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"base_url": "http://169.254.169.254/latest"}, "base_url"),
        ({"base_url": "http://[fd00:ec2::254]/v1"}, "base_url"),
        ({"base_url": "ftp://example.com"}, "base_url"),
        ({"base_url": "https://user:pw@example.com/v1"}, "base_url"),
        ({"type": "mystery"}, "type"),
        ({"name": "a/b"}, "name"),
        ({"name": "echo"}, "name"),
        ({"timeout_ms": 5}, "timeout_ms"),
    ],
)
async def test_invalid_fields_are_named(admin, upstream, fields, param) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await admin.CreateProvider(create(upstream, **fields))
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert error_of(caught.value)["param"] == param
    assert SECRET not in caught.value.details()


async def test_non_admins_are_refused(make_key, upstream) -> None:
    _, channel = await make_key(permissions=["ai:chat", "settings:read"])
    stub = settings_pb2_grpc.SettingsServiceStub(channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.CreateProvider(create(upstream))
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
    assert (await stub.ListProviders(settings_pb2.ListProvidersRequest())).data == []


async def test_update_delete_and_the_builtin(running, admin, upstream) -> None:
    provider = await admin.CreateProvider(create(upstream))
    await add_model(admin)
    renamed = await admin.UpdateProvider(
        settings_pb2.UpdateProviderRequest(id=provider.id, name="acme2", timeout_ms=2000)
    )
    assert (renamed.name, renamed.timeout_ms, renamed.api_key_masked) == (
        "acme2",
        2000,
        "sk-...cdef",
    )
    assert (await chat(running.channel, "acme2/ok"))["provider"] == "acme2"
    await admin.DeleteProvider(settings_pb2.DeleteProviderRequest(id=provider.id))
    with pytest.raises(grpc.aio.AioRpcError) as gone:
        await chat(running.channel, "acme2/ok")
    assert gone.value.code() is grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as builtin:
        await admin.DeleteProvider(settings_pb2.DeleteProviderRequest(id="echo"))
    assert builtin.value.code() is grpc.StatusCode.FAILED_PRECONDITION


async def test_a_new_api_key_is_used_next_call(running, admin, upstream) -> None:
    provider = await admin.CreateProvider(create(upstream))
    await add_model(admin)
    replaced = await admin.SetProviderApiKey(
        settings_pb2.SetProviderApiKeyRequest(id=provider.id, api_key="sk-second-key-99999999")
    )
    assert replaced.api_key_masked == "sk-...9999"
    await chat(running.channel, "acme/ok")
    assert upstream.headers_seen[-1]["authorization"] == "Bearer sk-second-key-99999999"
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await admin.SetProviderApiKey(settings_pb2.SetProviderApiKeyRequest(id=provider.id))
    assert error_of(caught.value)["param"] == "api_key"


async def test_probe_reports_latency_and_health(admin, upstream) -> None:
    provider = await admin.CreateProvider(create(upstream))
    result = await admin.TestProvider(settings_pb2.TestProviderRequest(id=provider.id))
    assert (result.ok, result.model_count, result.error) == (True, 1, "")
    assert result.latency_ms >= 0
    stored = await admin.GetProvider(settings_pb2.GetProviderRequest(id=provider.id))
    assert stored.health_status == "healthy"
    assert stored.HasField("last_check_at")


async def test_a_failed_probe_is_classified_without_the_key(admin, upstream) -> None:
    upstream.required_key = "sk-some-other-key-000000"
    provider = await admin.CreateProvider(create(upstream))
    result = await admin.TestProvider(settings_pb2.TestProviderRequest(id=provider.id))
    assert not result.ok
    assert result.error.startswith("auth (HTTP 401):")
    assert SECRET not in result.error
    stored = await admin.GetProvider(settings_pb2.GetProviderRequest(id=provider.id))
    assert (stored.health_status, stored.last_error) == ("unhealthy", result.error)


async def test_unreachable_upstream_probe(admin, upstream) -> None:
    dead = create(upstream, base_url="http://127.0.0.1:9/v1")
    provider = await admin.CreateProvider(dead)
    result = await admin.TestProvider(settings_pb2.TestProviderRequest(id=provider.id))
    assert not result.ok
    assert result.error.startswith("unreachable")


def listing(count: int) -> list[dict]:
    return [
        {
            "id": f"vendor/model-{i:03d}",
            "context_length": 8192 + i,
            "pricing": {"prompt": "0.0000001", "completion": "0.0000004"},
        }
        for i in range(count)
    ]


async def test_sync_imports_many_models_idempotently(running, admin, upstream) -> None:
    upstream.listed = listing(150)
    provider = await admin.CreateProvider(create(upstream))
    request = settings_pb2.SyncProviderModelsRequest(id=provider.id, enable_new=True)
    first = await admin.SyncProviderModels(request)
    assert (first.added, first.updated, first.unchanged) == (150, 0, 0)
    again = await admin.SyncProviderModels(request)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 150)
    upstream.listed[0]["context_length"] = 4096
    upstream.listed[1]["pricing"] = {"prompt": "0.0000002", "completion": "0.0000004"}
    changed = await admin.SyncProviderModels(request)
    assert (changed.added, changed.updated, changed.unchanged) == (0, 2, 148)
    async with running.runtime.sessions() as session:
        assert len((await session.scalars(select(Model))).all()) == 150
        prices = (await session.scalars(select(ModelPrice))).all()
    assert len(prices) == 151  # one per model, and one new price for the repriced one
    assert {p.input_price_pico for p in prices} == {100_000, 200_000}
    reply = await chat(running.channel, "acme/vendor/model-007")
    assert reply["model"] == "acme/vendor/model-007"


async def test_sync_adds_disabled_models_unless_asked(running, admin, upstream) -> None:
    upstream.listed = listing(3)
    provider = await admin.CreateProvider(create(upstream))
    await admin.SyncProviderModels(settings_pb2.SyncProviderModelsRequest(id=provider.id))
    configs = await admin.ListModelConfigs(settings_pb2.ListModelConfigsRequest(provider="acme"))
    assert [c.enabled for c in configs.data] == [False, False, False]
    assert configs.data[0].input_price_per_mtok == "0.1"
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await chat(running.channel, "acme/vendor/model-000")
    assert caught.value.code() is grpc.StatusCode.NOT_FOUND


async def test_an_open_circuit_shows_as_unhealthy(running, admin, upstream) -> None:
    provider = await admin.CreateProvider(create(upstream))
    await add_model(admin, model="broken")
    for _ in range(2):  # 3 attempts each: 6 consecutive failures open the breaker (5)
        with pytest.raises(grpc.aio.AioRpcError):
            await chat(running.channel, "acme/broken")
    shown = await admin.GetProvider(settings_pb2.GetProviderRequest(id=provider.id))
    assert (shown.health_status, shown.last_error) == (
        "unhealthy",
        "circuit open: consecutive failures on live traffic",
    )
