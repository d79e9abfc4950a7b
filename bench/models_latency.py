"""Latency of the foundation's read path: ListModels over gRPC direct vs REST through Envoy.

Usage (with `make run` going, or any running stack):
    .venv/bin/python bench/models_latency.py [--requests 2000] [--rest http://127.0.0.1:8080]
        [--grpc 127.0.0.1:50051]

Sequential requests on one connection each, after a warm-up; prints p50/p95/p99 in ms and the
REST-minus-gRPC difference (what Envoy's transcoding adds). Bounded: it stops by itself.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import grpc
import httpx

from switchboard.v1 import models_pb2, models_pb2_grpc

WARMUP = 100


def percentiles(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98]}


def measure(call: Callable[[], object], requests: int) -> list[float]:
    for _ in range(WARMUP):
        call()
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rest", default="http://127.0.0.1:8080")
    parser.add_argument("--grpc", default="127.0.0.1:50051")
    args = parser.parse_args()

    with grpc.insecure_channel(args.grpc) as channel, httpx.Client(base_url=args.rest) as http:
        stub = models_pb2_grpc.ModelsServiceStub(channel)
        direct = measure(lambda: stub.ListModels(models_pb2.ListModelsRequest()), args.requests)
        rest = measure(lambda: http.get("/api/v1/models").raise_for_status(), args.requests)

    results = {"grpc direct": percentiles(direct), "REST via Envoy": percentiles(rest)}
    for name, cut in results.items():
        print(f"{name:15s} " + "  ".join(f"{k} {v:6.3f} ms" for k, v in cut.items()))
    added = {k: results["REST via Envoy"][k] - results["grpc direct"][k] for k in ("p50", "p99")}
    print("Envoy+REST adds  " + "  ".join(f"{k} {v:6.3f} ms" for k, v in added.items()))


if __name__ == "__main__":
    main()
