"""Catalog queries: configured models with their current price.

A model's public id is "<provider name>/<upstream name>"; the upstream name may contain '/',
the provider name never does, so the id splits at its first '/'.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard.db.schema import Model, ModelPrice, Provider
from switchboard.domain.catalog import ModelInfo


async def current_prices(
    session: AsyncSession, model_ids: list[str], now: datetime
) -> dict[str, ModelPrice]:
    """The latest price at or before `now` of each model."""
    if not model_ids:
        return {}
    rows = await session.scalars(
        select(ModelPrice)
        .where(ModelPrice.model_id.in_(model_ids), ModelPrice.effective_from <= now)
        .order_by(ModelPrice.effective_from)
    )
    return {price.model_id: price for price in rows}  # later rows overwrite earlier ones


def _info(model: Model, provider: str, price: ModelPrice | None) -> ModelInfo:
    return ModelInfo(
        provider=provider,
        upstream=model.name,
        context_length=model.context_window,
        input_price=price.input_price_pico if price else 0,
        output_price=price.output_price_pico if price else 0,
        cached_input_price=price.cached_input_price_pico if price else None,
        input_modalities=tuple(model.input_modalities),
        output_modalities=tuple(model.output_modalities),
        description=model.description,
        created=int(model.created_at.timestamp()),
    )


def _enabled() -> Select[tuple[Model, str]]:
    return (
        select(Model, Provider.name)
        .join(Provider, Model.provider_id == Provider.id)
        .where(Model.enabled.is_(True), Provider.enabled.is_(True))
    )


async def _with_prices(session: AsyncSession, query: Select[tuple[Model, str]]) -> list[ModelInfo]:
    rows = (await session.execute(query)).all()
    prices = await current_prices(session, [m.id for m, _ in rows], datetime.now(UTC))
    return [_info(model, provider, prices.get(model.id)) for model, provider in rows]


async def list_enabled_models(session: AsyncSession) -> list[ModelInfo]:
    """Enabled models of enabled providers, ordered by "provider/model"."""
    return await _with_prices(session, _enabled().order_by(Provider.name, Model.name))


async def get_model(session: AsyncSession, model_id: str) -> ModelInfo | None:
    """The enabled model "provider/model" with its current price, or None."""
    provider, slash, upstream = model_id.partition("/")
    if not slash or not provider or not upstream:
        return None
    query = _enabled().where(Provider.name == provider, Model.name == upstream)
    found = await _with_prices(session, query)
    return found[0] if found else None
