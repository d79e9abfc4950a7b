"""The price book side of the catalog: every model (enabled or not) with its current price,
price changes as new rows (old logs keep old prices), aliases."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard.db.repositories.models import current_prices
from switchboard.db.schema import Model, ModelAlias, ModelPrice, Provider
from switchboard.errors import AlreadyExists, NotFound

ModelRow = tuple[Model, str, ModelPrice | None]
# A model's prices in pico-USD per token: input, output, cached input (None: the input price).
Prices = tuple[int, int, int | None]


def prices_of(price: ModelPrice | None) -> Prices | None:
    if price is None:
        return None
    return (price.input_price_pico, price.output_price_pico, price.cached_input_price_pico)


def price_row(model_id: str, prices: Prices, effective_from: datetime) -> ModelPrice:
    """A price book entry; it applies from `effective_from` (older logs keep older prices)."""
    input_price, output_price, cached_input_price = prices
    return ModelPrice(
        model_id=model_id,
        effective_from=effective_from,
        input_price_pico=input_price,
        output_price_pico=output_price,
        cached_input_price_pico=cached_input_price,
    )


def _models(provider: str) -> Select[tuple[Model, str]]:
    query = select(Model, Provider.name).join(Provider, Model.provider_id == Provider.id)
    return query.where(Provider.name == provider) if provider else query


async def _with_prices(session: AsyncSession, rows: Sequence[tuple[Model, str]]) -> list[ModelRow]:
    prices = await current_prices(session, [m.id for m, _ in rows], datetime.now(UTC))
    return [(model, provider, prices.get(model.id)) for model, provider in rows]


async def list_model_rows(
    session: AsyncSession, provider: str, *, offset: int, limit: int
) -> tuple[list[ModelRow], int]:
    query = _models(provider)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = query.order_by(Provider.name, Model.name).offset(offset).limit(limit)
    rows = (await session.execute(page)).all()
    return await _with_prices(session, rows), total


async def get_model_row(session: AsyncSession, model_id: str) -> ModelRow:
    found = (await session.execute(_models("").where(Model.id == model_id))).first()
    if found is None:
        raise NotFound(f"No model with id {model_id!r}.", param="id")
    [row] = await _with_prices(session, [found])
    return row


async def provider_id_of(session: AsyncSession, name: str) -> str:
    found = await session.scalar(select(Provider.id).where(Provider.name == name))
    if found is None:
        raise NotFound(f"No provider named {name!r}.", param="provider")
    return found


async def add_model(session: AsyncSession, model: Model, prices: Prices) -> None:
    clash = select(Model.id).where(Model.provider_id == model.provider_id, Model.name == model.name)
    if await session.scalar(clash) is not None:
        raise AlreadyExists(f"The model {model.name!r} is already in the catalog.", param="model")
    session.add(model)
    await session.flush()
    session.add(price_row(model.id, prices, datetime.now(UTC)))
    await session.flush()


async def list_aliases(
    session: AsyncSession, *, offset: int, limit: int
) -> tuple[list[ModelAlias], int]:
    total = await session.scalar(select(func.count()).select_from(ModelAlias)) or 0
    rows = await session.scalars(
        select(ModelAlias).order_by(ModelAlias.alias).offset(offset).limit(limit)
    )
    return list(rows), total


async def upsert_alias(session: AsyncSession, alias: str, target: str) -> ModelAlias:
    row = await session.scalar(select(ModelAlias).where(ModelAlias.alias == alias))
    if row is None:
        row = ModelAlias(alias=alias, target=target)
        session.add(row)
    else:
        row.target = target
    await session.flush()
    return row


async def delete_alias(session: AsyncSession, alias: str) -> None:
    row = await session.scalar(select(ModelAlias).where(ModelAlias.alias == alias))
    if row is None:
        raise NotFound(f"No alias {alias!r}.", param="alias")
    await session.delete(row)
