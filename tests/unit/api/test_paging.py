import pytest

from switchboard.api.paging import parse_page
from switchboard.errors import InvalidRequest
from switchboard.v1 import logs_pb2, models_pb2


def test_absent_values_take_defaults() -> None:
    page = parse_page(logs_pb2.ListLogsRequest(), default_limit=50)
    assert (page.number, page.limit, page.offset) == (1, 50, 0)
    assert parse_page(models_pb2.ListModelsRequest(), default_limit=None).limit is None


def test_offset_of_later_pages() -> None:
    page = parse_page(logs_pb2.ListLogsRequest(page=3, limit=20), default_limit=50)
    assert page.offset == 40


@pytest.mark.parametrize("limit", [0, -1, 501])
def test_limit_out_of_range_names_the_parameter(limit: int) -> None:
    with pytest.raises(InvalidRequest) as caught:
        parse_page(logs_pb2.ListLogsRequest(limit=limit), default_limit=50)
    assert caught.value.param == "limit"


def test_limit_bounds_are_inclusive() -> None:
    assert parse_page(logs_pb2.ListLogsRequest(limit=1), default_limit=50).limit == 1
    assert parse_page(logs_pb2.ListLogsRequest(limit=500), default_limit=50).limit == 500


def test_page_zero_is_rejected() -> None:
    with pytest.raises(InvalidRequest) as caught:
        parse_page(logs_pb2.ListLogsRequest(page=0), default_limit=50)
    assert caught.value.param == "page"
