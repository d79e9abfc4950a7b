"""usage_rollups: status and environment become dimensions (so ListLogs can summarise those
filters from rollups), rebuilt from llm_logs; an index leading with user_id, so analytics read
either one user's rows or the rows that sum all users (user_id '') without scanning the other
kind. llm_logs: indexes for ListLogs' other sort orders (cost, latency, tokens).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


SORT_INDEXES = {
    "ix_llm_logs_cost": "cost_pico_usd",
    "ix_llm_logs_latency": "latency_ms",
    "ix_llm_logs_tokens": "total_tokens",
}


DIMENSIONS_BEFORE = ("organization_id", "user_id", "provider", "model", "feature_name")
DIMENSIONS_AFTER = (*DIMENSIONS_BEFORE, "status", "environment")
SUMS = """count(*), sum(CASE WHEN status = 'success' THEN 1 ELSE 0 END),
  sum(CASE WHEN status = 'success' THEN 0 ELSE 1 END), sum(prompt_tokens),
  sum(completion_tokens), sum(total_tokens), sum(cost_pico_usd), sum(latency_ms)"""
# Per user, and once more under user_id '' (all users), per hour and per day.
REBUILD = """INSERT INTO usage_rollups (id, granularity, bucket_start, organization_id, user_id,
  provider, model, feature_name, status, environment, requests, successful_requests,
  failed_requests, prompt_tokens, completion_tokens, total_tokens, cost_pico_usd,
  latency_ms_sum)
SELECT {uuid}, '{granularity}', {bucket}, coalesce(organization_id, ''), {user}, provider, model,
  coalesce(feature_name, ''), status, environment, {sums}
FROM llm_logs GROUP BY 3, 4, 5, 6, 7, 8, 9, 10"""
BUCKETS = {
    "postgresql": {
        "hour": "date_trunc('hour', created_at, 'UTC')",
        "day": "date_trunc('day', created_at, 'UTC')",
    },
    "sqlite": {
        "hour": "strftime('%Y-%m-%d %H:00:00.000000', created_at)",
        "day": "strftime('%Y-%m-%d 00:00:00.000000', created_at)",
    },
}
UUIDS = {
    "postgresql": "gen_random_uuid()::text",
    "sqlite": "lower(hex(randomblob(16)))",
}


def _unique(table: object, dimensions: tuple[str, ...]) -> None:
    table.drop_constraint("uq_usage_rollups_bucket", type_="unique")  # type: ignore[attr-defined]
    table.create_unique_constraint(  # type: ignore[attr-defined]
        "uq_usage_rollups_bucket", ["granularity", "bucket_start", *dimensions]
    )


def _rebuild_rollups() -> None:
    dialect = op.get_bind().dialect.name
    op.execute("DELETE FROM usage_rollups")
    for granularity in ("hour", "day"):
        for user in ("coalesce(user_id, '')", "''"):
            op.execute(
                REBUILD.format(
                    uuid=UUIDS[dialect],
                    granularity=granularity,
                    bucket=BUCKETS[dialect][granularity],
                    user=user,
                    sums=SUMS,
                )
            )


def upgrade() -> None:
    with op.batch_alter_table("usage_rollups") as table:
        table.add_column(sa.Column("status", sa.String(8), nullable=False, server_default=""))
        table.add_column(sa.Column("environment", sa.String(32), nullable=False, server_default=""))
        _unique(table, DIMENSIONS_AFTER)
    with op.batch_alter_table("usage_rollups") as table:
        table.alter_column("status", server_default=None)
        table.alter_column("environment", server_default=None)
    _rebuild_rollups()
    op.create_index(
        "ix_usage_rollups_user_bucket", "usage_rollups", ["user_id", "granularity", "bucket_start"]
    )
    for name, column in SORT_INDEXES.items():
        op.create_index(name, "llm_logs", [column])


def downgrade() -> None:
    for name in SORT_INDEXES:
        op.drop_index(name, table_name="llm_logs")
    op.drop_index("ix_usage_rollups_user_bucket", table_name="usage_rollups")
    op.execute("DELETE FROM usage_rollups")  # rebuilt by hand if needed: sums per status differ
    with op.batch_alter_table("usage_rollups") as table:
        _unique(table, DIMENSIONS_BEFORE)
        table.drop_column("environment")
        table.drop_column("status")
