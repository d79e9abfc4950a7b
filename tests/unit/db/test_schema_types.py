"""UtcDateTime: aware in, aware UTC out, naive refused (SQLite drops offsets otherwise)."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from switchboard.db.schema import Base, UtcDateTime

PLUS_TWO = timezone(timedelta(hours=2))


def test_bound_values_are_converted_to_utc() -> None:
    bound = UtcDateTime().process_bind_param(
        datetime(2026, 1, 1, 5, tzinfo=PLUS_TWO), sqlite.dialect()
    )
    assert bound == datetime(2026, 1, 1, 3, tzinfo=UTC)
    assert bound.utcoffset() == timedelta(0)


def test_naive_values_are_refused() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        UtcDateTime().process_bind_param(datetime(2026, 1, 1), sqlite.dialect())


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()])
def test_results_are_aware_utc(dialect) -> None:
    naive = UtcDateTime().process_result_value(datetime(2026, 1, 1, 3), dialect)
    aware = UtcDateTime().process_result_value(datetime(2026, 1, 1, 5, tzinfo=PLUS_TWO), dialect)
    assert naive == aware == datetime(2026, 1, 1, 3, tzinfo=UTC)
    assert aware.tzinfo is UTC
    assert UtcDateTime().process_result_value(None, dialect) is None


def test_every_time_column_is_utc_aware() -> None:
    for table in Base.metadata.tables.values():
        for column in table.columns:
            if column.name.endswith(("_at", "_from", "_until", "_start")):
                assert isinstance(column.type, UtcDateTime), f"{table.name}.{column.name}"
