"""LogsService over gRPC on both databases: filters, sorts, pages, summary, scope, detail,
export, delete."""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import grpc
import pytest
from fakes.calls import chat, error_of
from fakes.log_rows import insert_rows, log_row
from fakes.seed import logged
from prometheus_client import generate_latest
from sqlalchemy import select

from switchboard.db.repositories.settings import put_scope
from switchboard.db.schema import AuditEvent
from switchboard.v1 import (
    keys_pb2,
    keys_pb2_grpc,
    logs_pb2,
    logs_pb2_grpc,
    settings_pb2,
    settings_pb2_grpc,
)

ROWS = 12  # org-a: 0..7 (alice 0..3, bob 4..7), org-b: 8..11; errors at 2 and 9


def rows() -> list[dict]:
    made = []
    for i in range(ROWS):
        fields = {}
        if i >= 4:
            fields["user_id"] = "bob"
        if i >= 8:
            fields.update(organization_id="org-b", user_id="carol", provider="other")
            fields["model"] = "other/big"
        if i in (2, 9):
            fields.update(status="error", http_status=503, error_code="PROVIDER_ERROR")
            fields.update(error_type="server_error", error_message="acme failed", cost_pico_usd=0)
        made.append(log_row(i, **fields))
    return made


@pytest.fixture
async def seeded(running):
    made = rows()
    await insert_rows(running, made)
    return made


def logs(channel) -> logs_pb2_grpc.LogsServiceStub:
    return logs_pb2_grpc.LogsServiceStub(channel)


async def test_default_listing_is_newest_first_with_exact_summary(running, seeded) -> None:
    page = await logs(running.channel).ListLogs(logs_pb2.ListLogsRequest())
    assert [e.id for e in page.data] == [r["id"] for r in reversed(seeded)]
    assert (page.pagination.total, page.pagination.limit, page.pagination.has_next) == (
        12,
        50,
        False,
    )
    cost = sum(r["cost_pico_usd"] for r in seeded)
    assert page.summary.total_requests == 12
    assert page.summary.total_cost_usd == str(cost / 10**12).rstrip("0") or "0"
    assert page.summary.total_tokens == sum(r["total_tokens"] for r in seeded)
    first = page.data[0]
    assert first.request_summary.message_count == 1
    assert first.request_summary.max_tokens == 64
    assert first.metrics.estimated_cost_usd == "0.000012"
    assert first.debug.request_id == seeded[-1]["request_id"]


@pytest.mark.parametrize(
    ("request_fields", "expected"),
    [
        ({"provider": "acme", "model": "acme/ok"}, [7, 6, 5, 4, 3, 2, 1, 0]),
        ({"status": "error"}, [9, 2]),
        ({"user_id": "bob", "status": "success"}, [7, 6, 5, 4]),
        ({"start_date": "2026-11-01T12:03:00Z", "end_date": "2026-11-01T12:05:00Z"}, [4, 3]),
        ({"min_cost": "0.000005", "max_cost": "0.000007"}, [6, 5, 4]),
        ({"organization_id": "org-b", "sort_by": "cost", "sort_order": "asc"}, [9, 8, 10, 11]),
        ({"sort_by": "latency_ms", "sort_order": "asc", "limit": 3}, [0, 1, 2]),
        ({"sort_by": "total_tokens", "limit": 2, "page": 2}, [9, 8]),
        ({"start_date": "2026-11-02"}, []),
    ],
)
async def test_filters_and_sorts(running, seeded, request_fields, expected) -> None:
    page = await logs(running.channel).ListLogs(logs_pb2.ListLogsRequest(**request_fields))
    assert [e.id for e in page.data] == [seeded[i]["id"] for i in expected]


