"""ChatService: typed chat for gRPC clients, on the same domain core as the REST facade.

The typed request is turned into the OpenAI JSON shape and parsed by the same function the
facade uses, and results go back through the same OpenAI JSON rendering, so both surfaces
behave identically without either touching the other's proto.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc
from google.protobuf import json_format

from switchboard.api.convert import json_value
from switchboard.api.openai_facade import call_context, new_stamp
from switchboard.auth.permissions import allows_feature
from switchboard.chat.core import ChatCore, StreamEnd, StreamFailure
from switchboard.chat.embeddings import encode_vector, parse_embedding
from switchboard.chat.features import feature_chat_body
from switchboard.chat.outcome import CallContext, caller_fields
from switchboard.chat.request import PART_PAYLOADS, parse_chat
from switchboard.chat.response import chunk_json, completion_json, usage_chunk_json, usage_json
from switchboard.context import current_principal, current_request_id
from switchboard.errors import Forbidden, InvalidRequest, ProviderError
from switchboard.money import pico_to_usd
from switchboard.settings.features import FeatureOutputInvalid, parse_output
from switchboard.v1 import chat_pb2, chat_pb2_grpc, common_pb2

PART_KINDS = tuple(PART_PAYLOADS)  # the typed ContentPart's kinds are OpenAI's part types


def _part_to_openai(part: dict[str, Any]) -> dict[str, Any]:
    kind = next((k for k in PART_KINDS if k in part), None)
    if kind is None:
        raise InvalidRequest(
            f"each content part needs one of {', '.join(PART_KINDS)}", param="messages.parts"
        )
    return {"type": kind, kind: part[kind]}


def _message_to_openai(message: dict[str, Any]) -> dict[str, Any]:
    if "text" in message:
        message["content"] = message.pop("text")
    elif "parts" in message:
        message["content"] = [_part_to_openai(p) for p in message.pop("parts").get("parts", [])]
    else:
        message["content"] = None
    return message


def request_to_openai(request: chat_pb2.CreateChatCompletionRequest) -> dict[str, Any]:
    body = json_format.MessageToDict(request, preserving_proto_field_name=True)
    body["messages"] = [_message_to_openai(m) for m in body.get("messages", [])]
    if "seed" in body:
        body["seed"] = int(body["seed"])  # int64 arrives as a JSON string
    body.update(body.pop("extra_body", {}))
    return body


def _with_cost(body: dict[str, Any], cost_pico: int, latency_ms: int) -> dict[str, Any]:
    return {
        **body,
        "cost": {"estimated_usd": pico_to_usd(cost_pico), "currency": "USD"},
        "latency_ms": latency_ms,
    }


def _choice_to_proto_shape(body: dict[str, Any]) -> dict[str, Any]:
    for choice in body.get("choices", []):
        message = choice.get("message")
        if message is not None:
            content = message.pop("content", None)
            message.pop("refusal", None)
            if content is not None:
                message["text"] = content
    return body


def _parse(body: dict[str, Any], message: Any) -> Any:
    return json_format.ParseDict(body, message, ignore_unknown_fields=True)


class ChatServicer(chat_pb2_grpc.ChatServiceServicer):
    def __init__(self, core: ChatCore, environment: str) -> None:
        self._core = core
        self._environment = environment

    async def CreateChatCompletion(
        self, request: chat_pb2.CreateChatCompletionRequest, context: grpc.aio.ServicerContext
    ) -> chat_pb2.CreateChatCompletionResponse:
        body = request_to_openai(request)
        call = parse_chat(body)
        ctx = call_context(call, body, self._environment, "chat.completions")
        result, outcome = await self._core.complete(call, ctx)
        payload = completion_json(result, new_stamp(outcome.model, outcome.provider))
        payload = _with_cost(_choice_to_proto_shape(payload), outcome.cost_pico, outcome.latency_ms)
        return _parse(payload, chat_pb2.CreateChatCompletionResponse())

    async def StreamChatCompletion(
        self, request: chat_pb2.CreateChatCompletionRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[chat_pb2.StreamChatCompletionResponse]:
        body = request_to_openai(request)
        body["stream"] = True
        call = parse_chat(body)
        ctx = call_context(call, body, self._environment, "chat.completions")
        target, events = await self._core.open_stream(call, ctx)
        stamp = new_stamp(target.info.id, target.provider)
        try:
            async for event in events:
                if isinstance(event, StreamFailure):
                    raise event.error  # native gRPC: a status after messages is well defined
                if isinstance(event, StreamEnd):
                    if call.include_usage:
                        outcome = event.outcome
                        payload = _with_cost(
                            usage_chunk_json(outcome.usage, stamp),
                            outcome.cost_pico,
                            outcome.latency_ms,
                        )
                        yield _parse(payload, chat_pb2.StreamChatCompletionResponse())
                    continue
                yield _parse(chunk_json(event, stamp), chat_pb2.StreamChatCompletionResponse())
        finally:
            await events.aclose()

    async def CreateEmbedding(
        self, request: chat_pb2.CreateEmbeddingRequest, context: grpc.aio.ServicerContext
    ) -> chat_pb2.CreateEmbeddingResponse:
        body = json_format.MessageToDict(request, preserving_proto_field_name=True)
        call = parse_embedding(body)
        ctx = CallContext(
            request_id=current_request_id(),
            endpoint="embeddings",
            environment=self._environment,
            stream=False,
            request_body=body,
            **caller_fields(current_principal()),
        )
        vectors, outcome = await self._core.embed(call, ctx)
        data = [
            {"object": "embedding", "index": i, "embedding": encode_vector(v, call.encoding_format)}
            for i, v in enumerate(vectors)
        ]
        tokens = outcome.usage.prompt_tokens
        payload = {
            "object": "list",
            "data": data,
            "model": outcome.model,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            "provider": outcome.provider,
        }
        return _parse(
            _with_cost(payload, outcome.cost_pico, outcome.latency_ms),
            chat_pb2.CreateEmbeddingResponse(),
        )

    async def RunFeature(
        self, request: chat_pb2.RunFeatureRequest, context: grpc.aio.ServicerContext
    ) -> chat_pb2.RunFeatureResponse:
        name = request.feature_name
        principal = current_principal()
        if principal is not None and not allows_feature(principal.permissions, name):
            raise Forbidden(f"This API key may not run the feature {name!r}.", param="feature_name")
        spec = self._core.feature(name)
        parameters = json_format.MessageToDict(request.parameters)
        body = feature_chat_body(spec, parameters)
        call = parse_chat(body)
        ctx = call_context(call, body, self._environment, "features")
        result, outcome = await self._core.complete(call, ctx)
        try:
            parsed = parse_output(result.content or "", spec.output_schema)
        except FeatureOutputInvalid as exc:
            raise ProviderError(
                f"{outcome.model} answered the feature {name!r} with output that fails its "
                f"schema at {exc.path}: {exc.message}"
            ) from None
        answer = chat_pb2.RunFeatureResponse(
            id=ctx.request_id,
            feature=name,
            model=outcome.model,
            usage=_parse(usage_json(outcome.usage), common_pb2.Usage()),
            cost=common_pb2.Cost(estimated_usd=pico_to_usd(outcome.cost_pico), currency="USD"),
            latency_ms=outcome.latency_ms,
        )
        answer.result.CopyFrom(json_value(result.content if parsed is None else parsed))
        return answer
