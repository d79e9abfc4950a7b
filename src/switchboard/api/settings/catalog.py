"""The model catalog and price book (prices are decimal strings of USD per million tokens,
stored as exact integers), and aliases."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import grpc
from sqlalchemy import select

from switchboard.api.convert import timestamp
from switchboard.api.paging import pagination, small_listing_page
from switchboard.api.settings.base import SettingsArea, audited
from switchboard.db.repositories import catalog as repo
from switchboard.db.repositories.catalog import ModelRow, Prices, prices_of
from switchboard.db.schema import Model, ModelPrice, Route
from switchboard.errors import AlreadyExists, InvalidRequest
from switchboard.money import InvalidPrice, pico_per_token_to_mtok, price_per_mtok_to_pico
from switchboard.v1 import settings_pb2

MODALITIES = frozenset({"text", "image", "audio", "video", "file"})
ALIAS = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$")
MAX_CONTEXT_WINDOW = 100_000_000


def model_to_proto(row: ModelRow) -> settings_pb2.ModelConfig:
    model, provider, price = row
    message = settings_pb2.ModelConfig(
        id=model.id,
        provider=provider,
        model=model.name,
        full_name=f"{provider}/{model.name}",
        context_window=model.context_window,
        input_modalities=list(model.input_modalities),
        output_modalities=list(model.output_modalities),
        enabled=model.enabled,
    )
    if price is not None:
        message.input_price_per_mtok = pico_per_token_to_mtok(price.input_price_pico)
        message.output_price_per_mtok = pico_per_token_to_mtok(price.output_price_pico)
        if price.cached_input_price_pico is not None:
            message.cached_input_price_per_mtok = pico_per_token_to_mtok(
                price.cached_input_price_pico
            )
        message.price_effective_from.CopyFrom(timestamp(price.effective_from))
    return message


def price_of(text: str, field: str, *, required: bool) -> int | None:
    if not text.strip():
        if required:
            raise InvalidRequest(f"{field} is required (USD per million tokens)", param=field)
        return None
    try:
        return price_per_mtok_to_pico(text)
    except InvalidPrice as exc:
        raise InvalidRequest(f"{field}: {exc}", param=field) from None


def modalities(values: list[str], field: str) -> list[str]:
    unknown = sorted(set(values) - MODALITIES)
    if unknown:
        raise InvalidRequest(
            f"{field}: unknown {', '.join(unknown)}; known {', '.join(sorted(MODALITIES))}",
            param=field,
        )
    return list(dict.fromkeys(values)) or ["text"]


def context_window(value: int) -> int:
    if not 0 <= value <= MAX_CONTEXT_WINDOW:
        raise InvalidRequest(
            f"context_window must be between 0 and {MAX_CONTEXT_WINDOW}", param="context_window"
        )
    return value


def _prices(request: settings_pb2.CreateModelConfigRequest) -> Prices:
    return (
        price_of(request.input_price_per_mtok, "input_price_per_mtok", required=True) or 0,
        price_of(request.output_price_per_mtok, "output_price_per_mtok", required=True) or 0,
        price_of(
            request.cached_input_price_per_mtok, "cached_input_price_per_mtok", required=False
        ),
    )


def _repriced(request: settings_pb2.UpdateModelConfigRequest) -> bool:
    fields = ("input_price_per_mtok", "output_price_per_mtok", "cached_input_price_per_mtok")
    return any(request.HasField(f) for f in fields)


def _next_prices(
    request: settings_pb2.UpdateModelConfigRequest, current: ModelPrice | None
) -> Prices:
    """Changed fields from the request, the rest as they were."""
    was = prices_of(current) or (None, None, None)
    fields = ("input_price_per_mtok", "output_price_per_mtok", "cached_input_price_per_mtok")
    picked = [
        price_of(getattr(request, field), field, required=False) if request.HasField(field) else old
        for field, old in zip(fields, was, strict=True)
    ]
    return (picked[0] or 0, picked[1] or 0, picked[2])


def alias_name(value: str) -> str:
    value = value.strip()
    if not ALIAS.match(value):
        raise InvalidRequest(
            "alias must be 1-200 letters, digits or . _ : / - characters", param="alias"
        )
    return value


class CatalogArea(SettingsArea):
    async def ListModelConfigs(
        self, request: settings_pb2.ListModelConfigsRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.ListModelConfigsResponse:
        page = small_listing_page(request)
        async with self._sessions() as session:
            rows, total = await repo.list_model_rows(
                session, request.provider, offset=page.offset, limit=page.limit
            )
        return settings_pb2.ListModelConfigsResponse(
            data=[model_to_proto(r) for r in rows],
            pagination=pagination(page.number, page.limit, total),
        )

    async def CreateModelConfig(
        self, request: settings_pb2.CreateModelConfigRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.ModelConfig:
        if not request.model.strip():
            raise InvalidRequest("model is required (the upstream's model name)", param="model")
        prices = _prices(request)
        async with self._sessions.begin() as session:
            model = Model(
                provider_id=await repo.provider_id_of(session, request.provider),
                name=request.model.strip(),
                context_window=context_window(request.context_window),
                input_modalities=modalities(list(request.input_modalities), "input_modalities"),
                output_modalities=modalities(list(request.output_modalities), "output_modalities"),
                enabled=request.enabled if request.HasField("enabled") else True,
            )
            await repo.add_model(session, model, prices)
            details = {"model": f"{request.provider}/{model.name}"}
            audited(session, "model.create", ("model", model.id), details)
            answer = model_to_proto(await repo.get_model_row(session, model.id))
        await self._deps.refresh()
        return answer

    async def UpdateModelConfig(
        self, request: settings_pb2.UpdateModelConfigRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.ModelConfig:
        async with self._sessions.begin() as session:
            model, _, current = await repo.get_model_row(session, request.id)
            if request.HasField("context_window"):
                model.context_window = context_window(request.context_window)
            if request.HasField("enabled"):
                model.enabled = request.enabled
            if request.input_modalities:
                model.input_modalities = modalities(
                    list(request.input_modalities), "input_modalities"
                )
            if request.output_modalities:
                model.output_modalities = modalities(
                    list(request.output_modalities), "output_modalities"
                )
            if _repriced(request):
                prices = _next_prices(request, current)
                session.add(repo.price_row(model.id, prices, datetime.now(UTC)))
            await session.flush()
            audited(session, "model.update", ("model", model.id), {})
            answer = model_to_proto(await repo.get_model_row(session, model.id))
        await self._deps.refresh()
        return answer

    async def DeleteModelConfig(
        self, request: settings_pb2.DeleteModelConfigRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.DeleteModelConfigResponse:
        async with self._sessions.begin() as session:
            model, provider, _ = await repo.get_model_row(session, request.id)
            await session.delete(model)
            details = {"model": f"{provider}/{model.name}"}
            audited(session, "model.delete", ("model", model.id), details)
        await self._deps.refresh()
        return settings_pb2.DeleteModelConfigResponse()

    async def ListAliases(
        self, request: settings_pb2.ListAliasesRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.ListAliasesResponse:
        page = small_listing_page(request)
        async with self._sessions() as session:
            rows, total = await repo.list_aliases(session, offset=page.offset, limit=page.limit)
        return settings_pb2.ListAliasesResponse(
            data=[settings_pb2.ModelAlias(alias=r.alias, target=r.target) for r in rows],
            pagination=pagination(page.number, page.limit, total),
        )

    async def UpsertAlias(
        self, request: settings_pb2.UpsertAliasRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.ModelAlias:
        alias = alias_name(request.alias)
        target = request.target.strip()
        if not target or target == alias:
            raise InvalidRequest(
                "target must name a model or route other than the alias", param="target"
            )
        async with self._sessions.begin() as session:
            if await session.scalar(select(Route.id).where(Route.name == alias)):
                raise AlreadyExists(f"{alias!r} is already a route's name.", param="alias")
            row = await repo.upsert_alias(session, alias, target)
            audited(session, "alias.upsert", ("alias", row.id), {"alias": alias, "target": target})
        await self._deps.refresh()
        return settings_pb2.ModelAlias(alias=alias, target=target)

    async def DeleteAlias(
        self, request: settings_pb2.DeleteAliasRequest, context: grpc.aio.ServicerContext
    ) -> settings_pb2.DeleteAliasResponse:
        async with self._sessions.begin() as session:
            await repo.delete_alias(session, request.alias)
            audited(session, "alias.delete", ("alias", request.alias), {"alias": request.alias})
        await self._deps.refresh()
        return settings_pb2.DeleteAliasResponse()
