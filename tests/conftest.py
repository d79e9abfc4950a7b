"""Shared fixtures: throw-away migrated databases on SQLite and on the real Postgres.

- `database_url`: parametrized, ids "sqlite" and "postgres"; a sync-style URL
  (`sqlite:///...` or `postgresql+psycopg://...`) of a fresh database at Alembic head.
- `sqlite_url`, `postgres_url`: the same for one backend.
- `engine` (AsyncEngine on `database_url`, disposed afterwards), `session_factory`
  (async_sessionmaker, expire_on_commit=False; `sessions` is the same fixture).
- `empty_postgres_url`: an unmigrated Postgres database for the whole session.

Each run migrates one template per backend, then every test gets a copy of it (a file copy
for SQLite, CREATE DATABASE ... TEMPLATE for Postgres), dropped afterwards. Postgres is found
through SWITCHBOARD_TEST_PG_ADMIN_URL (default postgresql://root@127.0.0.1:5432/test, then
user postgres). If it is unreachable the postgres tests FAIL with the reason; never skipped.
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

from switchboard.config import mask_url_password
from switchboard.db import engine as db_engine
from switchboard.db.migrate import upgrade

DEFAULT_PG_ADMIN_URL = "postgresql://root@127.0.0.1:5432/test"
FALLBACK_PG_USER = "postgres"


def _libpq(url: str, **changes: str) -> str:
    """The URL as psycopg.connect() takes it (no SQLAlchemy driver suffix)."""
    parsed = make_url(url).set(drivername="postgresql", **changes)
    return parsed.render_as_string(hide_password=False)


def _first_reachable(candidates: list[str]) -> str:
    failures = []
    for url in candidates:
        try:
            with psycopg.connect(url, connect_timeout=5):
                return url
        except psycopg.OperationalError as exc:
            reason = " ".join(str(exc).split())
            failures.append(f"{mask_url_password(url)}: {reason}")
    pytest.fail(
        "Postgres is required for the postgres tests (set SWITCHBOARD_TEST_PG_ADMIN_URL); "
        + "; ".join(failures),
        pytrace=False,
    )


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    """A reachable admin URL (libpq form); the fallback user is tried if the first fails."""
    configured = _libpq(os.environ.get("SWITCHBOARD_TEST_PG_ADMIN_URL", DEFAULT_PG_ADMIN_URL))
    return _first_reachable([configured, _libpq(configured, username=FALLBACK_PG_USER)])


class _PgDatabases:
    """CREATE/DROP DATABASE on the admin connection; URLs for SQLAlchemy."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url

    def url(self, name: str) -> str:
        url = make_url(self.admin_url).set(drivername="postgresql+psycopg", database=name)
        return url.render_as_string(hide_password=False)

    def create(self, prefix: str, template: str = "template0") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return name

    def drop(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _execute(self, sql: str) -> None:
        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=5) as admin:
            admin.execute(sql)


@pytest.fixture(scope="session")
def pg_databases(pg_admin_url: str) -> _PgDatabases:
    return _PgDatabases(pg_admin_url)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template(pg_databases: _PgDatabases) -> Iterator[str]:
    name = pg_databases.create("sb_tpl")
    try:
        upgrade(pg_databases.url(name))
        yield name
    finally:
        pg_databases.drop(name)


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "switchboard.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def postgres_url(pg_databases: _PgDatabases, postgres_template: str) -> Iterator[str]:
    name = pg_databases.create("sb_test", template=postgres_template)
    try:
        yield pg_databases.url(name)
    finally:
        pg_databases.drop(name)


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
    ids=["sqlite", "postgres"],
)
def database_url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    async_engine = db_engine.create_engine_from_url(database_url)
    yield async_engine
    await async_engine.dispose()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return db_engine.session_factory(engine)


@pytest.fixture
def sessions(session_factory: async_sessionmaker[AsyncSession]) -> async_sessionmaker[AsyncSession]:
    """Alias of `session_factory`."""
    return session_factory


@pytest.fixture(scope="session")
def empty_postgres_url(pg_databases: _PgDatabases) -> Iterator[str]:
    """An empty (unmigrated) Postgres database for the whole session."""
    name = pg_databases.create("sb_empty")
    try:
        yield pg_databases.url(name)
    finally:
        pg_databases.drop(name)
