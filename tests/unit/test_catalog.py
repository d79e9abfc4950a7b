"""The model catalog reads the routing snapshot: what it lists, chat can serve."""

from __future__ import annotations

import asyncio

import pytest

from switchboard.catalog import ModelCatalog
from switchboard.chat.directory import Directory
from switchboard.domain.catalog import ModelInfo
from switchboard.errors import NotFound

MODELS = {
    m.id: m
    for m in (
        ModelInfo("b", "two", 1, 1, 1),
        ModelInfo("a", "one", 1, 1, 1),
        ModelInfo("b", "x", 1, 1, 1),
    )
}


def test_lists_sorted_filters_by_provider_and_gets_one() -> None:
    catalog = ModelCatalog(lambda: Directory({}, MODELS))
    assert [m.id for m in asyncio.run(catalog.list_models())] == ["a/one", "b/two", "b/x"]
    assert [m.id for m in asyncio.run(catalog.list_models("b"))] == ["b/two", "b/x"]
    assert asyncio.run(catalog.get("a/one")).upstream == "one"
    with pytest.raises(NotFound):
        asyncio.run(catalog.get("a/missing"))


def test_follows_the_current_snapshot() -> None:
    snapshots = [Directory({}, {}), Directory({}, MODELS)]
    catalog = ModelCatalog(lambda: snapshots[0])
    assert asyncio.run(catalog.list_models()) == []
    snapshots.pop(0)
    assert len(asyncio.run(catalog.list_models())) == 3
