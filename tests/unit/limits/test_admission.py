"""Admission around a provider call: a client that goes away while the counter store is being
talked to leaves no charge behind (reservation given back) and no settlement half-done."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

from switchboard.auth.principal import Limits, Principal
from switchboard.limits.admission import Admission
from switchboard.limits.budget import BudgetGuard
from switchboard.limits.counters import Charge, LocalCounters, Verdict
from switchboard.limits.ratelimit import RateLimiter

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
BUDGET_KEY = "sb:budget:key:k1:d20261202"


class SlowCounters(LocalCounters):
    """LocalCounters behind a round trip that takes until `release` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()
        self.waiting = asyncio.Event()

    async def _round_trip(self) -> None:
        self.waiting.set()
        await self.release.wait()

    async def charge(self, charges: Sequence[Charge]) -> Verdict:
        await self._round_trip()
        return await super().charge(charges)

    async def add(self, key: str, amount: int, ttl_seconds: int) -> None:
        await self._round_trip()
        await super().add(key, amount, ttl_seconds)


def caller(**limits: int) -> Principal:
    return Principal("k1", "k", None, None, frozenset({"ai:chat"}), key_limits=Limits(**limits))


async def nothing_spent(scope: str, scope_id: str, since: datetime) -> int:
    return 0


def admission(store: SlowCounters) -> Admission:
    budgets = BudgetGuard(store, nothing_spent, now=lambda: NOW)
    return Admission(RateLimiter(store), budgets)


async def test_a_reservation_whose_caller_went_away_is_given_back() -> None:
    store = SlowCounters()
    gate = admission(store)
    reserving = asyncio.create_task(gate.reserve(caller(daily_budget_pico=10**12), 5 * 10**9))
    await store.waiting.wait()
    reserving.cancel()
    await asyncio.gather(reserving, return_exceptions=True)
    assert reserving.cancelled()
    store.release.set()
    await gate.drain()
    await gate.drain()  # the give-back was detached when the reservation landed
    assert store._get(BUDGET_KEY) == 0


async def test_a_settlement_finishes_even_if_its_caller_goes_away() -> None:
    store = SlowCounters()
    store.release.set()
    gate = admission(store)
    ticket = await gate.reserve(caller(daily_budget_pico=10**12, tokens_per_minute=1000), 5 * 10**9)
    assert store._get(BUDGET_KEY) == 5 * 10**6
    store.release.clear()
    settling = asyncio.create_task(gate.settle(ticket, 2 * 10**9, 42))
    await asyncio.sleep(0.01)
    settling.cancel()
    await asyncio.gather(settling, return_exceptions=True)
    store.release.set()
    await gate.drain()
    assert store._get(BUDGET_KEY) == 2 * 10**6  # the actual cost, not the worst case
    assert 42 in [value for value, _ in store._values.values()]  # tokens per minute recorded


async def test_a_caller_without_budgets_or_token_limits_sends_nothing_anywhere() -> None:
    store = SlowCounters()  # never released: any round trip would hang the test
    gate = admission(store)
    ticket = await gate.reserve(caller(requests_per_minute=5), 10**9)
    assert ticket is not None and ticket.reservation is None and not ticket.counts_tokens
    await gate.settle(ticket, 10**9, 100)
    assert not store.waiting.is_set()
