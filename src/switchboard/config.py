"""The one typed, frozen configuration object, read from the environment once at start-up."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import re2

BUILTIN_RULES = ("card", "api_key", "email", "phone")
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
    # Redaction rules applied to stored bodies (see logs.redaction); () stores them as sent.
    redaction_rules: tuple[str, ...] = BUILTIN_RULES
    redaction_custom: tuple[tuple[str, str], ...] = ()
    log_retention_days: int = 90
    # How long the log writer gathers records before a batch (fewer, larger batches: less CPU).
    log_flush_ms: int = 1000
    # Provider base URLs on link-local/metadata addresses are refused unless this is set.
    allow_link_local_upstreams: bool = False

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
            redaction_rules=_redaction_rules(env.get("SWITCHBOARD_REDACTION")),
            redaction_custom=_custom_patterns(env.get("SWITCHBOARD_REDACTION_CUSTOM")),
            log_retention_days=_positive(env, "SWITCHBOARD_LOG_RETENTION_DAYS", 90),
            log_flush_ms=_positive(env, "SWITCHBOARD_LOG_FLUSH_MS", 1000),
            allow_link_local_upstreams=_flag(env, "SWITCHBOARD_ALLOW_LINK_LOCAL_UPSTREAMS"),
        )

    @property
    def safe_database_url(self) -> str:
        return mask_url_password(self.database_url)


def default_database_url(var_dir: Path) -> str:
    return f"sqlite:///{var_dir / 'switchboard.db'}"


# The password runs to the authority's last "@" (it may hold an unencoded "@" itself).
_PASSWORD_IN_URL = re.compile(
    r"(?P<head>[a-z0-9+]+://[^:/@]*:)(?P<password>[^/]*)(?P<tail>@)", re.IGNORECASE
)
_PASSWORD_IN_QUERY = re.compile(r"(?P<head>[?&]password=)[^&#]*", re.IGNORECASE)


def mask_url_password(url: str) -> str:
    """Replace the password of a URL such as postgresql://user:secret@host/db (or one given as
    ?password=..., which libpq accepts) with ***."""
    masked = _PASSWORD_IN_URL.sub(r"\g<head>***\g<tail>", url)
    return _PASSWORD_IN_QUERY.sub(r"\g<head>***", masked)


def _redaction_rules(raw: str | None) -> tuple[str, ...]:
    """Comma-separated rule names; "none" turns redaction off; unset = all built-ins."""
    if raw is None or not raw.strip():
        return Config.redaction_rules
    if raw.strip().lower() == "none":
        return ()
    names = tuple(name.strip() for name in raw.split(",") if name.strip())
    unknown = sorted(set(names) - set(BUILTIN_RULES))
    if unknown:
        raise ConfigError(
            f"SWITCHBOARD_REDACTION: unknown rule(s) {', '.join(unknown)}; "
            f"known: {', '.join(BUILTIN_RULES)} or none"
        )
    return names


def _custom_patterns(raw: str | None) -> tuple[tuple[str, str], ...]:
    """A JSON object of rule name -> regular expression."""
    if not raw:
        return ()
    try:
        parsed = json.loads(raw)
        pairs = tuple((str(k), str(v)) for k, v in parsed.items())
        for _, pattern in pairs:
            re2.compile(pattern)  # as the log writer will (linear time: no lookarounds)
    except (ValueError, AttributeError, re2.error) as exc:
        message = f"SWITCHBOARD_REDACTION_CUSTOM must be a JSON object of RE2 regexes: {exc}"
        raise ConfigError(message) from None
    return pairs


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{name} must be a positive whole number, got {raw!r}")
    return int(raw)


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no"):
        return False
    if raw in ("1", "true", "yes"):
        return True
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError(f"{name} must be a TCP port number (1-65535), got {raw!r}")
    return int(raw)
