"""Hierarchical settings (global -> organization -> feature -> key) and features."""

from __future__ import annotations

import grpc
import pytest
from fakes.calls import chat, error_of
from google.protobuf import json_format, struct_pb2

from switchboard.v1 import chat_pb2, chat_pb2_grpc, settings_pb2, settings_pb2_grpc


def values(**fields) -> settings_pb2.SettingValues:
    return settings_pb2.SettingValues(**fields)


def sources(response: settings_pb2.GetEffectiveSettingsResponse) -> dict[str, tuple]:
    return {s.name: (json_format.MessageToDict(s.value), s.scope) for s in response.sources}


async def organization_of(admin_channel) -> str:
    stub = settings_pb2_grpc.SettingsServiceStub(admin_channel)
    return (
        await stub.GetOrganizationSettings(settings_pb2.GetOrganizationSettingsRequest())
    ).scope_id


async def test_effective_settings_say_where_each_value_came_from(running, admin) -> None:
    org = await organization_of(running.channel)
    await admin.UpdateGlobalSettings(
        settings_pb2.UpdateGlobalSettingsRequest(settings=values(temperature=0.5, max_tokens=300))
    )
    await admin.UpdateOrganizationSettings(
        settings_pb2.UpdateOrganizationSettingsRequest(
            organization_id=org, settings=values(max_tokens=200)
        )
    )
    effective = await admin.GetEffectiveSettings(
        settings_pb2.GetEffectiveSettingsRequest(organization_id=org)
    )
    assert (effective.settings.temperature, effective.settings.max_tokens) == (0.5, 200)
    found = sources(effective)
    assert found["temperature"] == (0.5, "global")
    assert found["max_tokens"] == (200, "organization")
    assert found["top_p"] == (1, "default")


async def test_scoped_values_fill_what_a_request_leaves_out(running, admin) -> None:
    await admin.UpdateGlobalSettings(
        settings_pb2.UpdateGlobalSettingsRequest(settings=values(max_tokens=2, top_p=0.5))
    )
    capped = await chat(
        running.channel, "echo/echo-1", messages=[{"role": "user", "content": "a b c d"}]
    )
    assert capped["choices"][0]["finish_reason"] == "length"
    assert capped["usage"]["completion_tokens"] == 2
    own = await chat(
        running.channel, "echo/echo-1", max_tokens=50, messages=[{"role": "user", "content": "a b"}]
    )
    assert own["choices"][0]["finish_reason"] == "stop"


async def test_a_default_model_serves_requests_without_one(running, admin) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await chat(running.channel, "")
    assert error_of(missing.value)["param"] == "model"
    await admin.UpdateGlobalSettings(
        settings_pb2.UpdateGlobalSettingsRequest(settings=values(default_model="echo/echo-1"))
    )
    assert (await chat(running.channel, ""))["model"] == "echo/echo-1"


@pytest.mark.parametrize(
    ("settings", "param"),
    [
        (values(temperature=2.5), "settings.temperature"),
        (values(top_p=0), "settings.top_p"),
        (values(max_tokens=0), "settings.max_tokens"),
        (values(log_retention_days=0), "settings.log_retention_days"),
        (
            values(redaction=settings_pb2.RedactionPolicy(custom_patterns=["(unclosed"])),
            "settings.redaction.custom_patterns[0]",
        ),
    ],
)
async def test_invalid_values_are_400_naming_the_field(admin, settings, param) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await admin.UpdateGlobalSettings(
            settings_pb2.UpdateGlobalSettingsRequest(settings=settings)
        )
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert error_of(caught.value)["param"] == param