def forged(sort_by: str, value: object) -> str:
    """A page token as a client could make one up (base64 of the cursor's JSON)."""
    raw = json.dumps([sort_by, True, value, "some-row-id"]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    ("request_fields", "param"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"limit": -1}, "limit"),
        ({"sort_by": "price"}, "sort_by"),
        ({"sort_order": "up"}, "sort_order"),
        ({"status": "ok"}, "status"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"min_cost": "cheap"}, "min_cost"),
        ({"page_token": "!!not-a-token"}, "page_token"),
        ({"page_token": forged("timestamp", "2026-11-01T00:00:00")}, "page_token"),  # naive
        ({"page_token": forged("cost", {"a": 1}), "sort_by": "cost"}, "page_token"),
        ({"end_date": "9999-12-31", "start_date": "2026-01-01"}, "end_date"),
        ({"page": 1000, "limit": 500}, "page"),
        ({"start_date": "2026-11-02", "end_date": "2026-11-01"}, "end_date"),
    ],
)
async def test_bad_parameters_are_400_naming_them(running, request_fields, param) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await logs(running.channel).ListLogs(logs_pb2.ListLogsRequest(**request_fields))
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert error_of(caught.value)["param"] == param


async def test_last_and_beyond_last_page(running, seeded) -> None:
    last = await logs(running.channel).ListLogs(logs_pb2.ListLogsRequest(limit=5, page=3))
    assert len(last.data) == 2
    assert (last.pagination.total_pages, last.pagination.has_next, last.pagination.has_prev) == (
        3,
        False,
        True,
    )
    beyond = await logs(running.channel).ListLogs(logs_pb2.ListLogsRequest(limit=5, page=9))
    assert list(beyond.data) == []


@pytest.mark.parametrize("sort_by", ["timestamp", "cost", "latency_ms", "total_tokens"])
async def test_keyset_pages_cover_everything_once(running, seeded, sort_by) -> None:
    seen, token = [], ""
    while True:
        page = await logs(running.channel).ListLogs(
            logs_pb2.ListLogsRequest(limit=5, page_token=token, sort_by=sort_by)
        )
        seen += [e.id for e in page.data]
        token = page.next_page_token
        assert page.pagination.has_next == bool(token)
        if not token:
            break
    assert sorted(seen) == sorted(r["id"] for r in seeded)
    assert len(seen) == len(set(seen))
    everything = await logs(running.channel).ListLogs(logs_pb2.ListLogsRequest(sort_by=sort_by))
    assert seen == [e.id for e in everything.data]


async def test_scope_own_organization_and_not_found(running, seeded, make_key) -> None:
    _, org_reader = await make_key(organization_id="org-a", permissions=["logs:read:organization"])
    page = await logs(org_reader).ListLogs(logs_pb2.ListLogsRequest())
    assert {e.organization_id for e in page.data} == {"org-a"}
    assert page.summary.total_requests == 8
    # An explicit filter cannot widen the scope.
    other = await logs(org_reader).ListLogs(logs_pb2.ListLogsRequest(organization_id="org-b"))
    assert list(other.data) == []
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await logs(org_reader).GetLog(logs_pb2.GetLogRequest(id=seeded[9]["id"]))
    assert caught.value.code() is grpc.StatusCode.NOT_FOUND
    _, own = await make_key(organization_id="org-a", user_id="bob", permissions=["logs:read:own"])
    mine = await logs(own).ListLogs(logs_pb2.ListLogsRequest())
    assert {e.user_id for e in mine.data} == {"bob"}


async def test_detail_has_request_response_attempts(running, seeded) -> None:
    detail = await logs(running.channel).GetLog(logs_pb2.GetLogRequest(id=seeded[3]["id"]))
    assert detail.request["messages"][0]["content"] == "question 3"
    assert detail.response.completion["messages"][0]["content"] == "answer 3"
    assert detail.response.completion["finish_reason"] == "stop"
    assert [a.provider for a in detail.attempts] == ["acme"]
    failed = await logs(running.channel).GetLog(logs_pb2.GetLogRequest(id=seeded[2]["id"]))
    assert (failed.response.error.code, failed.response.error.retryable) == ("PROVIDER_ERROR", True)
    assert not failed.response.HasField("completion")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await logs(running.channel).GetLog(logs_pb2.GetLogRequest(id="nope"))
    assert caught.value.code() is grpc.StatusCode.NOT_FOUND


async def export(channel, **fields) -> tuple[bytes, dict[str, str]]:
    call = logs(channel).ExportLogs(logs_pb2.ExportLogsRequest(**fields))
    body = b"".join([m.data async for m in call])
    return body, dict(await call.initial_metadata())


