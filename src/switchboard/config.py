"""The one typed, frozen configuration object, read from the environment once at start-up."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_GRPC_ADDR = "127.0.0.1:50051"
DEFAULT_HTTP_PORT = 8080
DEFAULT_ENVOY_ADMIN_PORT = 9901
DEFAULT_METRICS_ADDR = "127.0.0.1:9464"
DEFAULT_VAR_DIR = "var"


class ConfigError(ValueError):
    """A setting in the environment is malformed."""


@dataclass(frozen=True)
class Config:
    grpc_addr: str = DEFAULT_GRPC_ADDR
    http_port: int = DEFAULT_HTTP_PORT
    envoy_admin_port: int = DEFAULT_ENVOY_ADMIN_PORT
    metrics_addr: str = DEFAULT_METRICS_ADDR
    var_dir: Path = Path(DEFAULT_VAR_DIR)
    database_url: str = ""
    redis_url: str | None = None
    master_key: str | None = None
    admin_key: str | None = None
    environment: str = "development"

    def __post_init__(self) -> None:
        if not self.database_url:
            object.__setattr__(self, "database_url", default_database_url(self.var_dir))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        env = os.environ if env is None else env
        var_dir = Path(env.get("SWITCHBOARD_VAR_DIR", DEFAULT_VAR_DIR))
        return cls(
            grpc_addr=env.get("SWITCHBOARD_GRPC_ADDR", DEFAULT_GRPC_ADDR),
            http_port=_port(env, "SWITCHBOARD_HTTP_PORT", DEFAULT_HTTP_PORT),
            envoy_admin_port=_port(env, "SWITCHBOARD_ENVOY_ADMIN_PORT", DEFAULT_ENVOY_ADMIN_PORT),
            metrics_addr=env.get("SWITCHBOARD_METRICS_ADDR", DEFAULT_METRICS_ADDR),
            var_dir=var_dir,
            database_url=env.get("SWITCHBOARD_DATABASE_URL") or default_database_url(var_dir),
            redis_url=env.get("SWITCHBOARD_REDIS_URL") or None,
            master_key=env.get("SWITCHBOARD_MASTER_KEY") or None,
            admin_key=env.get("SWITCHBOARD_ADMIN_KEY") or None,
            environment=env.get("SWITCHBOARD_ENVIRONMENT", "development"),
        )

    @property
    def safe_database_url(self) -> str:
        return mask_url_password(self.database_url)


def default_database_url(var_dir: Path) -> str:
    return f"sqlite:///{var_dir / 'switchboard.db'}"


_PASSWORD_IN_URL = re.compile(
    r"(?P<head>[a-z0-9+]+://[^:/@]*:)(?P<password>[^@]*)(?P<tail>@)", re.IGNORECASE
)


def mask_url_password(url: str) -> str:
    """Replace the password of a URL such as postgresql://user:secret@host/db with ***."""
    return _PASSWORD_IN_URL.sub(r"\g<head>***\g<tail>", url)


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError(f"{name} must be a TCP port number (1-65535), got {raw!r}")
    return int(raw)
