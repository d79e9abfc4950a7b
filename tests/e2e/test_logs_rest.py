"""Logs and analytics over REST through Envoy: query strings, export downloads, delete."""

from __future__ import annotations

import csv
import io
import time
import uuid

import httpx
from openai import OpenAI

MESSAGES = [{"role": "user", "content": "log me, my mail is jo@example.com"}]


def logged_calls(stack, calls: int) -> tuple[str, dict[str, str]]:
    """Make `calls` chat requests with a fresh key of a fresh user; wait until logged."""
    user = f"user-{uuid.uuid4().hex[:8]}"
    created = httpx.post(
        f"{stack.rest}/api/v1/auth/api-keys",
        json={"name": "logs", "permissions": ["ai:chat", "logs:read:own"], "user_id": user},
        headers=stack.auth,
    ).json()
    client = OpenAI(base_url=stack.rest + "/v1", api_key=created["key"], max_retries=0)
    for _ in range(calls):
        client.chat.completions.create(model="echo/echo-1", messages=MESSAGES)
    own = {"authorization": f"Bearer {created['key']}"}
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        listing = httpx.get(f"{stack.rest}/api/v1/logs", headers=own).json()
        if listing["pagination"]["total"] == calls:
            return user, own
        time.sleep(0.1)
    raise AssertionError("the calls were not logged in time")


def test_list_and_detail_with_query_parameters(stack) -> None:
    user, own = logged_calls(stack, 3)
    page = httpx.get(
        f"{stack.rest}/api/v1/logs",
        params={"limit": 2, "sort_by": "timestamp", "sort_order": "asc", "status": "success"},
        headers=own,
    )
    assert page.status_code == 200, page.text
    body = page.json()
    assert len(body["data"]) == 2
    assert body["pagination"] == {
        "page": 1,
        "limit": 2,
        "total": 3,
        "total_pages": 2,
        "has_next": True,
        "has_prev": False,
    }
    assert body["summary"]["total_requests"] == 3
    entry = body["data"][0]
    assert entry["user_id"] == user
    assert entry["response_summary"]["status"] == "success"
    assert entry["redaction_status"] == "completed"
    detail = httpx.get(f"{stack.rest}/api/v1/logs/{entry['id']}", headers=own).json()
    assert "jo@example.com" not in str(detail)
    assert "[REDACTED_EMAIL]" in detail["request"]["messages"][0]["content"]
    assert detail["security"]["redaction_rules"] == ["email"]
    bad = httpx.get(f"{stack.rest}/api/v1/logs", params={"limit": 0}, headers=own)
    assert bad.status_code == 400
    assert bad.json()["error"]["param"] == "limit"


def test_csv_export_download(stack) -> None:
    user, _ = logged_calls(stack, 2)
    with httpx.stream(
        "GET",
        f"{stack.rest}/api/v1/logs/export",
        params={"format": "csv", "user_id": user},
        headers=stack.auth,
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        disposition = response.headers["content-disposition"]
        assert disposition.startswith('attachment; filename="llm-logs-')
        assert disposition.endswith('.csv"')
        text = response.read().decode()
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["user_id"] for r in rows] == [user, user]


def test_analytics_dashboard_and_delete(stack) -> None:
    user, _ = logged_calls(stack, 2)
    today = time.strftime("%Y-%m-%d", time.gmtime())
    usage = httpx.get(
        f"{stack.rest}/api/v1/logs/analytics",
        params={"start_date": today, "end_date": today, "user_id": user, "group_by": "day"},
        headers=stack.auth,
    )
    assert usage.status_code == 200, usage.text
    assert usage.json()["totals"]["requests"] == 2
    assert usage.json()["groups"][0]["key"] == today
    board = httpx.get(f"{stack.rest}/api/v1/analytics/dashboard", headers=stack.auth).json()
    assert board["overview"]["total_requests"] >= 2
    deleted = httpx.delete(
        f"{stack.rest}/api/v1/logs", params={"user_id": user}, headers=stack.auth
    )
    assert deleted.json() == {"deleted_count": 2}
    after = httpx.get(
        f"{stack.rest}/api/v1/logs/analytics",
        params={"start_date": today, "end_date": today, "user_id": user},
        headers=stack.auth,
    )
    assert after.json()["totals"]["requests"] == 0
