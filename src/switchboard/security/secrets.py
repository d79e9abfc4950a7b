"""Provider credentials encrypted at rest with the master key (Fernet: AES-128-CBC + HMAC).

The master keys come from SWITCHBOARD_MASTER_KEY (comma-separated) or from var/master.key (one
per line; generated once, mode 0600). The first key encrypts, every key decrypts
(MultiFernet), so a key is rotated without downtime: add the new key first, re-encrypt
(`python -m switchboard rotate-master-key`), then drop the old one. A vault built from the
key file re-reads it when a credential does not decrypt, so a running server follows a
rotation done next to it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

KEY_FILE = "master.key"


class SecretsError(Exception):
    """A credential could not be decrypted (wrong or missing master key). Never holds plaintext."""


def key_file(var_dir: Path) -> Path:
    return var_dir / KEY_FILE


def write_key_file(path: Path, keys: list[bytes]) -> None:
    """Replace the key file atomically, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path.with_name(path.name + ".new")
    descriptor = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(b"\n".join(keys) + b"\n")
    os.replace(fresh, path)


def read_key_file(path: Path) -> list[bytes]:
    return [line.strip() for line in path.read_bytes().splitlines() if line.strip()]


def load_master_keys(env_value: str | None, var_dir: Path) -> list[bytes]:
    if env_value:
        return [part.strip().encode() for part in env_value.split(",") if part.strip()]
    path = key_file(var_dir)
    if not path.exists():
        write_key_file(path, [Fernet.generate_key()])
    return read_key_file(path)


class Vault:
    def __init__(self, keys: list[bytes], reload: Callable[[], list[bytes]] | None = None) -> None:
        self._reload = reload
        self._fernet = self._build(keys)

    @staticmethod
    def _build(keys: list[bytes]) -> MultiFernet:
        if not keys:
            raise SecretsError("no master key")
        try:
            return MultiFernet([Fernet(key) for key in keys])
        except ValueError:
            raise SecretsError("a master key is not a valid Fernet key") from None

    @classmethod
    def from_config(cls, env_value: str | None, var_dir: Path) -> Vault:
        keys = load_master_keys(env_value, var_dir)
        reload = None if env_value else (lambda: read_key_file(key_file(var_dir)))
        return cls(keys, reload)

    def encrypt(self, plaintext: str) -> bytes:
        return self._fernet.encrypt(plaintext.encode())

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(token).decode()
        except InvalidToken:
            pass
        if self._reload is not None:
            self._fernet = self._build(self._reload())
            try:
                return self._fernet.decrypt(token).decode()
            except InvalidToken:
                pass
        raise SecretsError("credential does not decrypt with the master key")

    def rotate(self, token: bytes) -> bytes:
        """Re-encrypt under the first (newest) key."""
        try:
            return self._fernet.rotate(token)
        except InvalidToken:
            raise SecretsError("credential does not decrypt with any master key") from None


def mask(secret: str) -> str:
    """'sk-up-1234abcd' -> 'sk-...abcd' (nothing for short secrets)."""
    if len(secret) < 12:
        return "***"
    return f"{secret[:3]}...{secret[-4:]}"
