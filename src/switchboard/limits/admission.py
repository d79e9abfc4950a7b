"""What the chat core asks before and after a provider call: may this caller spend this much,
and what did it actually use."""

from __future__ import annotations

from dataclasses import dataclass

from switchboard.auth.principal import Principal
from switchboard.limits.budget import BudgetGuard, Reservation
from switchboard.limits.ratelimit import RateLimiter


@dataclass
class Ticket:
    principal: Principal
    reservation: Reservation | None


class Admission:
    def __init__(self, limiter: RateLimiter, budgets: BudgetGuard) -> None:
        self._limiter = limiter
        self._budgets = budgets

    async def reserve(self, principal: Principal | None, worst_case_pico: int) -> Ticket | None:
        """BudgetExceeded when a budget cannot cover the worst case; None for no caller."""
        if principal is None:
            return None
        return Ticket(principal, await self._budgets.reserve(principal, worst_case_pico))

    async def settle(self, ticket: Ticket | None, cost_pico: int, tokens: int) -> None:
        """The call is over (cost 0 and tokens 0 when it failed)."""
        if ticket is None:
            return
        await self._budgets.settle(ticket.reservation, cost_pico)
        await self._limiter.record_tokens(ticket.principal, tokens)
