"""rotate-master-key: every credential re-encrypted under a new key in var/master.key, the old
keys kept until --drop-old, and a running server keeps calling its providers without a
restart."""

from __future__ import annotations

import argparse

from fakes.calls import chat
from fakes.openai_server import FakeOpenAI
from sqlalchemy import select

from switchboard import master_key_cli
from switchboard.db.schema import Provider
from switchboard.security.secrets import key_file, read_key_file
from switchboard.v1 import settings_pb2, settings_pb2_grpc

SECRET = "sk-rotate-me-0123456789abcdef"


async def test_rotation_keeps_every_provider_working(running, capsys) -> None:
    upstream = FakeOpenAI().start()
    try:
        admin = settings_pb2_grpc.SettingsServiceStub(running.channel)
        for name in ("one", "two"):
            await admin.CreateProvider(
                settings_pb2.CreateProviderRequest(
                    name=name, type="openai", base_url=upstream.base_url, api_key=SECRET
                )
            )
            await admin.CreateModelConfig(
                settings_pb2.CreateModelConfigRequest(
                    provider=name, model="ok", input_price_per_mtok="1", output_price_per_mtok="2"
                )
            )
        config = running.runtime.config
        old_keys = read_key_file(key_file(config.var_dir))
        async with running.runtime.sessions() as session:
            before = {
                p.name: p.encrypted_credentials for p in await session.scalars(select(Provider))
            }
        code = await master_key_cli.run(config, argparse.Namespace(drop_old=True))
        assert code == 0
        assert "re-encrypted 2 provider credential(s)" in capsys.readouterr().out
        new_keys = read_key_file(key_file(config.var_dir))
        assert len(new_keys) == 1 and new_keys[0] not in old_keys
        async with running.runtime.sessions() as session:
            after = {
                p.name: p.encrypted_credentials for p in await session.scalars(select(Provider))
            }
        assert all(after[name] != before[name] for name in before)
        await running.runtime.directory.refresh()  # what the background refresh does
        for name in ("one", "two"):
            assert (await chat(running.channel, f"{name}/ok"))["provider"] == name
        assert upstream.headers_seen[-1]["authorization"] == f"Bearer {SECRET}"
    finally:
        upstream.stop()


async def test_the_old_keys_stay_until_dropped(running, capsys) -> None:
    """A server that has not re-read the file yet encrypts with an old key: still readable."""
    config = running.runtime.config
    old_keys = read_key_file(key_file(config.var_dir))
    assert await master_key_cli.run(config, argparse.Namespace(drop_old=False)) == 0
    kept = read_key_file(key_file(config.var_dir))
    assert kept[1:] == old_keys and kept[0] not in old_keys
