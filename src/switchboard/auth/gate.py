"""The door every RPC passes: who is calling, may they call this, are they within limits."""

from __future__ import annotations

from switchboard.auth.authenticator import Authenticator, Metadata
from switchboard.auth.permissions import gateway_wide, required_permissions
from switchboard.auth.principal import Principal
from switchboard.errors import Forbidden
from switchboard.limits.ratelimit import RateLimiter


class Gate:
    def __init__(self, authenticator: Authenticator, limiter: RateLimiter) -> None:
        self.authenticator = authenticator
        self._limiter = limiter

    async def admit(
        self, method: str, metadata: Metadata | None
    ) -> tuple[Principal | None, dict[str, str]]:
        """The caller and its X-RateLimit-* headers (None, {} for a public RPC); raises
        Unauthorized, Forbidden or RateLimited."""
        required = required_permissions(method)
        if required is None:
            return None, {}
        principal = await self.authenticator.authenticate(metadata)
        if required and not principal.has_any(required):
            needed = " or ".join(required)
            rpc = method.rsplit("/", 1)[-1]
            raise Forbidden(f"This API key needs the permission {needed} to call {rpc}.")
        if not principal.is_global and gateway_wide(method):
            rpc = method.rsplit("/", 1)[-1]
            raise Forbidden(
                f"{rpc} changes settings of the whole gateway: it needs a global admin's key "
                "(logs:read:all with settings:write)."
            )
        return principal, await self._limiter.admit(principal)
