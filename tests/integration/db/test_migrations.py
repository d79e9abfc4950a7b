"""Migrations on both backends: empty -> head creates every table, down and up again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from switchboard.db.engine import sync_url
from switchboard.db.migrate import current_revision, downgrade, upgrade
from switchboard.db.schema import Base

HEAD = "0003"
TABLES = {
    "organizations",
    "users",
    "api_keys",
    "providers",
    "models",
    "model_prices",
    "model_aliases",
    "routes",
    "settings",
    "features",
    "llm_logs",
    "usage_rollups",
    "webhooks",
    "audit_log",
}


def table_names(database_url: str) -> set[str]:
    engine = create_engine(sync_url(database_url))
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_head_creates_every_table_of_the_schema(database_url: str) -> None:
    assert current_revision(database_url) == HEAD
    assert table_names(database_url) == TABLES == set(Base.metadata.tables)


def test_head_matches_the_models(database_url: str) -> None:
    engine = create_engine(sync_url(database_url))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_down_to_base_and_up_again(database_url: str) -> None:
    downgrade(database_url, "base")
    assert current_revision(database_url) is None
    assert table_names(database_url) == set()
    upgrade(database_url)
    assert current_revision(database_url) == HEAD
    assert table_names(database_url) == TABLES


def test_migrating_twice_is_a_no_op(database_url: str) -> None:
    upgrade(database_url)
    assert current_revision(database_url) == HEAD


def test_empty_postgres_database_migrates_from_scratch(pg_databases) -> None:
    name = pg_databases.create("sb_scratch")
    try:
        url = pg_databases.url(name)
        assert current_revision(url) is None
        upgrade(url)
        assert table_names(url) == TABLES
    finally:
        pg_databases.drop(name)


def test_sqlite_file_and_its_missing_directories_are_created(tmp_path) -> None:
    path = tmp_path / "var" / "nested" / "switchboard.db"
    upgrade(f"sqlite:///{path}")
    assert path.is_file()
    assert current_revision(f"sqlite:///{path}") == HEAD


def test_log_indexes_fit_the_filters(database_url: str) -> None:
    engine = create_engine(sync_url(database_url))
    try:
        indexes = {
            ix["name"]: ix["column_names"]
            for ix in inspect(engine).get_indexes("llm_logs")
            if not ix.get("duplicates_constraint")  # Postgres lists the unique key's index
        }
    finally:
        engine.dispose()
    assert indexes == {
        "ix_llm_logs_created_at": ["created_at"],
        "ix_llm_logs_org_created": ["organization_id", "created_at"],
        "ix_llm_logs_user_created": ["user_id", "created_at"],
        "ix_llm_logs_key_created": ["api_key_id", "created_at"],
        "ix_llm_logs_cost": ["cost_pico_usd"],
        "ix_llm_logs_latency": ["latency_ms"],
        "ix_llm_logs_tokens": ["total_tokens"],
        "ix_llm_logs_provider_model_created": ["provider", "model", "created_at"],
        "ix_llm_logs_feature_created": ["feature_name", "created_at"],
        "ix_llm_logs_status_created": ["status", "created_at"],
    }
