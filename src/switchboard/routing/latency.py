"""Observed upstream latency per model, smoothed by an exponentially weighted moving average."""

from __future__ import annotations

import math


class LatencyTracker:
    """Each observation moves a model's estimate `alpha` of the way towards it.

    Used from the single asyncio thread only, so a plain dict suffices.
    """

    def __init__(self, alpha: float = 0.3) -> None:
        if not 0 < alpha <= 1:
            raise ValueError(f"alpha must be in (0, 1], got {alpha}")
        self._alpha = alpha
        self._estimates: dict[str, float] = {}

    def observe(self, model_id: str, latency_ms: float) -> None:
        # A broken clock reading must not poison the estimate for good.
        if not math.isfinite(latency_ms) or latency_ms < 0:
            return
        previous = self._estimates.get(model_id)
        if previous is None:
            self._estimates[model_id] = latency_ms
        else:
            self._estimates[model_id] = previous + self._alpha * (latency_ms - previous)

    def estimate(self, model_id: str) -> float | None:
        """The smoothed latency in milliseconds, or None if the model was never observed."""
        return self._estimates.get(model_id)
