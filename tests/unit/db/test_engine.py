import pytest

from switchboard.db.engine import async_url, sync_url
from switchboard.db.errors import describe_connect_error


def test_driver_urls() -> None:
    assert async_url("sqlite:///var/x.db") == "sqlite+aiosqlite:///var/x.db"
    assert sync_url("sqlite+aiosqlite:///var/x.db") == "sqlite:///var/x.db"
    pg = "postgresql://u:p%40ss@h:5432/db"
    assert async_url(pg) == "postgresql+psycopg://u:p%40ss@h:5432/db"
    assert sync_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"


def test_unsupported_database_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported database 'mysql'"):
        async_url("mysql://u@h/db")


def test_connect_errors_are_one_masked_line() -> None:
    exc = OSError('connection to server at "h", port 1 failed: Connection refused\n\tIs it up?')
    message = str(describe_connect_error("postgresql+psycopg://u:secret@h:1/db", exc))
    assert message == "database unavailable: postgresql+psycopg://u:***@h:1/db (Connection refused)"
