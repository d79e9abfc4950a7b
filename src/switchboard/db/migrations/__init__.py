"""Alembic environment and revisions (run through switchboard.db.migrate)."""
