"""The price book, aliases and routes through SettingsService, and what chat makes of them."""

from __future__ import annotations

from collections import Counter

import grpc
import pytest
from fakes.calls import chat, error_of
from fakes.openai_server import FakeOpenAI
from fakes.seed import logged

from switchboard.money import cost_pico
from switchboard.v1 import settings_pb2

SECRET = "sk-upstream-catalog-0123456789"


async def provider(admin, upstream, name: str = "acme") -> settings_pb2.Provider:
    return await admin.CreateProvider(
        settings_pb2.CreateProviderRequest(
            name=name, type="openai", base_url=upstream.base_url, api_key=SECRET
        )
    )


def model_request(
    model: str = "ok", provider: str = "acme", **prices
) -> settings_pb2.CreateModelConfigRequest:
    fields = {"input_price_per_mtok": "0.15", "output_price_per_mtok": "0.60", **prices}
    return settings_pb2.CreateModelConfigRequest(
        provider=provider, model=model, context_window=128000, **fields
    )


async def test_a_price_change_applies_from_now_on(running, admin, upstream) -> None:
    await provider(admin, upstream)
    config = await admin.CreateModelConfig(model_request(cached_input_price_per_mtok="0.075"))
    assert (config.full_name, config.input_price_per_mtok, config.cached_input_price_per_mtok) == (
        "acme/ok",
        "0.15",
        "0.075",
    )
    await chat(running.channel, "acme/ok")
    updated = await admin.UpdateModelConfig(
        settings_pb2.UpdateModelConfigRequest(id=config.id, output_price_per_mtok="1.2")
    )
    assert (updated.input_price_per_mtok, updated.output_price_per_mtok) == ("0.15", "1.2")
    assert updated.cached_input_price_per_mtok == "0.075"
    assert updated.price_effective_from.ToDatetime() >= config.price_effective_from.ToDatetime()
    await chat(running.channel, "acme/ok")
    rows = sorted(await logged(running, 2), key=lambda r: r.created_at)
    common = {"input_price": 150_000, "cached_tokens": 2, "cached_input_price": 75_000}
    assert [r.cost_pico_usd for r in rows] == [
        cost_pico(7, 3, output_price=600_000, **common),
        cost_pico(7, 3, output_price=1_200_000, **common),
    ]


@pytest.mark.parametrize(
    ("prices", "param"),
    [
        ({"input_price_per_mtok": "-1"}, "input_price_per_mtok"),
        ({"output_price_per_mtok": "abc"}, "output_price_per_mtok"),
        ({"input_price_per_mtok": "0.0000001"}, "input_price_per_mtok"),
        ({"input_price_per_mtok": ""}, "input_price_per_mtok"),
    ],
)
async def test_bad_prices_are_named(admin, upstream, prices, param) -> None:
    await provider(admin, upstream)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await admin.CreateModelConfig(model_request(**prices))
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert error_of(caught.value)["param"] == param


async def test_duplicates_and_unknown_providers(admin, upstream) -> None:
    await provider(admin, upstream)
    await admin.CreateModelConfig(model_request())
    with pytest.raises(grpc.aio.AioRpcError) as duplicate:
        await admin.CreateModelConfig(model_request())
    assert duplicate.value.code() is grpc.StatusCode.ALREADY_EXISTS
    with pytest.raises(grpc.aio.AioRpcError) as unknown:
        await admin.CreateModelConfig(model_request(provider="nobody"))
    assert unknown.value.code() is grpc.StatusCode.NOT_FOUND
    assert error_of(unknown.value)["param"] == "provider"


async def test_disable_and_delete_a_model(running, admin, upstream) -> None:
    await provider(admin, upstream)
    config = await admin.CreateModelConfig(model_request())
    await admin.UpdateModelConfig(
        settings_pb2.UpdateModelConfigRequest(id=config.id, enabled=False)
    )
    with pytest.raises(grpc.aio.AioRpcError) as disabled:
        await chat(running.channel, "acme/ok")
    assert disabled.value.code() is grpc.StatusCode.NOT_FOUND
    await admin.DeleteModelConfig(settings_pb2.DeleteModelConfigRequest(id=config.id))
    listed = await admin.ListModelConfigs(settings_pb2.ListModelConfigsRequest())
    assert list(listed.data) == []


async def test_aliases(running, admin, upstream) -> None:
    await provider(admin, upstream)
    await admin.CreateModelConfig(model_request())
    await admin.UpsertAlias(settings_pb2.UpsertAliasRequest(alias="cheap", target="acme/ok"))
    assert (await chat(running.channel, "cheap"))["model"] == "acme/ok"
    await admin.UpsertAlias(settings_pb2.UpsertAliasRequest(alias="cheap", target="echo/echo-1"))
    assert (await chat(running.channel, "cheap"))["model"] == "echo/echo-1"
    listed = await admin.ListAliases(settings_pb2.ListAliasesRequest())
    assert [(a.alias, a.target) for a in listed.data] == [("cheap", "echo/echo-1")]
    await admin.DeleteAlias(settings_pb2.DeleteAliasRequest(alias="cheap"))
    with pytest.raises(grpc.aio.AioRpcError) as gone:
        await chat(running.channel, "cheap")
    assert gone.value.code() is grpc.StatusCode.NOT_FOUND