async def test_another_organization_is_not_found_for_an_org_admin(make_key) -> None:
    _, channel = await make_key(permissions=["settings:read", "settings:write"])
    stub = settings_pb2_grpc.SettingsServiceStub(channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetOrganizationSettings(
            settings_pb2.GetOrganizationSettingsRequest(organization_id="someone-else")
        )
    assert caught.value.code() is grpc.StatusCode.NOT_FOUND
    own = await stub.GetOrganizationSettings(settings_pb2.GetOrganizationSettingsRequest())
    assert own.scope == "organization"


async def test_an_org_admin_changes_its_organization_but_not_the_gateway(make_key) -> None:
    _, channel = await make_key(
        organization_id="org-t", permissions=["settings:read", "settings:write"]
    )
    stub = settings_pb2_grpc.SettingsServiceStub(channel)
    own = await stub.UpdateOrganizationSettings(
        settings_pb2.UpdateOrganizationSettingsRequest(settings=values(temperature=0.3))
    )
    assert own.scope == "organization"
    for call in (
        stub.UpdateGlobalSettings(
            settings_pb2.UpdateGlobalSettingsRequest(settings=values(temperature=0.9))
        ),
        stub.CreateProvider(
            settings_pb2.CreateProviderRequest(
                name="evil", type="openai", base_url="https://example.com/v1"
            )
        ),
        stub.DeleteProvider(settings_pb2.DeleteProviderRequest(id="anything")),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call
        assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
        assert "whole gateway" in caught.value.details()


async def test_validate_reports_errors_and_warnings(admin) -> None:
    answer = await admin.ValidateSettings(
        settings_pb2.ValidateSettingsRequest(
            model="echo/echo-1", settings=values(max_tokens=100_000, temperature=0.2, top_p=0.5)
        )
    )
    assert not answer.valid
    assert [e.field for e in answer.errors] == ["settings.max_tokens"]
    assert "settings.top_p" in [w.field for w in answer.warnings]
    fine = await admin.ValidateSettings(
        settings_pb2.ValidateSettingsRequest(model="echo/echo-1", settings=values(max_tokens=100))
    )
    assert fine.valid


async def run(channel, name: str, **parameters) -> chat_pb2.RunFeatureResponse:
    body = struct_pb2.Struct()
    body.update(parameters)
    stub = chat_pb2_grpc.ChatServiceStub(channel)
    return await stub.RunFeature(chat_pb2.RunFeatureRequest(feature_name=name, parameters=body))


async def test_seeded_features_run_and_validate_their_output(running) -> None:
    answer = await run(
        running.channel,
        "analyze-industry",
        industry="logistics",
        company_description="a regional freight forwarder",
    )
    result = json_format.MessageToDict(answer.result)
    assert set(result) >= {"industry", "summary", "readiness_score"}
    assert answer.model == "echo/echo-1"
    assert answer.feature == "analyze-industry"


async def test_a_missing_parameter_is_named(running) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await run(running.channel, "analyze-industry", industry="logistics")
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert error_of(caught.value)["param"].startswith("parameters.")


async def test_upserted_feature_with_settings_and_permissions(running, admin, make_key) -> None:
    feature = settings_pb2.Feature(
        prompt_template="Say {word}",
        model="echo/echo-1",
        settings=values(max_tokens=2),
    )
    stored = await admin.UpsertFeature(
        settings_pb2.UpsertFeatureRequest(name="say", feature=feature)
    )
    assert stored.enabled
    fetched = await admin.GetFeature(settings_pb2.GetFeatureRequest(name="say"))
    assert fetched.prompt_template == "Say {word}"
    answer = await run(running.channel, "say", word="hello there friend")
    assert json_format.MessageToDict(answer.result) == "Echo: Say"  # the feature's max_tokens
    _, allowed = await make_key(permissions=["ai:features:say"])
    assert (await run(allowed, "say", word="x")).feature == "say"
    _, refused = await make_key(permissions=["ai:features:other"])
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await run(refused, "say", word="x")
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.aio.AioRpcError) as unknown:
        await run(running.channel, "nope")
    assert unknown.value.code() is grpc.StatusCode.NOT_FOUND


async def test_invalid_feature_definitions(admin) -> None:
    bad_schema = struct_pb2.Struct()
    bad_schema.update({"type": "no-such-type"})
    feature = settings_pb2.Feature(
        prompt_template="x", model="echo/echo-1", output_schema=bad_schema
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await admin.UpsertFeature(settings_pb2.UpsertFeatureRequest(name="bad", feature=feature))
    assert error_of(caught.value)["param"] == "feature.output_schema"
    with pytest.raises(grpc.aio.AioRpcError) as named:
        await admin.UpsertFeature(
            settings_pb2.UpsertFeatureRequest(name="Bad Name", feature=settings_pb2.Feature())
        )
    assert error_of(named.value)["param"] == "name"


async def test_scoped_retries_and_timeout_bound_calls(running, admin, upstream) -> None:
    await admin.CreateProvider(
        settings_pb2.CreateProviderRequest(name="acme", type="openai", base_url=upstream.base_url)
    )
    for model in ("flaky", "hang"):
        await admin.CreateModelConfig(
            settings_pb2.CreateModelConfigRequest(
                provider="acme", model=model, input_price_per_mtok="1", output_price_per_mtok="1"
            )
        )
    await admin.UpdateGlobalSettings(
        settings_pb2.UpdateGlobalSettingsRequest(settings=values(max_retries=0, timeout_ms=300))
    )
    with pytest.raises(grpc.aio.AioRpcError) as flaky:
        await chat(running.channel, "acme/flaky")
    assert flaky.value.code() is grpc.StatusCode.UNAVAILABLE
    assert upstream.calls["flaky"] == 1
    with pytest.raises(grpc.aio.AioRpcError) as hang:
        await chat(running.channel, "acme/hang")
    assert hang.value.code() is grpc.StatusCode.DEADLINE_EXCEEDED
    assert upstream.calls["hang"] == 1


async def test_a_key_scope_overrides_the_wider_ones(running, admin, make_key) -> None:
    key, channel = await make_key(permissions=["ai:chat"])
    await admin.UpdateGlobalSettings(
        settings_pb2.UpdateGlobalSettingsRequest(settings=values(max_tokens=50))
    )
    await admin.UpdateKeySettings(
        settings_pb2.UpdateKeySettingsRequest(key_id=key.id, settings=values(max_tokens=2))
    )
    stored = await admin.GetKeySettings(settings_pb2.GetKeySettingsRequest(key_id=key.id))
    assert (stored.scope, stored.scope_id, stored.settings.max_tokens) == ("key", key.id, 2)
    effective = await admin.GetEffectiveSettings(
        settings_pb2.GetEffectiveSettingsRequest(key_id=key.id)
    )
    assert sources(effective)["max_tokens"] == (2, "key")
    words = [{"role": "user", "content": "a b c d"}]
    assert (await chat(channel, "echo/echo-1", messages=words))["usage"]["completion_tokens"] == 2
    admin_reply = await chat(running.channel, "echo/echo-1", messages=words)
    assert admin_reply["usage"]["completion_tokens"] == 5  # the global 50 does not cut it
    with pytest.raises(grpc.aio.AioRpcError) as unknown:
        await admin.GetKeySettings(settings_pb2.GetKeySettingsRequest(key_id="nope"))
    assert unknown.value.code() is grpc.StatusCode.NOT_FOUND
