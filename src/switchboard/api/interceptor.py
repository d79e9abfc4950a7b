"""One interceptor around every unary and server-streaming RPC.

It sets the request id, authenticates and authorizes the caller and counts it against its
rate limits (auth.gate), times the call for metrics and is the single place where domain
errors become gRPC statuses (through api.status.abort). X-RateLimit-* headers go out as
initial metadata with the first message, or in the trailers of an error. Unexpected
exceptions are logged with their traceback and reach the client only as a generic INTERNAL
error.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc

from switchboard.api.status import abort
from switchboard.auth.gate import Gate
from switchboard.context import PRINCIPAL, REQUEST_ID, RESPONSE_HEADERS, request_id_from_header
from switchboard.errors import SwitchboardError
from switchboard.metrics import Metrics

log = logging.getLogger(__name__)

UnaryBehavior = Callable[[Any, grpc.aio.ServicerContext], Awaitable[Any]]
StreamBehavior = Callable[[Any, grpc.aio.ServicerContext], AsyncIterator[Any]]


def _request_id(metadata: tuple[tuple[str, Any], ...]) -> str:
    for key, value in metadata:
        if key == "x-request-id":
            return request_id_from_header(value if isinstance(value, str) else None)
    return request_id_from_header(None)


class _Call:
    """Bookkeeping of one RPC: request id, outcome code, duration."""

    def __init__(self, method: str, metrics: Metrics, context: grpc.aio.ServicerContext) -> None:
        self.method = method
        self.metrics = metrics
        self.context = context
        # grpc builds a fresh tuple from the call's C metadata on every invocation_metadata().
        self.metadata = context.invocation_metadata() or ()
        self.request_id = _request_id(self.metadata)
        self.code = "OK"
        self.started = time.perf_counter()
        self.headers: dict[str, str] = {}
        self.headers_sent = False
        # Each RPC runs in its own task (own context copy), so this never leaks across calls.
        REQUEST_ID.set(self.request_id)

    async def send_headers(self) -> None:
        """The collected response headers, once, before the first message."""
        if self.headers and not self.headers_sent:
            self.headers_sent = True
            await self.context.send_initial_metadata(tuple(self.headers.items()))

    async def fail(self, exc: BaseException) -> None:
        """Record the failure and abort the RPC with the mapped status (always raises)."""
        if isinstance(exc, SwitchboardError):
            err = exc
        else:
            log.exception("unexpected error in %s (request %s)", self.method, self.request_id)
            err = SwitchboardError("The server had an error while processing your request.")
        self.code = err.status.name
        self.metrics.count_refusal(err)
        await abort(self.context, err, self.request_id, self.headers)

    def finish(self) -> None:
        self.metrics.observe_rpc(self.method, self.code, time.perf_counter() - self.started)


class _Guard:
    """The RPC's bookkeeping around its behavior: admit on entry, map errors and record the
    outcome on exit. A class, not an asynccontextmanager: this runs on every request."""

    __slots__ = ("_call", "_gate")

    def __init__(self, call: _Call, gate: Gate) -> None:
        self._call = call
        self._gate = gate

    async def __aenter__(self) -> _Call:
        call = self._call
        try:
            principal, limits = await self._gate.admit(call.method, call.metadata)
        except BaseException as exc:
            await self.__aexit__(type(exc), exc, None)
            raise
        call.headers.update(limits)
        PRINCIPAL.set(principal)
        RESPONSE_HEADERS.set(call.headers)
        return call

    async def __aexit__(self, kind: Any, exc: BaseException | None, _tb: Any) -> bool:
        call = self._call
        try:
            if isinstance(exc, asyncio.CancelledError):
                call.code = "CANCELLED"
            elif isinstance(exc, grpc.aio.AbortError):
                call.code = "ABORTED"
            elif isinstance(exc, Exception):
                await call.fail(exc)  # raises the mapped status
        finally:
            call.finish()
        return False


class GatewayInterceptor(grpc.aio.ServerInterceptor):
    def __init__(self, metrics: Metrics, gate: Gate) -> None:
        self._metrics = metrics
        self._gate = gate
        # method -> (the servicer's handler, its wrapped twin): wrapped once, not per call.
        self._wrapped: dict[str, tuple[grpc.RpcMethodHandler, grpc.RpcMethodHandler]] = {}

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        method = handler_call_details.method
        cached = self._wrapped.get(method)
        if cached is not None and cached[0] is handler:
            return cached[1]
        wrapped = self._wrap(method, handler)
        self._wrapped[method] = (handler, wrapped)
        return wrapped

    def _wrap(self, method: str, handler: grpc.RpcMethodHandler) -> grpc.RpcMethodHandler:
        if handler.unary_unary:
            return grpc.unary_unary_rpc_method_handler(
                self._wrap_unary(method, handler.unary_unary),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        if handler.unary_stream:
            return grpc.unary_stream_rpc_method_handler(
                self._wrap_stream(method, handler.unary_stream),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        return handler

    def _guard(self, method: str, context: grpc.aio.ServicerContext) -> _Guard:
        return _Guard(_Call(method, self._metrics, context), self._gate)

    def _wrap_unary(self, method: str, behavior: UnaryBehavior) -> UnaryBehavior:
        async def wrapped(request: Any, context: grpc.aio.ServicerContext) -> Any:
            async with self._guard(method, context) as call:
                response = await behavior(request, context)
                await call.send_headers()
                return response

        return wrapped

    def _wrap_stream(self, method: str, behavior: StreamBehavior) -> StreamBehavior:
        async def wrapped(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
            async with self._guard(method, context) as call:
                async for message in behavior(request, context):
                    await call.send_headers()
                    yield message

        return wrapped
