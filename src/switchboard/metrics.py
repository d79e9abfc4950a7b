"""Prometheus metrics, in a registry of their own (no module-level state)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

from switchboard.errors import Forbidden, RateLimited, SwitchboardError, Unauthorized

LATENCY_BUCKETS = (
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1,
    2.5,
    5,
    10,
    30,
)


class Children:
    """A labelled metric's children, each looked up once: prometheus_client's labels() checks
    and sorts its arguments on every call, which costs more than the increment itself."""

    def __init__(self, metric: Counter | Histogram) -> None:
        self._metric = metric
        self._children: dict[tuple[str, ...], Any] = {}

    def __call__(self, *values: str) -> Any:
        child = self._children.get(values)
        if child is None:
            child = self._children[values] = self._metric.labels(*values)
        return child


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.rpc_requests = Counter(
            "switchboard_rpc_requests",
            "RPCs handled, by method and gRPC status code.",
            ["method", "code"],
            registry=self.registry,
        )
        self.rpc_duration = Histogram(
            "switchboard_rpc_duration_seconds",
            "Time from the RPC's start to its last message, by method.",
            ["method"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )

        self.loop_lag = Histogram(
            "switchboard_event_loop_lag_seconds",
            "How late the event loop ran a timer: time every request on this replica waited "
            "behind other work.",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.limit_backend_errors = Counter(
            "switchboard_ratelimit_backend_errors",
            "Redis failures of the rate-limit/budget counters (per-replica counters took over).",
            registry=self.registry,
        )
        self.auth_failures = Counter(
            "switchboard_auth_failures",
            "Requests refused by authentication or authorization, by gRPC status code.",
            ["code"],
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "switchboard_rate_limited_requests",
            "Requests refused by a rate limit or a budget, by error code.",
            ["code"],
            registry=self.registry,
        )

        self.llm_requests = Counter(
            "switchboard_llm_requests",
            "Model calls by provider, model, outcome and error code ('' on success).",
            ["provider", "model", "status", "code"],
            registry=self.registry,
        )
        self.llm_tokens = Counter(
            "switchboard_llm_tokens",
            "Tokens by provider, model and kind (prompt, completion).",
            ["provider", "model", "kind"],
            registry=self.registry,
        )
        self.llm_cost = Counter(
            "switchboard_llm_cost_usd",
            "Estimated cost in USD by provider and model (the exact figure is in llm_logs).",
            ["provider", "model"],
            registry=self.registry,
        )
        self.upstream_latency = Histogram(
            "switchboard_llm_upstream_latency_seconds",
            "Time spent waiting for providers, per request.",
            ["provider"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.gateway_overhead = Histogram(
            "switchboard_gateway_overhead_seconds",
            "Request latency minus the time spent waiting for providers.",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )

        self._rpc_requests = Children(self.rpc_requests)
        self._rpc_duration = Children(self.rpc_duration)
        self._llm_requests = Children(self.llm_requests)
        self._llm_tokens = Children(self.llm_tokens)
        self._llm_cost = Children(self.llm_cost)
        self._upstream_latency = Children(self.upstream_latency)

    def watch_log_writer(
        self, queue_depth: Callable[[], float], spool_bytes: Callable[[], float]
    ) -> None:
        """Gauges read at scrape time."""
        depth = Gauge(
            "switchboard_log_queue_depth",
            "Log records waiting for the background writer.",
            registry=self.registry,
        )
        depth.set_function(queue_depth)
        spool = Gauge(
            "switchboard_log_spool_bytes",
            "Size of the spool of log records waiting for the database.",
            registry=self.registry,
        )
        spool.set_function(spool_bytes)

    def observe_call(self, record: Mapping[str, Any]) -> None:
        """One finished model call, from its log record."""
        provider, model = record["provider"] or "none", record["model"] or "none"
        self._llm_requests(provider, model, record["status"], record["error_code"] or "").inc()
        self._llm_tokens(provider, model, "prompt").inc(record["prompt_tokens"])
        self._llm_tokens(provider, model, "completion").inc(record["completion_tokens"])
        self._llm_cost(provider, model).inc(record["cost_pico_usd"] / 10**12)
        upstream = record["upstream_latency_ms"] / 1000
        self._upstream_latency(provider).observe(upstream)
        self.gateway_overhead.observe(max(0.0, record["latency_ms"] / 1000 - upstream))

    def count_refusal(self, err: SwitchboardError) -> None:
        if isinstance(err, Unauthorized | Forbidden):
            self.auth_failures.labels(code=err.code).inc()
        elif isinstance(err, RateLimited):
            self.rate_limited.labels(code=err.code).inc()

    def observe_rpc(self, method: str, code: str, seconds: float) -> None:
        self._rpc_requests(method, code).inc()
        self._rpc_duration(method).observe(seconds)

    def serve_http(self, addr: str) -> Callable[[], None]:
        """Expose /metrics on host:port in a daemon thread; returns the function that stops it."""
        host, _, port = addr.rpartition(":")
        server, thread = start_http_server(
            int(port), addr=host or "127.0.0.1", registry=self.registry
        )

        def stop() -> None:
            server.shutdown()
            server.server_close()
            thread.join(timeout=2)

        return stop
