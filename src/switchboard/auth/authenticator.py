"""Authentication on the hot path: the presented key -> a cached Principal.

A key's digest maps to its principal (or to "no such key") for `ttl` seconds, so a revoked or
expired key stops working within ttl + the time a lookup takes, and unknown keys cannot hammer
the database. Concurrent misses for one digest share one lookup. `last_used_at` is collected
in memory and written in one batch by `flush_last_used`, never per request.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

from switchboard.auth.keys import KEY_PREFIX, key_digest, looks_like_key
from switchboard.auth.principal import Principal
from switchboard.errors import Unauthorized

Loader = Callable[[str], Awaitable[Principal | None]]
Metadata = Sequence[tuple[str, str | bytes]]

DEFAULT_TTL_SECONDS = 2.0
MAX_ENTRIES = 100_000
MISSING_KEY = (
    "You didn't provide an API key. Pass it as 'Authorization: Bearer sk-sb-...' "
    "(or in an 'x-api-key' header)."
)
INVALID_KEY = "Incorrect API key provided."


def presented_key(metadata: Metadata | None) -> str:
    """The key from `authorization: Bearer ...` or `x-api-key`; never echoed in errors."""
    for name, value in metadata or ():
        if not isinstance(value, str):
            continue
        if name == "authorization":
            scheme, _, credentials = value.strip().partition(" ")
            if scheme.lower() != "bearer":
                raise Unauthorized(INVALID_KEY)
            return credentials.strip()
        if name == "x-api-key":
            return value.strip()
    raise Unauthorized(MISSING_KEY)


class Authenticator:
    def __init__(
        self,
        load: Loader,
        *,
        ttl: float = DEFAULT_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._load = load
        self._ttl = ttl
        self._clock = clock
        self._now = now
        self._cache: dict[str, tuple[float, Principal | None]] = {}
        self._inflight: dict[str, asyncio.Future[Principal | None]] = {}
        self._last_used: dict[str, datetime] = {}

    async def authenticate(self, metadata: Metadata | None) -> Principal:
        key = presented_key(metadata)
        if not key.startswith(KEY_PREFIX) or not looks_like_key(key):
            raise Unauthorized(INVALID_KEY)
        principal = await self._principal(key_digest(key))
        if principal is None:
            raise Unauthorized(INVALID_KEY)
        now = self._now()
        reason = principal.unusable_reason(now)
        if reason is not None:
            raise Unauthorized(reason)
        self._last_used[principal.key_id] = now
        return principal

    async def _principal(self, digest: str) -> Principal | None:
        cached = self._cache.get(digest)
        if cached is not None and cached[0] > self._clock():
            return cached[1]
        lookup = self._inflight.get(digest)
        if lookup is None:
            lookup = asyncio.ensure_future(self._lookup(digest))
            lookup.add_done_callback(_retrieve_exception)
            self._inflight[digest] = lookup
        # Shielded: a caller that goes away must not cancel the lookup the others wait for.
        return await asyncio.shield(lookup)

    async def _lookup(self, digest: str) -> Principal | None:
        try:
            principal = await self._load(digest)
        finally:
            self._inflight.pop(digest, None)
        self._remember(digest, principal)
        return principal

    def _remember(self, digest: str, principal: Principal | None) -> None:
        if len(self._cache) >= MAX_ENTRIES:
            self._cache.clear()
        self._cache[digest] = (self._clock() + self._ttl, principal)

    def forget(self, key_id: str) -> None:
        """Drop a key from this replica's cache at once (after revoke/rotate here)."""
        stale = [d for d, (_, p) in self._cache.items() if p is not None and p.key_id == key_id]
        for digest in stale:
            del self._cache[digest]

    def take_last_used(self) -> dict[str, datetime]:
        used, self._last_used = self._last_used, {}
        return used


def _retrieve_exception(lookup: asyncio.Future[Principal | None]) -> None:
    """Mark a failed lookup's error as seen even if every caller waiting for it went away."""
    if not lookup.cancelled():
        lookup.exception()
