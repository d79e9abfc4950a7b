"""Servicers for RPCs whose issue has not landed yet: each answers UNIMPLEMENTED, saying where
the work will go. Never a fake success."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, NoReturn

import grpc
from google.protobuf.descriptor import MethodDescriptor, ServiceDescriptor

from switchboard.errors import NotImplementedYet


@dataclass(frozen=True)
class PendingWork:
    servicer_base: type
    service: ServiceDescriptor
    issue: str


def _refuse(service: str, method: str, issue: str) -> NoReturn:
    raise NotImplementedYet(f"{service}.{method} is not implemented yet; it lands with {issue}.")


def _method(service: str, method: MethodDescriptor, issue: str) -> Callable[..., Any]:
    if method.server_streaming:

        async def stream(
            self: Any, request: Any, context: grpc.aio.ServicerContext
        ) -> AsyncIterator[Any]:
            _refuse(service, method.name, issue)
            yield  # pragma: no cover - makes this an async generator

        return stream

    async def unary(self: Any, request: Any, context: grpc.aio.ServicerContext) -> Any:
        _refuse(service, method.name, issue)

    return unary


def pending_servicer(work: PendingWork) -> Any:
    """An instance of `work.servicer_base` whose every method is UNIMPLEMENTED."""
    name = work.service.name
    methods = {m.name: _method(name, m, work.issue) for m in work.service.methods}
    return type(f"Pending{name}", (work.servicer_base,), methods)()
