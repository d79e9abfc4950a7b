"""URL conversion and one-line connection errors (no database needed)."""

import pytest

from switchboard.db.engine import async_url, sync_url
from switchboard.db.errors import DatabaseUnavailable, describe_connect_error


@pytest.mark.parametrize(
    ("url", "sync", "async_"),
    [
        ("sqlite:///var/x.db", "sqlite:///var/x.db", "sqlite+aiosqlite:///var/x.db"),
        ("sqlite+aiosqlite:///var/x.db", "sqlite:///var/x.db", "sqlite+aiosqlite:///var/x.db"),
        ("sqlite:////abs/x.db", "sqlite:////abs/x.db", "sqlite+aiosqlite:////abs/x.db"),
        (
            "postgresql://u:p%40ss@h:5432/db",
            "postgresql+psycopg://u:p%40ss@h:5432/db",
            "postgresql+psycopg://u:p%40ss@h:5432/db",
        ),
        (
            "postgresql+psycopg://u@h/db",
            "postgresql+psycopg://u@h/db",
            "postgresql+psycopg://u@h/db",
        ),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        (
            "postgresql+asyncpg://u@h/db",
            "postgresql+psycopg://u@h/db",
            "postgresql+psycopg://u@h/db",
        ),
    ],
)
def test_driver_urls(url: str, sync: str, async_: str) -> None:
    assert sync_url(url) == sync
    assert async_url(url) == async_


def test_query_parameters_survive() -> None:
    url = "postgresql://u@h/db?sslmode=require"
    assert async_url(url) == "postgresql+psycopg://u@h/db?sslmode=require"


@pytest.mark.parametrize("url", ["mysql://u@h/db", "mysql+pymysql://u@h/db"])
def test_unsupported_database_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="unsupported database 'mysql'"):
        async_url(url)


def test_connect_errors_are_one_masked_line() -> None:
    exc = OSError('connection to server at "h", port 1 failed: Connection refused\n\tIs it up?')
    message = str(describe_connect_error("postgresql+psycopg://u:secret@h:1/db", exc))
    assert message == "database unavailable: postgresql+psycopg://u:***@h:1/db (Connection refused)"


def test_server_severity_and_echoed_passwords_are_dropped() -> None:
    exc = OSError(
        'connection to server at "h", port 5432 failed: FATAL:  password authentication failed '
        "for user u (postgresql://u:secret@h/db)"
    )
    error = describe_connect_error("postgresql://u:secret@h/db", exc)
    assert isinstance(error, DatabaseUnavailable)
    assert str(error) == (
        "database unavailable: postgresql://u:***@h/db "
        "(password authentication failed for user u (postgresql://u:***@h/db))"
    )


def test_an_empty_message_names_the_exception() -> None:
    assert str(describe_connect_error("sqlite:///x.db", TimeoutError())).endswith("(TimeoutError)")
