"""`python -m switchboard run`: the gRPC server and Envoy as child processes, stopped together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from switchboard._ports import port_is_free, split_addr
from switchboard.config import Config
from switchboard.envoy import EnvoyError, EnvoyProcess, render_config, stop_process

EXIT_PORT_TAKEN = 2
EXIT_CHILD_FAILED = 1
STARTUP_TIMEOUT_SECONDS = 20.0
DESCRIPTOR = Path("gen/switchboard.pb")  # relative: `make run` runs from the repo root
ENVOY_DIR = Path("envoy")


class StartupError(RuntimeError):
    """A child process did not come up."""


def taken_port_message(config: Config) -> str | None:
    """One line naming the first port in use and its variable, or None if all are free."""
    http = ("127.0.0.1", config.http_port)
    admin = ("127.0.0.1", config.envoy_admin_port)
    checks = [
        (split_addr(config.grpc_addr), "SWITCHBOARD_GRPC_ADDR"),
        (http, "SWITCHBOARD_HTTP_PORT"),
        (admin, "SWITCHBOARD_ENVOY_ADMIN_PORT"),
        (split_addr(config.metrics_addr), "SWITCHBOARD_METRICS_ADDR"),
    ]
    for (host, port), variable in checks:
        if not port_is_free(host, port):
            return (
                f"port {port} ({variable}) is already in use; "
                f"stop what is using it or set {variable}"
            )
    return None


def start_server(log_path: Path) -> subprocess.Popen[bytes]:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "switchboard", "serve"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=os.environ.copy(),
            start_new_session=True,
        )


def wait_for_grpc(addr: str, server: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    with grpc.insecure_channel(addr) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise StartupError(
                    f"the gRPC server exited with {server.returncode}; see {log_path}"
                )
            try:
                reply = stub.Check(health_pb2.HealthCheckRequest(), timeout=0.5)
                if reply.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.RpcError:
                time.sleep(0.1)
    raise StartupError(f"the gRPC server did not become ready; see {log_path}")


def banner(config: Config, admin_line: str, logs: Path) -> str:
    rest = f"http://127.0.0.1:{config.http_port}"
    return "\n".join(
        [
            "Switchboard is running. Ctrl-C stops it.",
            f"  REST (OpenAI-compatible): {rest}/api/v1   (alias {rest}/v1)",
            f"  gRPC:                     {config.grpc_addr}   (also through {rest[7:]})",
            f"  Envoy admin:              http://127.0.0.1:{config.envoy_admin_port}",
            f"  Metrics:                  http://{config.metrics_addr}/metrics",
            f"  Logs:                     {logs}/",
            f"  {admin_line}",
        ]
    )


SERVER_STOP_SECONDS = 20.0  # its own grace (5 s) + last key and log writes (3 s each) + slack


class _Stop:
    def __init__(self) -> None:
        self.requested = False

    def __call__(self, _signum: int, _frame: object) -> None:
        self.requested = True


def supervise(server: subprocess.Popen[bytes], envoy: EnvoyProcess, logs: Path, stop: _Stop) -> int:
    while not stop.requested:
        if server.poll() is not None:
            print(
                f"switchboard: the gRPC server exited ({server.returncode}); see {logs}/server.log"
            )
            return EXIT_CHILD_FAILED
        if not envoy.alive():
            print(f"switchboard: Envoy exited; see {logs}/envoy.log")
            return EXIT_CHILD_FAILED
        time.sleep(0.2)
    print("switchboard: stopping")
    return 0


def run(config: Config, prepare: Callable[[Config], str]) -> int:
    taken = taken_port_message(config)
    if taken:
        print(f"switchboard: {taken}", file=sys.stderr)
        return EXIT_PORT_TAKEN
    stop = _Stop()  # from here on a signal stops the children too (SIGHUP: the terminal closed)
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)
    admin_line = prepare(config)
    print(f"switchboard: {admin_line}", flush=True)  # shown even if a later step fails
    logs = config.var_dir / "log"
    server: subprocess.Popen[bytes] | None = None
    envoy: EnvoyProcess | None = None
    try:
        server = start_server(logs / "server.log")
        envoy = EnvoyProcess(
            render_config(config, DESCRIPTOR, ENVOY_DIR, config.var_dir / "envoy"),
            config.envoy_admin_port,
            logs / "envoy.log",
        )
        wait_for_grpc(config.grpc_addr, server, logs / "server.log")
        envoy.start()
        envoy.wait_ready(STARTUP_TIMEOUT_SECONDS)
        print(banner(config, admin_line, logs), flush=True)
        return supervise(server, envoy, logs, stop)
    except (EnvoyError, StartupError, OSError) as exc:
        print(f"switchboard: {exc}", file=sys.stderr)
        return EXIT_CHILD_FAILED
    finally:
        # The server first: it finishes the RPCs in flight (REST ones too, through Envoy, which
        # is still up) and writes or spools its log records; then Envoy.
        stop_process(server, grace=SERVER_STOP_SECONDS)
        if envoy is not None:
            envoy.stop()
