"""The whole schema (ARCHITECTURE section 4), one definition for SQLite and Postgres.

Conventions:
- ids are 36-character UUID strings (uuid4 text), generated in Python;
- times are timezone-aware and read back in UTC on both backends (`UtcDateTime`); naive
  datetimes are refused rather than guessed;
- money is an integer count of pico-USD (10^-12 USD) and prices are integer pico-USD per
  token ($/Mtok x 10^6), so every cost is exact integer arithmetic (see switchboard.money);
- JSON columns are JSON on SQLite and JSONB on Postgres;
- closed vocabularies (statuses, scopes, strategies) are CHECK constraints;
- '' rather than NULL stands for "absent" wherever a column is part of a unique key.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from switchboard.ids import random_uuid

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonValue = JSON().with_variant(JSONB(), "postgresql")
Money = BigInteger  # pico-USD


ROUTE_STRATEGIES = ("priority", "fallback", "weighted", "lowest_cost", "lowest_latency")
SETTING_SCOPES = ("global", "organization", "feature", "key")
LOG_STATUSES = ("success", "error")
REDACTION_STATUSES = ("pending", "completed", "failed")
ROLLUP_GRANULARITIES = ("hour", "day")


def one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name)


class UtcDateTime(TypeDecorator[datetime]):
    """TIMESTAMPTZ on Postgres; on SQLite (which drops offsets) values are stored as UTC.

    Either way an aware datetime goes in and an aware UTC datetime comes out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()}: pass a timezone-aware one")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def new_id() -> str:
    return random_uuid()


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy's declared configuration
        datetime: UtcDateTime(),
        dict[str, Any]: JsonValue,
        list[Any]: JsonValue,
        bytes: LargeBinary,
    }


def id_column() -> Mapped[str]:
    return mapped_column(String(36), primary_key=True, default=new_id)


def created_column() -> Mapped[datetime]:
    return mapped_column(default=utcnow)


def updated_column() -> Mapped[datetime]:
    return mapped_column(default=utcnow, onupdate=utcnow)


