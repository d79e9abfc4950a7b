"""Logs and analytics at a million rows (issue #6 targets on this 2-core box: list with two
filters p95 <= 50 ms; analytics over 30 days <= 300 ms; dashboard <= 300 ms; export >= 50k
rows/s with the server's RSS growing <= 100 MB).

    .venv/bin/python bench/logs_at_scale.py [--rows 1000000] [--repeat 100] [--keep]

Creates a throw-away Postgres database, migrates it, bulk-loads --rows log records spread
over 30 days (INSERT ... SELECT generate_series: 10 organizations, 1000 users, 5 providers,
20 models, 8 features, 3% errors) and builds the rollups with the same sums the log writer
maintains incrementally (one GROUP BY per granularity), then starts `python -m switchboard
serve` and measures over gRPC. Prints EXPLAIN ANALYZE of the list query. Stops by itself.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import grpc
import psycopg
from grpc_health.v1 import health_pb2, health_pb2_grpc

from switchboard._ports import free_port
from switchboard.auth.keys import generate_key
from switchboard.bootstrap import ensure_admin_key
from switchboard.config import Config
from switchboard.db.migrate import upgrade
from switchboard.v1 import analytics_pb2, analytics_pb2_grpc, logs_pb2, logs_pb2_grpc

ROOT = Path(__file__).resolve().parents[1]
ADMIN_URL = os.environ.get("SWITCHBOARD_TEST_PG_ADMIN_URL", "postgresql://root@127.0.0.1:5432/test")

SEED = """
INSERT INTO llm_logs (id, request_id, created_at, user_id, organization_id, provider, model,
  endpoint, feature_name, route, environment, status, http_status, error_type, error_code,
  error_message, finish_reason, prompt_tokens, completion_tokens, cached_tokens,
  reasoning_tokens, total_tokens, cost_pico_usd, latency_ms, upstream_latency_ms, retries,
  stream, attempts, request_body, response_body, redaction_status, redaction_rules)
SELECT gen_random_uuid()::text, 'bench-' || g,
  now() - (g * (interval '30 days' / %(rows)s)),
  'user-' || (g %% 1000), 'org-' || (g %% 10), p.name, p.name || '/model-' || (g / 50 %% 4),
  'chat.completions', 'feature-' || (g / 3 %% 8), '/api/route-' || (g %% 5),
  CASE WHEN g / 7 %% 2 = 0 THEN 'production' ELSE 'staging' END,
  CASE WHEN g %% 33 = 0 THEN 'error' ELSE 'success' END,
  CASE WHEN g %% 33 = 0 THEN 503 ELSE 200 END,
  CASE WHEN g %% 33 = 0 THEN 'server_error' END,
  CASE WHEN g %% 33 = 0 THEN 'PROVIDER_ERROR' END,
  CASE WHEN g %% 33 = 0 THEN 'upstream failed' END,
  CASE WHEN g %% 33 = 0 THEN NULL ELSE 'stop' END,
  (g %% 500) + 10, (g %% 200) + 1, 0, 0, (g %% 500) + (g %% 200) + 11,
  ((g %% 700) + 1) * 1000000, (g %% 900) + 50, (g %% 900) + 40, 0, false, '[]'::jsonb,
  jsonb_build_object('model', p.name || '/model-' || (g %% 4), 'messages',
    jsonb_build_array(jsonb_build_object('role', 'user', 'content', 'question ' || g))),
  jsonb_build_object('content', 'answer ' || g, 'tool_calls', '[]'::jsonb),
  'completed', '[]'::jsonb
FROM generate_series(1, %(rows)s) AS g,
  LATERAL (SELECT (ARRAY['openai', 'anthropic', 'google', 'cohere', 'azure'])[(g / 10 %% 5) + 1]
           AS name) AS p
"""
ROLLUP = """
INSERT INTO usage_rollups (id, granularity, bucket_start, organization_id, user_id, provider,
  model, feature_name, status, environment, requests, successful_requests, failed_requests,
  prompt_tokens, completion_tokens, total_tokens, cost_pico_usd, latency_ms_sum)
SELECT gen_random_uuid()::text, %(granularity)s::text,
  date_trunc(%(granularity)s::text, created_at),
  coalesce(organization_id, ''), coalesce(user_id, ''), provider, model,
  coalesce(feature_name, ''), status, environment, count(*),
  count(*) FILTER (WHERE status = 'success'), count(*) FILTER (WHERE status = 'error'),
  sum(prompt_tokens), sum(completion_tokens), sum(total_tokens), sum(cost_pico_usd),
  sum(latency_ms)
