"""`python -m switchboard ...`: serve, migrate, run, keys, rotate-master-key, import-config."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from switchboard import config_import, keys_cli, launcher, master_key_cli
from switchboard.bootstrap import migrate_database, prepare
from switchboard.config import Config, ConfigError
from switchboard.db.errors import DatabaseUnavailable, describe_connect_error
from switchboard.security.secrets import SecretsError
from switchboard.server import ServerStartError, serve

try:
    from uvloop import run as run_loop  # libuv's event loop: less CPU per request
except ImportError:  # no uvloop on Windows
    from asyncio import run as run_loop

EXIT_USAGE = 2
QUIET_LOGGERS = ("alembic", "httpx")
EXIT_FAILURE = 1


def _serve(config: Config, args: argparse.Namespace) -> int:
    try:
        run_loop(serve(config))
    except ServerStartError as exc:
        print(f"switchboard: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return 0


def _migrate(config: Config, args: argparse.Namespace) -> int:
    migrate_database(config)
    print(f"database migrated: {config.safe_database_url}")
    return 0


def _run(config: Config, args: argparse.Namespace) -> int:
    return launcher.run(config, prepare)


def _keys(config: Config, args: argparse.Namespace) -> int:
    return asyncio.run(keys_cli.run(config, args))


def _rotate_master_key(config: Config, args: argparse.Namespace) -> int:
    return asyncio.run(master_key_cli.run(config, args))


def _import_config(config: Config, args: argparse.Namespace) -> int:
    return asyncio.run(config_import.run(config, args))


COMMANDS: dict[str, tuple[Callable[[Config, argparse.Namespace], int], str]] = {
    "serve": (_serve, "run the gRPC server (foreground)"),
    "migrate": (_migrate, "apply database migrations"),
    "run": (_run, "migrate, then start the gRPC server and Envoy; Ctrl-C stops both"),
    "keys": (_keys, "create, list or revoke API keys"),
    "rotate-master-key": (_rotate_master_key, "re-encrypt provider credentials under a new key"),
    "import-config": (_import_config, "apply a switchboard.yaml (providers, models, routes, ...)"),
}
ARGUMENTS = {
    "keys": keys_cli.add_arguments,
    "rotate-master-key": master_key_cli.add_arguments,
    "import-config": config_import.add_arguments,
}


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m switchboard", description=__doc__)
    sub = root.add_subparsers(dest="command", required=True)
    for name, (_, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text)
        if name in ARGUMENTS:
            ARGUMENTS[name](command)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for chatty in QUIET_LOGGERS:
        logging.getLogger(chatty).setLevel(logging.WARNING)
    try:
        config = Config.from_env()
    except ConfigError as exc:
        print(f"switchboard: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    handler, _ = COMMANDS[args.command]
    try:
        return handler(config, args)
    except (ConfigError, DatabaseUnavailable, SecretsError) as exc:
        print(f"switchboard: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except SQLAlchemyError as exc:  # a command's database went away: one line, no password
        print(f"switchboard: {describe_connect_error(config.database_url, exc)}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 0
