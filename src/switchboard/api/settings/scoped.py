"""Scoped settings (global, organization, key), the effective view, validation, features."""

from __future__ import annotations

import grpc
from google.protobuf import json_format
from sqlalchemy import select

from switchboard.api.convert import timestamp
from switchboard.api.settings.base import SettingsArea, audited, caller
from switchboard.db.repositories import api_keys
from switchboard.db.repositories import settings as repo
from switchboard.db.schema import Organization, Provider, Setting
from switchboard.errors import InvalidRequest, NotFound
from switchboard.settings.features import check_feature
from switchboard.settings.resolve import effective_to_proto
from switchboard.settings.snapshot import FeatureSpec, Scope
from switchboard.settings.validate import validate
from switchboard.settings.values import Violation, check_values, values_from_proto, values_to_proto
from switchboard.v1 import common_pb2, settings_pb2


def _refuse(violations: list[Violation]) -> None:
    if violations:
        first = violations[0]
        detail = "; ".join(f"{v.field}: {v.message}" for v in violations)
        raise InvalidRequest(detail, param=first.field)


def scoped_to_proto(scope: str, scope_id: str, row: Setting | None) -> settings_pb2.ScopedSettings:
    message = settings_pb2.ScopedSettings(
        scope=scope, scope_id=scope_id, settings=values_to_proto(row.values if row else {})
    )
    if row is not None:
        message.updated_at.CopyFrom(timestamp(row.updated_at))
    return message


def _organization_of(requested: str) -> str:
    """The organization a caller may read or change: its own, or any for a global admin.
    Another organization is NOT_FOUND (ids cannot be probed)."""
    principal = caller()
    wanted = requested.strip() or (principal.organization_id or "")
    if not principal.is_global and wanted != principal.organization_id:
        raise NotFound(f"No organization with id {wanted!r}.", param="organization_id")
    return wanted


def feature_to_proto(spec: FeatureSpec) -> settings_pb2.Feature:
    message = settings_pb2.Feature(
        name=spec.name,
        description=spec.description,
        prompt_template=spec.prompt_template,
        system_prompt=spec.system_prompt,
        model=spec.model,
        settings=values_to_proto(dict(spec.settings)),
        enabled=spec.enabled,
    )
    if spec.output_schema is not None:
        message.output_schema.update(dict(spec.output_schema))
    return message


def feature_from_proto(name: str, feature: settings_pb2.Feature) -> FeatureSpec:
    schema = None
    if feature.HasField("output_schema"):
        schema = json_format.MessageToDict(feature.output_schema)
    spec = FeatureSpec(
        name=name,
        prompt_template=feature.prompt_template,
        model=feature.model.strip(),
        description=feature.description,
        system_prompt=feature.system_prompt,
        settings=values_from_proto(feature.settings),
        output_schema=schema,
        enabled=feature.enabled if feature.HasField("enabled") else True,
    )
    _refuse(check_feature(spec))
    return spec


def _violations(found: list[Violation]) -> list[common_pb2.FieldViolation]:
    return [common_pb2.FieldViolation(field=v.field, message=v.message) for v in found]


