from collections.abc import AsyncIterator

from switchboard.providers.errors import (
    UpstreamAuthError,
    UpstreamRateLimited,
    UpstreamServerError,
    UpstreamTimeout,
    parse_retry_after,
)
from switchboard.providers.transport import SseEvent, classify, sse_events


async def lines(*items: str) -> AsyncIterator[str]:
    for item in items:
        yield item


async def test_sse_fields_comments_multiline_data_and_unterminated_tail() -> None:
    events = [
        e
        async for e in sse_events(
            lines(
                ": keep-alive",
                "event: message_start",
                'data: {"a":',
                "data: 1}",
                "",
                "",
                "data:no-space",
                "",
                "data: tail",
            )
        )
    ]
    assert events == [
        SseEvent("message_start", '{"a":\n1}'),
        SseEvent("message", "no-space"),
        SseEvent("message", "tail"),
    ]


def test_classification_by_status() -> None:
    assert isinstance(
        classify(429, provider="p", message="m", retry_after="2"), UpstreamRateLimited
    )
    assert isinstance(classify(403, provider="p", message="m"), UpstreamAuthError)
    assert isinstance(classify(408, provider="p", message="m"), UpstreamTimeout)
    assert isinstance(classify(529, provider="p", message="m"), UpstreamServerError)


def test_retry_after_parsing() -> None:
    assert parse_retry_after("7") == 7
    assert parse_retry_after("1.5") == 1.5
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") is None
    assert parse_retry_after("-1") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("1e999") is None  # infinite
    assert parse_retry_after("nan") is None
    assert parse_retry_after("99999999") == 86_400
