"""Providers: CRUD, the API key (encrypted, never returned), a live probe, model sync."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import grpc

from switchboard.api.convert import timestamp
from switchboard.api.paging import pagination, small_listing_page
from switchboard.api.settings import provider_fields as fields
from switchboard.api.settings.base import SettingsArea, audited
from switchboard.api.settings.probe import probe, upstream_models
from switchboard.api.settings.sync import sync_models
from switchboard.chat.directory import provider_spec
from switchboard.db.repositories import providers as repo
from switchboard.db.schema import Provider
from switchboard.errors import FailedPrecondition
from switchboard.providers.registry import BUILTIN_PROVIDERS, ProviderSpec
from switchboard.security.secrets import mask
from switchboard.v1 import settings_pb2

CIRCUIT_OPEN = "circuit open: consecutive failures on live traffic"


def provider_to_proto(row: Provider, circuit_open: bool = False) -> settings_pb2.Provider:
    """`health_status` is the last probe's verdict, or "unhealthy" while live traffic has
    opened this replica's circuit breaker for the provider."""
    message = settings_pb2.Provider(
        id=row.id,
        name=row.name,
        type=row.type,
        base_url=row.base_url,
        api_key_masked=row.credentials_hint,
        enabled=row.enabled,
        api_version=row.api_version,
        timeout_ms=row.timeout_ms or 0,
        max_retries=row.max_retries or 0,
        health_status=row.health_status,
        last_error=row.last_error,
        created_at=timestamp(row.created_at),
        updated_at=timestamp(row.updated_at),
    )
    if row.last_check_at is not None:
        message.last_check_at.CopyFrom(timestamp(row.last_check_at))
    if circuit_open:
        message.health_status, message.last_error = "unhealthy", CIRCUIT_OPEN
    return message


def _refuse_builtin(provider_id: str) -> None:
    if provider_id in BUILTIN_PROVIDERS:
        raise FailedPrecondition(
            f"{provider_id!r} is a built-in provider and cannot be changed", param="id"
        )


def _changes(request: settings_pb2.UpdateProviderRequest, row: Provider, allow: bool) -> dict:
    changes: dict[str, Any] = {}
    if request.HasField("name"):
        changes["name"] = fields.name(request.name)
    if request.HasField("base_url"):
        changes["base_url"] = fields.base_url(request.base_url, row.type, allow_link_local=allow)
    if request.HasField("enabled"):
        changes["enabled"] = request.enabled
    if request.HasField("api_version"):
        changes["api_version"] = fields.api_version(request.api_version)
    if request.HasField("timeout_ms"):
        changes["timeout_ms"] = fields.timeout_ms(request.timeout_ms)
    if request.HasField("max_retries"):
        changes["max_retries"] = fields.max_retries(request.max_retries)
    return changes


