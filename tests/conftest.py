"""Shared fixtures: throw-away migrated databases on SQLite and on the real Postgres.

Each run migrates one template per backend, then every test gets a fresh copy of it
(a file copy for SQLite, CREATE DATABASE ... TEMPLATE for Postgres), dropped afterwards.
If Postgres is unreachable the postgres tests FAIL with the reason; they are never skipped.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from switchboard.db.engine import create_engine_from_url, session_factory
from switchboard.db.migrate import upgrade

PG_ADMIN_URL = os.environ.get(
    "SWITCHBOARD_TEST_PG_ADMIN_URL", "postgresql://root@127.0.0.1:5432/test"
)


def _pg_admin() -> psycopg.Connection:
    try:
        return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as first:
        fallback = make_url(PG_ADMIN_URL).set(username="postgres").render_as_string(False)
        try:
            return psycopg.connect(fallback, autocommit=True, connect_timeout=5)
        except psycopg.OperationalError:
            pytest.fail(f"Postgres is required for the postgres tests: {first}", pytrace=False)


def _pg_url(database: str) -> str:
    url = make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg", database=database)
    return url.render_as_string(hide_password=False)


def _drop(admin: psycopg.Connection, database: str) -> None:
    admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    name = f"sb_tpl_{uuid.uuid4().hex[:12]}"
    with _pg_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            upgrade(_pg_url(name))
            yield name
        finally:
            _drop(admin, name)


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "switchboard.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def postgres_url(postgres_template: str) -> Iterator[str]:
    name = f"sb_test_{uuid.uuid4().hex[:12]}"
    with _pg_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"')
        try:
            yield _pg_url(name)
        finally:
            _drop(admin, name)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine_from_url(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.fixture(scope="session")
def empty_postgres_url() -> Iterator[str]:
    """An empty (unmigrated) Postgres database for the whole session."""
    name = f"sb_empty_{uuid.uuid4().hex[:12]}"
    with _pg_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield _pg_url(name)
        finally:
            _drop(admin, name)
