"""SettingsService over real gRPC, with a fake OpenAI-compatible upstream to point at."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fakes.openai_server import FakeOpenAI

from switchboard.v1 import settings_pb2_grpc


@pytest.fixture
def upstream() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()


@pytest.fixture
def admin(running) -> settings_pb2_grpc.SettingsServiceStub:
    return settings_pb2_grpc.SettingsServiceStub(running.channel)
