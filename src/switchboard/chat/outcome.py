"""What one client request produced, and the log record it becomes."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from switchboard.auth.principal import Principal
from switchboard.domain.chat import Usage
from switchboard.errors import (
    ContextTooLong,
    InvalidRequest,
    ProviderError,
    ProviderTimeout,
    RateLimited,
    SwitchboardError,
)
from switchboard.ids import random_uuid
from switchboard.providers.errors import (
    UpstreamAuthError,
    UpstreamBadRequest,
    UpstreamContextTooLong,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamTimeout,
)

HTTP_STATUS = {
    "INVALID_ARGUMENT": 400,
    "UNAUTHENTICATED": 401,
    "PERMISSION_DENIED": 403,
    "NOT_FOUND": 404,
    "ALREADY_EXISTS": 409,
    "RESOURCE_EXHAUSTED": 429,
    "FAILED_PRECONDITION": 400,
    "UNAVAILABLE": 503,
    "DEADLINE_EXCEEDED": 504,
    "UNIMPLEMENTED": 501,
    "CANCELLED": 499,
}


def _account_problem(exc: UpstreamAuthError) -> str:
    if exc.status in (402, 429):  # payment required, or OpenAI's insufficient_quota
        return f"{exc.provider} refused the gateway's account: billing or quota"
    return f"{exc.provider} rejected the gateway's credentials (HTTP {exc.status})"


def gateway_error(exc: UpstreamError) -> SwitchboardError:
    """How an upstream failure is shown to the client. Never the provider's credentials."""
    who = exc.provider
    if isinstance(exc, UpstreamRateLimited):
        wait = math.ceil(exc.retry_after) if exc.retry_after is not None else 1
        return RateLimited(
            f"{who} is rate limiting requests; retry later", retry_after_seconds=wait
        )
    if isinstance(exc, UpstreamContextTooLong):
        return ContextTooLong(f"{who}: {exc.message}", param="messages")
    if isinstance(exc, UpstreamBadRequest):
        return InvalidRequest(f"{who} rejected the request: {exc.message}")
    if isinstance(exc, UpstreamAuthError):
        return ProviderError(_account_problem(exc))
    if isinstance(exc, UpstreamTimeout):
        return ProviderTimeout(f"{who} did not answer in time")
    return ProviderError(f"{who} failed: {exc.message}")


@dataclass(frozen=True)
class Attempt:
    provider: str
    model: str
    status: str
    error: str
    latency_ms: int

    def as_json(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "model": self.model,
            "status": self.status,
            "error": self.error,
            "latency_ms": self.latency_ms,
        }


@dataclass(frozen=True)
class CallContext:
    """Who asked: for budgets and token limits (principal) and for the log."""

    request_id: str
    endpoint: str
    environment: str
    stream: bool
    request_body: dict[str, Any] | None
    api_key_id: str | None = None
    user_id: str | None = None
    organization_id: str | None = None
    feature_name: str | None = None
    route: str | None = None
    principal: Principal | None = None


def _cut(text: str | None, size: int) -> str | None:
    """A caller-given name, cut to its column's size (the database would refuse the row)."""
    return text[:size] if text is not None else None


def caller_fields(principal: Principal | None) -> dict[str, Any]:
    """CallContext fields naming the caller; the log's user is the principal's subject (its
    user, or the key itself when it has none), which is what logs:read:own matches."""
    if principal is None:
        return {}
    return {
        "principal": principal,
        "api_key_id": principal.key_id,
        "user_id": principal.subject,
        "organization_id": principal.organization_id,
    }


@dataclass
class Outcome:
    provider: str = ""
    model: str = ""
    usage: Usage = field(default_factory=Usage)
    cost_pico: int = 0
    finish_reason: str | None = None
    attempts: list[Attempt] = field(default_factory=list)
    error: SwitchboardError | None = None
    latency_ms: int = 0
    upstream_latency_ms: int = 0
    response_body: dict[str, Any] | None = None
    # The provider reported no usage; the tokens (and cost) are estimate.estimated_usage's.
    usage_estimated: bool = False

    def log_record(self, ctx: CallContext) -> dict[str, Any]:
        """One llm_logs row (column -> value)."""
        failed = self.error is not None
        return {
            "id": random_uuid(),
            "request_id": ctx.request_id,
            "created_at": datetime.now(UTC),
            "user_id": ctx.user_id,
            "organization_id": ctx.organization_id,
            "api_key_id": ctx.api_key_id,
            "provider": self.provider[:100],
            "model": self.model[:300],
            "endpoint": ctx.endpoint,
            "feature_name": _cut(ctx.feature_name, 200),
            "route": _cut(ctx.route, 300),
            "environment": ctx.environment,
            "status": "error" if failed else "success",
            "http_status": HTTP_STATUS.get(self.error.status.name, 500) if failed else 200,
            "error_type": self.error.type if failed else None,
            "error_code": self.error.code if failed else None,
            "error_message": self.error.message if failed else None,
            "finish_reason": self.finish_reason,
            "prompt_tokens": self.usage.prompt_tokens,
            "completion_tokens": self.usage.completion_tokens,
            "cached_tokens": self.usage.cached_tokens,
            "reasoning_tokens": self.usage.reasoning_tokens,
            "total_tokens": self.usage.total_tokens,
            "cost_pico_usd": self.cost_pico,
            "latency_ms": self.latency_ms,
            "upstream_latency_ms": self.upstream_latency_ms,
            "retries": max(0, len(self.attempts) - 1),
            "stream": ctx.stream,
            "attempts": [a.as_json() for a in self.attempts],
            "request_body": ctx.request_body,
            "response_body": self._response_json(),
            "redaction_status": "pending",
            "redaction_rules": [],
        }

    def _response_json(self) -> dict[str, Any] | None:
        if self.usage_estimated and self.response_body is not None:
            return {**self.response_body, "usage_estimated": True}
        return self.response_body
