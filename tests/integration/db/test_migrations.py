"""Migrations on both backends: empty -> head creates every table, down and up again."""

from __future__ import annotations

from datetime import timedelta

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fakes.log_rows import BASE_TIME, log_row
from sqlalchemy import create_engine, inspect, text

from switchboard.db.engine import sync_url
from switchboard.db.migrate import current_revision, downgrade, upgrade
from switchboard.db.schema import Base, LlmLog

HEAD = "0005"
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
        "ix_llm_logs_request_id": ["request_id"],
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


def test_0003_rebuilds_rollups_from_the_log(database_url: str) -> None:
    downgrade(database_url, "0002")
    engine = create_engine(sync_url(database_url))
    rows = [
        log_row(0, created_at=BASE_TIME, user_id="u1", status="success"),
        log_row(1, created_at=BASE_TIME + timedelta(minutes=5), user_id="u2", status="error"),
        log_row(2, created_at=BASE_TIME + timedelta(hours=2), user_id="u1", status="success"),
    ]
    try:
        with engine.begin() as connection:
            connection.execute(LlmLog.__table__.insert(), rows)
        upgrade(database_url)
        with engine.connect() as connection:
            found = connection.execute(
                text(
                    "SELECT granularity, user_id, status, sum(requests), sum(cost_pico_usd) "
                    "FROM usage_rollups GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
                )
            ).all()
            hours = connection.execute(
                text(
                    "SELECT count(DISTINCT bucket_start) FROM usage_rollups "
                    "WHERE granularity = 'hour'"
                )
            ).scalar()
    finally:
        engine.dispose()
    cost = {i: rows[i]["cost_pico_usd"] for i in range(3)}
    expected = []
    for granularity in ("day", "hour"):
        expected += [
            (granularity, "", "error", 1, cost[1]),
            (granularity, "", "success", 2, cost[0] + cost[2]),
            (granularity, "u1", "success", 2, cost[0] + cost[2]),
            (granularity, "u2", "error", 1, cost[1]),
        ]
    assert [tuple(r) for r in found] == expected
    assert hours == 2
