"""SettingsService and features over REST through Envoy: the shapes, status codes and error
bodies an admin's curl sees, and the provider key never leaving the gateway."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from fakes.openai_server import FakeOpenAI
from fakes.seed import SETTINGS_SECRET
from openai import OpenAI

SECRET = SETTINGS_SECRET


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def call(stack, method: str, path: str, key: str | None = None, **kwargs) -> httpx.Response:
    headers = stack.auth if key is None else {"authorization": f"Bearer {key}"}
    return httpx.request(method, f"{stack.rest}{path}", headers=headers, timeout=10, **kwargs)


def error(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    return response.json()["error"]


@pytest.fixture
def provider(stack, upstream: FakeOpenAI) -> dict:
    body = {
        "name": unique("rest"),
        "type": "openai",
        "base_url": upstream.base_url,
        "api_key": SECRET,
    }
    response = call(stack, "POST", "/api/v1/settings/providers", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def add_model(stack, provider: dict, model: str = "ok") -> dict:
    body = {
        "provider": provider["name"],
        "model": model,
        "input_price_per_mtok": "0.15",
        "output_price_per_mtok": "0.60",
        "context_window": 128000,
    }
    response = call(stack, "POST", "/api/v1/settings/models", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_create_provider_masks_the_key_and_serves_its_models(stack, provider) -> None:
    assert provider["api_key_masked"] == "sk-...7777"
    assert SECRET not in str(provider)
    add_model(stack, provider)
    model_id = f"{provider['name']}/ok"
    client = OpenAI(base_url=stack.rest + "/v1", api_key=stack.admin_key, max_retries=0)
    reply = client.chat.completions.create(
        model=model_id, messages=[{"role": "user", "content": "hi"}]
    )
    assert reply.model == model_id
    catalog = httpx.get(f"{stack.rest}/api/v1/models").json()["data"]
    entry = next(m for m in catalog if m["id"] == model_id)
    assert entry["pricing"]["prompt"] == "0.00000015"
    assert entry["context_length"] == 128000


def test_conflicts_bad_values_and_non_admins(stack, provider, upstream) -> None:
    again = {"name": provider["name"], "type": "openai", "base_url": upstream.base_url}
    assert (
        error(call(stack, "POST", "/api/v1/settings/providers", json=again), 409)["param"] == "name"
    )
    metadata = {**again, "name": unique("meta"), "base_url": "http://169.254.169.254/v1"}
    refused = error(call(stack, "POST", "/api/v1/settings/providers", json=metadata), 400)
    assert refused["param"] == "base_url"
    key = call(
        stack, "POST", "/api/v1/auth/api-keys", json={"name": "reader", "permissions": ["ai:chat"]}
    ).json()["key"]
    forbidden = call(stack, "POST", "/api/v1/settings/providers", key=key, json=again)
    assert error(forbidden, 403)["code"] == "FORBIDDEN"


def test_update_key_probe_sync_and_delete(stack, provider, upstream) -> None:
    path = f"/api/v1/settings/providers/{provider['id']}"
    updated = call(stack, "PUT", path, json={"timeout_ms": 3000}).json()
    assert updated["timeout_ms"] == 3000
    rekeyed = call(stack, "POST", f"{path}/api-key", json={"api_key": SECRET + "x"}).json()
    assert rekeyed["api_key_masked"] == "sk-...777x"
    probe = call(stack, "POST", f"{path}/test", json={}).json()
    assert probe["ok"] is True
    assert probe["model_count"] >= 1
    synced = call(stack, "POST", f"{path}/sync-models", json={"enable_new": True}).json()
    assert synced.get("added", 0) + synced.get("updated", 0) + synced.get("unchanged", 0) >= 1
    assert call(stack, "GET", path).json()["health_status"] == "healthy"
    assert call(stack, "DELETE", path).status_code == 200
    assert error(call(stack, "GET", path), 404)["code"] == "NOT_FOUND"


def test_routes_and_dry_run(stack) -> None:
    name = unique("route")
    body = {
        "name": name,
        "strategy": "fallback",
        "targets": [{"model": "echo/echo-1", "weight": 1}],
    }
    created = call(stack, "POST", "/api/v1/settings/routes", json=body).json()
    assert created["strategy"] == "fallback"
    dry = call(stack, "POST", "/api/v1/settings/routes/dry-run", json={"model": name}).json()
    assert dry["chosen"] == "echo/echo-1"
    assert dry["reasons"]
    bad = {**body, "name": unique("r"), "strategy": "random"}
    assert (
        error(call(stack, "POST", "/api/v1/settings/routes", json=bad), 400)["param"] == "strategy"
    )


def test_settings_effective_and_validate(stack) -> None:
    updated = call(stack, "POST", "/api/v1/settings/global", json={"top_p": 0.9})
    assert updated.status_code == 200, updated.text
    effective = call(stack, "GET", "/api/v1/settings/effective").json()
    top_p = next(s for s in effective["sources"] if s["name"] == "top_p")
    assert (top_p["value"], top_p["scope"]) == (0.9, "global")
    invalid = error(call(stack, "POST", "/api/v1/settings/global", json={"temperature": 3}), 400)
    assert invalid["param"] == "settings.temperature"
    checked = call(
        stack,
        "POST",
        "/api/v1/settings/validate",
        json={"model": "echo/echo-1", "settings": {"max_tokens": 999999}},
    ).json()
    assert checked.get("valid", False) is False
    assert checked["errors"][0]["field"] == "settings.max_tokens"
    call(stack, "POST", "/api/v1/settings/global", json={})


def test_features_over_rest(stack) -> None:
    answer = call(
        stack,
        "POST",
        "/api/v1/features/generate-suggestions",
        json={"count": 3, "industry": "retail", "current_state": "paper", "goals": "automate"},
    )
    assert answer.status_code == 200, answer.text
    assert isinstance(answer.json()["result"]["suggestions"], list)
    feature = call(stack, "GET", "/api/v1/settings/feature/generate-suggestions").json()
    assert feature["model"] == "echo/echo-1"
    missing = error(call(stack, "POST", "/api/v1/features/analyze-industry", json={}), 400)
    assert missing["param"].startswith("parameters.")
    assert error(call(stack, "POST", "/api/v1/features/nope", json={}), 404)["code"] == "NOT_FOUND"


def test_the_provider_key_is_not_in_the_sqlite_file(stack, provider, e2e_sqlite_url) -> None:
    database = Path(e2e_sqlite_url.removeprefix("sqlite:///"))
    for path in (database, database.with_name(database.name + "-wal")):
        if path.exists():
            assert SECRET.encode() not in path.read_bytes()


def test_models_and_aliases_over_rest(stack, provider) -> None:
    config = add_model(stack, provider, model="flaky")
    path = f"/api/v1/settings/models/{config['id']}"
    repriced = call(stack, "PUT", path, json={"output_price_per_mtok": "0.9"}).json()
    assert (repriced["input_price_per_mtok"], repriced["output_price_per_mtok"]) == ("0.15", "0.9")
    listed = call(stack, "GET", f"/api/v1/settings/models?provider={provider['name']}").json()
    assert [m["full_name"] for m in listed["data"]] == [f"{provider['name']}/flaky"]
    bad = error(call(stack, "PUT", path, json={"input_price_per_mtok": "-2"}), 400)
    assert bad["param"] == "input_price_per_mtok"
    alias = unique("alias")
    target = {"target": f"{provider['name']}/flaky"}
    assert call(stack, "PUT", f"/api/v1/settings/aliases/{alias}", json=target).status_code == 200
    aliases = call(stack, "GET", "/api/v1/settings/aliases?limit=500").json()["data"]
    assert {"alias": alias, **target} in aliases
    assert call(stack, "DELETE", f"/api/v1/settings/aliases/{alias}").status_code == 200
    assert (
        error(call(stack, "DELETE", f"/api/v1/settings/aliases/{alias}"), 404)["param"] == "alias"
    )
    assert call(stack, "DELETE", path).status_code == 200
    assert error(call(stack, "PUT", path, json={"enabled": True}), 404)["code"] == "NOT_FOUND"
