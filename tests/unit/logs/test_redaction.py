"""Redaction rules on strings inside request/response bodies."""

from __future__ import annotations

import time

import pytest

from switchboard.logs.redaction import Redactor, luhn_valid

ALL = Redactor.build(["card", "api_key", "email", "phone"])


def redact(text: str, redactor: Redactor = ALL) -> tuple[str, set[str]]:
    hits: set[str] = set()
    return redactor.text(text, hits), hits


@pytest.mark.parametrize(
    ("text", "expected", "rule"),
    [
        ("mail jane.doe+x@example.co.uk now", "mail [REDACTED_EMAIL] now", "email"),
        ("card 4111 1111 1111 1111 ok", "card [REDACTED_CARD] ok", "card"),
        ("card 4111-1111-1111-1111", "card [REDACTED_CARD]", "card"),
        ("key sk-proj-abcdefghijklmnop1234 here", "key [REDACTED_API_KEY] here", "api_key"),
        ("aws AKIAIOSFODNN7EXAMPLE", "aws [REDACTED_API_KEY]", "api_key"),
        (
            "Authorization: Bearer abcdefghijklmnopqrstuvwx",
            "Authorization: [REDACTED_API_KEY]",
            "api_key",
        ),
        ("call +1 415-555-2671 today", "call [REDACTED_PHONE] today", "phone"),
        ("call (030) 1234 5678", "call [REDACTED_PHONE]", "phone"),
    ],
)
def test_builtin_rules(text: str, expected: str, rule: str) -> None:
    redacted, hits = redact(text)
    assert redacted == expected
    assert hits == {rule}


@pytest.mark.parametrize(
    "text",
    [
        "order 4111 1111 1111 1112 failed Luhn",  # not a card
        "version 1.2.3 and 2026-11-24",
        "tokens: 12345",
        "sk-short",
    ],
)
def test_lookalikes_are_kept(text: str) -> None:
    redacted, hits = redact(text)
    assert (redacted, hits) == (text, set())


def test_luhn() -> None:
    assert luhn_valid("4111111111111111")
    assert luhn_valid("378282246310005")
    assert not luhn_valid("4111111111111112")


def test_bodies_are_walked_and_only_strings_change() -> None:
    record = {
        "redaction_status": "pending",
        "request_body": {
            "messages": [{"role": "user", "content": "I am bob@example.com"}],
            "max_tokens": 4111111111111111,
            "metadata": {"ssn": "123-45-6789"},
        },
        "response_body": {"content": "Reach me at +44 20 7946 0958", "tool_calls": []},
    }
    custom = Redactor.build(["email", "phone"], {"ssn": r"\b\d{3}-\d{2}-\d{4}\b"})
    custom.record(record)
    assert record["request_body"]["messages"][0]["content"] == "I am [REDACTED_EMAIL]"
    assert record["request_body"]["max_tokens"] == 4111111111111111
    assert record["request_body"]["metadata"]["ssn"] == "[REDACTED_SSN]"
    assert record["response_body"]["content"] == "Reach me at [REDACTED_PHONE]"
    assert (record["redaction_status"], record["redaction_rules"]) == (
        "completed",
        ["email", "phone", "ssn"],
    )


def test_a_failure_drops_the_bodies() -> None:
    class Exploding(str):
        def __new__(cls) -> Exploding:
            return super().__new__(cls, "x")

    broken = Redactor((("boom", lambda text, hits: 1 / 0),))
    record = {"redaction_status": "pending", "request_body": {"a": "b"}, "response_body": None}
    broken.record(record)
    assert (record["redaction_status"], record["request_body"]) == ("failed", None)


def test_unknown_rule_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown redaction rule"):
        Redactor.build(["ssn"])


def test_a_catastrophic_custom_pattern_runs_in_linear_time() -> None:
    """(a+)+$ on 'aaaa...!' takes Python's re exponential time; RE2 answers at once."""
    redactor = Redactor.build([], {"runaway": "(a+)+$"})
    started = time.perf_counter()
    hits: set[str] = set()
    assert redactor.text("a" * 5000 + "!", hits) == "a" * 5000 + "!"
    assert time.perf_counter() - started < 1.0 and hits == set()
    assert redactor.text("aaa", hits) == "[REDACTED_RUNAWAY]" and hits == {"runaway"}
