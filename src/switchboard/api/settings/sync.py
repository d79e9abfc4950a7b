"""Model discovery: merge a provider's listed models into the catalog in one transaction.

Idempotent: a second sync of the same list changes nothing. New models come in disabled
unless asked otherwise (an admin prices and enables them); listed prices (OpenRouter's) are
taken as the price book entry when they differ from the current one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard.db.repositories.catalog import Prices, price_row, prices_of
from switchboard.db.repositories.changes import assign_changed
from switchboard.db.repositories.models import current_prices
from switchboard.db.schema import Model
from switchboard.domain.catalog import ModelInfo


@dataclass
class SyncCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def _priced(info: ModelInfo) -> bool:
    return bool(info.input_price or info.output_price)


def _listed_prices(info: ModelInfo) -> Prices:
    return (info.input_price, info.output_price, info.cached_input_price)


def _refresh_fields(model: Model, info: ModelInfo) -> bool:
    """Copy what the listing knows better; True when something changed."""
    return assign_changed(
        model,
        {
            "context_window": info.context_length or model.context_window,
            "input_modalities": list(info.input_modalities),
            "output_modalities": list(info.output_modalities),
            "description": info.description or model.description,
        },
    )


def _create(provider_id: str, info: ModelInfo, enabled: bool) -> Model:
    return Model(
        provider_id=provider_id,
        name=info.upstream,
        context_window=info.context_length,
        input_modalities=list(info.input_modalities),
        output_modalities=list(info.output_modalities),
        description=info.description,
        enabled=enabled,
    )


async def sync_models(
    session: AsyncSession, provider_id: str, listed: list[ModelInfo], *, enable_new: bool
) -> SyncCounts:
    unique = {info.upstream: info for info in listed}
    query = select(Model).where(Model.provider_id == provider_id)
    existing = {m.name: m for m in await session.scalars(query)}
    now = datetime.now(UTC)
    prices = await current_prices(session, [m.id for m in existing.values()], now)
    counts = SyncCounts()
    created: list[tuple[Model, ModelInfo]] = []
    for name, info in unique.items():
        model = existing.get(name)
        if model is None:
            created.append((_create(provider_id, info, enable_new), info))
            continue
        repriced = _priced(info) and prices_of(prices.get(model.id)) != _listed_prices(info)
        if repriced:
            session.add(price_row(model.id, _listed_prices(info), now))
        if _refresh_fields(model, info) or repriced:
            counts.updated += 1
        else:
            counts.unchanged += 1
    session.add_all([model for model, _ in created])
    await session.flush()
    session.add_all([price_row(m.id, _listed_prices(i), now) for m, i in created if _priced(i)])
    counts.added = len(created)
    return counts
