"""Daily and monthly budgets (USD) per key and organization: reserve, then settle.

Before a provider is called, the request's worst-case cost is reserved against every budget
that applies, atomically (counters.charge), so concurrent requests can never spend more than
the budget between them. After the call the reservation is settled to the actual cost (a
failed call settles to 0). Counters count nano-USD, rounded up, so they stay exact in Redis'
Lua numbers; the ledger itself (llm_logs.cost_pico_usd) is exact to the pico-dollar.

A counter that does not exist when charged (a new period, a Redis restart, Redis away) starts
from the spend already logged in the database: each charge carries it as the counter's seed
(read at most once a minute), so a restart or a new replica does not reset budgets.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from switchboard.auth.principal import Limits, Principal
from switchboard.errors import BudgetExceeded
from switchboard.limits.counters import Charge, CounterStore
from switchboard.money import pico_to_usd

PICO_PER_NANO = 1000
# (scope, scope id, period start) -> pico-USD already logged in that period.
SpentSince = Callable[[str, str, datetime], Awaitable[int]]


def to_nano(pico: int) -> int:
    return -(-pico // PICO_PER_NANO) if pico > 0 else 0  # integer ceiling: no float


@dataclass(frozen=True)
class Period:
    name: str
    start: datetime
    tag: str
    ttl_seconds: int
    end: datetime


def periods(now: datetime) -> tuple[Period, Period]:
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    month = day.replace(day=1)
    next_month = (month + timedelta(days=32)).replace(day=1)
    return (
        Period("daily", day, day.strftime("d%Y%m%d"), 2 * 86400, day + timedelta(days=1)),
        Period("monthly", month, month.strftime("m%Y%m"), 32 * 86400, next_month),
    )


@dataclass(frozen=True)
class Hold:
    charge: Charge
    scope: str
    scope_id: str
    period: Period
    budget_pico: int


@dataclass
class Reservation:
    holds: list[Hold]
    reserved_nano: int
    settled: bool = field(default=False)


def budgeted_scopes(principal: Principal) -> list[tuple[str, str, Limits]]:
    """The caller's key and organization, those of them with a daily or monthly budget."""
    scopes = [("key", principal.key_id, principal.key_limits)]
    if principal.organization_id:
        scopes.append(("organization", principal.organization_id, principal.organization_limits))
    return [s for s in scopes if (s[2].daily_budget_pico, s[2].monthly_budget_pico) != (None, None)]


def holds_for(principal: Principal, worst_case_pico: int, now: datetime) -> list[Hold]:
    scopes = budgeted_scopes(principal)
    if not scopes:
        return []
    amount = max(1, to_nano(worst_case_pico))
    daily, monthly = periods(now)
    holds = []
    for scope, scope_id, limits in scopes:
        for period, budget in (
            (daily, limits.daily_budget_pico),
            (monthly, limits.monthly_budget_pico),
        ):
            if budget is None:
                continue
            key = f"sb:budget:{scope}:{scope_id}:{period.tag}"
            charge = Charge(key, budget // PICO_PER_NANO, amount, period.ttl_seconds)
            holds.append(Hold(charge, scope, scope_id, period, budget))
    return holds


SPENT_TTL_SECONDS = 60.0


class BudgetGuard:
    def __init__(
        self,
        store: CounterStore,
        spent_since: SpentSince,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._spent_since = spent_since
        self._now = now
        self._clock = clock
        # counter key -> (monotonic expiry, nano-USD spent in its period when read)
        self._spent: dict[str, tuple[float, int]] = {}

    def applies_to(self, principal: Principal) -> bool:
        return bool(budgeted_scopes(principal))

    async def reserve(self, principal: Principal, worst_case_pico: int) -> Reservation | None:
        """Hold the worst case against every budget, or BudgetExceeded before any call."""
        holds = holds_for(principal, worst_case_pico, self._now())
        if not holds:
            return None
        verdict = await self._store.charge([await self._seeded(hold) for hold in holds])
        if not verdict.allowed:
            assert verdict.refused is not None
            hold = holds[verdict.refused]
            resets_in = hold.period.end - self._now()
            raise BudgetExceeded(
                f"Budget exceeded: this {hold.scope}'s {hold.period.name} budget of "
                f"${pico_to_usd(hold.budget_pico)} does not cover this request "
                f"(worst case ${pico_to_usd(worst_case_pico)}).",
                retry_after_seconds=max(1, math.ceil(resets_in.total_seconds())),
                headers={"x-should-retry": "false"},  # the OpenAI SDKs stop retrying
            )
        return Reservation(holds, holds[0].charge.amount)

    async def settle(self, reservation: Reservation | None, actual_pico: int) -> None:
        """Replace the reservation by the actual cost (0 for a failed call). Idempotent."""
        if reservation is None or reservation.settled:
            return
        reservation.settled = True
        delta = to_nano(actual_pico) - reservation.reserved_nano
        if delta == 0:
            return
        for hold in reservation.holds:
            await self._store.add(hold.charge.key, delta, hold.charge.ttl_seconds)

    async def _seeded(self, hold: Hold) -> Charge:
        """The hold's charge with the spend logged in its period, for a counter that does not
        exist (yet, or any more): read from the database at most once a SPENT_TTL_SECONDS."""
        key = hold.charge.key
        cached = self._spent.get(key)
        if cached is None or cached[0] <= self._clock():
            spent = await self._spent_since(hold.scope, hold.scope_id, hold.period.start)
            if len(self._spent) > 100_000:
                self._spent.clear()
            cached = self._spent[key] = (self._clock() + SPENT_TTL_SECONDS, to_nano(spent))
        return dataclasses.replace(hold.charge, seed=cached[1])