async def test_csv_export_quotes_commas_quotes_and_newlines(running) -> None:
    tricky = 'a, "quoted"\nfeature'
    await insert_rows(running, [log_row(0, feature_name=tricky), log_row(1)])
    body, headers = await export(running.channel, format="csv")
    assert headers["content-disposition"].startswith('attachment; filename="llm-logs-')
    assert headers["content-disposition"].endswith('.csv"')
    parsed = list(csv.DictReader(io.StringIO(body.decode(), newline="")))
    assert [r["feature_name"] for r in parsed] == [tricky, "analyze-industry"]
    assert parsed[0]["cost_usd"] == "0.000001"
    assert '"a, ""quoted""\nfeature"' in body.decode()


async def test_json_and_ndjson_exports_hold_every_matching_row(running, seeded) -> None:
    body, _ = await export(running.channel, format="json", status="success")
    assert len(json.loads(body)) == 10
    body, _ = await export(running.channel, format="ndjson", organization_id="org-b")
    lines = [json.loads(line) for line in body.decode().splitlines()]
    assert [r["id"] for r in lines] == [seeded[i]["id"] for i in (8, 9, 10, 11)]
    empty, _ = await export(running.channel, format="json", provider="none")
    assert json.loads(empty) == []


async def test_exports_are_rate_limited(running) -> None:
    for _ in range(6):
        await export(running.channel, format="ndjson")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await export(running.channel, format="ndjson")
    assert caught.value.code() is grpc.StatusCode.RESOURCE_EXHAUSTED


async def test_delete_needs_a_filter_and_returns_the_count(running, seeded, make_key) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await logs(running.channel).DeleteLogs(logs_pb2.DeleteLogsRequest())
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    _, org_admin = await make_key(organization_id="org-b", permissions=["settings:write"])
    # An organization admin deleting "alice" reaches only its own organization's records.
    none = await logs(org_admin).DeleteLogs(logs_pb2.DeleteLogsRequest(user_id="alice"))
    assert none.deleted_count == 0
    deleted = await logs(running.channel).DeleteLogs(logs_pb2.DeleteLogsRequest(user_id="alice"))
    assert deleted.deleted_count == 4
    left = await logs(running.channel).ListLogs(logs_pb2.ListLogsRequest())
    assert left.pagination.total == 8

    events = await keys_pb2_grpc.KeysServiceStub(running.channel).ListAuditEvents(
        keys_pb2.ListAuditEventsRequest(action="logs.delete")
    )
    assert events.data[0].details["deleted"] == 4


async def test_stored_bodies_are_redacted_before_they_reach_the_database(running) -> None:
    secret = "jane@example.com paid with 4111 1111 1111 1111"
    await chat(running.channel, messages=[{"role": "user", "content": secret}])
    [row] = await logged(running, 1)
    stored = json.dumps([row.request_body, row.response_body])
    assert "jane@example.com" not in stored
    assert "4111" not in stored
    assert row.redaction_status == "completed"
    assert row.redaction_rules == ["card", "email"]
    detail = await logs(running.channel).GetLog(logs_pb2.GetLogRequest(id=row.id))
    assert detail.request["messages"][0]["content"] == "[REDACTED_EMAIL] paid with [REDACTED_CARD]"
    assert list(detail.security.redaction_rules) == ["card", "email"]


async def test_scoped_settings_choose_what_is_stored(running) -> None:
    settings = settings_pb2_grpc.SettingsServiceStub(running.channel)
    policy = settings_pb2.RedactionPolicy(rules=["email"], custom_patterns=[r"ORDER-\d+"])
    await settings.UpdateGlobalSettings(
        settings_pb2.UpdateGlobalSettingsRequest(
            settings=settings_pb2.SettingValues(redaction=policy)
        )
    )
    text = "jane@example.com card 4111 1111 1111 1111 ORDER-123"
    await chat(running.channel, messages=[{"role": "user", "content": text}])
    [row] = await logged(running, 1)
    stored = row.request_body["messages"][0]["content"]
    assert "jane@example.com" not in stored and "ORDER-123" not in stored
    assert "4111 1111 1111 1111" in stored  # the card rule is not in this policy
    assert row.redaction_rules == ["custom_0", "email"]
    await settings.UpdateGlobalSettings(
        settings_pb2.UpdateGlobalSettingsRequest(
            settings=settings_pb2.SettingValues(store_bodies=False)
        )
    )
    await chat(running.channel, messages=[{"role": "user", "content": text}])
    rows = await logged(running, 2)
    latest = max(rows, key=lambda r: r.created_at)
    assert (latest.request_body, latest.response_body) == (None, None)


