"""Latency tracker: exact EWMA arithmetic, first observation, unknown models, bad readings."""

from __future__ import annotations

import pytest

from switchboard.routing.latency import LatencyTracker


def test_the_first_observation_is_the_estimate() -> None:
    tracker = LatencyTracker()
    tracker.observe("acme/a", 120.0)
    assert tracker.estimate("acme/a") == 120.0


def test_each_observation_moves_the_estimate_alpha_of_the_way() -> None:
    tracker = LatencyTracker(alpha=0.5)
    for latency in (100.0, 200.0):
        tracker.observe("acme/a", latency)
    assert tracker.estimate("acme/a") == 150.0
    tracker.observe("acme/a", 50.0)
    assert tracker.estimate("acme/a") == 100.0


def test_the_default_alpha_is_three_tenths() -> None:
    tracker = LatencyTracker()
    tracker.observe("acme/a", 100.0)
    tracker.observe("acme/a", 200.0)
    assert tracker.estimate("acme/a") == pytest.approx(130.0)


def test_models_are_tracked_separately_and_unknown_ones_have_no_estimate() -> None:
    tracker = LatencyTracker(alpha=0.5)
    tracker.observe("acme/a", 100.0)
    tracker.observe("beta/b", 300.0)
    assert (tracker.estimate("acme/a"), tracker.estimate("beta/b")) == (100.0, 300.0)
    assert tracker.estimate("acme/never") is None


def test_impossible_readings_are_ignored() -> None:
    tracker = LatencyTracker(alpha=0.5)
    tracker.observe("acme/a", 100.0)
    for reading in (float("nan"), float("inf"), -5.0):
        tracker.observe("acme/a", reading)
    assert tracker.estimate("acme/a") == 100.0


@pytest.mark.parametrize("alpha", [0.0, -0.1, 1.5])
def test_alpha_outside_zero_to_one_is_refused(alpha: float) -> None:
    with pytest.raises(ValueError, match="alpha"):
        LatencyTracker(alpha=alpha)
