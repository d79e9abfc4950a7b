"""Who is calling: an API key with its owner, organization, permissions and limits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from switchboard.auth.permissions import LOGS_READ_ALL


@dataclass(frozen=True)
class Limits:
    """Rate limits and budgets of one scope (key, user or organization); None = no limit."""

    requests_per_minute: int | None = None
    requests_per_hour: int | None = None
    tokens_per_minute: int | None = None
    daily_budget_pico: int | None = None
    monthly_budget_pico: int | None = None


@dataclass(frozen=True)
class Principal:
    key_id: str
    key_name: str
    user_id: str | None
    organization_id: str | None
    permissions: frozenset[str]
    key_limits: Limits = field(default_factory=Limits)
    user_limits: Limits = field(default_factory=Limits)
    organization_limits: Limits = field(default_factory=Limits)
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    # Set on a rotated-out key: it keeps working until then.
    grace_until: datetime | None = None

    @property
    def subject(self) -> str:
        """The "own" in logs:read:own: the user, or the key itself when it has no user."""
        return self.user_id or self.key_id

    @property
    def is_global(self) -> bool:
        """May act on every organization (the admin's logs:read:all)."""
        return LOGS_READ_ALL in self.permissions

    def has_any(self, permissions: Iterable[str]) -> bool:
        return any(p in self.permissions for p in permissions)

    def unusable_reason(self, now: datetime) -> str | None:
        """Why the key may not be used at `now`, or None if it may."""
        if self.revoked_at is not None and self.revoked_at <= now:
            return "This API key has been revoked."
        if self.grace_until is not None and self.grace_until <= now:
            return "This API key was rotated and its grace period is over."
        if self.expires_at is not None and self.expires_at <= now:
            return "This API key has expired."
        return None
