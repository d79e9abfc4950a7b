"""Repositories on both backends; they flush but never commit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from switchboard.db.engine import create_engine_from_url, session_factory
from switchboard.db.repositories.api_keys import count_keys, find_by_digest, insert_key
from switchboard.db.repositories.models import get_model, list_enabled_models
from switchboard.db.repositories.providers import all_with_credentials
from switchboard.db.schema import Model, ModelPrice, Provider


async def seed_catalog(sessions) -> None:
    now = datetime.now(UTC)
    async with sessions() as session, session.begin():
        acme = Provider(name="acme", type="openai", base_url="http://127.0.0.1:9/v1")
        off = Provider(name="off", type="openai", enabled=False)
        session.add_all([acme, off])
        await session.flush()
        mini = Model(provider_id=acme.id, name="gpt-4o-mini", context_window=128000)
        llama = Model(provider_id=acme.id, name="meta-llama/Llama-3-70b")
        hidden = Model(provider_id=acme.id, name="old", enabled=False)
        orphan = Model(provider_id=off.id, name="x")
        session.add_all([mini, llama, hidden, orphan])
        await session.flush()
        session.add_all(
            [
                price(mini, now - timedelta(days=30), 100_000, 400_000),
                price(mini, now - timedelta(days=1), 150_000, 600_000, cached=75_000),
                price(mini, now + timedelta(days=1), 1, 1),
            ]
        )


def price(model: Model, start: datetime, inp: int, out: int, cached: int | None = None):
    return ModelPrice(
        model_id=model.id,
        effective_from=start,
        input_price_pico=inp,
        output_price_pico=out,
        cached_input_price_pico=cached,
    )


async def test_enabled_models_come_with_their_current_price(sessions) -> None:
    await seed_catalog(sessions)
    async with sessions() as session:
        mini, llama = await list_enabled_models(session)
    assert (mini.id, llama.id) == ("acme/gpt-4o-mini", "acme/meta-llama/Llama-3-70b")
    assert (mini.input_price, mini.output_price, mini.cached_input_price) == (
        150_000,
        600_000,
        75_000,
    )
    assert mini.context_length == 128000
    assert (llama.input_price, llama.output_price, llama.cached_input_price) == (0, 0, None)
    assert mini.created > 0


async def test_model_by_public_id(sessions) -> None:
    await seed_catalog(sessions)
    async with sessions() as session:
        mini = await get_model(session, "acme/gpt-4o-mini")
        llama = await get_model(session, "acme/meta-llama/Llama-3-70b")
        missing = [
            await get_model(session, model_id)
            for model_id in ("acme/nope", "acme/old", "off/x", "gpt-4o-mini", "/x", "acme/")
        ]
    assert (mini.provider, mini.upstream, mini.output_price) == ("acme", "gpt-4o-mini", 600_000)
    assert llama.upstream == "meta-llama/Llama-3-70b"
    assert missing == [None] * 6


async def test_api_keys_by_digest(sessions) -> None:
    async with sessions() as session, session.begin():
        row = await insert_key(
            session, digest="ab" * 32, prefix="sk-sb-abcd", name="k", permissions=["ai:chat"]
        )
        assert len(row.id) == 36
    async with sessions() as session:
        found = await find_by_digest(session, "ab" * 32)
        assert (found.id, found.permissions, found.prefix) == (row.id, ["ai:chat"], "sk-sb-abcd")
        assert await find_by_digest(session, "cd" * 32) is None
        assert await count_keys(session) == 1


async def test_duplicate_digest_fails_at_insert(sessions) -> None:
    async with sessions() as session, session.begin():
        await insert_key(session, digest="ab" * 32, prefix="sk-sb-a", name="a", permissions=[])
    async with sessions() as session:
        with pytest.raises(IntegrityError):
            await insert_key(session, digest="ab" * 32, prefix="sk-sb-b", name="b", permissions=[])


async def test_repositories_leave_the_commit_to_the_caller(sessions) -> None:
    async with sessions() as session:
        await insert_key(session, digest="ef" * 32, prefix="sk-sb-e", name="e", permissions=[])
        assert await count_keys(session) == 1
        await session.rollback()
    async with sessions() as session:
        assert await count_keys(session) == 0


async def test_credentials_being_reencrypted_are_locked_on_postgres(postgres_url) -> None:
    """rotate-master-key reads them FOR UPDATE: a credential set meanwhile has to wait."""
    engine = create_engine_from_url(postgres_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                insert(Provider).values(
                    id="p-lock",
                    name="locked",
                    type="openai",
                    base_url="http://x",
                    encrypted_credentials=b"token",
                )
            )
        sessions = session_factory(engine)
        async with sessions.begin() as rotating:
            assert [p.name for p in await all_with_credentials(rotating)] == ["locked"]
            async with engine.connect() as other:
                await other.execute(text("SET lock_timeout = '200ms'"))
                with pytest.raises(OperationalError, match="lock timeout"):
                    await other.execute(
                        update(Provider)
                        .where(Provider.id == "p-lock")
                        .values(encrypted_credentials=b"new")
                    )
    finally:
        await engine.dispose()
