"""Log rows written into a test database as the log writer writes them (every key present:
an executemany takes its columns from the first row)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from switchboard.logs.writer import LogWriter, insert_records

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
        "error_type": None,
        "error_code": None,
        "error_message": None,
        "prompt_tokens": 10 + index,
        "completion_tokens": 5,
        "cached_tokens": 0,
        "reasoning_tokens": 0,
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


async def insert_rows(running, rows: list[dict[str, Any]]) -> None:
    """As the log writer does: rows and their rollups."""
    await insert_records(running.runtime.engine, rows)


async def write_through(writer: LogWriter, records: list[dict[str, Any]]) -> None:
    """Start the writer, submit the records, stop it: everything submitted is written,
    spooled or set aside by the time this returns."""
    writer.start()
    for record in records:
        writer.submit(record)
    await writer.stop()
