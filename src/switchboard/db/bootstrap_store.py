"""Start-up writes (synchronous; they run before the server starts): the default
organization and the bootstrap admin key."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import create_engine, pool, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from switchboard.db.engine import sync_url
from switchboard.db.errors import describe_connect_error
from switchboard.db.repositories.api_keys import new_key_row
from switchboard.db.schema import ApiKey, Organization

DEFAULT_ORGANIZATION = "default"


@contextmanager
def _transaction(database_url: str) -> Iterator[Session]:
    engine = create_engine(sync_url(database_url), poolclass=pool.NullPool)
    try:
        with Session(engine) as session, session.begin():
            yield session
    except SQLAlchemyError as exc:
        raise describe_connect_error(database_url, exc) from None
    finally:
        engine.dispose()


def _default_organization(session: Session) -> Organization:
    org = session.scalar(select(Organization).where(Organization.name == DEFAULT_ORGANIZATION))
    if org is None:
        org = Organization(name=DEFAULT_ORGANIZATION)
        session.add(org)
        session.flush()
    return org


def ensure_admin_key(
    database_url: str, *, digest: str, prefix: str, name: str, permissions: Sequence[str]
) -> bool:
    """Store the key's digest unless present; True when it was added."""
    with _transaction(database_url) as session:
        if session.scalar(select(ApiKey.id).where(ApiKey.key_hash == digest)):
            return False
        org = _default_organization(session)
        session.add(
            new_key_row(
                digest=digest,
                prefix=prefix,
                name=name,
                permissions=permissions,
                organization_id=org.id,
            )
        )
        return True


def admin_key_prefix(database_url: str, *, name: str) -> str | None:
    """Display prefix of the oldest live key with this name, if any."""
    with _transaction(database_url) as session:
        return session.scalar(
            select(ApiKey.prefix)
            .where(ApiKey.name == name, ApiKey.revoked_at.is_(None))
            .order_by(ApiKey.created_at)
            .limit(1)
        )


def has_keys(database_url: str) -> bool:
    """Whether any API key was ever made (revoked ones too)."""
    with _transaction(database_url) as session:
        return session.scalar(select(ApiKey.id).limit(1)) is not None
