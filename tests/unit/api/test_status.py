import json

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from switchboard.api.status import error_body, error_trailers
from switchboard.errors import (
    BudgetExceeded,
    InvalidRequest,
    NotImplementedYet,
    RateLimited,
    ServiceUnavailable,
)


def trailers_dict(trailers):
    return {k: v for k, v in trailers}


def test_envelope_is_openai_and_seed_shaped() -> None:
    err = InvalidRequest("limit must be between 1 and 500, got 0", param="limit")
    assert error_body(err, "req-1") == {
        "error": {
            "code": "INVALID_REQUEST",
            "message": "limit must be between 1 and 500, got 0",
            "type": "invalid_request_error",
            "param": "limit",
            "request_id": "req-1",
        }
    }


def test_rate_limit_trailers_carry_retry_after_headers_and_rich_status() -> None:
    err = RateLimited(
        "Rate limit reached",
        retry_after_seconds=7,
        headers={"X-RateLimit-Limit": "20", "X-RateLimit-Remaining": "0"},
    )
    trailers = error_trailers(err, "req-2")
    values = trailers_dict(trailers)
    assert json.loads(values["x-error-json"])["error"]["code"] == "RATE_LIMIT_EXCEEDED"
    assert values["retry-after"] == "7"
    assert values["x-ratelimit-limit"] == "20"
    assert values["x-request-id"] == "req-2"

    class Call:
        def code(self):
            return grpc.StatusCode.RESOURCE_EXHAUSTED

        def details(self):
            return "Rate limit reached"

        def trailing_metadata(self):
            return trailers

    status = rpc_status.from_call(Call())
    info = error_details_pb2.ErrorInfo()
    retry = error_details_pb2.RetryInfo()
    assert status.details[0].Unpack(info) and info.reason == "RATE_LIMIT_EXCEEDED"
    assert status.details[1].Unpack(retry) and retry.retry_delay.seconds == 7


def test_status_codes_follow_the_contract() -> None:
    assert BudgetExceeded("x").status is grpc.StatusCode.RESOURCE_EXHAUSTED
    assert BudgetExceeded("x").code == "BUDGET_EXCEEDED"
    assert NotImplementedYet("x").status is grpc.StatusCode.UNIMPLEMENTED


def test_custom_body_replaces_the_envelope() -> None:
    err = ServiceUnavailable("down", body={"status": "unhealthy"})
    assert error_body(err, "r") == {"status": "unhealthy"}
