"""The CLI's failure modes, as a person at a terminal would meet them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from switchboard._ports import free_port

ROOT = Path(__file__).resolve().parents[2]


def switchboard(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "switchboard", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_missing_postgres_is_one_line_with_the_password_masked(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://app:hunter2@127.0.0.1:{free_port()}/switchboard"
    for command in (("migrate",), ("run",), ("keys", "list")):
        result = switchboard(
            *command,
            env={
                "SWITCHBOARD_DATABASE_URL": url,
                "SWITCHBOARD_VAR_DIR": str(tmp_path),
                "SWITCHBOARD_HTTP_PORT": str(free_port()),
                "SWITCHBOARD_GRPC_ADDR": f"127.0.0.1:{free_port()}",
                "SWITCHBOARD_ENVOY_ADMIN_PORT": str(free_port()),
                "SWITCHBOARD_METRICS_ADDR": f"127.0.0.1:{free_port()}",
            },
        )
        assert result.returncode == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert "app:***@127.0.0.1" in lines[0]
        assert "hunter2" not in result.stderr + result.stdout
        assert "Traceback" not in result.stderr


def test_taken_port_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = switchboard(
            "run",
            env={
                "SWITCHBOARD_HTTP_PORT": str(port),
                "SWITCHBOARD_VAR_DIR": str(tmp_path),
                "SWITCHBOARD_GRPC_ADDR": f"127.0.0.1:{free_port()}",
                "SWITCHBOARD_ENVOY_ADMIN_PORT": str(free_port()),
                "SWITCHBOARD_METRICS_ADDR": f"127.0.0.1:{free_port()}",
            },
        )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"switchboard: port {port} (SWITCHBOARD_HTTP_PORT) is already in use; "
        "stop what is using it or set SWITCHBOARD_HTTP_PORT"
    )


def test_keys_create_list_revoke(tmp_path: Path) -> None:
    env = {"SWITCHBOARD_VAR_DIR": str(tmp_path), "SWITCHBOARD_DATABASE_URL": ""}
    assert switchboard("migrate", env=env).returncode == 0
    created = switchboard(
        "keys", "create", "--name", "ops", "--permission", "ai:chat", "--rpm", "60", env=env
    )
    assert created.returncode == 0, created.stderr
    fields = dict(line.split(":", 1) for line in created.stdout.splitlines())
    key_id, secret = fields["id"].strip(), fields["key"].split()[0]
    assert secret.startswith("sk-sb-")
    listed = switchboard("keys", "list", env=env)
    assert key_id in listed.stdout
    assert secret not in listed.stdout
    assert switchboard("keys", "revoke", key_id, env=env).returncode == 0
    assert key_id not in switchboard("keys", "list", env=env).stdout
    assert key_id in switchboard("keys", "list", "--all", env=env).stdout
    bad = switchboard("keys", "create", "--name", "x", "--permission", "root", env=env)
    assert bad.returncode == 2
    assert "unknown permission 'root'" in bad.stderr
