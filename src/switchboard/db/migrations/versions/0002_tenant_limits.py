"""Rate limits and budgets for organizations, rate limits for users, and the index that
budgets use to sum a key's spend (issue #4).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RATE_COLUMNS = ("rate_limit_per_minute", "rate_limit_per_hour", "tokens_per_minute")
BUDGET_COLUMNS = ("daily_budget_pico_usd", "monthly_budget_pico_usd")


def upgrade() -> None:
    with op.batch_alter_table("organizations") as table:
        for name in RATE_COLUMNS:
            table.add_column(sa.Column(name, sa.Integer(), nullable=True))
        for name in BUDGET_COLUMNS:
            table.add_column(sa.Column(name, sa.BigInteger(), nullable=True))
    with op.batch_alter_table("users") as table:
        for name in RATE_COLUMNS:
            table.add_column(sa.Column(name, sa.Integer(), nullable=True))
    op.create_index("ix_llm_logs_key_created", "llm_logs", ["api_key_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_llm_logs_key_created", table_name="llm_logs")
    with op.batch_alter_table("users") as table:
        for name in reversed(RATE_COLUMNS):
            table.drop_column(name)
    with op.batch_alter_table("organizations") as table:
        for name in reversed(BUDGET_COLUMNS + RATE_COLUMNS):
            table.drop_column(name)
