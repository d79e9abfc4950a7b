"""What the catalog knows about a model."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelInfo:
    provider: str
    upstream: str
    context_length: int
    # Prices in pico-USD per token (see switchboard.money).
    input_price: int
    output_price: int
    cached_input_price: int | None = None
    input_modalities: tuple[str, ...] = ("text",)
    output_modalities: tuple[str, ...] = ("text",)
    description: str = ""
    created: int = 0

    @property
    def id(self) -> str:
        return f"{self.provider}/{self.upstream}"
