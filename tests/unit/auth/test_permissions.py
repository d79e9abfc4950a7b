"""The permission vocabulary and what each RPC needs."""

from __future__ import annotations

import pytest

from switchboard.auth import permissions as perms
from switchboard.errors import InvalidRequest


def test_validate_accepts_the_seed_vocabulary_and_feature_names() -> None:
    given = ["logs:read", "ai:features:analyze-industry", "ai:chat", "ai:chat"]
    assert perms.validate(given) == ["ai:chat", "ai:features:analyze-industry", "logs:read"]


@pytest.mark.parametrize("bad", ["admin", "logs:write", "ai:features:", "ai:features:a b"])
def test_validate_names_the_field_for_unknown_permissions(bad: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        perms.validate([bad])
    assert caught.value.param == "permissions"


def test_wider_log_scopes_include_narrower_ones() -> None:
    held = perms.normalize(["logs:read:all", "ai:features:*"])
    assert perms.implied_by(held, "logs:read:own")
    assert perms.implied_by(held, "ai:features:generate-suggestions")
    assert not perms.implied_by(perms.normalize(["logs:read:own"]), "logs:read:organization")


def test_rpcs_need_their_permission_and_health_and_models_are_public() -> None:
    assert perms.required_permissions("/switchboard.v1.ModelsService/ListModels") is None
    assert perms.required_permissions("/grpc.health.v1.Health/Check") is None
    chat = perms.required_permissions("/switchboard.v1.OpenAIService/ChatCompletions")
    assert chat == ("ai:chat",)
    assert perms.required_permissions("/switchboard.v1.SettingsService/ListProviders") == (
        "settings:read",
    )
    assert perms.required_permissions("/switchboard.v1.SettingsService/CreateProvider") == (
        "settings:write",
    )
    assert perms.required_permissions("/switchboard.v1.Unknown/Thing") == ("settings:write",)