def route(name: str, strategy: str, *targets: tuple[str, int]) -> settings_pb2.CreateRouteRequest:
    return settings_pb2.CreateRouteRequest(
        name=name,
        strategy=strategy,
        targets=[settings_pb2.RouteTarget(model=m, weight=w) for m, w in targets],
    )


async def test_weighted_route_spreads_1000_choices_by_weight(running, admin, upstream) -> None:
    await provider(admin, upstream)
    for name in ("ok", "flaky"):
        await admin.CreateModelConfig(model_request(model=name))
    await admin.CreateRoute(route("spread", "weighted", ("acme/ok", 3), ("echo/echo-1", 1)))
    dry = settings_pb2.DryRunRouteRequest(model="spread")
    chosen = Counter([(await admin.DryRunRoute(dry)).chosen for _ in range(1000)])
    assert set(chosen) == {"acme/ok", "echo/echo-1"}
    assert 700 <= chosen["acme/ok"] <= 800  # 750 expected; 5 standard deviations is ~70
    answer = await admin.DryRunRoute(dry)
    assert sorted(answer.candidates) == ["acme/ok", "echo/echo-1"]
    assert any("weighted" in reason for reason in answer.reasons)


async def test_fallback_route_moves_on_and_logs_the_route(running, admin, upstream) -> None:
    await provider(admin, upstream)
    for name in ("broken", "ok"):
        await admin.CreateModelConfig(model_request(model=name))
    await admin.CreateRoute(route("safe", "fallback", ("acme/broken", 1), ("acme/ok", 1)))
    reply = await chat(running.channel, "safe")
    assert reply["model"] == "acme/ok"
    [row] = await logged(running, 1)
    assert [a["model"] for a in row.attempts][-1] == "ok"


async def test_lowest_cost_route(running, admin, upstream) -> None:
    await provider(admin, upstream)
    await admin.CreateModelConfig(model_request(model="ok", input_price_per_mtok="3"))
    await admin.CreateModelConfig(model_request(model="flaky", input_price_per_mtok="0.1"))
    await admin.CreateRoute(route("cheapest", "lowest_cost", ("acme/ok", 1), ("acme/flaky", 1)))
    answer = await admin.DryRunRoute(settings_pb2.DryRunRouteRequest(model="cheapest"))
    assert list(answer.candidates) == ["acme/flaky", "acme/ok"]


async def test_lowest_latency_follows_a_provider_that_slows_down(running, admin) -> None:
    fast, slow = FakeOpenAI().start(), FakeOpenAI().start()
    try:
        for name, server in (("one", fast), ("two", slow)):
            await provider(admin, server, name=name)
            await admin.CreateModelConfig(model_request(provider=name))
        await admin.CreateRoute(route("quick", "lowest_latency", ("one/ok", 1), ("two/ok", 1)))
        fast.delay, slow.delay = 0.0, 0.15
        for _ in range(4):
            await chat(running.channel, "quick")
        before = await admin.DryRunRoute(settings_pb2.DryRunRouteRequest(model="quick"))
        assert before.chosen == "one/ok"
        fast.delay = 0.4
        for _ in range(4):
            await chat(running.channel, "quick")
        after = await admin.DryRunRoute(settings_pb2.DryRunRouteRequest(model="quick"))
        assert after.chosen == "two/ok"
    finally:
        fast.stop()
        slow.stop()


@pytest.mark.parametrize(
    ("request_", "param"),
    [
        (route("a/b", "fallback", ("echo/echo-1", 1)), "name"),
        (route("r", "random", ("echo/echo-1", 1)), "strategy"),
        (route("r", "weighted", ("echo/echo-1", 0)), "targets"),
        (route("r", "fallback"), "targets"),
        (route("r", "fallback", ("no-slash", 1)), "targets[0].model"),
    ],
)
async def test_invalid_routes_name_the_field(admin, request_, param) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await admin.CreateRoute(request_)
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert error_of(caught.value)["param"] == param


async def test_route_and_alias_names_do_not_clash(admin) -> None:
    await admin.CreateRoute(route("smart", "fallback", ("echo/echo-1", 1)))
    with pytest.raises(grpc.aio.AioRpcError) as route_taken:
        await admin.CreateRoute(route("smart", "fallback", ("echo/echo-1", 1)))
    assert route_taken.value.code() is grpc.StatusCode.ALREADY_EXISTS
    with pytest.raises(grpc.aio.AioRpcError) as alias_taken:
        await admin.UpsertAlias(
            settings_pb2.UpsertAliasRequest(alias="smart", target="echo/echo-1")
        )
    assert alias_taken.value.code() is grpc.StatusCode.ALREADY_EXISTS
