"""Initial schema: every table of ARCHITECTURE section 4.

Written out by hand and frozen: it does not import switchboard.db.schema, so a change to the
models needs a new revision (tests/integration/db checks that models and head agree).

Revision ID: 0001
Revises:
Create Date: 2026-11-24 00:01:56.552530
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Dropped in reverse; every foreign key points to a table earlier in this list.
TABLES = (
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
)


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _id() -> sa.Column:
    return sa.Column("id", sa.String(36), nullable=False)


def _time(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _money(name: str, *, nullable: bool = False) -> sa.Column:
    """Pico-USD (10^-12 USD), or pico-USD per token for prices."""
    return sa.Column(name, sa.BigInteger(), nullable=nullable)


def _one_of(table: str, column: str, values: Sequence[str]) -> sa.CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=op.f(f"ck_{table}_{column}"))


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    referred = target.partition(".")[0]
    name = op.f(f"fk_{table}_{column}_{referred}")
    return sa.ForeignKeyConstraint([column], [target], name=name, ondelete=ondelete)


def _tenants() -> None:
    op.create_table(
        "organizations",
        _id(),
        sa.Column("name", sa.String(200), nullable=False),
        _time("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
        sa.UniqueConstraint("name", name=op.f("uq_organizations_name")),
    )
    op.create_table(
        "users",
        _id(),
        sa.Column("organization_id", sa.String(36), nullable=True),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        _time("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
        _fk("users", "organization_id", "organizations.id", "CASCADE"),
    )


def _api_keys() -> None:
    op.create_table(
        "api_keys",
        _id(),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=True),
        sa.Column("organization_id", sa.String(36), nullable=True),
        sa.Column("permissions", _json(), nullable=False),
        sa.Column("rate_limit_per_minute", sa.Integer(), nullable=True),
        sa.Column("rate_limit_per_hour", sa.Integer(), nullable=True),
        sa.Column("tokens_per_minute", sa.Integer(), nullable=True),
        _money("daily_budget_pico_usd", nullable=True),
        _money("monthly_budget_pico_usd", nullable=True),
        _time("expires_at", nullable=True),
        _time("last_used_at", nullable=True),
        _time("revoked_at", nullable=True),
        sa.Column("replaced_by_id", sa.String(36), nullable=True),
        _time("grace_until", nullable=True),
        _time("created_at"),
        _time("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
        _fk("api_keys", "user_id", "users.id", "SET NULL"),
        _fk("api_keys", "organization_id", "organizations.id", "CASCADE"),
        _fk("api_keys", "replaced_by_id", "api_keys.id", "SET NULL"),
    )
    op.create_index(op.f("ix_api_keys_organization_id"), "api_keys", ["organization_id"])


def _providers() -> None:
    op.create_table(
        "providers",
        _id(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("base_url", sa.String(2048), nullable=False),
        sa.Column("encrypted_credentials", sa.LargeBinary(), nullable=True),
        sa.Column("credentials_hint", sa.String(32), nullable=False),
        sa.Column("api_version", sa.String(32), nullable=False),
        sa.Column("timeout_ms", sa.Integer(), nullable=True),
        sa.Column("max_retries", sa.Integer(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("health_status", sa.String(16), nullable=False),
        _time("last_check_at", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        _time("created_at"),
        _time("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_providers")),
        sa.UniqueConstraint("name", name=op.f("uq_providers_name")),
    )


def _models() -> None:
    op.create_table(
        "models",
        _id(),
        sa.Column("provider_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("context_window", sa.Integer(), nullable=False),
        sa.Column("input_modalities", _json(), nullable=False),
        sa.Column("output_modalities", _json(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        _time("created_at"),
        _time("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_models")),
        sa.UniqueConstraint("provider_id", "name", name=op.f("uq_models_provider_name")),
        _fk("models", "provider_id", "providers.id", "CASCADE"),
    )
    op.create_table(
        "model_prices",
        _id(),
        sa.Column("model_id", sa.String(36), nullable=False),
        _time("effective_from"),
        _money("input_price_pico"),
        _money("output_price_pico"),
        _money("cached_input_price_pico", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_prices")),
        sa.UniqueConstraint("model_id", "effective_from", name=op.f("uq_model_prices_model_from")),
        _fk("model_prices", "model_id", "models.id", "CASCADE"),
    )
    op.create_table(
        "model_aliases",
        _id(),
        sa.Column("alias", sa.String(200), nullable=False),
        sa.Column("target", sa.String(300), nullable=False),
        _time("created_at"),
        _time("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_aliases")),
        sa.UniqueConstraint("alias", name=op.f("uq_model_aliases_alias")),
    )


def _routing_and_settings() -> None:
    op.create_table(
        "routes",
        _id(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("strategy", sa.String(32), nullable=False),
        sa.Column("targets", _json(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        _time("created_at"),
        _time("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routes")),
        sa.UniqueConstraint("name", name=op.f("uq_routes_name")),
        _one_of(
            "routes",
            "strategy",
            ("priority", "fallback", "weighted", "lowest_cost", "lowest_latency"),
        ),
    )
    op.create_table(
        "settings",
        _id(),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("scope_id", sa.String(200), nullable=False),
        sa.Column("values", _json(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _time("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settings")),
        sa.UniqueConstraint("scope", "scope_id", name=op.f("uq_settings_scope")),
        _one_of("settings", "scope", ("global", "organization", "feature", "key")),
    )
    op.create_table(
        "features",
        _id(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("system_prompt", sa.Text(), nullable=False),
        sa.Column("prompt_template", sa.Text(), nullable=False),
        sa.Column("model", sa.String(300), nullable=False),
        sa.Column("settings", _json(), nullable=False),
        sa.Column("output_schema", _json(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        _time("created_at"),
        _time("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_features")),
        sa.UniqueConstraint("name", name=op.f("uq_features_name")),
    )


_LOG_PRINCIPALS = ("user_id", "organization_id", "api_key_id")
_LOG_TOKENS = (
    "prompt_tokens",
    "completion_tokens",
    "cached_tokens",
    "reasoning_tokens",
    "total_tokens",
)

# One index per log filter, each ending in created_at (the future partition key).
_LOG_INDEXES = {
    "ix_llm_logs_created_at": ["created_at"],
    "ix_llm_logs_org_created": ["organization_id", "created_at"],
    "ix_llm_logs_user_created": ["user_id", "created_at"],
    "ix_llm_logs_provider_model_created": ["provider", "model", "created_at"],
    "ix_llm_logs_feature_created": ["feature_name", "created_at"],
    "ix_llm_logs_status_created": ["status", "created_at"],
}


def _llm_log_columns() -> list[sa.Column]:
    return [
        _id(),
        sa.Column("request_id", sa.String(128), nullable=False),
        _time("created_at"),
        *(sa.Column(name, sa.String(36), nullable=True) for name in _LOG_PRINCIPALS),
        sa.Column("provider", sa.String(100), nullable=False),
        sa.Column("model", sa.String(300), nullable=False),
        sa.Column("endpoint", sa.String(64), nullable=False),
        sa.Column("feature_name", sa.String(200), nullable=True),
        sa.Column("route", sa.String(300), nullable=True),
        sa.Column("environment", sa.String(32), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=False),
        sa.Column("error_type", sa.String(64), nullable=True),
        sa.Column("error_code", sa.String(64), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("finish_reason", sa.String(32), nullable=True),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in _LOG_TOKENS),
        _money("cost_pico_usd"),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("upstream_latency_ms", sa.Integer(), nullable=False),
        sa.Column("retries", sa.Integer(), nullable=False),
        sa.Column("stream", sa.Boolean(), nullable=False),
        sa.Column("attempts", _json(), nullable=False),
        sa.Column("request_body", _json(), nullable=True),
        sa.Column("response_body", _json(), nullable=True),
        sa.Column("redaction_status", sa.String(16), nullable=False),
        sa.Column("redaction_rules", _json(), nullable=False),
    ]


def _llm_logs() -> None:
    op.create_table(
        "llm_logs",
        *_llm_log_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_llm_logs")),
        sa.UniqueConstraint("request_id", name=op.f("uq_llm_logs_request_id")),
        _one_of("llm_logs", "status", ("success", "error")),
        _one_of("llm_logs", "redaction_status", ("pending", "completed", "failed")),
    )
    for name, columns in _LOG_INDEXES.items():
        op.create_index(op.f(name), "llm_logs", columns)


_ROLLUP_DIMENSIONS = {
    "organization_id": 36,
    "user_id": 36,
    "provider": 100,
    "model": 300,
    "feature_name": 200,
}
_ROLLUP_SUMS = (
    "requests",
    "successful_requests",
    "failed_requests",
    "prompt_tokens",
    "completion_tokens",
    "total_tokens",
    "cost_pico_usd",
    "latency_ms_sum",
)


def _usage_rollups() -> None:
    op.create_table(
        "usage_rollups",
        _id(),
        sa.Column("granularity", sa.String(8), nullable=False),
        _time("bucket_start"),
        *(sa.Column(name, sa.String(n), nullable=False) for name, n in _ROLLUP_DIMENSIONS.items()),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in _ROLLUP_SUMS),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_rollups")),
        sa.UniqueConstraint(
            "granularity",
            "bucket_start",
            *_ROLLUP_DIMENSIONS,
            name=op.f("uq_usage_rollups_bucket"),
        ),
        _one_of("usage_rollups", "granularity", ("hour", "day")),
    )


def _webhooks_and_audit() -> None:
    op.create_table(
        "webhooks",
        _id(),
        sa.Column("organization_id", sa.String(36), nullable=True),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("events", _json(), nullable=False),
        sa.Column("secret_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        _time("created_at"),
        _time("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks")),
        _fk("webhooks", "organization_id", "organizations.id", "CASCADE"),
    )
    op.create_table(
        "audit_log",
        _id(),
        _time("created_at"),
        sa.Column("actor_key_id", sa.String(36), nullable=True),
        sa.Column("actor_user_id", sa.String(36), nullable=True),
        sa.Column("organization_id", sa.String(36), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target_type", sa.String(32), nullable=False),
        sa.Column("target_id", sa.String(300), nullable=False),
        sa.Column("request_id", sa.String(128), nullable=False),
        sa.Column("details", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(
        op.f("ix_audit_log_org_created"), "audit_log", ["organization_id", "created_at"]
    )


def upgrade() -> None:
    _tenants()
    _api_keys()
    _providers()
    _models()
    _routing_and_settings()
    _llm_logs()
    _usage_rollups()
    _webhooks_and_audit()


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
