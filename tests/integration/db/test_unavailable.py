"""A database that is down: one line, URL with the password masked, no traceback text."""

from __future__ import annotations

import pytest

from switchboard.db.engine import create_engine_from_url, ping
from switchboard.db.errors import DatabaseUnavailable
from switchboard.db.migrate import current_revision, upgrade

DEAD_PG = "postgresql+psycopg://u:s3cret@127.0.0.1:1/x"


def assert_one_masked_line(error: DatabaseUnavailable) -> None:
    message = str(error)
    assert "\n" not in message
    assert message.startswith("database unavailable: postgresql+psycopg://u:***@127.0.0.1:1/x (")
    assert "s3cret" not in message
    assert "Traceback" not in message


def test_upgrade_against_a_dead_postgres() -> None:
    with pytest.raises(DatabaseUnavailable) as caught:
        upgrade(DEAD_PG)
    assert_one_masked_line(caught.value)
    assert caught.value.__cause__ is None


def test_current_revision_against_a_dead_postgres() -> None:
    with pytest.raises(DatabaseUnavailable) as caught:
        current_revision(DEAD_PG)
    assert_one_masked_line(caught.value)


async def test_ping_against_a_dead_postgres() -> None:
    engine = create_engine_from_url(DEAD_PG)
    try:
        with pytest.raises(DatabaseUnavailable) as caught:
            await ping(engine)
    finally:
        await engine.dispose()
    assert_one_masked_line(caught.value)


async def test_ping_answers_on_a_live_database(engine) -> None:
    await ping(engine)


def test_unopenable_sqlite_file(tmp_path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    with pytest.raises(DatabaseUnavailable, match="database unavailable: sqlite:///"):
        upgrade(f"sqlite:///{blocker}/switchboard.db")
