"""The rendered Envoy config is valid for the real Envoy binary."""

from __future__ import annotations

from pathlib import Path

import yaml

from switchboard.config import Config
from switchboard.envoy import render_config, services_in_descriptor, validate

ROOT = Path(__file__).resolve().parents[2]
DESCRIPTOR = ROOT / "gen" / "switchboard.pb"


def test_services_come_from_the_descriptor() -> None:
    services = services_in_descriptor(DESCRIPTOR)
    assert "switchboard.v1.OpenAIService" in services
    assert "switchboard.v1.ModelsService" in services
    assert all(s.startswith("switchboard.v1.") for s in services)
    assert len(services) == 8


def test_rendered_config_validates_and_uses_the_ports(tmp_path: Path) -> None:
    config = Config(grpc_addr="127.0.0.1:6001", http_port=6002, envoy_admin_port=6003)
    path = render_config(config, DESCRIPTOR, ROOT / "envoy", tmp_path)
    validate(path)
    rendered = yaml.safe_load(path.read_text())
    listener = rendered["static_resources"]["listeners"][0]
    assert listener["address"]["socket_address"] == {"address": "127.0.0.1", "port_value": 6002}
    assert rendered["admin"]["address"]["socket_address"]["port_value"] == 6003
    cluster = rendered["static_resources"]["clusters"][0]
    endpoint = cluster["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]
    assert endpoint["address"]["socket_address"] == {"address": "127.0.0.1", "port_value": 6001}
