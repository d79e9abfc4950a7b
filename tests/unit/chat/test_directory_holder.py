"""The provider directory's holder: a slow load begun before a newer one never replaces it."""

from __future__ import annotations

import asyncio

from switchboard.chat.directory import Directory, DirectoryHolder
from switchboard.providers.registry import builtin_providers


def test_a_stale_slow_load_does_not_undo_a_newer_snapshot() -> None:
    older, newer = Directory({}, {}, aliases={"v": "old"}), Directory({}, {}, aliases={"v": "new"})
    release_old = asyncio.Event()
    loads = iter([older, newer])

    async def load() -> Directory:
        snapshot = next(loads)
        if snapshot is older:
            await release_old.wait()  # the background refresh, stuck on a slow query
        return snapshot

    async def scenario() -> Directory:
        holder = DirectoryHolder(load, interval=60)
        background = asyncio.create_task(holder.refresh())
        await asyncio.sleep(0)
        await holder.refresh()  # an admin's write refreshes at once
        release_old.set()
        await background
        return holder.current

    assert asyncio.run(scenario()).aliases == {"v": "new"}


def test_a_failed_load_keeps_the_last_good_snapshot() -> None:
    good = Directory({}, {}, aliases={"v": "good"})
    answers: list[object] = [good, ConnectionError("database away")]

    async def load() -> Directory:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def scenario() -> Directory:
        holder = DirectoryHolder(load, interval=60)
        await holder.refresh()
        await holder.refresh()
        return holder.current

    assert asyncio.run(scenario()) is good


def test_with_the_database_away_at_start_the_built_in_models_are_served() -> None:
    async def away() -> Directory:
        raise ConnectionError("database away")

    async def scenario() -> DirectoryHolder:
        holder = DirectoryHolder(away, interval=60, builtins=builtin_providers())
        await holder.start()
        await holder.stop()
        return holder

    holder = asyncio.run(scenario())
    assert "echo/echo-1" in holder.current.models and not holder.loaded
