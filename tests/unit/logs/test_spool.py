"""A replay reads the spool a slice at a time and sets aside what is not a record only once
the replay is through."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from switchboard.logs.spool import Spool


def spooled(tmp_path: Path, count: int) -> Spool:
    spool = Spool(tmp_path / "spool.jsonl")
    at = datetime(2026, 12, 1, tzinfo=UTC)
    spool.append([{"id": f"r{i}", "created_at": at} for i in range(count)])
    return spool


def test_records_come_a_slice_at_a_time_and_only_as_asked_for(tmp_path: Path) -> None:
    spool = spooled(tmp_path, 5)
    unreadable: list[bytes] = []
    slices = spool.read_slices(2, unreadable)
    first = next(slices)
    assert [record["id"] for record in first] == ["r0", "r1"]
    assert first[0]["created_at"] == datetime(2026, 12, 1, tzinfo=UTC)
    assert [[record["id"] for record in batch] for batch in slices] == [["r2", "r3"], ["r4"]]
    assert unreadable == []


def test_unreadable_lines_are_collected_and_a_torn_last_line_skipped(tmp_path: Path) -> None:
    spool = spooled(tmp_path, 1)
    with spool.path.open("a") as handle:
        handle.write("[1, 2]\nnot json\n")
    spool.append([{"id": "after"}])
    with spool.path.open("a") as handle:
        handle.write('{"id": "torn by a cra')
    unreadable: list[bytes] = []
    ids = [record["id"] for batch in spool.read_slices(10, unreadable) for record in batch]
    assert ids == ["r0", "after"]
    assert unreadable == [b"[1, 2]\n", b"not json\n"]


def test_a_finished_replay_keeps_the_unreadable_lines_and_empties_the_spool(
    tmp_path: Path,
) -> None:
    spool = spooled(tmp_path, 1)
    spool.finish_replay([b"not json\n"])
    assert spool.size() == 0
    assert spool.unreadable.read_bytes() == b"not json\n"
    assert oct(spool.unreadable.stat().st_mode & 0o777) == "0o600"


def test_an_abandoned_replay_leaves_the_spool_as_it_was(tmp_path: Path) -> None:
    spool = spooled(tmp_path, 3)
    before = spool.path.read_bytes()
    slices = spool.read_slices(1, [])
    next(slices)
    slices.close()  # the database went away mid-replay
    assert spool.path.read_bytes() == before
    assert not spool.unreadable.exists()
