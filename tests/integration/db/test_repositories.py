from __future__ import annotations

from datetime import UTC, datetime, timedelta

from switchboard.db.repositories.api_keys import count_keys, find_by_digest, new_key_row
from switchboard.db.repositories.models import list_enabled_models
from switchboard.db.schema import Model, ModelPrice, Provider


async def test_models_come_with_their_current_price(sessions) -> None:
    now = datetime.now(UTC)
    async with sessions() as session, session.begin():
        acme = Provider(name="acme", type="openai", base_url="http://127.0.0.1:9/v1")
        off = Provider(name="off", type="openai", enabled=False)
        session.add_all([acme, off])
        await session.flush()
        mini = Model(provider_id=acme.id, name="gpt-4o-mini", context_window=128000)
        hidden = Model(provider_id=acme.id, name="old", enabled=False)
        orphan = Model(provider_id=off.id, name="x")
        session.add_all([mini, hidden, orphan])
        await session.flush()
        session.add_all(
            [
                ModelPrice(
                    model_id=mini.id,
                    effective_from=now - timedelta(days=30),
                    input_price_pico=100_000,
                    output_price_pico=400_000,
                ),
                ModelPrice(
                    model_id=mini.id,
                    effective_from=now - timedelta(days=1),
                    input_price_pico=150_000,
                    output_price_pico=600_000,
                    cached_input_price_pico=75_000,
                ),
                ModelPrice(
                    model_id=mini.id,
                    effective_from=now + timedelta(days=1),
                    input_price_pico=1,
                    output_price_pico=1,
                ),
            ]
        )
    async with sessions() as session:
        [info] = await list_enabled_models(session)
    assert info.id == "acme/gpt-4o-mini"
    assert (info.input_price, info.output_price, info.cached_input_price) == (
        150_000,
        600_000,
        75_000,
    )
    assert info.context_length == 128000


async def test_api_keys_by_digest(sessions) -> None:
    async with sessions() as session, session.begin():
        session.add(
            new_key_row(
                digest="ab" * 32,
                prefix="sk-sb-abcd",
                name="k",
                permissions=["ai:chat"],
                organization_id=None,
            )
        )
    async with sessions() as session:
        assert (await find_by_digest(session, "ab" * 32)).permissions == ["ai:chat"]
        assert await find_by_digest(session, "cd" * 32) is None
        assert await count_keys(session) == 1