class Organization(Base):
    __tablename__ = "organizations"
    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # Limits shared by every key of the organization; NULL = none.
    rate_limit_per_minute: Mapped[int | None]
    rate_limit_per_hour: Mapped[int | None]
    tokens_per_minute: Mapped[int | None]
    daily_budget_pico_usd: Mapped[int | None] = mapped_column(Money)
    monthly_budget_pico_usd: Mapped[int | None] = mapped_column(Money)
    created_at: Mapped[datetime] = created_column()


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = id_column()
    organization_id: Mapped[str | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    # Limits shared by every key of the user; NULL = none.
    rate_limit_per_minute: Mapped[int | None]
    rate_limit_per_hour: Mapped[int | None]
    tokens_per_minute: Mapped[int | None]
    created_at: Mapped[datetime] = created_column()


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[str] = id_column()
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    organization_id: Mapped[str | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    permissions: Mapped[list[Any]] = mapped_column(default=list)
    rate_limit_per_minute: Mapped[int | None]
    rate_limit_per_hour: Mapped[int | None]
    tokens_per_minute: Mapped[int | None]
    daily_budget_pico_usd: Mapped[int | None] = mapped_column(Money)
    monthly_budget_pico_usd: Mapped[int | None] = mapped_column(Money)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    # Rotation: the key that replaced this one; this one stays valid until grace_until.
    replaced_by_id: Mapped[str | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="SET NULL")
    )
    grace_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()


class Provider(Base):
    __tablename__ = "providers"
    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(String(100), unique=True)
    type: Mapped[str] = mapped_column(String(32))
    base_url: Mapped[str] = mapped_column(String(2048), default="")
    encrypted_credentials: Mapped[bytes | None]
    credentials_hint: Mapped[str] = mapped_column(String(32), default="")
    api_version: Mapped[str] = mapped_column(String(32), default="")
    timeout_ms: Mapped[int | None]
    max_retries: Mapped[int | None]
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    health_status: Mapped[str] = mapped_column(String(16), default="unknown")
    last_check_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()


class Model(Base):
    """An upstream model of a provider. Its public id is "<provider.name>/<name>"; `name` is
    the upstream's own id and may itself contain '/' (e.g. "meta-llama/Llama-3-70b")."""

    __tablename__ = "models"
    __table_args__ = (UniqueConstraint("provider_id", "name", name="uq_models_provider_name"),)
    id: Mapped[str] = id_column()
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    context_window: Mapped[int] = mapped_column(Integer, default=0)
    input_modalities: Mapped[list[Any]] = mapped_column(default=lambda: ["text"])
    output_modalities: Mapped[list[Any]] = mapped_column(default=lambda: ["text"])
    description: Mapped[str] = mapped_column(Text, default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()


class ModelPrice(Base):
    """A price valid from `effective_from` until the next one: old logs keep old prices.

    Prices are integer pico-USD per token: "0.15" $/Mtok is 150_000.
    """

    __tablename__ = "model_prices"
    __table_args__ = (
        UniqueConstraint("model_id", "effective_from", name="uq_model_prices_model_from"),
    )
    id: Mapped[str] = id_column()
    model_id: Mapped[str] = mapped_column(ForeignKey("models.id", ondelete="CASCADE"))
    effective_from: Mapped[datetime] = mapped_column(default=utcnow)
    input_price_pico: Mapped[int] = mapped_column(Money, default=0)
    output_price_pico: Mapped[int] = mapped_column(Money, default=0)
    cached_input_price_pico: Mapped[int | None] = mapped_column(Money)


class ModelAlias(Base):
    """`alias` (what a request names) -> `target` ("provider/model" or a route name)."""

    __tablename__ = "model_aliases"
    id: Mapped[str] = id_column()
    alias: Mapped[str] = mapped_column(String(200), unique=True)
    target: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()


class Route(Base):
    __tablename__ = "routes"
    __table_args__ = (one_of("strategy", ROUTE_STRATEGIES, "strategy"),)
    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(String(200), unique=True)
    strategy: Mapped[str] = mapped_column(String(32))
    # [{"model": "provider/model", "weight": 1}, ...]
    targets: Mapped[list[Any]] = mapped_column(default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()


class Setting(Base):
    __tablename__ = "settings"
    __table_args__ = (
        UniqueConstraint("scope", "scope_id", name="uq_settings_scope"),
        one_of("scope", SETTING_SCOPES, "scope"),
    )
    id: Mapped[str] = id_column()
    scope: Mapped[str] = mapped_column(String(16))
    # '' for the global scope, so the unique key holds on every database.
    scope_id: Mapped[str] = mapped_column(String(200), default="")
    values: Mapped[dict[str, Any]] = mapped_column(default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = updated_column()


class Feature(Base):
    __tablename__ = "features"
    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    system_prompt: Mapped[str] = mapped_column(Text, default="")
    prompt_template: Mapped[str] = mapped_column(Text)
    model: Mapped[str] = mapped_column(String(300))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    output_schema: Mapped[dict[str, Any] | None]
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()


class LlmLog(Base):
    """One row per client request (success or error, streaming or not).

    `id` is made when the call finishes and kept through spool and replay: the asynchronous
    log writer inserts idempotently on it, so a replayed spool never writes a record twice.
    `request_id` is indexed, not unique (it may be the caller's x-request-id). On Postgres the
    table is designed to be range-partitioned by `created_at` (monthly): the listing indexes
    include created_at, and the primary key would become (id, created_at).
    """

    __tablename__ = "llm_logs"
    __table_args__ = (
        Index("ix_llm_logs_org_created", "organization_id", "created_at"),
        Index("ix_llm_logs_user_created", "user_id", "created_at"),
        Index("ix_llm_logs_key_created", "api_key_id", "created_at"),
        # The other sort orders of ListLogs (newest-first uses created_at).
        Index("ix_llm_logs_cost", "cost_pico_usd"),
        Index("ix_llm_logs_latency", "latency_ms"),
        Index("ix_llm_logs_tokens", "total_tokens"),
        Index("ix_llm_logs_provider_model_created", "provider", "model", "created_at"),
        Index("ix_llm_logs_feature_created", "feature_name", "created_at"),
        Index("ix_llm_logs_status_created", "status", "created_at"),
        one_of("status", LOG_STATUSES, "status"),
        one_of("redaction_status", REDACTION_STATUSES, "redaction_status"),
    )
    id: Mapped[str] = id_column()
    # Not unique: it may be the caller's x-request-id. The writer is idempotent on `id`.
    request_id: Mapped[str] = mapped_column(String(128), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[str | None] = mapped_column(String(36))
    organization_id: Mapped[str | None] = mapped_column(String(36))
    api_key_id: Mapped[str | None] = mapped_column(String(36))
    provider: Mapped[str] = mapped_column(String(100), default="")
    model: Mapped[str] = mapped_column(String(300), default="")
    endpoint: Mapped[str] = mapped_column(String(64), default="")
    feature_name: Mapped[str | None] = mapped_column(String(200))
    route: Mapped[str | None] = mapped_column(String(300))
    environment: Mapped[str] = mapped_column(String(32), default="development")
    status: Mapped[str] = mapped_column(String(8))
    http_status: Mapped[int] = mapped_column(Integer, default=200)
    error_type: Mapped[str | None] = mapped_column(String(64))
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    finish_reason: Mapped[str | None] = mapped_column(String(32))
    prompt_tokens: Mapped[int] = mapped_column(Integer, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cached_tokens: Mapped[int] = mapped_column(Integer, default=0)
    reasoning_tokens: Mapped[int] = mapped_column(Integer, default=0)
    total_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cost_pico_usd: Mapped[int] = mapped_column(Money, default=0)
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    upstream_latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    retries: Mapped[int] = mapped_column(Integer, default=0)
    stream: Mapped[bool] = mapped_column(Boolean, default=False)
    # [{"provider", "model", "status", "error", "latency_ms"}, ...]
    attempts: Mapped[list[Any]] = mapped_column(default=list)
    request_body: Mapped[dict[str, Any] | None]
    response_body: Mapped[dict[str, Any] | None]
    redaction_status: Mapped[str] = mapped_column(String(16), default="pending")
    redaction_rules: Mapped[list[Any]] = mapped_column(default=list)


class UsageRollup(Base):
    """Hourly and daily sums, maintained incrementally; '' stands for an absent dimension."""

    __tablename__ = "usage_rollups"
    __table_args__ = (
        UniqueConstraint(
            "granularity",
            "bucket_start",
            "organization_id",
            "user_id",
            "provider",
            "model",
            "feature_name",
            "status",
            "environment",
            name="uq_usage_rollups_bucket",
        ),
        # Analytics read one user's rows, or the rows summing all users (user_id '').
        Index("ix_usage_rollups_user_bucket", "user_id", "granularity", "bucket_start"),
        one_of("granularity", ROLLUP_GRANULARITIES, "granularity"),
    )
    id: Mapped[str] = id_column()
    granularity: Mapped[str] = mapped_column(String(8))
    bucket_start: Mapped[datetime]
    organization_id: Mapped[str] = mapped_column(String(36), default="")
    user_id: Mapped[str] = mapped_column(String(36), default="")
    provider: Mapped[str] = mapped_column(String(100), default="")
    model: Mapped[str] = mapped_column(String(300), default="")
    feature_name: Mapped[str] = mapped_column(String(200), default="")
    # "success" | "error": so the ListLogs summary can filter by status from rollups.
    status: Mapped[str] = mapped_column(String(8), default="")
    environment: Mapped[str] = mapped_column(String(32), default="")
    requests: Mapped[int] = mapped_column(BigInteger, default=0)
    successful_requests: Mapped[int] = mapped_column(BigInteger, default=0)
    failed_requests: Mapped[int] = mapped_column(BigInteger, default=0)
    prompt_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    completion_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    total_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    cost_pico_usd: Mapped[int] = mapped_column(Money, default=0)
    latency_ms_sum: Mapped[int] = mapped_column(BigInteger, default=0)


class Webhook(Base):
    __tablename__ = "webhooks"
    id: Mapped[str] = id_column()
    organization_id: Mapped[str | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[list[Any]] = mapped_column(default=list)
    secret_encrypted: Mapped[bytes | None]
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()


class AuditEvent(Base):
    """An admin action. `details` never holds a secret."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_org_created", "organization_id", "created_at"),)
    id: Mapped[str] = id_column()
    created_at: Mapped[datetime] = created_column()
    actor_key_id: Mapped[str | None] = mapped_column(String(36))
    actor_user_id: Mapped[str | None] = mapped_column(String(36))
    organization_id: Mapped[str | None] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(300), default="")
    request_id: Mapped[str] = mapped_column(String(128), default="")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
