"""llm_logs: the log writer's idempotency key becomes the row id (made by the server when the
call finishes, kept through spool and replay), and request_id an ordinary index. request_id
may come from the caller's x-request-id; as the unique key, a second request sending the same
one was silently left out of the logs, the rollups and budget re-seeding.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 14:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("llm_logs") as batch:
        batch.drop_constraint("uq_llm_logs_request_id", type_="unique")
        batch.create_index("ix_llm_logs_request_id", ["request_id"])


def downgrade() -> None:
    """Fails if two rows share a request_id: choose which to keep first."""
    with op.batch_alter_table("llm_logs") as batch:
        batch.drop_index("ix_llm_logs_request_id")
        batch.create_unique_constraint("uq_llm_logs_request_id", ["request_id"])
