"""The grpc.aio server: servicers, reflection, grpc.health.v1, graceful shutdown."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Sequence
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection, reflection_pb2_grpc

from switchboard.api.analytics import AnalyticsServicer
from switchboard.api.chat import ChatServicer
from switchboard.api.health import HealthServicer
from switchboard.api.interceptor import GatewayInterceptor
from switchboard.api.keys import KeysServicer
from switchboard.api.logs import LogsServicer
from switchboard.api.models import ModelsServicer
from switchboard.api.openai_facade import OpenAIFacade
from switchboard.api.settings import SettingsServicer
from switchboard.config import Config
from switchboard.runtime import Runtime
from switchboard.v1 import (
    analytics_pb2,
    analytics_pb2_grpc,
    chat_pb2,
    chat_pb2_grpc,
    keys_pb2,
    keys_pb2_grpc,
    logs_pb2,
    logs_pb2_grpc,
    models_pb2,
    models_pb2_grpc,
    openai_pb2,
    openai_pb2_grpc,
    settings_pb2,
    settings_pb2_grpc,
)
from switchboard.v1 import (
    health_pb2 as sb_health_pb2,
)
from switchboard.v1 import (
    health_pb2_grpc as sb_health_pb2_grpc,
)

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_SECONDS = 5.0
SERVER_OPTIONS = (
    ("grpc.so_reuseport", 0),  # a taken port must fail loudly, not be shared
    ("grpc.max_receive_message_length", 32 * 1024 * 1024),
    ("grpc.max_send_message_length", 32 * 1024 * 1024),
    # As Envoy's 60 KB request headers: between gRPC's default soft (8 KB) and hard limits a
    # request is refused at random; a 10 KB garbage Authorization header must get a clean 401.
    ("grpc.max_metadata_size", 64 * 1024),
    ("grpc.absolute_max_metadata_size", 64 * 1024),
)


class ServerStartError(RuntimeError):
    """The server could not start (e.g. its port is taken)."""


def switchboard_service_names() -> list[str]:
    files = (
        chat_pb2,
        openai_pb2,
        models_pb2,
        logs_pb2,
        analytics_pb2,
        settings_pb2,
        keys_pb2,
        sb_health_pb2,
    )
    return [s.full_name for f in files for s in f.DESCRIPTOR.services_by_name.values()]


class GenericHandlersOnly:
    """What the generated add_*_to_server functions get instead of the server: each service
    becomes one generic handler, and no method is also a "registered method". For every RPC
    it accepts, grpc.aio's server loop runs asyncio.wait over one pending future per
    registered method (~50 here), a cost per call that grows with the API; a generic handler
    is found by a dict lookup, services in the order they are added."""

    def __init__(self, server: grpc.aio.Server) -> None:
        self._server = server

    def add_generic_rpc_handlers(self, handlers: Sequence[grpc.GenericRpcHandler]) -> None:
        self._server.add_generic_rpc_handlers(handlers)

    def add_registered_method_handlers(self, service: str, handlers: dict[str, Any]) -> None:
        return None


def register_services(grpc_server: grpc.aio.Server, runtime: Runtime) -> health.aio.HealthServicer:
    server = GenericHandlersOnly(grpc_server)
    core, environment = runtime.chat_core(), runtime.config.environment
    openai_pb2_grpc.add_OpenAIServiceServicer_to_server(OpenAIFacade(core, environment), server)
    chat_pb2_grpc.add_ChatServiceServicer_to_server(ChatServicer(core, environment), server)
    models_pb2_grpc.add_ModelsServiceServicer_to_server(ModelsServicer(runtime.catalog()), server)
    sb_health_pb2_grpc.add_HealthServiceServicer_to_server(
        HealthServicer(runtime.health_checker()), server
    )
    keys_pb2_grpc.add_KeysServiceServicer_to_server(
        KeysServicer(runtime.sessions, runtime.gate.authenticator), server
    )
    logs_pb2_grpc.add_LogsServiceServicer_to_server(
        LogsServicer(runtime.sessions, runtime.counters, lambda: runtime.retention().shortest),
        server,
    )
    analytics_pb2_grpc.add_AnalyticsServiceServicer_to_server(
        AnalyticsServicer(runtime.sessions), server
    )
    settings_pb2_grpc.add_SettingsServiceServicer_to_server(
        SettingsServicer(runtime.settings_deps(core.router)), server
    )
    grpc_health = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(grpc_health, server)
    names = switchboard_service_names()
    reflectable = [
        *names,
        health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
        reflection.SERVICE_NAME,
    ]
    # What reflection.enable_server_reflection does for an aio server, minus the registration.
    reflection_pb2_grpc.add_ServerReflectionServicer_to_server(
        reflection.aio.ReflectionServicer(reflectable), server
    )
    return grpc_health


async def create_server(
    config: Config, runtime: Runtime
) -> tuple[grpc.aio.Server, int, health.aio.HealthServicer]:
    """Build (not start) the server bound to config.grpc_addr; port 0 picks a free port."""
    server = grpc.aio.server(
        interceptors=[GatewayInterceptor(runtime.metrics, runtime.gate)], options=SERVER_OPTIONS
    )
    grpc_health = register_services(server, runtime)
    try:
        port = server.add_insecure_port(config.grpc_addr)
    except RuntimeError as exc:
        raise ServerStartError(
            f"cannot listen on {config.grpc_addr} (SWITCHBOARD_GRPC_ADDR): "
            "address in use or invalid"
        ) from exc
    return server, port, grpc_health


async def mark_serving(grpc_health: health.aio.HealthServicer, serving: bool) -> None:
    status = (
        health_pb2.HealthCheckResponse.SERVING
        if serving
        else health_pb2.HealthCheckResponse.NOT_SERVING
    )
    for name in ["", *switchboard_service_names()]:
        await grpc_health.set(name, status)


def freeze_startup_heap() -> None:
    """Put everything built at startup (modules, descriptors, SQLAlchemy's metadata, the
    directory) beyond the garbage collector: a full collection otherwise walks all of it,
    stalling the event loop for ~100 ms at a time under load (bench/chat_overhead.py's p99)."""
    gc.collect()
    gc.freeze()


async def serve(config: Config) -> None:
    """Run until SIGINT/SIGTERM, then drain in-flight RPCs for up to SHUTDOWN_GRACE_SECONDS."""
    runtime = Runtime.build(config)
    await runtime.start()
    server, port, grpc_health = await create_server(config, runtime)
    try:
        stop_metrics = runtime.metrics.serve_http(config.metrics_addr)
    except OSError as exc:
        raise ServerStartError(
            f"cannot listen on {config.metrics_addr} (SWITCHBOARD_METRICS_ADDR): {exc.strerror}"
        ) from exc
    await server.start()
    freeze_startup_heap()
    await mark_serving(grpc_health, True)
    log.info("gRPC server listening on %s (port %d)", config.grpc_addr, port)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    await stopping.wait()
    log.info("shutting down")
    await mark_serving(grpc_health, False)
    await server.stop(SHUTDOWN_GRACE_SECONDS)
    stop_metrics()
    await runtime.close()
