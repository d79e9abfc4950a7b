"""KeysService: create, list, get, revoke and rotate API keys; the audit log.

Every RPC is scoped to the caller's organization (a global admin sees all); a key outside it
is NOT_FOUND, never FORBIDDEN, so ids cannot be probed. Every change is audited in the same
transaction. Rotation issues a new secret with the same settings; the old one keeps working
for `grace_period_seconds` (default 24 h, 0 = revoked at once).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
from google.protobuf import struct_pb2
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from switchboard.api.convert import timestamp
from switchboard.api.paging import pagination, small_listing_page
from switchboard.auth import issuing
from switchboard.auth.authenticator import Authenticator
from switchboard.auth.principal import Principal
from switchboard.context import current_principal, current_request_id
from switchboard.db.repositories import api_keys, audit
from switchboard.db.schema import ApiKey, AuditEvent
from switchboard.errors import FailedPrecondition, Forbidden, InvalidRequest, NotFound
from switchboard.money import pico_to_usd
from switchboard.v1 import keys_pb2, keys_pb2_grpc

DEFAULT_GRACE_SECONDS = 86_400
MAX_GRACE_SECONDS = 30 * 86_400


def _usd(pico: int | None) -> str:
    return "" if pico is None else pico_to_usd(pico)


def key_to_proto(row: ApiKey, secret: str = "") -> keys_pb2.ApiKey:
    message = keys_pb2.ApiKey(
        id=row.id,
        name=row.name,
        key=secret,
        prefix=row.prefix,
        user_id=row.user_id or "",
        organization_id=row.organization_id or "",
        permissions=list(row.permissions or ()),
        rate_limit_per_minute=row.rate_limit_per_minute or 0,
        rate_limit_per_hour=row.rate_limit_per_hour or 0,
        tokens_per_minute=row.tokens_per_minute or 0,
        daily_budget_usd=_usd(row.daily_budget_pico_usd),
        monthly_budget_usd=_usd(row.monthly_budget_pico_usd),
        created_at=timestamp(row.created_at),
    )
    for field, moment in (
        ("expires_at", row.expires_at),
        ("last_used_at", row.last_used_at),
        ("revoked_at", row.revoked_at or row.grace_until),
    ):
        if moment is not None:
            getattr(message, field).CopyFrom(timestamp(moment))
    return message


def event_to_proto(row: AuditEvent) -> keys_pb2.AuditEvent:
    details = struct_pb2.Struct()
    details.update(row.details or {})
    return keys_pb2.AuditEvent(
        id=row.id,
        timestamp=timestamp(row.created_at),
        actor_key_id=row.actor_key_id or "",
        actor_user_id=row.actor_user_id or "",
        organization_id=row.organization_id or "",
        action=row.action,
        target_type=row.target_type,
        target_id=row.target_id,
        request_id=row.request_id,
        details=details,
    )


def caller() -> Principal:
    principal = current_principal()
    assert principal is not None, "KeysService RPCs are never public"
    return principal


def spec_from(request: keys_pb2.CreateKeyRequest, granter: Principal) -> issuing.KeySpec:
    now = datetime.now(UTC)
    expires = request.expires_at.ToDatetime(UTC) if request.HasField("expires_at") else None
    own = granter.key_limits  # a key never gets more room than the key that creates it
    at_most = issuing.at_most
    return issuing.KeySpec(
        name=issuing.name(request.name),
        permissions=issuing.grantable(list(request.permissions), granter),
        organization_id=issuing.organization_for(request.organization_id, granter),
        user_id=issuing.user_id(request.user_id),
        rate_limit_per_minute=at_most(
            issuing.limit(request.rate_limit_per_minute, "rate_limit_per_minute"),
            own.requests_per_minute,
        ),
        rate_limit_per_hour=at_most(
            issuing.limit(request.rate_limit_per_hour, "rate_limit_per_hour"),
            own.requests_per_hour,
        ),
        tokens_per_minute=at_most(
            issuing.limit(request.tokens_per_minute, "tokens_per_minute"), own.tokens_per_minute
        ),
        daily_budget_pico_usd=at_most(
            issuing.budget(request.daily_budget_usd, "daily_budget_usd"), own.daily_budget_pico
        ),
        monthly_budget_pico_usd=at_most(
            issuing.budget(request.monthly_budget_usd, "monthly_budget_usd"),
            own.monthly_budget_pico,
        ),
        expires_at=issuing.expiry(expires, now, granter),
    )


def audit_key(
    session: AsyncSession,
    principal: Principal,
    action: str,
    key: ApiKey,
    details: dict[str, Any] | None = None,
) -> None:
    """An audit event about a key, filed under the key's organization (so its admins see what
    a global admin did to their keys), not the actor's."""
    event = audit.record(
        session, principal, action, ("api_key", key.id), current_request_id(), details
    )
    event.organization_id = key.organization_id


