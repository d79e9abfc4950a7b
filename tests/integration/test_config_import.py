"""import-config: the example file applies, a second run changes nothing, edits apply, bad
documents are refused whole with the place named, and keys come only from the environment."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
import yaml
from fakes.calls import chat
from sqlalchemy import func, select, text

from switchboard import config_import
from switchboard.config import Config
from switchboard.db.schema import Model, ModelPrice, Provider, Route
from switchboard.security.secrets import Vault

EXAMPLE = Path(__file__).resolve().parents[2] / "switchboard.example.yaml"
KEYS = {
    "OPENAI_API_KEY": "sk-openai-import-0123456789",
    "ANTHROPIC_API_KEY": "sk-ant-import-987654",
}


def write(tmp_path: Path, document: dict) -> Path:
    path = tmp_path / "switchboard.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


async def apply(running, path: Path, monkeypatch, capsys) -> tuple[int, str]:
    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)
    config: Config = running.runtime.config
    code = await config_import.run(config, argparse.Namespace(path=path))
    captured = capsys.readouterr()
    await running.runtime.directory.refresh()
    return code, captured.out + captured.err


async def count(running, table) -> int:
    async with running.runtime.sessions() as session:
        return await session.scalar(select(func.count()).select_from(table)) or 0


async def test_the_example_applies_once(running, monkeypatch, capsys) -> None:
    code, output = await apply(running, EXAMPLE, monkeypatch, capsys)
    assert code == 0, output
    assert "3 providers created" in output
    assert (await count(running, Provider), await count(running, Model)) == (3, 4)
    async with running.runtime.sessions() as session:
        stored = await session.scalar(select(Provider).where(Provider.name == "openai"))
        raw = str((await session.execute(text("SELECT * FROM providers"))).all())
    vault: Vault = running.runtime.vault
    assert vault.decrypt(stored.encrypted_credentials) == KEYS["OPENAI_API_KEY"]
    assert KEYS["OPENAI_API_KEY"] not in raw and KEYS["OPENAI_API_KEY"] not in output
    code, again = await apply(running, EXAMPLE, monkeypatch, capsys)
    assert code == 0
    assert "created" not in again and "updated" not in again, again
    assert await count(running, ModelPrice) == 4


async def test_edits_apply_and_route(running, monkeypatch, capsys, tmp_path) -> None:
    document = yaml.safe_load(EXAMPLE.read_text())
    await apply(running, write(tmp_path, document), monkeypatch, capsys)
    document["providers"][0]["models"][0]["output_price_per_mtok"] = "0.70"
    document["routes"][0]["targets"].reverse()
    document["aliases"]["echo-alias"] = "echo/echo-1"
    code, output = await apply(running, write(tmp_path, document), monkeypatch, capsys)
    assert code == 0, output
    assert "1 models updated" in output and "1 routes updated" in output
    assert await count(running, ModelPrice) == 5
    async with running.runtime.sessions() as session:
        route = await session.scalar(select(Route).where(Route.name == "best-available"))
    assert route.targets[0]["model"] == "anthropic/claude-3-5-haiku-latest"
    assert (await chat(running.channel, "echo-alias"))["model"] == "echo/echo-1"


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (
            lambda d: d["providers"][0].update(base_url="http://169.254.169.254/"),
            "providers[0].base_url",
        ),
        (
            lambda d: d["providers"][0]["models"][1].update(input_price_per_mtok="x"),
            "providers[0].models[1].input_price_per_mtok",
        ),
        (
            lambda d: d["providers"][1].update(api_key="sk-inline-secret-0000"),
            "providers[1].api_key",
        ),
        (lambda d: d["routes"][1].update(strategy="random"), "routes[1].strategy"),
        (lambda d: d["settings"]["global"].update(temperature=9), "settings.global.temperature"),
        (lambda d: d.update(extra={}), "unknown section"),
        (lambda d: d["features"][0].update(name="Summarize It"), "features[0].name"),
        (lambda d: d["aliases"].update({"bad name!": "openai/gpt-4o"}), "aliases.bad name!"),
        (lambda d: d["aliases"].update(loop="loop"), "aliases.loop"),
        (
            lambda d: d["aliases"].update({"best-available": "openai/gpt-4o"}),
            "is already an alias",
        ),
        (
            lambda d: d["providers"][0]["models"][0].update(input_modalities=["smell"]),
            "providers[0].models[0]: input_modalities: unknown smell",
        ),
    ],
)
async def test_bad_documents_change_nothing(
    running, monkeypatch, capsys, tmp_path, change, named
) -> None:
    document = yaml.safe_load(EXAMPLE.read_text())
    change(document)
    code, output = await apply(running, write(tmp_path, document), monkeypatch, capsys)
    assert code == 1
    assert named in output
    assert "sk-inline-secret-0000" not in output
    assert await count(running, Provider) == 0


async def test_a_missing_key_variable_is_named(running, monkeypatch, capsys) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    config: Config = running.runtime.config
    monkeypatch.setenv("OPENAI_API_KEY", KEYS["OPENAI_API_KEY"])
    code = await config_import.run(config, argparse.Namespace(path=EXAMPLE))
    assert code == 1
    assert "ANTHROPIC_API_KEY is not set" in capsys.readouterr().err
