"""Catalog queries: configured models with their current price."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard.db.schema import Model, ModelPrice, Provider
from switchboard.domain.catalog import ModelInfo


async def current_prices(
    session: AsyncSession, model_ids: list[str], now: datetime
) -> dict[str, ModelPrice]:
    """The latest price at or before `now` of each model."""
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
        created=int(model.created_at.replace(tzinfo=model.created_at.tzinfo or UTC).timestamp()),
    )


async def list_enabled_models(session: AsyncSession) -> list[ModelInfo]:
    """Enabled models of enabled providers, ordered by "provider/model"."""
    rows = (
        await session.execute(
            select(Model, Provider.name)
            .join(Provider, Model.provider_id == Provider.id)
            .where(Model.enabled.is_(True), Provider.enabled.is_(True))
            .order_by(Provider.name, Model.name)
        )
    ).all()
    prices = await current_prices(session, [m.id for m, _ in rows], datetime.now(UTC))
    return [_info(model, provider, prices.get(model.id)) for model, provider in rows]
