"""PII redaction of stored request/response bodies, applied by the log writer (off the hot
path) before anything reaches the database or the spool file.

Built-in rules: `card` (13-19 digits passing the Luhn check), `api_key` (sk-/pk-/rk- style
secrets, AWS access key ids, Bearer tokens, GitHub/Slack tokens), `email`, `phone`; plus custom
named regexes. Only string values are touched; structure, numbers and keys stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import re2

from switchboard.config import BUILTIN_RULES

CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
API_KEY = re.compile(
    r"\b(?:sk|pk|rk)-[A-Za-z0-9_-]{16,}"
    r"|\bAKIA[0-9A-Z]{16}\b"
    r"|\bgh[pousr]_[A-Za-z0-9]{30,}"
    r"|\bxox[abprs]-[A-Za-z0-9-]{10,}"
    r"|(?i:bearer)\s+[A-Za-z0-9._~+/-]{20,}=*"
)
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PHONE = re.compile(
    r"(?<![\w+])(?<!\d[ .-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?|\d{2,4}[ .-])"
    r"\d{3,4}[ .-]?\d{3,4}(?!\w)(?![ .-]\d)"
)


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _cards(text: str, hits: set[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            hits.add("card")
            return "[REDACTED_CARD]"
        return match.group()

    return CARD.sub(replace, text)


def compile_custom(regex: str) -> Any:
    """A custom pattern (settings or env) compiled by RE2: matching takes linear time whatever
    the pattern, so a pattern such as (a+)+$ cannot stall the log writer (re would backtrack
    for minutes on the GIL). RE2 refuses lookarounds and backreferences: re2.error."""
    return re2.compile(regex)


def _pattern(name: str, pattern: Any) -> Callable[[str, set[str]], str]:
    token = f"[REDACTED_{name.upper()}]"

    def apply(text: str, hits: set[str]) -> str:
        redacted, count = pattern.subn(token, text)
        if count:
            hits.add(name)
        return redacted

    return apply


_BUILTINS: dict[str, Callable[[str, set[str]], str]] = {
    "card": _cards,
    "api_key": _pattern("api_key", API_KEY),
    "email": _pattern("email", EMAIL),
    "phone": _pattern("phone", PHONE),
}


@dataclass(frozen=True)
class Redactor:
    """The configured rules, in order (cards before phones, so a card is not half a phone)."""

    steps: tuple[tuple[str, Callable[[str, set[str]], str]], ...]

    @classmethod
    def build(cls, rules: Iterable[str], custom: dict[str, str] | None = None) -> Redactor:
        steps = []
        for name in rules:
            if name not in _BUILTINS:
                raise ValueError(f"unknown redaction rule {name!r} (known: {BUILTIN_RULES})")
            steps.append((name, _BUILTINS[name]))
        for name, regex in (custom or {}).items():
            steps.append((name, _pattern(name, compile_custom(regex))))
        return cls(tuple(steps))

    def text(self, value: str, hits: set[str]) -> str:
        for _, step in self.steps:
            value = step(value, hits)
        return value

    def value(self, value: Any, hits: set[str]) -> Any:
        if isinstance(value, str):
            return self.text(value, hits)
        if isinstance(value, dict):
            return {k: self.value(v, hits) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v, hits) for v in value]
        return value

    def record(self, record: dict[str, Any]) -> None:
        """Redact a log record's bodies in place and mark it; on any failure drop the bodies
        (never store what could not be redacted) and mark it failed."""
        if record.get("redaction_status") != "pending":
            return
        hits: set[str] = set()
        try:
            for field in ("request_body", "response_body"):
                record[field] = self.value(record.get(field), hits)
        except Exception:
            record["request_body"] = record["response_body"] = None
            record["redaction_status"] = "failed"
            return
        record["redaction_status"] = "completed"
        record["redaction_rules"] = sorted(hits)
