"""Put providers, priced models and aliases straight into a test database."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy import create_engine, func, pool, select
from sqlalchemy.orm import Session

from switchboard.db.engine import sync_url
from switchboard.db.schema import LlmLog, Model, ModelAlias, ModelPrice, Provider
from switchboard.security.secrets import Vault

UPSTREAM_KEY = "sk-upstream-secret-0123456789"
# The provider key the REST settings tests register; it must never reach a log or response.
SETTINGS_SECRET = "sk-e2e-settings-secret-" + "7" * 24


@dataclass(frozen=True)
class PricedModel:
    name: str
    input_pico: int = 150_000  # 0.15 USD / Mtok
    output_pico: int = 600_000  # 0.60 USD / Mtok
    cached_pico: int | None = 75_000


@dataclass(frozen=True)
class ProviderSeed:
    name: str
    base_url: str
    api_key: str
    models: list[PricedModel]
    type: str = "openai"
    aliases: dict[str, str] | None = None
    timeout_ms: int | None = None


def seed_provider(database_url: str, vault: Vault, seed: ProviderSeed) -> None:
    name, base_url, api_key, models, aliases = (
        seed.name,
        seed.base_url,
        seed.api_key,
        seed.models,
        seed.aliases,
    )
    type_ = seed.type
    engine = create_engine(sync_url(database_url), poolclass=pool.NullPool)
    with Session(engine) as session, session.begin():
        provider = Provider(
            name=name,
            type=type_,
            base_url=base_url,
            encrypted_credentials=vault.encrypt(api_key),
            credentials_hint=api_key[:3] + "..." + api_key[-4:],
            timeout_ms=seed.timeout_ms,
        )
        session.add(provider)
        session.flush()
        for priced in models:
            model = Model(provider_id=provider.id, name=priced.name, context_window=128000)
            session.add(model)
            session.flush()
            session.add(
                ModelPrice(
                    model_id=model.id,
                    input_price_pico=priced.input_pico,
                    output_price_pico=priced.output_pico,
                    cached_input_price_pico=priced.cached_pico,
                )
            )
        for alias, target in (aliases or {}).items():
            session.add(ModelAlias(alias=alias, target=target))
    engine.dispose()


async def logged(running, expected: int, wait: float = 5.0) -> list[LlmLog]:
    """The log rows once `expected` of them are written by the background writer."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        async with running.runtime.sessions() as session:
            count = await session.scalar(select(func.count()).select_from(LlmLog))
            if count >= expected or loop.time() > deadline:
                return list(await session.scalars(select(LlmLog).order_by(LlmLog.created_at)))
        await asyncio.sleep(0.05)
