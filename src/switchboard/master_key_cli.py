"""`python -m switchboard rotate-master-key`: re-encrypt every provider credential under a new
master key, in one transaction, without downtime.

With keys in var/master.key: a new key is generated and put first and every credential is
re-encrypted under it. The old keys stay in the file: a running server still encrypts with the
key it holds until it re-reads the file (when a credential stops decrypting), and what it
writes meanwhile must stay readable. Drop them later, once every server has followed, with
--drop-old.
With SWITCHBOARD_MASTER_KEY ("new,old"): credentials are re-encrypted under its first key;
remove the old keys from the variable afterwards (every replica already decrypts with both).
"""

from __future__ import annotations

import argparse
import sys

from cryptography.fernet import Fernet

from switchboard.config import Config
from switchboard.db.engine import one_transaction
from switchboard.db.repositories import audit
from switchboard.db.repositories.providers import all_with_credentials
from switchboard.security.secrets import (
    SecretsError,
    Vault,
    key_file,
    read_key_file,
    write_key_file,
)


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--drop-old",
        action="store_true",
        help="with var/master.key: drop the old keys from the file after re-encrypting "
        "(only once no running server still encrypts with them)",
    )


async def reencrypt(config: Config, vault: Vault) -> int:
    """Re-encrypt every stored credential under the vault's first key; the count."""
    async with one_transaction(config.database_url) as session:
        rows = await all_with_credentials(session)
        for row in rows:
            try:
                row.encrypted_credentials = vault.rotate(row.encrypted_credentials or b"")
            except SecretsError:
                raise SecretsError(
                    f"provider {row.name!r}: its credential decrypts with none of the keys; "
                    "nothing was changed"
                ) from None
        details = {"providers": len(rows)}
        audit.record(session, None, "master_key.rotate", ("master_key", ""), "", details)
    return len(rows)


async def run(config: Config, args: argparse.Namespace) -> int:
    try:
        if config.master_key:
            count = await reencrypt(config, Vault.from_config(config.master_key, config.var_dir))
            print(
                f"re-encrypted {count} provider credential(s) under the first key of "
                "SWITCHBOARD_MASTER_KEY; remove the older keys from it on every replica now"
            )
            return 0
        path = key_file(config.var_dir)
        old = read_key_file(path) if path.exists() else []
        keys = [Fernet.generate_key(), *old]
        write_key_file(path, keys)
        count = await reencrypt(config, Vault(keys))
        if args.drop_old:
            write_key_file(path, keys[:1])
        print(f"re-encrypted {count} provider credential(s) under a new key in {path}")
        return 0
    except SecretsError as exc:
        print(f"switchboard: {exc}", file=sys.stderr)
        return 1
