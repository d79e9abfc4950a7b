"""Apply Alembic migrations programmatically (no alembic.ini at the repo root)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, pool
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from switchboard.db.engine import sync_url
from switchboard.db.errors import describe_connect_error

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(database_url: str) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation: a literal % in a password must be doubled.
    config.set_main_option("sqlalchemy.url", sync_url(database_url).replace("%", "%%"))
    return config


def _ensure_sqlite_directory(database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate to `revision`; a database that cannot be reached raises DatabaseUnavailable."""
    try:
        _ensure_sqlite_directory(database_url)
        command.upgrade(alembic_config(database_url), revision)
    except (SQLAlchemyError, OSError) as exc:
        raise describe_connect_error(database_url, exc) from None


def downgrade(database_url: str, revision: str = "base") -> None:
    try:
        command.downgrade(alembic_config(database_url), revision)
    except (SQLAlchemyError, OSError) as exc:
        raise describe_connect_error(database_url, exc) from None


def current_revision(database_url: str) -> str | None:
    engine = create_engine(sync_url(database_url), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as exc:
        raise describe_connect_error(database_url, exc) from None
    finally:
        engine.dispose()
