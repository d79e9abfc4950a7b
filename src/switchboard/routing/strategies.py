"""Strategies that order a route's targets into a plan the gateway tries first to last.

Every decision leaves a human-readable line in `Plan.reasons`; that is what a dry run shows.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from switchboard.domain.catalog import ModelInfo
from switchboard.routing.latency import LatencyTracker

STRATEGIES = ("priority", "fallback", "weighted", "lowest_cost", "lowest_latency")
MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class RouteTarget:
    model: str  # "provider/model"
    weight: int = 1


@dataclass(frozen=True)
class RouteSpec:
    name: str
    strategy: str
    targets: tuple[RouteTarget, ...]
    enabled: bool = True


@dataclass(frozen=True)
class Plan:
    order: tuple[str, ...]  # model ids
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class _Inputs:
    models: Mapping[str, ModelInfo]
    latency: LatencyTracker
    rng: random.Random


# An ordering returns the targets in the order to try them, and the lines that explain it.
_Ordering = Callable[[list[RouteTarget], _Inputs], tuple[list[RouteTarget], list[str]]]


def plan_route(
    route: RouteSpec,
    models: Mapping[str, ModelInfo],
    latency: LatencyTracker,
    rng: random.Random,
    circuit_open: Callable[[str], bool],
) -> Plan:
    """The route's usable targets in the order to try them, providers with an open circuit last."""
    if not route.enabled:
        return Plan((), (f'route "{route.name}" is disabled',))
    ordering = _ORDERINGS.get(route.strategy)
    if ordering is None:
        return Plan((), (f'route "{route.name}" has unknown strategy "{route.strategy}"',))
    usable, reasons = _usable_targets(route.targets, models)
    if not usable:
        reasons.append(f'route "{route.name}" has no usable target')
        return Plan((), tuple(reasons))
    ordered, explained = ordering(usable, _Inputs(models, latency, rng))
    reasons += [f'route "{route.name}": {line}' for line in explained]
    order, moved = _open_circuits_last([t.model for t in ordered], models, circuit_open)
    return Plan(tuple(order), tuple(reasons + moved))


def _usable_targets(
    targets: Sequence[RouteTarget], models: Mapping[str, ModelInfo]
) -> tuple[list[RouteTarget], list[str]]:
    usable: list[RouteTarget] = []
    reasons: list[str] = []
    seen: set[str] = set()
    for target in targets:
        if target.model not in models:
            reasons.append(f"skipped {target.model}: not in the catalog or disabled")
        elif target.model in seen:
            reasons.append(f"skipped {target.model}: listed more than once")
        else:
            usable.append(target)
            seen.add(target.model)
    return usable, reasons


def _open_circuits_last(
    model_ids: list[str], models: Mapping[str, ModelInfo], circuit_open: Callable[[str], bool]
) -> tuple[list[str], list[str]]:
    healthy: list[str] = []
    tripped: list[str] = []
    reasons: list[str] = []
    for model_id in model_ids:
        provider = models[model_id].provider
        if circuit_open(provider):
            tripped.append(model_id)
            reasons.append(f"moved {model_id} to the end: circuit open for provider {provider}")
        else:
            healthy.append(model_id)
    return healthy + tripped, reasons


def _fallback(targets: list[RouteTarget], _: _Inputs) -> tuple[list[RouteTarget], list[str]]:
    listing = ", ".join(t.model for t in targets)
    return targets, [f"strategy fallback keeps the listed order: {listing}"]


def _priority(targets: list[RouteTarget], _: _Inputs) -> tuple[list[RouteTarget], list[str]]:
    ordered = sorted(targets, key=lambda t: -t.weight)  # stable: ties keep the listed order
    listing = ", ".join(f"{t.model} ({t.weight})" for t in ordered)
    return ordered, [f"strategy priority ordered by weight, highest first: {listing}"]


def _lowest_cost(
    targets: list[RouteTarget], inputs: _Inputs
) -> tuple[list[RouteTarget], list[str]]:
    def price(target: RouteTarget) -> int:
        info = inputs.models[target.model]
        return info.input_price + info.output_price

    ordered = sorted(targets, key=price)
    listing = ", ".join(f"{t.model} ({price(t)} pico-USD)" for t in ordered)
    return ordered, [f"strategy lowest_cost ordered by input + output price per token: {listing}"]


