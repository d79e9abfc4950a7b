from decimal import Decimal

import pytest

from switchboard.money import (
    InvalidPrice,
    cost_pico,
    pico_per_token_to_mtok,
    pico_to_usd,
    price_per_mtok_to_pico,
    usd_to_pico,
)


@pytest.mark.parametrize(
    ("per_mtok", "pico"),
    [("0.15", 150_000), ("0.60", 600_000), ("15", 15_000_000), ("0.000001", 1), ("0", 0)],
)
def test_price_per_million_tokens_converts_exactly(per_mtok: str, pico: int) -> None:
    assert price_per_mtok_to_pico(per_mtok) == pico
    assert Decimal(pico_per_token_to_mtok(pico)) == Decimal(per_mtok)


@pytest.mark.parametrize("bad", ["-1", "abc", "NaN", "Infinity", "0.0000001", ""])
def test_bad_prices_are_rejected_not_rounded(bad: str) -> None:
    with pytest.raises(InvalidPrice):
        price_per_mtok_to_pico(bad)


def test_cost_is_tokens_times_price_exactly() -> None:
    # gpt-4o-mini: 0.15 in / 0.60 out per Mtok; 7 prompt + 3 completion tokens
    cost = cost_pico(7, 3, input_price=150_000, output_price=600_000)
    assert cost == 7 * 150_000 + 3 * 600_000
    assert pico_to_usd(cost) == "0.00000285"
    assert Decimal(pico_to_usd(cost)) == Decimal("0.15") * 7 / 10**6 + Decimal("0.60") * 3 / 10**6


def test_cached_tokens_use_cached_price_and_never_exceed_prompt() -> None:
    cost = cost_pico(
        1000,
        0,
        input_price=2_500_000,
        output_price=0,
        cached_tokens=400,
        cached_input_price=1_250_000,
    )
    assert cost == 600 * 2_500_000 + 400 * 1_250_000
    capped = cost_pico(10, 0, input_price=5, output_price=0, cached_tokens=99, cached_input_price=1)
    assert capped == 10 * 1


def test_summing_a_million_small_costs_does_not_drift() -> None:
    one = cost_pico(1, 1, input_price=1, output_price=2)  # 3 pico-USD
    assert pico_to_usd(sum([one] * 1_000_000)) == "0.000003"
    assert sum([0.1] * 10) != 1.0  # the float drift integers avoid


def test_usd_round_trip_and_formatting() -> None:
    assert usd_to_pico("1.5") == 1_500_000_000_000
    assert pico_to_usd(1_500_000_000_000) == "1.5"
    assert pico_to_usd(0) == "0"
    assert pico_to_usd(10**24) == "1000000000000"
    with pytest.raises(InvalidPrice):
        usd_to_pico("0.0000000000001")
