"""Route plans: each strategy's order, dropped targets, open circuits, and route validation."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from switchboard.domain.catalog import ModelInfo
from switchboard.routing.latency import LatencyTracker
from switchboard.routing.strategies import (
    Plan,
    RouteSpec,
    RouteTarget,
    check_route,
    plan_route,
)


def model(model_id: str, input_price: int = 1, output_price: int = 1) -> ModelInfo:
    provider, _, upstream = model_id.partition("/")
    return ModelInfo(provider, upstream, 8192, input_price, output_price)


CATALOG = {m.id: m for m in map(model, ["acme/a", "acme/b", "beta/c", "beta/d", "gamma/z"])}


def route(strategy: str, *targets: str | tuple[str, int], enabled: bool = True) -> RouteSpec:
    parsed = tuple(
        RouteTarget(t) if isinstance(t, str) else RouteTarget(t[0], t[1]) for t in targets
    )
    return RouteSpec("fast", strategy, parsed, enabled)


def plan(
    spec: RouteSpec,
    *,
    models: dict[str, ModelInfo] = CATALOG,
    latency: LatencyTracker | None = None,
    rng: random.Random | None = None,
    open_circuits: frozenset[str] = frozenset(),
) -> Plan:
    return plan_route(
        spec,
        models,
        latency or LatencyTracker(),
        rng or random.Random(0),
        lambda provider: provider in open_circuits,
    )


WEIGHTED = route("weighted", ("acme/a", 70), ("gamma/z", 0), ("acme/b", 20), ("beta/c", 10))


@pytest.mark.parametrize("seed", [1, 7, 2026])
def test_weighted_first_picks_follow_the_weights(seed: int) -> None:
    rng = random.Random(seed)
    orders = [plan(WEIGHTED, rng=rng).order for _ in range(1000)]
    firsts = Counter(order[0] for order in orders)
    for model_id, share in {"acme/a": 0.7, "acme/b": 0.2, "beta/c": 0.1}.items():
        assert abs(firsts[model_id] / 1000 - share) <= 0.05, (model_id, firsts)
    assert firsts["gamma/z"] == 0
    assert all(order[-1] == "gamma/z" and len(order) == 4 for order in orders)


def test_weighted_runners_up_are_drawn_from_the_remaining_weight() -> None:
    rng = random.Random(3)
    orders = [plan(WEIGHTED, rng=rng).order for _ in range(3000)]
    after_a = Counter(order[1] for order in orders if order[0] == "acme/a")
    # Without acme/a, acme/b holds 20 of the remaining 30.
    assert abs(after_a["acme/b"] / after_a.total() - 2 / 3) <= 0.05


def test_weighted_reasons_name_each_draw_and_its_odds() -> None:
    result = plan(route("weighted", ("acme/a", 70), ("acme/b", 30), ("gamma/z", 0)))
    first, second = result.order[:2]
    first_weight = 70 if first == "acme/a" else 30
    assert f'route "fast": strategy weighted drew {first} (weight {first_weight} of 100)' in (
        result.reasons
    )
    assert any(f"then drew {second}" in reason for reason in result.reasons)
    assert any("gamma/z has weight 0" in reason for reason in result.reasons)


def test_lowest_latency_follows_a_provider_that_slows_down() -> None:
    latency = LatencyTracker()
    latency.observe("acme/a", 80.0)
    latency.observe("beta/c", 300.0)
    spec = route("lowest_latency", "acme/a", "beta/c")
    assert plan(spec, latency=latency).order == ("acme/a", "beta/c")
    firsts = []
    for _ in range(10):
        latency.observe("acme/a", 500.0)
        firsts.append(plan(spec, latency=latency).order[0])
    # 80 -> 206 -> 294.2 -> 356: overtaken by beta/c's 300 on the third slow reply.
    assert firsts[:3] == ["acme/a", "acme/a", "beta/c"]
    assert set(firsts[3:]) == {"beta/c"}


def test_lowest_latency_tries_unmeasured_targets_first_in_listed_order() -> None:
    latency = LatencyTracker()
    latency.observe("acme/a", 10.0)
    latency.observe("acme/b", 5.0)
    result = plan(route("lowest_latency", "acme/a", "beta/d", "acme/b", "beta/c"), latency=latency)
    assert result.order == ("beta/d", "beta/c", "acme/b", "acme/a")
    assert "beta/d (not measured yet)" in result.reasons[0]


def test_lowest_cost_orders_by_input_plus_output_price_ties_in_listed_order() -> None:
    models = {
        m.id: m
        for m in [
            model("acme/a", 10, 30),
            model("acme/b", 5, 5),
            model("beta/c", 30, 10),
            model("beta/d", 1, 100),
        ]
    }
    result = plan(route("lowest_cost", "acme/a", "beta/d", "beta/c", "acme/b"), models=models)
    assert result.order == ("acme/b", "acme/a", "beta/c", "beta/d")
    assert "acme/b (10 pico-USD)" in result.reasons[0]


def test_priority_puts_the_highest_weight_first_ties_in_listed_order() -> None:
    spec = route("priority", ("acme/a", 1), ("acme/b", 5), ("beta/c", 1), ("beta/d", 5))
    assert plan(spec).order == ("acme/b", "beta/d", "acme/a", "beta/c")


def test_fallback_keeps_the_listed_order() -> None:
    spec = route("fallback", ("beta/d", 1), ("acme/a", 9), ("beta/c", 5))
    assert plan(spec).order == ("beta/d", "acme/a", "beta/c")


def test_targets_missing_from_the_catalog_are_dropped_with_a_reason() -> None:
    result = plan(route("fallback", "acme/a", "acme/x", "beta/c"))
    assert result.order == ("acme/a", "beta/c")
    assert "skipped acme/x: not in the catalog or disabled" in result.reasons


@pytest.mark.parametrize("strategy", ["fallback", "priority", "lowest_cost", "lowest_latency"])
def test_providers_with_an_open_circuit_go_last_keeping_their_order(strategy: str) -> None:
    spec = route(strategy, "acme/a", "beta/c", "acme/b", "beta/d")
    result = plan(spec, open_circuits=frozenset({"acme"}))
    assert result.order == ("beta/c", "beta/d", "acme/a", "acme/b")
    assert result.reasons[-2:] == (
        "moved acme/a to the end: circuit open for provider acme",
        "moved acme/b to the end: circuit open for provider acme",
    )


def test_an_open_circuit_outranks_a_weighted_draw() -> None:
    spec = route("weighted", ("acme/a", 99), ("beta/c", 1))
    rng = random.Random(5)
    orders = {plan(spec, rng=rng, open_circuits=frozenset({"acme"})).order for _ in range(50)}
    assert orders == {("beta/c", "acme/a")}


def test_a_disabled_route_plans_nothing() -> None:
    result = plan(route("fallback", "acme/a", enabled=False))
    assert result == Plan((), ('route "fast" is disabled',))


def test_a_route_without_a_usable_target_plans_nothing() -> None:
    result = plan(route("priority", "acme/x", "nope/y"))
    assert result.order == ()
    assert result.reasons[-1] == 'route "fast" has no usable target'
    assert plan(route("priority")).order == ()


def test_an_unknown_strategy_plans_nothing() -> None:
    result = plan(route("round_robin", "acme/a"))
    assert result.order == ()
    assert "unknown strategy" in result.reasons[0]


def fields(name: str, strategy: str, *targets: RouteTarget) -> list[str]:
    return [field for field, _ in check_route(name, strategy, targets)]


def test_a_valid_route_has_no_violations() -> None:
    targets = [RouteTarget("acme/a", 3), RouteTarget("beta/c/with-slash", 0)]
    assert check_route("fast", "weighted", targets) == []


@pytest.mark.parametrize("name", ["", "   ", "team/fast", "x" * 201])
def test_route_names_are_required_slash_free_and_short(name: str) -> None:
    assert fields(name, "fallback", RouteTarget("acme/a")) == ["name"]


def test_a_two_hundred_character_name_is_allowed() -> None:
    assert fields("x" * 200, "fallback", RouteTarget("acme/a")) == []


def test_the_strategy_must_be_known() -> None:
    assert fields("fast", "round_robin", RouteTarget("acme/a")) == ["strategy"]


def test_a_route_needs_a_target() -> None:
    assert fields("fast", "fallback") == ["targets"]


@pytest.mark.parametrize("bad", ["acme", "/a", "acme/", ""])
def test_target_models_look_like_provider_slash_model(bad: str) -> None:
    assert fields("fast", "fallback", RouteTarget("acme/a"), RouteTarget(bad)) == [
        "targets[1].model"
    ]


def test_weights_are_not_negative() -> None:
    assert fields("fast", "priority", RouteTarget("acme/a", -1)) == ["targets[0].weight"]


def test_a_weighted_route_needs_a_positive_total_weight() -> None:
    zeros = [RouteTarget("acme/a", 0), RouteTarget("acme/b", 0)]
    assert fields("fast", "weighted", *zeros) == ["targets"]
    assert fields("fast", "fallback", *zeros) == []


def test_target_models_are_not_repeated() -> None:
    violations = check_route(
        "fast", "fallback", [RouteTarget("acme/a"), RouteTarget("acme/b"), RouteTarget("acme/a")]
    )
    assert violations == [("targets[2].model", "repeats the model of targets[0]")]
