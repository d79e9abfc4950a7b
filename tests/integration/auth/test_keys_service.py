"""KeysService: create (secret once), list, get, revoke, rotate, audit; validation; tenancy."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from fakes.calls import chat, error_of
from google.protobuf import timestamp_pb2
from sqlalchemy import select

from switchboard.auth.keys import key_digest, looks_like_key
from switchboard.db.schema import ApiKey, AuditEvent
from switchboard.v1 import keys_pb2, keys_pb2_grpc


def keys(running) -> keys_pb2_grpc.KeysServiceStub:
    return keys_pb2_grpc.KeysServiceStub(running.channel)


async def test_create_returns_the_secret_once_and_stores_only_its_digest(running) -> None:
    created = await keys(running).CreateKey(
        keys_pb2.CreateKeyRequest(
            name="svc-a",
            permissions=["ai:chat", "logs:read:own"],
            rate_limit_per_minute=60,
            daily_budget_usd="1.50",
            user_id="alice",
        )
    )
    assert looks_like_key(created.key)
    assert created.prefix == created.key[:10]
    assert (created.daily_budget_usd, created.rate_limit_per_minute) == ("1.5", 60)
    fetched = await keys(running).GetKey(keys_pb2.GetKeyRequest(id=created.id))
    assert fetched.key == ""
    assert fetched.user_id == "alice"
    listed = await keys(running).ListKeys(keys_pb2.ListKeysRequest())
    assert all(k.key == "" for k in listed.data)
    assert created.id in {k.id for k in listed.data}
    async with running.runtime.sessions() as session:
        row = await session.get(ApiKey, created.id)
        assert row.key_hash == key_digest(created.key)
        assert row.daily_budget_pico_usd == 1_500_000_000_000
        dump = str([getattr(row, c.name) for c in ApiKey.__table__.columns])
    assert created.key not in dump


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"permissions": ["ai:chat", "root:everything"]}, "permissions"),
        ({"rate_limit_per_minute": -1}, "rate_limit_per_minute"),
        ({"daily_budget_usd": "ten dollars"}, "daily_budget_usd"),
        ({"monthly_budget_usd": "-5"}, "monthly_budget_usd"),
        ({"daily_budget_usd": "10000000"}, "daily_budget_usd"),  # beyond a BIGINT of pico
        ({"user_id": "u" * 37}, "user_id"),
        ({"name": ""}, "name"),
    ],
)
async def test_invalid_fields_are_400_naming_the_field(running, fields, param) -> None:
    request = keys_pb2.CreateKeyRequest(**{"name": "k", "permissions": ["ai:chat"], **fields})
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await keys(running).CreateKey(request)
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert error_of(caught.value)["param"] == param


async def test_expiry_in_the_past_is_400(running) -> None:
    request = keys_pb2.CreateKeyRequest(name="k", permissions=["ai:chat"])
    request.expires_at.seconds = 1_000_000
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await keys(running).CreateKey(request)
    assert error_of(caught.value)["param"] == "expires_at"


async def test_nobody_grants_more_than_they_hold(make_key) -> None:
    _, channel = await make_key(permissions=["keys:write", "ai:chat"])
    stub = keys_pb2_grpc.KeysServiceStub(channel)
    granted = await stub.CreateKey(keys_pb2.CreateKeyRequest(name="ok", permissions=["ai:chat"]))
    assert list(granted.permissions) == ["ai:chat"]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.CreateKey(keys_pb2.CreateKeyRequest(name="no", permissions=["settings:write"]))
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED


async def test_a_weaker_key_can_neither_rotate_nor_revoke_a_stronger_one(make_key) -> None:
    strong, _ = await make_key(
        organization_id="org-s", permissions=["keys:write", "settings:write", "ai:chat"]
    )
    _, weak = await make_key(organization_id="org-s", permissions=["keys:write"])
    stub = keys_pb2_grpc.KeysServiceStub(weak)
    for call in (
        stub.RotateKey(keys_pb2.RotateKeyRequest(id=strong.id)),  # would mint its permissions
        stub.RevokeKey(keys_pb2.RevokeKeyRequest(id=strong.id)),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call
        assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
    peer, _ = await make_key(organization_id="org-s", permissions=["keys:write"])
    rotated = await stub.RotateKey(keys_pb2.RotateKeyRequest(id=peer.id))  # no more than it holds
    assert list(rotated.permissions) == ["keys:write"]


async def test_a_user_of_one_organization_cannot_be_given_a_key_in_another(make_key) -> None:
    await make_key(organization_id="org-u1", user_id="shared-user")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await make_key(organization_id="org-u2", user_id="shared-user")
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
    again, _ = await make_key(organization_id="org-u1", user_id="shared-user")
    assert again.user_id == "shared-user"


async def test_another_organizations_key_is_not_found(running, make_key) -> None:
    other, _ = await make_key(organization_id="org-b", permissions=["ai:chat"])
    _, org_a_admin = await make_key(organization_id="org-a", permissions=["keys:write"])
    stub = keys_pb2_grpc.KeysServiceStub(org_a_admin)
    for call in (
        stub.GetKey(keys_pb2.GetKeyRequest(id=other.id)),
        stub.RevokeKey(keys_pb2.RevokeKeyRequest(id=other.id)),
        stub.RotateKey(keys_pb2.RotateKeyRequest(id=other.id)),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call
        assert caught.value.code() is grpc.StatusCode.NOT_FOUND
    listed = await stub.ListKeys(keys_pb2.ListKeysRequest())
    assert {k.organization_id for k in listed.data} == {"org-a"}
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.CreateKey(
            keys_pb2.CreateKeyRequest(name="x", permissions=[], organization_id="org-b")
        )
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED


async def test_rotation_keeps_the_old_secret_for_the_grace_period(running, make_key) -> None:
    old, old_channel = await make_key(rate_limit_per_minute=100)
    rotated = await keys(running).RotateKey(keys_pb2.RotateKeyRequest(id=old.id))
    assert rotated.id != old.id and rotated.key != old.key
    assert rotated.rate_limit_per_minute == 100
    new_channel = running.channel_with_key(rotated.key)
    try:
        assert (await chat(new_channel))["object"] == "chat.completion"
        assert (await chat(old_channel))["object"] == "chat.completion"  # grace period
    finally:
        await new_channel.close()
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await keys(running).RotateKey(keys_pb2.RotateKeyRequest(id=old.id))
    assert caught.value.code() is grpc.StatusCode.FAILED_PRECONDITION


async def test_rotation_without_grace_revokes_at_once(running, make_key) -> None:
    old, old_channel = await make_key()
    await keys(running).RotateKey(keys_pb2.RotateKeyRequest(id=old.id, grace_period_seconds=0))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await chat(old_channel)
    assert caught.value.code() is grpc.StatusCode.UNAUTHENTICATED


async def test_admin_actions_are_audited_without_secrets(running, make_key) -> None:
    key, _ = await make_key(name="audited")
    await keys(running).RevokeKey(keys_pb2.RevokeKeyRequest(id=key.id))
    await keys(running).RevokeKey(keys_pb2.RevokeKeyRequest(id=key.id))  # twice is fine
    events = await keys(running).ListAuditEvents(keys_pb2.ListAuditEventsRequest())
    mine = [e for e in events.data if e.target_id == key.id]
    assert [e.action for e in mine] == ["key.revoke", "key.create"]
    assert all(e.request_id and e.actor_key_id for e in mine)
    async with running.runtime.sessions() as session:
        rows = (await session.scalars(select(AuditEvent))).all()
    assert key.key not in str([(r.details, r.target_id) for r in rows])
    only_revokes = await keys(running).ListAuditEvents(
        keys_pb2.ListAuditEventsRequest(action="key.revoke")
    )
    assert {e.action for e in only_revokes.data} == {"key.revoke"}


async def test_last_used_is_recorded_in_batches(running, make_key) -> None:
    key, channel = await make_key()
    before = await keys(running).GetKey(keys_pb2.GetKeyRequest(id=key.id))
    assert not before.HasField("last_used_at")
    await chat(channel)
    await running.runtime.flush_last_used()
    after = await keys(running).GetKey(keys_pb2.GetKeyRequest(id=key.id))
    assert after.HasField("last_used_at")


async def test_list_rejects_out_of_range_limits(running) -> None:
    for limit in (0, 501, -1):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await keys(running).ListKeys(keys_pb2.ListKeysRequest(limit=limit))
        assert error_of(caught.value)["param"] == "limit"


async def test_concurrent_rotations_of_one_key_make_one_successor(running, make_key) -> None:
    old, _ = await make_key()
    stub = keys(running)
    results = await asyncio.gather(
        *(stub.RotateKey(keys_pb2.RotateKeyRequest(id=old.id)) for _ in range(4)),
        return_exceptions=True,
    )
    rotated = [r for r in results if isinstance(r, keys_pb2.ApiKey)]
    refused = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(rotated) == 1 and len(rotated) + len(refused) == 4
    for error in refused:  # a clear 400, never a 500 or a second live successor
        assert error.code() is grpc.StatusCode.FAILED_PRECONDITION


async def test_a_key_never_outlives_the_key_that_created_it(make_key) -> None:
    expires = timestamp_pb2.Timestamp()
    expires.FromDatetime(datetime.now(UTC) + timedelta(hours=1))
    granter, channel = await make_key(
        name="temp", permissions=["keys:write", "ai:chat"], expires_at=expires
    )
    child = await keys_pb2_grpc.KeysServiceStub(channel).CreateKey(
        keys_pb2.CreateKeyRequest(name="child", permissions=["ai:chat"])
    )
    assert child.HasField("expires_at")
    assert child.expires_at.ToDatetime() == granter.expires_at.ToDatetime()


async def test_what_a_global_admin_does_to_a_key_is_in_that_organizations_audit(
    running, make_key
) -> None:
    target, _ = await make_key(organization_id="org-audit", permissions=["ai:chat"])
    await keys(running).RevokeKey(keys_pb2.RevokeKeyRequest(id=target.id))  # the global admin
    _, org_admin = await make_key(organization_id="org-audit", permissions=["settings:read"])
    events = await keys_pb2_grpc.KeysServiceStub(org_admin).ListAuditEvents(
        keys_pb2.ListAuditEventsRequest()
    )
    assert {e.action for e in events.data if e.target_id == target.id} == {
        "key.create",
        "key.revoke",
    }


async def test_a_key_gets_no_more_room_than_the_key_that_created_it(make_key) -> None:
    _, channel = await make_key(
        permissions=["keys:write", "ai:chat"], rate_limit_per_minute=10, daily_budget_usd="1.50"
    )
    child = await keys_pb2_grpc.KeysServiceStub(channel).CreateKey(
        keys_pb2.CreateKeyRequest(
            name="child", permissions=["ai:chat"], rate_limit_per_minute=100, tokens_per_minute=5
        )
    )
    assert child.rate_limit_per_minute == 10  # capped at the creator's
    assert child.daily_budget_usd == "1.5"  # the creator's, where none was asked for
    assert child.tokens_per_minute == 5  # the creator has no such limit: as asked