class KeysServicer(keys_pb2_grpc.KeysServiceServicer):
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], authenticator: Authenticator
    ) -> None:
        self._sessions = sessions
        self._authenticator = authenticator

    async def _owned(self, session: AsyncSession, key_id: str, principal: Principal) -> ApiKey:
        row = await api_keys.get_key(
            session, key_id, principal.organization_id, everywhere=principal.is_global
        )
        if row is None:
            raise NotFound(f"No API key with id {key_id!r}.", param="id")
        return row

    async def _manageable(self, session: AsyncSession, key_id: str, principal: Principal) -> ApiKey:
        """A key the caller may revoke or rotate: in its reach, and holding nothing the caller
        does not hold itself (rotating mints a key with the old one's permissions)."""
        row = await self._owned(session, key_id, principal)
        try:
            issuing.grantable(list(row.permissions), principal)
        except Forbidden:
            raise Forbidden(
                "This key holds permissions your key does not: you cannot revoke or rotate it."
            ) from None
        return row

    async def CreateKey(
        self, request: keys_pb2.CreateKeyRequest, context: grpc.aio.ServicerContext
    ) -> keys_pb2.ApiKey:
        principal = caller()
        spec = spec_from(request, principal)
        async with self._sessions.begin() as session:
            row, secret = await issuing.issue_key(session, spec)
            details = {"name": spec.name, "permissions": spec.permissions, "prefix": row.prefix}
            audit_key(session, principal, "key.create", row, details)
            return key_to_proto(row, secret)

    async def ListKeys(
        self, request: keys_pb2.ListKeysRequest, context: grpc.aio.ServicerContext
    ) -> keys_pb2.ListKeysResponse:
        principal = caller()
        page = small_listing_page(request)
        async with self._sessions() as session:
            rows, total = await api_keys.list_keys(
                session,
                principal.organization_id,
                everywhere=principal.is_global,
                include_revoked=request.include_revoked,
                offset=page.offset,
                limit=page.limit,
            )
        return keys_pb2.ListKeysResponse(
            data=[key_to_proto(r) for r in rows],
            pagination=pagination(page.number, page.limit, total),
        )

    async def GetKey(
        self, request: keys_pb2.GetKeyRequest, context: grpc.aio.ServicerContext
    ) -> keys_pb2.ApiKey:
        async with self._sessions() as session:
            return key_to_proto(await self._owned(session, request.id, caller()))

    async def RevokeKey(
        self, request: keys_pb2.RevokeKeyRequest, context: grpc.aio.ServicerContext
    ) -> keys_pb2.ApiKey:
        principal = caller()
        async with self._sessions.begin() as session:
            row = await self._manageable(session, request.id, principal)
            if row.revoked_at is None:
                row.revoked_at = datetime.now(UTC)
                audit_key(session, principal, "key.revoke", row)
            answer = key_to_proto(row)
        self._authenticator.forget(row.id)
        return answer

    async def RotateKey(
        self, request: keys_pb2.RotateKeyRequest, context: grpc.aio.ServicerContext
    ) -> keys_pb2.ApiKey:
        principal = caller()
        grace = (
            request.grace_period_seconds
            if request.HasField("grace_period_seconds")
            else DEFAULT_GRACE_SECONDS
        )
        if not 0 <= grace <= MAX_GRACE_SECONDS:
            raise InvalidRequest(
                f"grace_period_seconds must be between 0 and {MAX_GRACE_SECONDS}",
                param="grace_period_seconds",
            )
        async with self._sessions.begin() as session:
            old = await self._manageable(session, request.id, principal)
            new, secret = await issuing.issue_key(session, issuing.spec_of(old))
            now = datetime.now(UTC)
            grace_until = now + timedelta(seconds=grace)
            revoked_at = now if grace == 0 else None
            if not await api_keys.mark_rotated(session, old.id, new.id, grace_until, revoked_at):
                raise FailedPrecondition("This key is revoked or already rotated.", param="id")
            details = {"replaced_by": new.id, "grace_period_seconds": grace}
            audit_key(session, principal, "key.rotate", old, details)
            answer = key_to_proto(new, secret)
        self._authenticator.forget(old.id)
        return answer

    async def ListAuditEvents(
        self, request: keys_pb2.ListAuditEventsRequest, context: grpc.aio.ServicerContext
    ) -> keys_pb2.ListAuditEventsResponse:
        principal = caller()
        page = small_listing_page(request)
        async with self._sessions() as session:
            rows, total = await audit.list_events(
                session,
                principal.organization_id,
                everywhere=principal.is_global,
                action=request.action,
                offset=page.offset,
                limit=page.limit,
            )
        return keys_pb2.ListAuditEventsResponse(
            data=[event_to_proto(r) for r in rows],
            pagination=pagination(page.number, page.limit, total),
        )
