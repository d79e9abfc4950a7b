"""Requests per minute and hour, tokens per minute, for a key, its user and its organization.

Windows are fixed and aligned to the wall clock (ARCHITECTURE "Details settled");
X-RateLimit-Reset is the epoch second the window ends. The headers describe the tightest
request limit; a refusal names the limit that was hit and when it resets.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from switchboard.auth.principal import Limits, Principal
from switchboard.errors import RateLimited
from switchboard.limits.counters import Charge, CounterStore

MINUTE, HOUR = 60, 3600


@dataclass(frozen=True)
class Window:
    name: str
    seconds: int


@dataclass(frozen=True)
class Slot:
    """One counter of a request, with what the client is told about it."""

    charge: Charge
    label: str
    resets_at: int
    counts_requests: bool


def _scopes(principal: Principal) -> list[tuple[str, str, Limits]]:
    scopes = [("key", principal.key_id, principal.key_limits)]
    if principal.user_id:
        scopes.append(("user", principal.user_id, principal.user_limits))
    if principal.organization_id:
        scopes.append(("organization", principal.organization_id, principal.organization_limits))
    return scopes


def _window_slot(scope: str, scope_id: str, kind: str, limit: int, window: int, now: float) -> Slot:
    index = int(now // window)
    key = f"sb:rl:{kind}:{scope}:{scope_id}:{window}:{index}"
    # Requests are counted as they arrive; tokens only checked here and added after the call.
    charge = Charge(key, limit, 1 if kind == "requests" else 0, window * 2)
    label = f"{limit} {kind} per {'minute' if window == MINUTE else 'hour'} for this {scope}"
    return Slot(charge, label, (index + 1) * window, kind == "requests")


def request_slots(principal: Principal, now: float) -> list[Slot]:
    slots = []
    for scope, scope_id, limits in _scopes(principal):
        for limit, window in (
            (limits.requests_per_minute, MINUTE),
            (limits.requests_per_hour, HOUR),
        ):
            if limit:
                slots.append(_window_slot(scope, scope_id, "requests", limit, window, now))
        if limits.tokens_per_minute:
            tpm = limits.tokens_per_minute
            slots.append(_window_slot(scope, scope_id, "tokens", tpm, MINUTE, now))
    return slots


def counts_tokens(principal: Principal) -> bool:
    """Some scope of the caller has a tokens-per-minute limit."""
    return any(limits.tokens_per_minute for _, _, limits in _scopes(principal))


def token_keys(principal: Principal, now: float) -> list[str]:
    return [s.charge.key for s in request_slots(principal, now) if not s.counts_requests]


def headers_for(slot: Slot, value: int) -> dict[str, str]:
    return {
        "x-ratelimit-limit": str(slot.charge.limit),
        "x-ratelimit-remaining": str(max(0, slot.charge.limit - value)),
        "x-ratelimit-reset": str(slot.resets_at),
    }


class RateLimiter:
    def __init__(self, store: CounterStore, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._clock = clock

    async def admit(self, principal: Principal) -> dict[str, str]:
        """Count one request; the X-RateLimit-* headers, or RateLimited."""
        now = self._clock()
        slots = request_slots(principal, now)
        if not slots:
            return {}
        verdict = await self._store.charge([s.charge for s in slots])
        if not verdict.allowed:
            assert verdict.refused is not None
            slot = slots[verdict.refused]
            raise RateLimited(
                f"Rate limit exceeded: {slot.label}. Retry after the window resets.",
                retry_after_seconds=max(1, math.ceil(slot.resets_at - now)),
                headers=headers_for(slot, verdict.values[verdict.refused]),
            )
        counted = [(s, v) for s, v in zip(slots, verdict.values, strict=True) if s.counts_requests]
        if not counted:
            return {}
        slot, value = min(counted, key=lambda sv: sv[0].charge.limit - sv[1])
        return headers_for(slot, value)

    async def record_tokens(self, principal: Principal, tokens: int) -> None:
        """Add a finished call's tokens to every tokens-per-minute window of the caller."""
        if tokens <= 0:
            return
        for key in token_keys(principal, self._clock()):
            await self._store.add(key, tokens, MINUTE * 2)
