"""Log rows written straight into a test database (the writer's own shape)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert

from switchboard.db.schema import LlmLog

BASE_TIME = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def log_row(index: int, **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "request_id": f"req-{uuid.uuid4().hex}",
        "created_at": BASE_TIME + timedelta(minutes=index),
        "user_id": "alice",
        "organization_id": "org-a",
        "api_key_id": None,
        "provider": "acme",
        "model": "acme/ok",
        "endpoint": "chat.completions",
        "feature_name": "analyze-industry",
        "route": "/api/analyze",
        "environment": "production",
        "status": "success",
        "http_status": 200,
        "finish_reason": "stop",
        "prompt_tokens": 10 + index,
        "completion_tokens": 5,
        "total_tokens": 15 + index,
        "cost_pico_usd": 1_000_000 * (index + 1),
        "latency_ms": 100 + index,
        "upstream_latency_ms": 90 + index,
        "retries": 0,
        "stream": False,
        "attempts": [{"provider": "acme", "model": "ok", "status": "success", "error": ""}],
        "request_body": {
            "model": "acme/ok",
            "messages": [{"role": "user", "content": f"question {index}"}],
            "temperature": 0.5,
            "max_tokens": 64,
        },
        "response_body": {"content": f"answer {index}", "tool_calls": []},
        "redaction_status": "completed",
        "redaction_rules": [],
    }
    row.update(overrides)
    return row


async def insert_rows(sessions, rows: list[dict[str, Any]]) -> None:
    async with sessions.begin() as session:
        await session.execute(insert(LlmLog), rows)
