"""The seed plan's two example features, `analyze-industry` and `generate-suggestions`, on
the built-in echo model (which answers a json_schema request with a document satisfying it),
so POST /api/v1/features/{name} works on a fresh install. Existing rows are left alone.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 04:40:00
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from switchboard.settings._seeds import SEED_FEATURES

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FEATURES = sa.table(
    "features",
    sa.column("id", sa.String),
    sa.column("name", sa.String),
    sa.column("description", sa.Text),
    sa.column("system_prompt", sa.Text),
    sa.column("prompt_template", sa.Text),
    sa.column("model", sa.String),
    sa.column("settings", sa.JSON),
    sa.column("output_schema", sa.JSON),
    sa.column("enabled", sa.Boolean),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    bind = op.get_bind()
    present = set(bind.scalars(sa.select(FEATURES.c.name)))
    now = datetime.now(UTC)
    rows = [
        {**feature, "id": str(uuid.uuid4()), "created_at": now, "updated_at": now}
        for feature in SEED_FEATURES
        if feature["name"] not in present
    ]
    if rows:
        op.bulk_insert(FEATURES, rows)


def downgrade() -> None:
    names = [feature["name"] for feature in SEED_FEATURES]
    op.execute(FEATURES.delete().where(FEATURES.c.name.in_(names)))
