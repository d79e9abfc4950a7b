"""`python -m switchboard keys create|list|revoke`: key administration from the server's shell.

Works on the database directly (whoever runs it can read the server's configuration anyway),
audits every change with actor "cli", and prints a new secret exactly once.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard.auth import issuing
from switchboard.auth import permissions as perms
from switchboard.config import Config
from switchboard.db.bootstrap_store import DEFAULT_ORGANIZATION
from switchboard.db.engine import one_transaction
from switchboard.db.repositories import api_keys, audit
from switchboard.db.schema import ApiKey, Organization
from switchboard.errors import InvalidRequest, SwitchboardError

DEFAULT_PERMISSIONS = ("ai:chat",)


def add_arguments(keys: argparse.ArgumentParser) -> None:
    actions = keys.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create a key and print its secret once")
    create.add_argument("--name", required=True)
    create.add_argument(
        "--permission",
        action="append",
        dest="permissions",
        help=f"repeat for each; default {', '.join(DEFAULT_PERMISSIONS)}",
    )
    create.add_argument("--organization", default="", help="default: the default organization")
    create.add_argument("--user", default="")
    create.add_argument("--rpm", type=int, default=0, help="requests per minute (0 = none)")
    create.add_argument("--rph", type=int, default=0, help="requests per hour (0 = none)")
    create.add_argument("--tpm", type=int, default=0, help="tokens per minute (0 = none)")
    create.add_argument("--daily-budget", default="", help="USD, e.g. 5.00")
    create.add_argument("--monthly-budget", default="", help="USD, e.g. 100")
    listing = actions.add_parser("list", help="list keys (never their secrets)")
    listing.add_argument("--all", action="store_true", help="include revoked keys")
    revoke = actions.add_parser("revoke", help="revoke a key by id")
    revoke.add_argument("id")


async def _default_organization(session: AsyncSession) -> str:
    query = select(Organization.id).where(Organization.name == DEFAULT_ORGANIZATION)
    found = await session.scalar(query)
    if found is not None:
        return found
    organization = Organization(name=DEFAULT_ORGANIZATION)
    session.add(organization)
    await session.flush()
    return organization.id


def _spec(args: argparse.Namespace, organization_id: str | None) -> issuing.KeySpec:
    return issuing.KeySpec(
        name=issuing.name(args.name),
        permissions=perms.validate(args.permissions or DEFAULT_PERMISSIONS),
        organization_id=organization_id,
        user_id=args.user or None,
        rate_limit_per_minute=issuing.limit(args.rpm, "rpm"),
        rate_limit_per_hour=issuing.limit(args.rph, "rph"),
        tokens_per_minute=issuing.limit(args.tpm, "tpm"),
        daily_budget_pico_usd=issuing.budget(args.daily_budget, "daily-budget"),
        monthly_budget_pico_usd=issuing.budget(args.monthly_budget, "monthly-budget"),
        expires_at=None,
    )


async def _create(session: AsyncSession, args: argparse.Namespace) -> None:
    organization_id = args.organization or await _default_organization(session)
    spec = _spec(args, organization_id)
    row, secret = await issuing.issue_key(session, spec)
    details = {"name": spec.name, "permissions": spec.permissions, "via": "cli"}
    audit.record(session, None, "key.create", ("api_key", row.id), "", details)
    print(f"id:     {row.id}")
    print(f"key:    {secret}    (shown once: store it now)")
    print(f"prefix: {row.prefix}")


async def _list(session: AsyncSession, args: argparse.Namespace) -> None:
    rows, total = await api_keys.list_keys(
        session, None, everywhere=True, include_revoked=args.all, offset=0, limit=10_000
    )
    print(f"{'id':36}  {'prefix':10}  {'name':20}  {'organization':36}  revoked  permissions")
    for row in rows:
        revoked = "yes" if row.revoked_at else "no"
        print(
            f"{row.id:36}  {row.prefix:10}  {row.name[:20]:20}  "
            f"{(row.organization_id or '-'):36}  {revoked:7}  {','.join(row.permissions or ())}"
        )
    print(f"{total} key(s)")


async def _revoke(session: AsyncSession, args: argparse.Namespace) -> None:
    row = await session.get(ApiKey, args.id)
    if row is None:
        raise InvalidRequest(f"no API key with id {args.id!r}", param="id")
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        details = {"via": "cli", "organization_id": row.organization_id}
        audit.record(session, None, "key.revoke", ("api_key", row.id), "", details)
    print(f"revoked {row.id} ({row.prefix}...)")


ACTIONS: dict[str, Callable[[AsyncSession, argparse.Namespace], Awaitable[None]]] = {
    "create": _create,
    "list": _list,
    "revoke": _revoke,
}


async def run(config: Config, args: argparse.Namespace) -> int:
    try:
        async with one_transaction(config.database_url) as session:
            await ACTIONS[args.action](session, args)
    except SwitchboardError as exc:
        print(f"switchboard: {exc.message}", file=sys.stderr)
        return 2
    return 0
