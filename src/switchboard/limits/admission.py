"""What the chat core asks before and after a provider call: may this caller spend this much,
and what did it actually use.

Both steps may talk to a remote counter store (Redis). A client that goes away meanwhile must
not leave a charge half-made: the store's work runs in its own task, shielded from the
request's cancellation, and a reservation made for a caller that has gone is given back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from switchboard.auth.principal import Principal
from switchboard.limits.budget import BudgetGuard, Reservation
from switchboard.limits.ratelimit import RateLimiter, counts_tokens

T = TypeVar("T")


@dataclass
class Ticket:
    principal: Principal
    reservation: Reservation | None
    # The caller has a tokens-per-minute limit: its tokens are added up after the call.
    counts_tokens: bool = False


class Admission:
    def __init__(self, limiter: RateLimiter, budgets: BudgetGuard) -> None:
        self._limiter = limiter
        self._budgets = budgets
        self._detached: set[asyncio.Task[Any]] = set()

    async def reserve(self, principal: Principal | None, worst_case_pico: int) -> Ticket | None:
        """BudgetExceeded when a budget cannot cover the worst case; None for no caller."""
        if principal is None:
            return None
        reservation = None
        if self._budgets.applies_to(principal):
            reserving = self._detach(self._budgets.reserve(principal, worst_case_pico))
            try:
                reservation = await asyncio.shield(reserving)
            except asyncio.CancelledError:
                reserving.add_done_callback(self._give_back)
                raise
        return Ticket(principal, reservation, counts_tokens(principal))

    async def settle(self, ticket: Ticket | None, cost_pico: int, tokens: int) -> None:
        """The call is over (cost 0 and tokens 0 when it failed)."""
        if ticket is None:
            return
        if ticket.reservation is None and not (ticket.counts_tokens and tokens > 0):
            return  # nothing to tell the store: no task
        await asyncio.shield(self._detach(self._settle(ticket, cost_pico, tokens)))

    async def _settle(self, ticket: Ticket, cost_pico: int, tokens: int) -> None:
        await self._budgets.settle(ticket.reservation, cost_pico)
        await self._limiter.record_tokens(ticket.principal, tokens)

    def _give_back(self, reserving: asyncio.Task[Reservation | None]) -> None:
        """A reservation whose caller went away while it was being made is settled to 0."""
        if reserving.cancelled() or reserving.exception() is not None:
            return
        reservation = reserving.result()
        if reservation is not None:
            self._detach(self._budgets.settle(reservation, 0))

    def _detach(self, work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        task = asyncio.ensure_future(work)
        self._detached.add(task)
        task.add_done_callback(self._detached.discard)
        return task

    async def drain(self) -> None:
        """Wait for settlements still running (at shutdown)."""
        if self._detached:
            await asyncio.gather(*self._detached, return_exceptions=True)
