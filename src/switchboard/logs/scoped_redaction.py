"""Redaction as the scoped settings say: when no scope sets `redaction` or `store_bodies`,
the process-wide rules (SWITCHBOARD_REDACTION) apply; otherwise the record's effective
policy (global -> organization -> feature -> key) does, and `store_bodies: false` keeps no
bodies at all. Runs in the log writer's thread, never on the request path; each scope's
decision is made once per settings snapshot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from switchboard.logs.redaction import Redactor
from switchboard.settings.resolve import DEFAULT_SCOPE
from switchboard.settings.snapshot import Scope, SettingsSnapshot

POLICY_SOURCES = (
    "store_bodies",
    "redaction.enabled",
    "redaction.rules",
    "redaction.custom_patterns",
)
Action = Callable[[dict[str, Any]], None]


class RecordRedactor(Protocol):
    def record(self, record: dict[str, Any]) -> None: ...


def _scope(record: dict[str, Any]) -> Scope:
    return Scope(
        record.get("organization_id") or "",
        record.get("feature_name") or "",
        record.get("api_key_id") or "",
    )


def _drop_bodies(record: dict[str, Any]) -> None:
    if record.get("redaction_status") == "pending":
        record["request_body"] = record["response_body"] = None
        record["redaction_status"] = "completed"
        record["redaction_rules"] = []


class ScopedRedaction:
    def __init__(self, fallback: Redactor, snapshot: Callable[[], SettingsSnapshot]) -> None:
        self._fallback = fallback
        self._snapshot = snapshot
        self._built: dict[tuple[tuple[str, ...], tuple[str, ...]], Redactor] = {}
        self._decided: dict[Scope, Action] = {}
        self._decided_for: SettingsSnapshot | None = None

    def _redactor(self, rules: tuple[str, ...], patterns: tuple[str, ...]) -> Redactor:
        key = (rules, patterns)
        if key not in self._built:
            custom = {f"custom_{i}": pattern for i, pattern in enumerate(patterns)}
            self._built[key] = Redactor.build(rules, custom)
        return self._built[key]

    def _decide(self, snapshot: SettingsSnapshot, scope: Scope) -> Action:
        effective = snapshot.effective(scope)
        if all(effective.sources.get(name) == DEFAULT_SCOPE for name in POLICY_SOURCES):
            return self._fallback.record
        if not effective.values["store_bodies"]:
            return _drop_bodies
        policy = effective.values["redaction"]
        enabled = bool(policy["enabled"])
        rules = tuple(policy["rules"]) if enabled else ()
        patterns = tuple(policy["custom_patterns"]) if enabled else ()
        return self._redactor(rules, patterns).record

    def record(self, record: dict[str, Any]) -> None:
        snapshot, scope = self._snapshot(), _scope(record)
        if snapshot is not self._decided_for:
            self._decided, self._decided_for = {}, snapshot
        action = self._decided.get(scope)
        if action is None:
            action = self._decided[scope] = self._decide(snapshot, scope)
        action(record)
