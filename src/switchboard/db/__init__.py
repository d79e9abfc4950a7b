"""Persistence: SQLAlchemy models, engines, Alembic migrations and repositories.

Repositories take a session and never commit; the caller owns the transaction.
"""