FROM llm_logs GROUP BY 3, 4, 5, 6, 7, 8, 9, 10
"""
# The log writer also counts every record under user_id '' (all users): the same, once more.
ROLLUP_ALL_USERS = ROLLUP.replace("coalesce(user_id, '')", "''")
TWO_FILTERS = [
    lambda: {"organization_id": f"org-{random.randrange(10)}", "provider": "openai"},
    lambda: {"provider": random.choice(["openai", "google"]), "status": "error"},
    lambda: {"user_id": f"user-{random.randrange(1000)}", "start_date": "2026-11-10"},
    lambda: {"model": f"google/model-{random.randrange(4)}", "environment": "production"},
    lambda: {"feature_name": f"feature-{random.randrange(8)}", "status": "success"},
    lambda: {"organization_id": "org-3", "sort_by": "cost", "min_cost": "0.0005"},
]


def create_database() -> tuple[str, str]:
    name = f"sb_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    libpq = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    return libpq, libpq.replace("postgresql://", "postgresql+psycopg://", 1)


def drop_database(libpq: str) -> None:
    name = libpq.rsplit("/", 1)[1]
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(libpq: str, rows: int) -> None:
    with psycopg.connect(libpq, autocommit=True) as db:
        db.execute("SET TIME ZONE 'UTC'")
        started = time.perf_counter()
        db.execute(SEED, {"rows": rows})
        print(f"seeded {rows:,} log rows in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        for granularity in ("hour", "day"):
            db.execute(ROLLUP, {"granularity": granularity})
            db.execute(ROLLUP_ALL_USERS, {"granularity": granularity})
        db.execute("VACUUM ANALYZE llm_logs")
        db.execute("VACUUM ANALYZE usage_rollups")
        count = db.execute("SELECT granularity, count(*) FROM usage_rollups GROUP BY 1").fetchall()
        print(f"rollups {dict(count)} built in {time.perf_counter() - started:.1f} s")


def explain(libpq: str) -> None:
    query = """EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
      SELECT * FROM llm_logs WHERE organization_id = 'org-3' AND provider = 'openai'
      ORDER BY created_at DESC, id DESC LIMIT 51"""
    with psycopg.connect(libpq) as db:
        print("\n".join(row[0] for row in db.execute(query)))


def start_server(url: str, var_dir: str) -> tuple[subprocess.Popen[str], str]:
    target = f"127.0.0.1:{free_port()}"
    env = {
        **os.environ,
        "SWITCHBOARD_DATABASE_URL": url,
        "SWITCHBOARD_GRPC_ADDR": target,
        "SWITCHBOARD_METRICS_ADDR": f"127.0.0.1:{free_port()}",
        "SWITCHBOARD_VAR_DIR": var_dir,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "switchboard", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    with grpc.insecure_channel(target) as channel:
        for _ in range(300):
            try:
                health_pb2_grpc.HealthStub(channel).Check(
                    health_pb2.HealthCheckRequest(), timeout=1
                )
                return process, target
            except grpc.RpcError:
                time.sleep(0.1)
    raise SystemExit("server did not start")


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def timed(call, repeat: int) -> dict[str, float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "max": max(samples)}


def show(label: str, figures: dict[str, float]) -> None:
    print(f"{label:34} " + "  ".join(f"{k} {v:7.1f} ms" for k, v in figures.items()))


def measure(target: str, key: str, pid: int, repeat: int) -> None:
    metadata = (("authorization", f"Bearer {key}"),)
    with grpc.insecure_channel(target) as channel:
        logs = logs_pb2_grpc.LogsServiceStub(channel)
        analytics = analytics_pb2_grpc.AnalyticsServiceStub(channel)
        for index, make in enumerate(TWO_FILTERS):

            def listing(make=make) -> None:
                logs.ListLogs(logs_pb2.ListLogsRequest(**make()), metadata=metadata)

            show(f"list, two filters #{index + 1}", timed(listing, repeat))
        end = time.strftime("%Y-%m-%d", time.gmtime())
        start = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 29 * 86400))
        usage = analytics_pb2.GetUsageRequest(start_date=start, end_date=end, group_by="day")
        show(
            "analytics, 30 days by day",
            timed(lambda: analytics.GetUsage(usage, metadata=metadata), repeat),
        )
        board = analytics_pb2.GetDashboardRequest(days=30)
        show(
            "dashboard, 30 days",
            timed(lambda: analytics.GetDashboard(board, metadata=metadata), repeat),
        )
        before = rss_mb(pid)
        for fmt in ("ndjson", "csv"):
            started, rows = time.perf_counter(), 0
            request = logs_pb2.ExportLogsRequest(format=fmt)
            for part in logs.ExportLogs(request, metadata=metadata):
                rows += part.data.count(b"\n")
            seconds = time.perf_counter() - started
            print(
                f"export {fmt:6}: {rows:,} lines in {seconds:.1f} s = "
                f"{rows / seconds:,.0f} rows/s; "
                f"server RSS {before:.0f} MB before, peak {rss_mb(pid, 'VmHWM'):.0f} MB"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    random.seed(7)
    libpq, url = create_database()
    process = None
    try:
        upgrade(url)
        seed(libpq, args.rows)
        explain(libpq)
        key = generate_key()
        with tempfile.TemporaryDirectory() as var_dir:
            ensure_admin_key(Config(database_url=url, admin_key=key, var_dir=Path(var_dir)))
            process, target = start_server(url, var_dir)
            measure(target, key, process.pid, args.repeat)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=20)
        if args.keep:
            print(f"kept {url}")
        else:
            drop_database(libpq)


if __name__ == "__main__":
    main()