def _lowest_latency(
    targets: list[RouteTarget], inputs: _Inputs
) -> tuple[list[RouteTarget], list[str]]:
    estimates = {t.model: inputs.latency.estimate(t.model) for t in targets}
    unmeasured = [t for t in targets if estimates[t.model] is None]
    measured = sorted(
        (t for t in targets if estimates[t.model] is not None),
        key=lambda t: estimates[t.model] or 0.0,
    )
    ordered = unmeasured + measured
    listing = ", ".join(_latency_label(t.model, estimates[t.model]) for t in ordered)
    return ordered, [f"strategy lowest_latency ordered fastest first, unmeasured first: {listing}"]


def _latency_label(model_id: str, estimate: float | None) -> str:
    if estimate is None:
        return f"{model_id} (not measured yet)"
    return f"{model_id} ({estimate:.0f} ms)"


def _weighted(targets: list[RouteTarget], inputs: _Inputs) -> tuple[list[RouteTarget], list[str]]:
    pool = [t for t in targets if t.weight > 0]
    unweighted = [t for t in targets if t.weight <= 0]
    if not pool:
        return targets, ["strategy weighted found no positive weight; kept the listed order"]
    ordered: list[RouteTarget] = []
    reasons: list[str] = []
    while pool:
        weights = [t.weight for t in pool]
        pick = pool.pop(_draw_index(weights, inputs.rng))
        verb = "then drew" if ordered else "drew"
        reasons.append(
            f"strategy weighted {verb} {pick.model} (weight {pick.weight} of {sum(weights)})"
        )
        ordered.append(pick)
    reasons += [f"{t.model} has weight 0: kept after the weighted targets" for t in unweighted]
    return ordered + unweighted, reasons


def _draw_index(weights: list[int], rng: random.Random) -> int:
    """Index i drawn with probability weights[i] / sum(weights); weights are positive."""
    point = rng.random() * sum(weights)
    for index, weight in enumerate(weights):
        point -= weight
        if point < 0:
            return index
    return len(weights) - 1  # only reachable through float rounding at the very top


_ORDERINGS: Mapping[str, _Ordering] = {
    "priority": _priority,
    "fallback": _fallback,
    "weighted": _weighted,
    "lowest_cost": _lowest_cost,
    "lowest_latency": _lowest_latency,
}


def check_route(name: str, strategy: str, targets: Sequence[RouteTarget]) -> list[tuple[str, str]]:
    """Every (field, message) violation in a route definition; empty when it is valid."""
    return [*_check_name(name), *_check_strategy(strategy), *_check_targets(strategy, targets)]


def _check_name(name: str) -> list[tuple[str, str]]:
    if not name.strip():
        return [("name", "a route needs a name")]
    problems = []
    if "/" in name:
        problems.append(("name", 'a route name must not contain "/" (model ids do)'))
    if len(name) > MAX_NAME_LENGTH:
        problems.append(("name", f"a route name is at most {MAX_NAME_LENGTH} characters"))
    return problems


def _check_strategy(strategy: str) -> list[tuple[str, str]]:
    if strategy in STRATEGIES:
        return []
    return [("strategy", f"the strategy must be one of: {', '.join(STRATEGIES)}")]


def _check_targets(strategy: str, targets: Sequence[RouteTarget]) -> list[tuple[str, str]]:
    if not targets:
        return [("targets", "a route needs at least one target")]
    problems: list[tuple[str, str]] = []
    first_seen: dict[str, int] = {}
    for index, target in enumerate(targets):
        problems += _check_target(f"targets[{index}]", target)
        if target.model in first_seen:
            duplicate = f"repeats the model of targets[{first_seen[target.model]}]"
            problems.append((f"targets[{index}].model", duplicate))
        first_seen.setdefault(target.model, index)
    if strategy == "weighted" and sum(max(t.weight, 0) for t in targets) <= 0:
        problems.append(("targets", "a weighted route needs a total weight above 0"))
    return problems


def _check_target(field: str, target: RouteTarget) -> list[tuple[str, str]]:
    problems = []
    provider, _, model = target.model.partition("/")
    if not provider or not model:
        problems.append((f"{field}.model", 'a target model looks like "provider/model"'))
    if target.weight < 0:
        problems.append((f"{field}.weight", "a weight is 0 or more"))
    return problems
