"""usage_rollups: an index leading with user_id, so analytics read either one user's rows or
the rows that sum all users (user_id '') without scanning the other kind. llm_logs: indexes
for ListLogs' other sort orders (cost, latency, tokens).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 04:20:00
"""

from collections.abc import Sequence

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


def upgrade() -> None:
    op.create_index(
        "ix_usage_rollups_user_bucket", "usage_rollups", ["user_id", "granularity", "bucket_start"]
    )
    for name, column in SORT_INDEXES.items():
        op.create_index(name, "llm_logs", [column])


def downgrade() -> None:
    for name in SORT_INDEXES:
        op.drop_index(name, table_name="llm_logs")
    op.drop_index("ix_usage_rollups_user_bucket", table_name="usage_rollups")
