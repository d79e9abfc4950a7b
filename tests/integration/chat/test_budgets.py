"""Budgets: reserved before the provider is called, settled to the actual cost after.

A call to acme/ok costs exactly 2,700,000 pico-USD (7 prompt tokens of which 2 cached,
3 completion tokens at 0.15/0.075/0.60 USD per Mtok); a budget of ten such calls must never
pay for an eleventh, however many arrive at once."""

from __future__ import annotations

import asyncio

import grpc
import pytest
from fakes.calls import chat, error_of
from fakes.seed import UPSTREAM_KEY, PricedModel, ProviderSeed, logged, seed_provider

from switchboard.money import cost_pico, pico_to_usd
from switchboard.v1 import keys_pb2, keys_pb2_grpc

ONE_CALL = cost_pico(
    7, 3, input_price=150_000, output_price=600_000, cached_tokens=2, cached_input_price=75_000
)
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(params=["in-process", "redis"])
async def priced_gateway(request, database_url, server_on, fake_openai):
    settings = {"redis_url": REDIS_URL} if request.param == "redis" else {}
    server = await server_on(database_url, **settings)
    seed = ProviderSeed("acme", fake_openai.base_url, UPSTREAM_KEY, [PricedModel("ok")])
    seed_provider(database_url, server.runtime.vault, seed)
    await server.runtime.directory.refresh()
    return server


async def key_with_budget(server, **budget: str) -> grpc.aio.Channel:
    key = await keys_pb2_grpc.KeysServiceStub(server.channel).CreateKey(
        keys_pb2.CreateKeyRequest(name="budgeted", permissions=["ai:chat"], **budget)
    )
    return server.channel_with_key(key.key)


async def test_fifty_at_once_never_spend_more_than_the_budget(priced_gateway, fake_openai) -> None:
    assert ONE_CALL == 2_700_000
    channel = await key_with_budget(priced_gateway, daily_budget_usd=pico_to_usd(10 * ONE_CALL))
    try:
        calls = [chat(channel, "acme/ok", max_tokens=3) for _ in range(50)]
        results = await asyncio.gather(*calls, return_exceptions=True)
        ok = [r for r in results if isinstance(r, dict)]
        refused = [r for r in results if not isinstance(r, dict)]
        assert 1 <= len(ok) <= 10
        assert fake_openai.calls["ok"] == len(ok)  # refused before any provider call
        for error in refused:
            assert isinstance(error, grpc.aio.AioRpcError), error
            assert error.code() is grpc.StatusCode.RESOURCE_EXHAUSTED
            assert error_of(error)["code"] == "BUDGET_EXCEEDED"
        # Settled to the actual cost, what is left is usable again until less than one
        # worst case (3,300,000 pico-USD: 10 prompt tokens bound + max_tokens 3) remains.
        while True:
            try:
                ok.append(await chat(channel, "acme/ok", max_tokens=3))
            except grpc.aio.AioRpcError as exc:
                assert error_of(exc)["code"] == "BUDGET_EXCEEDED"
                trailers = dict(exc.trailing_metadata())
                assert trailers["x-should-retry"] == "false"  # the OpenAI SDKs give up
                assert 1 <= int(trailers["retry-after"]) <= 86_400  # the next UTC midnight
                break
        spent = len(ok) * ONE_CALL
        assert spent <= 10 * ONE_CALL
        assert 10 * ONE_CALL - spent < 3_300_000
        assert fake_openai.calls["ok"] == len(ok)
    finally:
        await channel.close()


async def test_a_failed_call_releases_its_reservation(priced_gateway, fake_openai) -> None:
    seed = ProviderSeed("downco", fake_openai.base_url, UPSTREAM_KEY, [PricedModel("bad")])
    seed_provider(priced_gateway.runtime.config.database_url, priced_gateway.runtime.vault, seed)
    await priced_gateway.runtime.directory.refresh()
    # Room for one worst case (3,300,000) but not two: the failures must not eat into it.
    channel = await key_with_budget(priced_gateway, monthly_budget_usd=pico_to_usd(4_000_000))
    try:
        for _ in range(5):
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await chat(channel, "downco/bad", max_tokens=3)
            assert error_of(caught.value)["code"] == "INVALID_REQUEST"
        await chat(channel, "acme/ok", max_tokens=3)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await chat(channel, "acme/ok", max_tokens=3)
        assert error_of(caught.value)["code"] == "BUDGET_EXCEEDED"
    finally:
        await channel.close()


async def test_a_new_process_starts_from_the_spend_already_logged(
    database_url, server_on, fake_openai
) -> None:
    first = await server_on(database_url)
    seed_provider(
        database_url,
        first.runtime.vault,
        ProviderSeed("acme", fake_openai.base_url, UPSTREAM_KEY, [PricedModel("ok")]),
    )
    await first.runtime.directory.refresh()
    key = await keys_pb2_grpc.KeysServiceStub(first.channel).CreateKey(
        keys_pb2.CreateKeyRequest(
            name="b", permissions=["ai:chat"], daily_budget_usd=pico_to_usd(4_000_000)
        )
    )
    channel = first.channel_with_key(key.key)
    await chat(channel, "acme/ok", max_tokens=3)
    await channel.close()
    await logged(first, 1)
    second = await server_on(database_url)  # its counters start empty
    await second.runtime.directory.refresh()
    channel = second.channel_with_key(key.key)
    try:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await chat(channel, "acme/ok", max_tokens=3)
        assert error_of(caught.value)["code"] == "BUDGET_EXCEEDED"
    finally:
        await channel.close()
