"""Start-up preparation: migrations and the bootstrap admin key, on both backends."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from switchboard.auth.keys import generate_key, key_digest
from switchboard.bootstrap import ADMIN_PERMISSIONS, prepare
from switchboard.config import Config, ConfigError
from switchboard.db.schema import ApiKey, Organization


async def stored_keys(sessions) -> list[ApiKey]:
    async with sessions() as session:
        return list(await session.scalars(select(ApiKey)))


async def test_generated_key_is_shown_once_and_stored_as_a_digest(database_url, sessions) -> None:
    config = Config(database_url=database_url)
    first = prepare(config)
    key = re.search(r"sk-sb-[0-9A-Za-z]+", first).group(0)
    assert "shown once" in first
    second = prepare(config)
    assert key not in second
    assert key[:10] in second
    [row] = await stored_keys(sessions)
    assert row.key_hash == key_digest(key)
    assert row.prefix == key[:10]
    assert set(row.permissions) == set(ADMIN_PERMISSIONS)
    async with sessions() as session:
        org = await session.get(Organization, row.organization_id)
    assert org.name == "default"


async def test_a_revoked_bootstrap_admin_is_not_minted_again(database_url, sessions) -> None:
    config = Config(database_url=database_url)
    prepare(config)
    async with sessions() as session, session.begin():
        [row] = list(await session.scalars(select(ApiKey)))
        row.revoked_at = datetime.now(UTC)
    answer = prepare(config)
    assert "none generated" in answer
    assert not re.search(r"sk-sb-[0-9A-Za-z]{20,}", answer)
    assert len(await stored_keys(sessions)) == 1


async def test_key_from_the_environment_is_registered_once(database_url, sessions) -> None:
    key = generate_key()
    config = Config(database_url=database_url, admin_key=key)
    assert "registered" in prepare(config)
    assert "already registered" in prepare(config)
    assert key not in prepare(config)
    assert [k.key_hash for k in await stored_keys(sessions)] == [key_digest(key)]


def test_malformed_admin_key_is_refused(sqlite_url) -> None:
    with pytest.raises(ConfigError, match="SWITCHBOARD_ADMIN_KEY"):
        prepare(Config(database_url=sqlite_url, admin_key="letmein"))
