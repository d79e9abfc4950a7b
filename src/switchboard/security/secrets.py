"""Provider credentials encrypted at rest with the master key (Fernet: AES-128-CBC + HMAC).

The master key comes from SWITCHBOARD_MASTER_KEY or is generated once into var/master.key
(mode 0600). Several comma-separated keys may be given: the first encrypts, all decrypt, so a
key can be rotated without downtime (MultiFernet).
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class SecretsError(Exception):
    """A credential could not be decrypted (wrong or missing master key). Never holds plaintext."""


def load_master_keys(env_value: str | None, var_dir: Path) -> list[bytes]:
    if env_value:
        return [part.strip().encode() for part in env_value.split(",") if part.strip()]
    path = var_dir / "master.key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(Fernet.generate_key())
    return [path.read_bytes().strip()]


class Vault:
    def __init__(self, keys: list[bytes]) -> None:
        if not keys:
            raise SecretsError("no master key")
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    def encrypt(self, plaintext: str) -> bytes:
        return self._fernet.encrypt(plaintext.encode())

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(token).decode()
        except InvalidToken:
            raise SecretsError("credential does not decrypt with the master key") from None

    def rotate(self, token: bytes) -> bytes:
        """Re-encrypt under the first (newest) key."""
        return self._fernet.rotate(token)


def mask(secret: str) -> str:
    """'sk-up-1234abcd' -> 'sk-...abcd' (nothing for short secrets)."""
    if len(secret) < 12:
        return "***"
    return f"{secret[:3]}...{secret[-4:]}"