async def test_retention_deletes_only_records_past_the_period(running) -> None:
    now = datetime.now(UTC)
    old = [log_row(i, created_at=now - timedelta(days=91, minutes=i)) for i in range(3)]
    fresh = [log_row(10, created_at=now - timedelta(days=89))]
    await insert_rows(running, old + fresh)
    assert running.runtime.config.log_retention_days == 90
    assert await running.runtime.purge_expired_logs() == 3
    left = await logs(running.channel).ListLogs(logs_pb2.ListLogsRequest())
    assert [e.id for e in left.data] == [fresh[0]["id"]]


async def test_retention_follows_global_and_organization_settings(running) -> None:
    now = datetime.now(UTC)
    rows = [
        log_row(0, organization_id="org-a", created_at=now - timedelta(days=3)),
        log_row(1, organization_id="org-b", created_at=now - timedelta(days=3)),
        log_row(2, organization_id="org-b", created_at=now - timedelta(days=11)),
        log_row(3, organization_id=None, created_at=now - timedelta(days=11)),
    ]
    await insert_rows(running, rows)
    async with running.runtime.sessions.begin() as session:
        await put_scope(session, "global", "", {"log_retention_days": 10})
        await put_scope(session, "organization", "org-a", {"log_retention_days": 2})
    await running.runtime.directory.refresh()
    assert running.runtime.retention().shortest == 2
    assert await running.runtime.purge_expired_logs() == 3
    left = await logs(running.channel).ListLogs(logs_pb2.ListLogsRequest())
    assert [e.id for e in left.data] == [rows[1]["id"]]
    assert left.summary.total_requests == 1  # the purged rows' rollups are not counted
    async with running.runtime.sessions() as session:
        [event] = list(
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "logs.retention"))
        )
    assert event.details["deleted"] == 3


async def test_call_metrics_are_exported(running) -> None:
    await chat(running.channel)
    text = generate_latest(running.runtime.metrics.registry).decode()
    labels = 'code="",model="echo/echo-1",provider="echo",status="success"'
    assert f"switchboard_llm_requests_total{{{labels}}} 1.0" in text
    assert "switchboard_gateway_overhead_seconds_count 1.0" in text
    assert 'switchboard_llm_tokens_total{kind="prompt"' in text
    assert "switchboard_log_queue_depth" in text
    assert "switchboard_log_spool_bytes 0.0" in text
    assert "switchboard_event_loop_lag_seconds_bucket" in text


async def test_summary_is_exact_across_the_retention_edge(running) -> None:
    """Old rows not purged yet are summed raw, the rest from rollups; both halves exact."""
    now = datetime.now(UTC)
    rows = [log_row(i, created_at=now - timedelta(days=91 - i)) for i in range(5)]
    rows += [log_row(10 + i, created_at=now - timedelta(hours=i)) for i in range(3)]
    await insert_rows(running, rows)
    for fields, matching in (({}, rows), ({"provider": "acme", "user_id": "alice"}, rows)):
        page = await logs(running.channel).ListLogs(logs_pb2.ListLogsRequest(**fields))
        assert page.summary.total_requests == len(matching)
        assert page.summary.total_tokens == sum(r["total_tokens"] for r in matching)
        expected_cost = sum(r["cost_pico_usd"] for r in matching)
        assert Decimal(page.summary.total_cost_usd) * 10**12 == expected_cost
    await running.runtime.purge_expired_logs()
    page = await logs(running.channel).ListLogs(logs_pb2.ListLogsRequest())
    assert page.summary.total_requests == len(page.data) == 6