class ProvidersArea(SettingsArea):
    def _new(self, request: settings_pb2.CreateProviderRequest) -> repo.NewProvider:
        type_ = fields.provider_type(request.type)
        key = fields.api_key(request.api_key, required=False)
        return repo.NewProvider(
            name=fields.name(request.name),
            type=type_,
            base_url=fields.base_url(
                request.base_url, type_, allow_link_local=self._deps.allow_link_local
            ),
            encrypted_credentials=self._deps.vault.encrypt(key) if key else None,
            credentials_hint=mask(key) if key else "",
            enabled=request.enabled if request.HasField("enabled") else True,
            api_version=fields.api_version(request.api_version),
            timeout_ms=fields.timeout_ms(request.timeout_ms),
            max_retries=fields.max_retries(request.max_retries) if request.max_retries else None,
        )

    def _shown(self, row: Provider) -> settings_pb2.Provider:
        return provider_to_proto(row, self._deps.router.circuit_open(row.name))

    def _spec(self, row: Provider) -> ProviderSpec:
        return provider_spec(row, self._deps.vault)

    async def ListProviders(
        self, request: settings_pb2.ListProvidersRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.ListProvidersResponse:
        page = small_listing_page(request)
        async with self._sessions() as session:
            rows, total = await repo.list_providers(session, offset=page.offset, limit=page.limit)
        return settings_pb2.ListProvidersResponse(
            data=[self._shown(r) for r in rows],
            pagination=pagination(page.number, page.limit, total),
        )

    async def GetProvider(
        self, request: settings_pb2.GetProviderRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.Provider:
        async with self._sessions() as session:
            return self._shown(await repo.get_provider(session, request.id))

    async def CreateProvider(
        self, request: settings_pb2.CreateProviderRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.Provider:
        new = self._new(request)
        async with self._sessions.begin() as session:
            row = await repo.create_provider(session, new)
            details = {"name": row.name, "type": row.type, "base_url": row.base_url}
            audited(session, "provider.create", ("provider", row.id), details)
            answer = provider_to_proto(row)
        await self._deps.refresh()
        return answer

    async def UpdateProvider(
        self, request: settings_pb2.UpdateProviderRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.Provider:
        _refuse_builtin(request.id)
        async with self._sessions.begin() as session:
            row = await repo.get_provider(session, request.id)
            changes = _changes(request, row, self._deps.allow_link_local)
            await repo.update_provider(session, row, changes)
            audited(session, "provider.update", ("provider", row.id), {"changed": sorted(changes)})
            answer = provider_to_proto(row)
        await self._deps.refresh()
        return answer

    async def DeleteProvider(
        self, request: settings_pb2.DeleteProviderRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.DeleteProviderResponse:
        _refuse_builtin(request.id)
        async with self._sessions.begin() as session:
            row = await repo.get_provider(session, request.id)
            await session.delete(row)
            audited(session, "provider.delete", ("provider", row.id), {"name": row.name})
        await self._deps.refresh()
        return settings_pb2.DeleteProviderResponse()

    async def SetProviderApiKey(
        self, request: settings_pb2.SetProviderApiKeyRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.Provider:
        _refuse_builtin(request.id)
        key = fields.api_key(request.api_key, required=True)
        async with self._sessions.begin() as session:
            row = await repo.get_provider(session, request.id)
            changes = {
                "encrypted_credentials": self._deps.vault.encrypt(key),
                "credentials_hint": mask(key),
            }
            await repo.update_provider(session, row, changes)
            audited(session, "provider.set_api_key", ("provider", row.id), {})
            answer = provider_to_proto(row)
        await self._deps.refresh()
        return answer

    async def TestProvider(
        self, request: settings_pb2.TestProviderRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.TestProviderResponse:
        async with self._sessions() as session:
            spec = self._spec(await repo.get_provider(session, request.id))
        started = time.perf_counter()
        result = await probe(spec, self._deps.clients)
        latency_ms = int((time.perf_counter() - started) * 1000)
        async with self._sessions.begin() as session:
            row = await repo.get_provider(session, request.id)
            status = "healthy" if result.ok else "unhealthy"
            await repo.record_health(
                session, row, status=status, error=result.error, at=datetime.now(UTC)
            )
        return settings_pb2.TestProviderResponse(
            ok=result.ok, latency_ms=latency_ms, error=result.error, model_count=result.models
        )

    async def SyncProviderModels(
        self, request: settings_pb2.SyncProviderModelsRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.SyncProviderModelsResponse:
        async with self._sessions() as session:
            row = await repo.get_provider(session, request.id)
            spec, provider_id = self._spec(row), row.id
        listed = await upstream_models(spec, self._deps.clients)
        async with self._sessions.begin() as session:
            counts = await sync_models(session, provider_id, listed, enable_new=request.enable_new)
            audited(session, "provider.sync_models", ("provider", provider_id), counts.__dict__)
        await self._deps.refresh()
        return settings_pb2.SyncProviderModelsResponse(
            added=counts.added, updated=counts.updated, unchanged=counts.unchanged
        )
