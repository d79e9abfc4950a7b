"""REST through the real Envoy with curl-like requests and the official openai SDK."""

from __future__ import annotations

import httpx
import openai
import pytest
from openai import OpenAI


def sdk(stack, prefix: str = "/v1") -> OpenAI:
    return OpenAI(base_url=stack.rest + prefix, api_key=stack.admin_key, max_retries=0)


def assert_openai_error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert error["type"]
    assert "param" in error
    assert error["request_id"] == response.headers["x-request-id"]
    assert "grpc-status" not in response.headers
    return error


def test_health_needs_no_key_and_has_the_seed_shape(stack) -> None:
    response = httpx.get(f"{stack.rest}/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["version"]
    assert body["timestamp"].endswith("Z")
    assert body["services"]["database"] == "healthy"
    providers = {p["provider"]: p["status"] for p in body["services"]["llm_providers"]}
    assert providers["echo"] == "available"
    assert {"acme", "downco"} <= set(providers)  # configured ones too, by their breakers
    # Other tests call downco (a dead port) and may have opened its circuit: then "degraded".
    everything_up = all(status == "available" for status in providers.values())
    assert body["status"] == ("healthy" if everything_up else "degraded")
    assert response.headers["x-request-id"]


@pytest.mark.parametrize("prefix", ["/v1", "/api/v1"])
def test_openai_sdk_lists_and_retrieves_models(stack, prefix: str) -> None:
    client = sdk(stack, prefix)
    models = client.models.list().data
    echo = next(m for m in models if m.id == "echo/echo-1")
    assert (echo.object, echo.owned_by) == ("model", "echo")
    assert echo.model_extra["pricing"] == {"prompt": "0", "completion": "0", "request": "0"}
    assert echo.model_extra["context_length"] == 8192
    assert client.models.retrieve("echo/echo-1").id == "echo/echo-1"


def test_model_id_with_encoded_slash(stack) -> None:
    response = httpx.get(f"{stack.rest}/v1/models/echo%2Fecho-1")
    assert response.status_code == 200
    assert response.json()["id"] == "echo/echo-1"


def test_unknown_model_raises_the_sdks_not_found(stack) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        sdk(stack).models.retrieve("nope/nothing")
    assert caught.value.code == "NOT_FOUND"
    assert caught.value.param == "model"


def test_an_error_naming_non_ascii_text_keeps_its_status_and_text(stack) -> None:
    model = "echo/\u00e9cho\u20111"  # e-acute, non-breaking hyphen: gRPC metadata is ASCII only
    response = httpx.post(
        f"{stack.rest}/v1/chat/completions",
        headers={"authorization": f"Bearer {stack.admin_key}"},
        json={"model": model, "messages": [{"role": "user", "content": "hi"}]},
    )
    error = assert_openai_error(response, 404, "NOT_FOUND")
    assert model in error["message"]


def test_unknown_path_is_an_openai_shaped_404(stack) -> None:
    assert_openai_error(httpx.get(f"{stack.rest}/api/v1/nope"), 404, "NOT_FOUND")
    assert_openai_error(httpx.get(f"{stack.rest}/v1/nope/deeper"), 404, "NOT_FOUND")


def test_unknown_query_parameter_is_a_400(stack) -> None:
    error = assert_openai_error(
        httpx.get(f"{stack.rest}/api/v1/models?bogus=1"), 400, "INVALID_REQUEST"
    )
    assert "bogus" in error["message"]


@pytest.mark.parametrize("limit", ["0", "-1", "501"])
def test_limit_out_of_range_is_a_400_naming_it(stack, limit: str) -> None:
    response = httpx.get(f"{stack.rest}/api/v1/models", params={"limit": limit})
    assert assert_openai_error(response, 400, "INVALID_REQUEST")["param"] == "limit"


def test_caller_request_id_is_kept(stack) -> None:
    response = httpx.get(f"{stack.rest}/api/v1/models/x%2Fy", headers={"x-request-id": "my-req-42"})
    assert response.headers["x-request-id"] == "my-req-42"
    assert response.json()["error"]["request_id"] == "my-req-42"


def test_metrics_are_exposed(stack) -> None:
    httpx.get(f"{stack.rest}/api/v1/health")
    text = httpx.get(stack.metrics).text
    assert (
        'switchboard_rpc_requests_total{code="OK",method="/switchboard.v1.HealthService/GetHealth"}'
        in text
    )
