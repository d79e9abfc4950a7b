"""Engines and sessions. The app uses async engines; migrations use sync ones.

URLs: `sqlite:///path` and `postgresql[+psycopg]://...` are accepted everywhere; psycopg 3
serves both the sync and the async Postgres engine, aiosqlite the async SQLite one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from psycopg.types.json import set_json_dumps
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from switchboard.db.errors import describe_connect_error
from switchboard.jsontext import dumps, dumps_str

PING_TIMEOUT_SECONDS = 2.0
CONNECT_TIMEOUT_SECONDS = 3
_PG = "postgresql+psycopg"
_SYNC_DRIVERS = {"sqlite": "sqlite", "postgresql": _PG, "postgres": _PG}
_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": _PG, "postgres": _PG}


def _with_driver(url: str, drivers: dict[str, str]) -> str:
    parsed = make_url(url)
    backend = parsed.drivername.partition("+")[0]
    if backend not in drivers:
        raise ValueError(
            f"unsupported database {backend!r}: use sqlite:/// or postgresql+psycopg://"
        )
    return parsed.set(drivername=drivers[backend]).render_as_string(hide_password=False)


def sync_url(url: str) -> str:
    return _with_driver(url, _SYNC_DRIVERS)


def async_url(url: str) -> str:
    return _with_driver(url, _ASYNC_DRIVERS)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _psycopg_fast_json(dbapi_connection: Any, _record: Any) -> None:
    """psycopg serializes JSON columns itself (SQLAlchemy's json_serializer is not used)."""
    set_json_dumps(dumps, dbapi_connection)


def create_engine_from_url(url: str) -> AsyncEngine:
    """An async engine; connects lazily, so a dead database fails at first use, not here."""
    target = async_url(url)
    if target.startswith("sqlite"):
        engine = create_async_engine(target, json_serializer=dumps_str)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_async_engine(
        target,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        pool_recycle=1800,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
    )
    event.listen(engine.sync_engine, "connect", _psycopg_fast_json)
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@contextlib.asynccontextmanager
async def one_transaction(database_url: str) -> AsyncIterator[AsyncSession]:
    """A session in one transaction on an engine of its own, disposed after (for commands)."""
    engine = create_engine_from_url(database_url)
    try:
        async with session_factory(engine).begin() as session:
            yield session
    finally:
        await engine.dispose()


async def ping(engine: AsyncEngine, seconds: float = PING_TIMEOUT_SECONDS) -> None:
    """SELECT 1, or DatabaseUnavailable (one line, password masked) within `seconds`."""
    url = engine.url.render_as_string(hide_password=False)
    try:
        async with asyncio.timeout(seconds), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except TimeoutError:
        reason = TimeoutError(f"no answer within {seconds:g} s")
        raise describe_connect_error(url, reason) from None
    except (SQLAlchemyError, OSError) as exc:
        raise describe_connect_error(url, exc) from None
