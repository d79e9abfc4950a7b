"""OpenAIService: the OpenAI-compatible REST facade (`POST /api/v1/chat/completions`).

Raw JSON in (unknown fields kept), one `application/json` body out for stream=false, or
`text/event-stream` frames ending with `data: [DONE]`. Errors before the first byte become
HTTP errors through the interceptor; a provider failure after it is a `data: {"error":...}`
event (a mid-stream abort would look like a clean, silently truncated end over HTTP/1.1).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import grpc
from google.api import httpbody_pb2

from switchboard.api.status import error_body
from switchboard.chat.core import ChatCore, StreamEnd, StreamFailure
from switchboard.chat.outcome import CallContext, caller_fields
from switchboard.chat.request import ChatCall, parse_chat
from switchboard.chat.response import (
    Stamp,
    chunk_json,
    completion_json,
    dumps,
    dumps_with_cost,
    usage_chunk_json,
)
from switchboard.context import current_principal, current_request_id
from switchboard.errors import InvalidRequest
from switchboard.ids import random_hex
from switchboard.money import pico_to_usd
from switchboard.v1 import openai_pb2_grpc

JSON = "application/json"
SSE = "text/event-stream"
DONE = b"data: [DONE]\n\n"


def parse_json_body(data: bytes) -> object:
    try:
        return json.loads(data or b"")
    except ValueError as exc:
        raise InvalidRequest(
            f"We could not parse the JSON body of your request ({exc})", param="body"
        ) from None
    except RecursionError:
        raise InvalidRequest(
            "The JSON body of your request is nested too deeply.", param="body"
        ) from None


def call_context(call: ChatCall, body: dict, environment: str, endpoint: str) -> CallContext:
    return CallContext(
        request_id=current_request_id(),
        endpoint=endpoint,
        environment=environment,
        stream=call.stream,
        request_body=body,
        feature_name=call.metadata.get("feature_name"),
        route=call.metadata.get("route"),
        **caller_fields(current_principal()),
    )


def new_stamp(model: str, provider: str) -> Stamp:
    return Stamp(f"chatcmpl-{random_hex()}", int(time.time()), model, provider)


def sse(payload: bytes) -> httpbody_pb2.HttpBody:
    return httpbody_pb2.HttpBody(content_type=SSE, data=b"data: " + payload + b"\n\n")


class OpenAIFacade(openai_pb2_grpc.OpenAIServiceServicer):
    def __init__(self, core: ChatCore, environment: str) -> None:
        self._core = core
        self._environment = environment

    async def ChatCompletions(
        self, request: httpbody_pb2.HttpBody, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[httpbody_pb2.HttpBody]:
        body = parse_json_body(request.data)
        call = parse_chat(body)
        ctx = call_context(call, body, self._environment, "chat.completions")
        if not call.stream:
            result, outcome = await self._core.complete(call, ctx)
            stamp = new_stamp(outcome.model, outcome.provider)
            data = dumps_with_cost(
                completion_json(result, stamp), pico_to_usd(outcome.cost_pico), outcome.latency_ms
            )
            yield httpbody_pb2.HttpBody(content_type=JSON, data=data)
            return
        async for frame in self._stream(call, ctx):
            yield frame

    async def _stream(
        self, call: ChatCall, ctx: CallContext
    ) -> AsyncIterator[httpbody_pb2.HttpBody]:
        target, events = await self._core.open_stream(call, ctx)
        stamp = new_stamp(target.info.id, target.provider)
        try:
            async for event in events:
                if isinstance(event, StreamFailure):
                    yield sse(dumps(error_body(event.error, ctx.request_id)))
                    return
                if isinstance(event, StreamEnd):
                    if call.include_usage:
                        outcome = event.outcome
                        yield sse(
                            dumps_with_cost(
                                usage_chunk_json(outcome.usage, stamp),
                                pico_to_usd(outcome.cost_pico),
                                outcome.latency_ms,
                            )
                        )
                    continue
                yield sse(dumps(chunk_json(event, stamp)))
            yield httpbody_pb2.HttpBody(content_type=SSE, data=DONE)
        finally:
            await events.aclose()
