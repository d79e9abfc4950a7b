"""Exact money. Prices are integer pico-USD per token; costs are integer pico-USD.

A price of "0.15" USD per million tokens is 0.15e-6 USD per token = 150_000 pico-USD per token,
so cost = tokens x price is integer arithmetic with no rounding anywhere. Prices finer than
one pico-USD per token (0.000001 USD per million tokens) are rejected, not rounded.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

PICO_PER_USD = 10**12
PICO_PER_TOKEN_PER_USD_PER_MTOK = 10**6  # 1 USD per million tokens = 10**6 pico-USD per token


class InvalidPrice(ValueError):
    """A price string that is not a non-negative decimal with at most 6 decimal places."""


def parse_usd(text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError) as exc:
        raise InvalidPrice(f"{text!r} is not a decimal number") from exc
    if not value.is_finite() or value < 0:
        raise InvalidPrice(f"{text!r} must be a non-negative finite decimal")
    return value


def price_per_mtok_to_pico(text: str) -> int:
    """'0.15' (USD per million tokens) -> 150000 (pico-USD per token), exactly."""
    pico = parse_usd(text) * PICO_PER_TOKEN_PER_USD_PER_MTOK
    if pico != pico.to_integral_value():
        raise InvalidPrice(f"{text!r} has more precision than 0.000001 USD per million tokens")
    return int(pico)


def usd_to_pico(text: str) -> int:
    """'1.5' (USD) -> 1500000000000 (pico-USD); at most 12 decimal places."""
    pico = parse_usd(text) * PICO_PER_USD
    if pico != pico.to_integral_value():
        raise InvalidPrice(f"{text!r} has more precision than one pico-dollar")
    return int(pico)


def pico_to_usd(pico: int) -> str:
    """1050000 -> '0.00000105'; plain notation, no exponent, no trailing zeros."""
    text = format(Decimal(pico) / PICO_PER_USD, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def pico_per_token_to_mtok(pico: int) -> str:
    """150000 (pico-USD per token) -> '0.15' (USD per million tokens)."""
    return pico_to_usd(pico * PICO_PER_TOKEN_PER_USD_PER_MTOK)


def cost_pico(
    prompt_tokens: int,
    completion_tokens: int,
    *,
    input_price: int,
    output_price: int,
    cached_tokens: int = 0,
    cached_input_price: int | None = None,
) -> int:
    """Exact cost: uncached prompt x input + cached x cached price + completion x output."""
    cached_price = input_price if cached_input_price is None else cached_input_price
    cached = min(cached_tokens, prompt_tokens)
    return (
        (prompt_tokens - cached) * input_price
        + cached * cached_price
        + completion_tokens * output_price
    )
