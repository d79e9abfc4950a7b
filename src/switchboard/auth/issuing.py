"""What a new key may be: validated fields, and the rule that nobody grants more than they hold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from switchboard.auth import permissions as perms
from switchboard.auth.keys import display_prefix, generate_key, key_digest
from switchboard.auth.principal import Principal
from switchboard.db.repositories import api_keys
from switchboard.db.schema import ApiKey
from switchboard.errors import Forbidden, InvalidRequest
from switchboard.money import InvalidPrice, usd_to_pico

MAX_NAME = 200


@dataclass(frozen=True)
class KeySpec:
    name: str
    permissions: list[str]
    organization_id: str | None
    user_id: str | None
    rate_limit_per_minute: int | None
    rate_limit_per_hour: int | None
    tokens_per_minute: int | None
    daily_budget_pico_usd: int | None
    monthly_budget_pico_usd: int | None
    expires_at: datetime | None

    def columns(self) -> dict[str, object]:
        """The api_keys columns besides digest, prefix, name, permissions and organization."""
        return {
            "user_id": self.user_id,
            "rate_limit_per_minute": self.rate_limit_per_minute,
            "rate_limit_per_hour": self.rate_limit_per_hour,
            "tokens_per_minute": self.tokens_per_minute,
            "daily_budget_pico_usd": self.daily_budget_pico_usd,
            "monthly_budget_pico_usd": self.monthly_budget_pico_usd,
            "expires_at": self.expires_at,
        }


def limit(value: int, param: str) -> int | None:
    """0 = no limit; negative is an error."""
    if value < 0:
        raise InvalidRequest(f"{param} must be >= 0 (0 = no limit), got {value}", param=param)
    return value or None


MAX_BUDGET_USD = 1_000_000  # pico-USD of it fit a BIGINT with room to add a period's spend
MAX_BUDGET_PICO = MAX_BUDGET_USD * 10**12
MAX_USER_ID = 36


def user_id(text: str) -> str | None:
    cleaned = text.strip()
    if len(cleaned) > MAX_USER_ID:
        raise InvalidRequest(f"user_id must be at most {MAX_USER_ID} characters", param="user_id")
    return cleaned or None


def budget(text: str, param: str) -> int | None:
    """A decimal USD string -> pico-USD; empty = no budget."""
    if not text.strip():
        return None
    try:
        pico = usd_to_pico(text)
    except InvalidPrice as exc:
        raise InvalidRequest(f"{param}: {exc}", param=param) from None
    if pico > MAX_BUDGET_PICO:
        raise InvalidRequest(f"{param}: at most ${MAX_BUDGET_USD:,}", param=param)
    return pico


def name(text: str) -> str:
    cleaned = text.strip()
    if not cleaned or len(cleaned) > MAX_NAME:
        raise InvalidRequest(f"name must be 1-{MAX_NAME} characters", param="name")
    return cleaned


def at_most(requested: int | None, ceiling: int | None) -> int | None:
    """A limit no wider than the granter's own (None = unlimited)."""
    if ceiling is None:
        return requested
    return ceiling if requested is None else min(requested, ceiling)


def expiry(moment: datetime | None, now: datetime, granter: Principal) -> datetime | None:
    """When the new key stops working: never after the key that creates it."""
    if moment is not None and moment <= now:
        raise InvalidRequest("expires_at must be in the future", param="expires_at")
    ceiling = granter.expires_at
    if ceiling is not None and (moment is None or moment > ceiling):
        return ceiling
    return moment


def grantable(requested: list[str], granter: Principal) -> list[str]:
    """The validated permissions, or PERMISSION_DENIED for one the granter does not hold."""
    checked = perms.validate(requested)
    for permission in perms.normalize(checked):
        if not perms.implied_by(granter.permissions, permission):
            raise Forbidden(f"You cannot grant {permission!r}: your key does not hold it.")
    return checked


def organization_for(requested: str, granter: Principal) -> str | None:
    """A key is created in the granter's organization unless a global admin names another."""
    if not requested or requested == granter.organization_id:
        return granter.organization_id
    if not granter.is_global:
        raise Forbidden("Only an admin with logs:read:all may create keys in another organization.")
    return requested


async def issue_key(session: AsyncSession, spec: KeySpec) -> tuple[ApiKey, str]:
    """Insert a key for `spec` (creating its organization/user if new); the row and secret."""
    await api_keys.ensure_tenant(session, spec.organization_id, spec.user_id)
    secret = generate_key()
    row = await api_keys.insert_key(
        session,
        digest=key_digest(secret),
        prefix=display_prefix(secret),
        name=spec.name,
        permissions=spec.permissions,
        organization_id=spec.organization_id,
        **spec.columns(),
    )
    return row, secret


def spec_of(row: ApiKey) -> KeySpec:
    return KeySpec(
        name=row.name,
        permissions=list(row.permissions or ()),
        organization_id=row.organization_id,
        user_id=row.user_id,
        rate_limit_per_minute=row.rate_limit_per_minute,
        rate_limit_per_hour=row.rate_limit_per_hour,
        tokens_per_minute=row.tokens_per_minute,
        daily_budget_pico_usd=row.daily_budget_pico_usd,
        monthly_budget_pico_usd=row.monthly_budget_pico_usd,
        expires_at=row.expires_at,
    )
