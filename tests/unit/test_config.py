from pathlib import Path

import pytest

from switchboard.config import Config, ConfigError, mask_url_password


def test_defaults_follow_the_architecture() -> None:
    config = Config.from_env({})
    assert config.grpc_addr == "127.0.0.1:50051"
    assert config.http_port == 8080
    assert config.metrics_addr == "127.0.0.1:9464"
    assert config.database_url == "sqlite:///var/switchboard.db"
    assert config.redis_url is None
    assert config.log_flush_ms == 1000


def test_log_flush_interval_is_a_positive_number_of_milliseconds() -> None:
    assert Config.from_env({"SWITCHBOARD_LOG_FLUSH_MS": "250"}).log_flush_ms == 250
    for bad in ("0", "0.5", "soon"):
        with pytest.raises(ConfigError, match="SWITCHBOARD_LOG_FLUSH_MS"):
            Config.from_env({"SWITCHBOARD_LOG_FLUSH_MS": bad})


def test_environment_overrides() -> None:
    config = Config.from_env(
        {
            "SWITCHBOARD_GRPC_ADDR": "127.0.0.1:6000",
            "SWITCHBOARD_HTTP_PORT": "8181",
            "SWITCHBOARD_VAR_DIR": "/tmp/sbvar",
            "SWITCHBOARD_REDIS_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert config.grpc_addr == "127.0.0.1:6000"
    assert config.http_port == 8181
    assert config.var_dir == Path("/tmp/sbvar")
    assert config.database_url == "sqlite:////tmp/sbvar/switchboard.db"
    assert config.redis_url == "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize("bad", ["http", "0", "70000", "-1"])
def test_bad_port_is_a_clear_error(bad: str) -> None:
    with pytest.raises(ConfigError, match="SWITCHBOARD_HTTP_PORT"):
        Config.from_env({"SWITCHBOARD_HTTP_PORT": bad})


def test_password_is_masked() -> None:
    url = "postgresql+psycopg://app:s3cr:et@db.internal:5432/sb"
    masked = mask_url_password(url)
    assert "s3cr" not in masked
    assert masked == "postgresql+psycopg://app:***@db.internal:5432/sb"
    assert mask_url_password("sqlite:///var/switchboard.db") == "sqlite:///var/switchboard.db"
    assert mask_url_password("postgresql://app:p@ss@db/sb") == "postgresql://app:***@db/sb"
    in_query = mask_url_password("postgresql://app@db/sb?sslmode=require&password=hunter2")
    assert "hunter2" not in in_query and in_query.endswith("&password=***")
    assert Config(database_url=url).safe_database_url == masked
