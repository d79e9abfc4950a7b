"""Which targets a call tries, in which order: the model's, then each fallback model's, with
OpenRouter's `provider: {order, allow_fallbacks}` applied within each model."""

from __future__ import annotations

import pytest

from switchboard.chat.core import ChatCore, by_provider_preference
from switchboard.chat.directory import Directory, Target
from switchboard.chat.request import parse_chat
from switchboard.domain.catalog import ModelInfo
from switchboard.errors import InvalidRequest
from switchboard.providers.echo.adapter import EchoProvider

ADAPTER = EchoProvider()
MODELS = {
    m.id: m
    for m in (
        ModelInfo("openai", "gpt-4o", 128_000, 1, 1),
        ModelInfo("azure", "gpt-4o", 128_000, 1, 1),
        ModelInfo("anthropic", "claude", 200_000, 1, 1),
    )
}


def core() -> ChatCore:
    adapters = {name: ADAPTER for name in ("openai", "azure", "anthropic")}
    return ChatCore(lambda: Directory(adapters, MODELS), lambda record: None)


def ids(targets: list[Target]) -> list[str]:
    return [target.info.id for target in targets]


def call(**extra: object):
    return parse_chat({"messages": [{"role": "user", "content": "hi"}], **extra})


def targets_of(*names: str) -> list[Target]:
    return [Target(ADAPTER, MODELS[name]) for name in names]


def test_order_ranks_the_named_providers_first_and_keeps_the_others_after_them() -> None:
    group = targets_of("openai/gpt-4o", "anthropic/claude", "azure/gpt-4o")
    ranked = by_provider_preference(group, ("azure",), True)
    assert ids(ranked) == ["azure/gpt-4o", "openai/gpt-4o", "anthropic/claude"]


def test_without_fallbacks_only_the_ordered_providers_remain() -> None:
    group = targets_of("openai/gpt-4o", "anthropic/claude", "azure/gpt-4o")
    kept = by_provider_preference(group, ("anthropic", "azure"), False)
    assert ids(kept) == ["anthropic/claude", "azure/gpt-4o"]
    assert ids(by_provider_preference(group, (), False)) == ["openai/gpt-4o"]


def test_order_applies_within_each_model_so_the_primary_model_is_tried_first() -> None:
    chosen = core().targets(
        call(model="openai/gpt-4o", models=["anthropic/claude"], provider={"order": ["anthropic"]})
    )
    assert ids(chosen) == ["openai/gpt-4o", "anthropic/claude"]


def test_without_fallbacks_a_provider_outside_the_order_is_never_called() -> None:
    chosen = core().targets(
        call(
            model="openai/gpt-4o",
            models=["azure/gpt-4o"],
            provider={"order": ["azure"], "allow_fallbacks": False},
        )
    )
    assert ids(chosen) == ["azure/gpt-4o"]


def test_no_allowed_provider_at_all_is_a_bad_request() -> None:
    with pytest.raises(InvalidRequest) as refused:
        core().targets(
            call(model="openai/gpt-4o", provider={"order": ["azure"], "allow_fallbacks": False})
        )
    assert refused.value.param == "provider.order"
