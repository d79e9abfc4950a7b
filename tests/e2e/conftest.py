"""The real thing: `python -m switchboard run` (migrate, bootstrap key, gRPC server, Envoy) on
free loopback ports, once per database backend, stopped with Ctrl-C (SIGINT) at the end."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet
from fakes.openai_server import FakeOpenAI
from fakes.seed import SETTINGS_SECRET, UPSTREAM_KEY, PricedModel, ProviderSeed, seed_provider

from switchboard._ports import free_port
from switchboard.auth.keys import generate_key
from switchboard.db.migrate import upgrade
from switchboard.security.secrets import Vault

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 30
UPSTREAM_MODELS = ["ok", "rate-limited", "context", "bad", "slow"]
# Failing models live on their own provider, so its circuit breaker does not trip `acme`'s.
DOWN_MODELS = ["auth", "broken"]


@dataclass(frozen=True)
class Stack:
    rest: str
    grpc_direct: str
    grpc_envoy: str
    metrics: str
    admin_key: str
    process: subprocess.Popen[str]

    @property
    def auth(self) -> dict[str, str]:
        """The admin key as an HTTP header."""
        return {"authorization": f"Bearer {self.admin_key}"}


def stack_env(database_url: str, var_dir: Path, master_key: str) -> dict[str, str]:
    return {
        "SWITCHBOARD_MASTER_KEY": master_key,
        **os.environ,
        "SWITCHBOARD_GRPC_ADDR": f"127.0.0.1:{free_port()}",
        "SWITCHBOARD_HTTP_PORT": str(free_port()),
        "SWITCHBOARD_ENVOY_ADMIN_PORT": str(free_port()),
        "SWITCHBOARD_METRICS_ADDR": f"127.0.0.1:{free_port()}",
        "SWITCHBOARD_DATABASE_URL": database_url,
        "SWITCHBOARD_VAR_DIR": str(var_dir),
        "SWITCHBOARD_ADMIN_KEY": generate_key(),
    }


def wait_healthy(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"switchboard run exited early:\n{process.stdout.read()}", pytrace=False)
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail("switchboard run did not answer /api/v1/health in time", pytrace=False)


def seed_upstream(database_url: str, master_key: str, upstream: FakeOpenAI) -> None:
    """Migrate and register the fake OpenAI upstream as providers `acme` and `downco`."""
    upgrade(database_url)
    vault = Vault([master_key.encode()])
    for name, models in (("acme", UPSTREAM_MODELS), ("downco", DOWN_MODELS)):
        seed = ProviderSeed(
            name=name,
            base_url=upstream.base_url,
            api_key=UPSTREAM_KEY,
            models=[PricedModel(m) for m in models],
        )
        seed_provider(database_url, vault, seed)


def start_stack(database_url: str, var_dir: Path, upstream: FakeOpenAI) -> Stack:
    master_key = Fernet.generate_key().decode()
    seed_upstream(database_url, master_key, upstream)
    env = stack_env(database_url, var_dir, master_key)
    process = subprocess.Popen(
        [sys.executable, "-m", "switchboard", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    port = env["SWITCHBOARD_HTTP_PORT"]
    stack = Stack(
        rest=f"http://127.0.0.1:{port}",
        grpc_direct=env["SWITCHBOARD_GRPC_ADDR"],
        grpc_envoy=f"127.0.0.1:{port}",
        metrics=f"http://{env['SWITCHBOARD_METRICS_ADDR']}/metrics",
        admin_key=env["SWITCHBOARD_ADMIN_KEY"],
        process=process,
    )
    wait_healthy(f"{stack.rest}/api/v1/health", process)
    return stack


def stop_stack(stack: Stack) -> tuple[int, str]:
    stack.process.send_signal(signal.SIGINT)
    try:
        output, _ = stack.process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        stack.process.kill()
        output, _ = stack.process.communicate()
    return stack.process.returncode, output


@pytest.fixture(scope="session")
def e2e_sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'switchboard.db'}"


@pytest.fixture(scope="session")
def upstream() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def stack(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, upstream: FakeOpenAI
) -> Iterator[Stack]:
    fixture = "e2e_sqlite_url" if request.param == "sqlite" else "empty_postgres_url"
    database_url = request.getfixturevalue(fixture)
    started = start_stack(database_url, tmp_path_factory.mktemp(f"var-{request.param}"), upstream)
    yield started
    code, output = stop_stack(started)
    assert code == 0, output
    assert "stopping" in output
    for secret in (UPSTREAM_KEY, SETTINGS_SECRET):
        assert secret not in output


@pytest.fixture
def own_stack(tmp_path: Path) -> Iterator[Callable[[FakeOpenAI], Stack]]:
    """A stack of the test's own (SQLite), for tests that stop it; stopped if still running."""
    started: list[Stack] = []

    def start(upstream: FakeOpenAI) -> Stack:
        started.append(
            start_stack(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "var", upstream)
        )
        return started[-1]

    yield start
    for stack in started:
        if stack.process.poll() is None:
            stop_stack(stack)