class ScopedSettingsArea(SettingsArea):
    async def _get_scope(self, scope: str, scope_id: str) -> settings_pb2.ScopedSettings:
        async with self._sessions() as session:
            row = await repo.get_scope(session, scope, scope_id)
            return scoped_to_proto(scope, scope_id, row)

    async def _put_scope(
        self, scope: str, scope_id: str, settings: settings_pb2.SettingValues
    ) -> settings_pb2.ScopedSettings:
        values = values_from_proto(settings)
        _refuse(check_values(values))
        async with self._sessions.begin() as session:
            if scope == "organization" and await session.get(Organization, scope_id) is None:
                raise NotFound(f"No organization with id {scope_id!r}.", param="organization_id")
            row = await repo.put_scope(session, scope, scope_id, values)
            audited(session, f"settings.{scope}.update", ("settings", row.id), {"values": values})
            answer = scoped_to_proto(scope, scope_id, row)
        await self._deps.refresh()
        return answer

    async def GetGlobalSettings(
        self, request: settings_pb2.GetGlobalSettingsRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.ScopedSettings:
        return await self._get_scope("global", "")

    async def UpdateGlobalSettings(
        self, request: settings_pb2.UpdateGlobalSettingsRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.ScopedSettings:
        return await self._put_scope("global", "", request.settings)

    async def GetOrganizationSettings(
        self,
        request: settings_pb2.GetOrganizationSettingsRequest,
        context: grpc.aio.ServicerContext,
    ) -> settings_pb2.ScopedSettings:
        return await self._get_scope("organization", _organization_of(request.organization_id))

    async def UpdateOrganizationSettings(
        self,
        request: settings_pb2.UpdateOrganizationSettingsRequest,
        context: grpc.aio.ServicerContext,
    ) -> settings_pb2.ScopedSettings:
        organization = _organization_of(request.organization_id)
        return await self._put_scope("organization", organization, request.settings)

    async def _key_scope(self, key_id: str) -> str:
        """A key the caller may configure: one of its organization's (any, for a global
        admin); another is NOT_FOUND."""
        principal = caller()
        async with self._sessions() as session:
            row = await api_keys.get_key(
                session, key_id, principal.organization_id, everywhere=principal.is_global
            )
        if row is None:
            raise NotFound(f"No API key with id {key_id!r}.", param="key_id")
        return row.id

    async def GetKeySettings(
        self, request: settings_pb2.GetKeySettingsRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.ScopedSettings:
        return await self._get_scope("key", await self._key_scope(request.key_id))

    async def UpdateKeySettings(
        self, request: settings_pb2.UpdateKeySettingsRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.ScopedSettings:
        key_id = await self._key_scope(request.key_id)
        return await self._put_scope("key", key_id, request.settings)

    async def GetEffectiveSettings(
        self, request: settings_pb2.GetEffectiveSettingsRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.GetEffectiveSettingsResponse:
        key_id = await self._key_scope(request.key_id) if request.key_id else ""
        scope = Scope(
            organization_id=_organization_of(request.organization_id),
            feature_name=request.feature_name,
            key_id=key_id,
        )
        effective = self._deps.directory().settings.effective(scope)
        values, sources = effective_to_proto(effective)
        return settings_pb2.GetEffectiveSettingsResponse(settings=values, sources=sources)

    async def _provider_type(self, provider_id: str, model_provider: str) -> str | None:
        async with self._sessions() as session:
            if provider_id:
                row = await session.get(Provider, provider_id)
                if row is None:
                    raise NotFound(f"No provider with id {provider_id!r}.", param="provider_id")
                return row.type
            if model_provider:
                query = select(Provider.type).where(Provider.name == model_provider)
                return await session.scalar(query) or model_provider
        return None

    async def ValidateSettings(
        self, request: settings_pb2.ValidateSettingsRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.ValidateSettingsResponse:
        model = None
        if request.model:
            directory = self._deps.directory()
            model = directory.models.get(directory.aliases.get(request.model, request.model))
            if model is None:
                raise NotFound(f"The model `{request.model}` is not in the catalog.", param="model")
        provider_type = await self._provider_type(
            request.provider_id, model.provider if model else ""
        )
        errors, warnings = validate(values_from_proto(request.settings), model, provider_type)
        return settings_pb2.ValidateSettingsResponse(
            valid=not errors, errors=_violations(errors), warnings=_violations(warnings)
        )

    async def GetFeature(
        self, request: settings_pb2.GetFeatureRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.Feature:
        async with self._sessions() as session:
            row = await repo.get_feature(session, request.name)
        if row is None:
            raise NotFound(f"No feature named {request.name!r}.", param="name")
        return feature_to_proto(repo.feature_spec(row))

    async def UpsertFeature(
        self, request: settings_pb2.UpsertFeatureRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.Feature:
        spec = feature_from_proto(request.name, request.feature)
        async with self._sessions.begin() as session:
            row = await repo.put_feature(session, spec)
            details = {"model": spec.model, "enabled": spec.enabled}
            audited(session, "feature.upsert", ("feature", row.id), details)
            answer = feature_to_proto(repo.feature_spec(row))
        await self._deps.refresh()
        return answer
