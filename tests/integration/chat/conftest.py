"""An in-process gateway with a fake OpenAI upstream registered as provider `acme`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from fakes.openai_server import FakeOpenAI
from fakes.seed import UPSTREAM_KEY, PricedModel, ProviderSeed, seed_provider

MODELS = ["ok", "rate-limited", "auth", "context", "bad", "broken", "flaky", "hang", "cut"]


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()


@pytest.fixture
async def gateway(running, fake_openai, database_url) -> AsyncIterator[Any]:
    seed = ProviderSeed(
        name="acme",
        base_url=fake_openai.base_url,
        api_key=UPSTREAM_KEY,
        models=[PricedModel(m) for m in MODELS],
        aliases={"cheap": "acme/ok"},
        timeout_ms=400,
    )
    seed_provider(database_url, running.runtime.vault, seed)
    await running.runtime.directory.refresh()
    yield running
