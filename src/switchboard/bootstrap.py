"""Start-up preparation: migrate the database and make sure an admin key exists."""

from __future__ import annotations

from switchboard.auth.keys import display_prefix, generate_key, key_digest, looks_like_key
from switchboard.config import Config, ConfigError
from switchboard.db import bootstrap_store
from switchboard.db.migrate import upgrade

ADMIN_KEY_NAME = "bootstrap-admin"
ADMIN_PERMISSIONS = (
    "ai:chat",
    "ai:features:*",
    "logs:read:all",
    "logs:export",
    "settings:read",
    "settings:write",
    "keys:write",
)


def migrate_database(config: Config) -> None:
    if config.database_url.startswith("sqlite:///"):
        config.var_dir.mkdir(parents=True, exist_ok=True)
    upgrade(config.database_url)


def ensure_admin_key(config: Config) -> str:
    """Return the line to print about the admin key. A generated key is shown only once."""
    if config.admin_key:
        if not looks_like_key(config.admin_key):
            raise ConfigError("SWITCHBOARD_ADMIN_KEY must look like sk-sb- + 40-64 base62 chars")
        created = bootstrap_store.ensure_admin_key(
            config.database_url,
            digest=key_digest(config.admin_key),
            prefix=display_prefix(config.admin_key),
            name=ADMIN_KEY_NAME,
            permissions=ADMIN_PERMISSIONS,
        )
        origin = "registered" if created else "already registered"
        prefix = display_prefix(config.admin_key)
        return f"admin key: from SWITCHBOARD_ADMIN_KEY ({prefix}..., {origin})"
    existing = bootstrap_store.admin_key_prefix(config.database_url, name=ADMIN_KEY_NAME)
    if existing:
        return (
            f"admin key: created on first start ({existing}...); it is shown only once. "
            "Set SWITCHBOARD_ADMIN_KEY to register a key of your own."
        )
    if bootstrap_store.has_keys(config.database_url):
        # The bootstrap admin was revoked: an operator's decision, not to be undone by a restart.
        return (
            "admin key: none generated (API keys exist; the bootstrap admin was revoked). "
            "Create one with `python -m switchboard keys create` if you need it."
        )
    key = generate_key()
    bootstrap_store.ensure_admin_key(
        config.database_url,
        digest=key_digest(key),
        prefix=display_prefix(key),
        name=ADMIN_KEY_NAME,
        permissions=ADMIN_PERMISSIONS,
    )
    return f"admin key (shown once, store it now): {key}"


def prepare(config: Config) -> str:
    migrate_database(config)
    return ensure_admin_key(config)
