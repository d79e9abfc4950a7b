"""`python -m switchboard import-config switchboard.yaml`: validate the whole document, then
apply it in one transaction (idempotent: a second run changes nothing). Provider keys come
from the environment variables the document names (`api_key_env`), never from the file."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

import yaml

from switchboard.config import Config
from switchboard.db.engine import one_transaction
from switchboard.importing.apply import apply_plan
from switchboard.importing.document import ImportFailed, parse_document
from switchboard.security.secrets import Vault


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("path", type=Path, help="the YAML file, e.g. switchboard.example.yaml")


def load(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text())
    except OSError as exc:
        raise ImportFailed(f"cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ImportFailed(f"{path} is not valid YAML: {exc}") from None


async def run(config: Config, args: argparse.Namespace) -> int:
    try:
        plan = parse_document(
            load(args.path), os.environ, allow_link_local=config.allow_link_local_upstreams
        )
        vault = Vault.from_config(config.master_key, config.var_dir)
        async with one_transaction(config.database_url) as session:
            counts = await apply_plan(session, plan, vault)
    except ImportFailed as exc:
        print(f"switchboard: {args.path}: {exc}", file=sys.stderr)
        return 1
    summary = ", ".join(f"{count} {what}" for what, count in sorted(counts.items()))
    print(f"imported {args.path}: {summary or 'nothing to do'}")
    return 0
