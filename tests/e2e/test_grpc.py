"""gRPC directly and through Envoy's port: generated stubs and grpcurl with reflection."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import grpc
import pytest

from switchboard.v1 import models_pb2, models_pb2_grpc

GRPCURL = str(Path(sys.executable).with_name("grpcurl"))
SERVICES = {
    "switchboard.v1.AnalyticsService",
    "switchboard.v1.ChatService",
    "switchboard.v1.HealthService",
    "switchboard.v1.KeysService",
    "switchboard.v1.LogsService",
    "switchboard.v1.ModelsService",
    "switchboard.v1.OpenAIService",
    "switchboard.v1.SettingsService",
    "grpc.health.v1.Health",
}


def grpcurl(*args: str) -> str:
    result = subprocess.run(
        [GRPCURL, "-plaintext", *args], capture_output=True, text=True, timeout=20, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("where", ["grpc_direct", "grpc_envoy"])
def test_grpcurl_lists_every_service(stack, where: str) -> None:
    listed = set(grpcurl(getattr(stack, where), "list").split())
    assert listed >= SERVICES


def test_grpcurl_calls_through_envoy(stack) -> None:
    reply = json.loads(
        grpcurl("-d", "{}", stack.grpc_envoy, "switchboard.v1.HealthService/GetHealth")
    )
    assert reply["status"] in ("healthy", "degraded")  # degraded: downco's circuit is open
    assert reply["services"]["database"] == "healthy"


@pytest.mark.parametrize("where", ["grpc_direct", "grpc_envoy"])
def test_generated_stub_keeps_grpc_status(stack, where: str) -> None:
    with grpc.insecure_channel(getattr(stack, where)) as channel:
        stub = models_pb2_grpc.ModelsServiceStub(channel)
        assert (
            stub.GetModel(models_pb2.GetModelRequest(id="echo/echo-1"), timeout=5).owned_by
            == "echo"
        )
        with pytest.raises(grpc.RpcError) as caught:
            stub.GetModel(models_pb2.GetModelRequest(id="nope/x"), timeout=5)
    assert caught.value.code() is grpc.StatusCode.NOT_FOUND
    trailers = dict(caught.value.trailing_metadata())
    assert json.loads(trailers["x-error-json"])["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("where", ["grpc_direct", "grpc_envoy"])
def test_grpcurl_chat_and_streaming(stack, where: str) -> None:
    body = {
        "model": "echo/echo-1",
        "messages": [{"role": "user", "text": "grpc hello"}],
        "stream_options": {"include_usage": True},
    }
    reply = json.loads(
        grpcurl(
            "-d",
            json.dumps(body),
            "-H",
            f"authorization: Bearer {stack.admin_key}",
            getattr(stack, where),
            "switchboard.v1.ChatService/CreateChatCompletion",
        )
    )
    assert reply["choices"][0]["message"]["text"] == "Echo: grpc hello"
    assert reply["cost"]["currency"] == "USD"
    out = grpcurl(
        "-d",
        json.dumps(body),
        "-H",
        f"authorization: Bearer {stack.admin_key}",
        getattr(stack, where),
        "switchboard.v1.ChatService/StreamChatCompletion",
    )
    decoder, chunks, text = json.JSONDecoder(), [], out.strip()
    while text:
        chunk, end = decoder.raw_decode(text)
        chunks.append(chunk)
        text = text[end:].strip()
    content = "".join(
        c["choices"][0]["delta"].get("content", "") for c in chunks if c.get("choices")
    )
    assert content == "Echo: grpc hello"
    assert chunks[-1]["usage"]["total_tokens"] == 5
