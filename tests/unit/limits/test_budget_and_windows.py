"""Budget periods and holds, rate-limit windows and headers, worst-case estimates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from switchboard.auth.principal import Limits, Principal
from switchboard.chat.estimate import DEFAULT_OUTPUT_RESERVE, prompt_token_bound
from switchboard.domain.chat import ChatMessage, ChatRequest
from switchboard.errors import BudgetExceeded
from switchboard.limits.budget import BudgetGuard, holds_for, periods, to_nano
from switchboard.limits.counters import LocalCounters
from switchboard.limits.ratelimit import request_slots

NOW = datetime(2026, 11, 24, 13, 45, 10, tzinfo=UTC)


def principal(**limits: int) -> Principal:
    return Principal(
        key_id="k1",
        key_name="k",
        user_id="u1",
        organization_id="o1",
        permissions=frozenset({"ai:chat"}),
        key_limits=Limits(**limits),
    )


def test_nano_rounding_never_undercounts() -> None:
    assert (to_nano(0), to_nano(1), to_nano(1000), to_nano(1001)) == (0, 1, 1, 2)
    huge = 2**44 * 1000 + 1  # beyond a float's 53 bits once divided
    assert to_nano(huge) == 2**44 + 1


def test_periods_are_the_utc_day_and_month() -> None:
    day, month = periods(NOW)
    assert day.start == datetime(2026, 11, 24, tzinfo=UTC)
    assert month.start == datetime(2026, 11, 1, tzinfo=UTC)
    assert (day.tag, month.tag) == ("d20261124", "m202611")


def test_holds_only_for_budgets_that_are_set() -> None:
    holds = holds_for(principal(daily_budget_pico=5_000_000), 3_300_000, NOW)
    assert [(h.scope, h.period.name, h.charge.limit, h.charge.amount) for h in holds] == [
        ("key", "daily", 5_000, 3_300)
    ]


async def test_reserve_then_settle_to_the_actual_cost() -> None:
    store = LocalCounters()

    async def nothing_logged(scope: str, scope_id: str, since: datetime) -> int:
        return 0

    guard = BudgetGuard(store, nothing_logged, now=lambda: NOW)
    who = principal(daily_budget_pico=5_000_000)
    reservation = await guard.reserve(who, 3_300_000)
    with pytest.raises(BudgetExceeded):
        await guard.reserve(who, 3_300_000)
    await guard.settle(reservation, 1_000_000)
    await guard.settle(reservation, 1_000_000)  # idempotent
    assert await guard.reserve(who, 3_300_000) is not None  # 1,000 + 3,300 <= 5,000 nano


async def test_spend_already_logged_counts() -> None:
    async def logged(scope: str, scope_id: str, since: datetime) -> int:
        return 4_000_000 if scope == "key" else 0

    guard = BudgetGuard(LocalCounters(), logged, now=lambda: NOW)
    with pytest.raises(BudgetExceeded):
        await guard.reserve(principal(daily_budget_pico=5_000_000), 1_500_000)


def test_windows_are_aligned_to_the_wall_clock() -> None:
    slots = request_slots(principal(requests_per_minute=60, requests_per_hour=1000), 1_000_030.5)
    assert [(s.charge.limit, s.resets_at) for s in slots] == [
        (60, 1_000_080),
        (1000, 1_000_800),
    ]


def test_prompt_bound_covers_text_media_and_tools() -> None:
    text = ChatRequest(model="m", messages=(ChatMessage("user", "héllo"),))
    assert prompt_token_bound(text) == 8 + 6  # per-message allowance + UTF-8 bytes
    image = ChatRequest(
        model="m",
        messages=(
            ChatMessage(
                "user",
                [{"type": "text", "text": "hi"}, {"type": "image_url", "image_url": {"url": "x"}}],
            ),
        ),
        params={"tools": [{"type": "function"}]},
    )
    assert prompt_token_bound(image) == 8 + 2 + 2000 + len('[{"type": "function"}]')
    assert DEFAULT_OUTPUT_RESERVE == 4096


async def test_a_counter_lost_mid_period_starts_again_from_the_spend_logged() -> None:
    reads: list[str] = []

    async def spent(scope: str, scope_id: str, since: datetime) -> int:
        reads.append(scope_id)
        return 4_000_000  # pico-USD already in llm_logs this day

    store, clock = LocalCounters(), [0.0]
    guard = BudgetGuard(store, spent, now=lambda: NOW, clock=lambda: clock[0])
    who = principal(daily_budget_pico=5_000_000)
    assert await guard.reserve(who, 900_000) is not None
    store._values.clear()  # the shared counter is gone (a Redis restart)
    with pytest.raises(BudgetExceeded):
        await guard.reserve(who, 2_000_000)  # 4 + 2 > 5: not charged from zero
    assert reads == ["k1"]  # read once, then cached
    clock[0] += 61
    with pytest.raises(BudgetExceeded):
        await guard.reserve(who, 2_000_000)
    assert reads == ["k1", "k1"]
