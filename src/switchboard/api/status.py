"""The ONE way an RPC fails: a trailers-only gRPC status that also carries the REST answer.

Trailing metadata holds `x-error-json` (the OpenAI-shaped body Envoy's Lua filter swaps in),
`grpc-status-details-bin` (google.rpc.Status with ErrorInfo and, for 429s, RetryInfo) and any
headers the error wants promoted (retry-after, x-ratelimit-*).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NoReturn

import grpc
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

from switchboard.errors import SwitchboardError

ERROR_DOMAIN = "switchboard.v1"


def error_body(err: SwitchboardError, request_id: str) -> dict[str, Any]:
    """The REST body: the error's own body, or the OpenAI/seed envelope."""
    if err.body is not None:
        return dict(err.body)
    return {
        "error": {
            "code": err.code,
            "message": err.message,
            "type": err.type,
            "param": err.param,
            "request_id": request_id,
        }
    }


def status_proto(err: SwitchboardError) -> status_pb2.Status:
    status = status_pb2.Status(code=err.status.value[0], message=err.message)
    info = error_details_pb2.ErrorInfo(reason=err.code, domain=ERROR_DOMAIN)
    if err.param:
        info.metadata["param"] = err.param
    status.details.add().Pack(info)
    if err.retry_after_seconds is not None:
        retry = error_details_pb2.RetryInfo()
        retry.retry_delay.seconds = err.retry_after_seconds
        status.details.add().Pack(retry)
    return status


def error_trailers(
    err: SwitchboardError, request_id: str, headers: Mapping[str, str] | None = None
) -> tuple[tuple[str, str | bytes], ...]:
    """The error's body, ids and headers; `headers` are the call's own (X-RateLimit-*), which
    the error's override."""
    # ASCII only: gRPC refuses any other byte in a metadata value (the \u escapes are JSON).
    body = json.dumps(error_body(err, request_id), separators=(",", ":"))
    trailers: list[tuple[str, str | bytes]] = [("x-error-json", body)]
    if request_id:
        trailers.append(("x-request-id", request_id))
    if err.retry_after_seconds is not None:
        trailers.append(("retry-after", str(err.retry_after_seconds)))
    extra = {**(headers or {}), **{name.lower(): value for name, value in err.headers.items()}}
    trailers.extend(extra.items())
    trailers.extend(rpc_status.to_status(status_proto(err)).trailing_metadata)
    return tuple(trailers)


async def abort(
    context: grpc.aio.ServicerContext,
    err: SwitchboardError,
    request_id: str,
    headers: Mapping[str, str] | None = None,
) -> NoReturn:
    await context.abort(err.status, err.message, error_trailers(err, request_id, headers))
    raise AssertionError("context.abort returned")  # pragma: no cover - abort always raises
