"""An append-only JSON-lines file of log records not yet in the database.

Each append is fsynced. A crash mid-append leaves a torn last line: the next append starts on
a fresh line, and a replay sets aside any line that is not a whole record (kept, in the
`.unreadable` file beside the spool, once the replay is through) instead of failing, so one
bad line can never stop the writer. Times are written as ISO 8601 text and read back by column
(created_at), not by a tag inside the JSON, so no value a client sends in a request body can be
mistaken for one.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

Record = dict[str, Any]
TIME_COLUMNS = ("created_at",)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot spool {type(value).__name__}")


def _decode(line: str) -> Record:
    record = json.loads(line)
    if not isinstance(record, dict):
        raise ValueError("a spool line must hold one record (a JSON object)")
    for name in TIME_COLUMNS:
        value = record.get(name)
        if isinstance(value, dict) and set(value) == {"$dt"}:  # written by earlier versions
            value = value["$dt"]
        if isinstance(value, str):
            record[name] = datetime.fromisoformat(value)
    return record


class Spool:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.unreadable = path.with_suffix(".unreadable.jsonl")

    def append(self, records: list[Record]) -> None:
        if not records:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lines = "".join(
            json.dumps(r, default=_encode, separators=(",", ":")) + "\n" for r in records
        )
        if self._torn():  # a crash mid-append: end that line, so it stays apart from these
            lines = "\n" + lines
        _write(self.path, [lines.encode("utf-8", "surrogatepass")], "ab")

    def _torn(self) -> bool:
        if self.size() == 0:
            return False
        with self.path.open("rb") as handle:
            handle.seek(-1, os.SEEK_END)
            return handle.read(1) != b"\n"

    def read(self) -> list[Record]:
        """The whole records (to look into a spool; any other line is skipped)."""
        return [record for batch in self.read_slices(1000, []) for record in batch]

    def read_slices(self, size: int, unreadable: list[bytes]) -> Iterator[list[Record]]:
        """The whole records, `size` at a time, read only as they are asked for: a long
        outage's spool need not fit in memory, and a replay the database refuses at once reads
        one slice. Lines that are not a record are added to `unreadable`; a torn last line (a
        crash mid-append) is not a record yet and is skipped."""
        if not self.path.exists():
            return
        batch: list[Record] = []
        with self.path.open("rb") as handle:
            for raw in handle:
                if not raw.endswith(b"\n"):
                    continue
                try:
                    batch.append(_decode(raw.decode("utf-8", "surrogatepass")))
                except ValueError:
                    unreadable.append(raw)
                    continue
                if len(batch) == size:
                    yield batch
                    batch = []
        if batch:
            yield batch

    def finish_replay(self, unreadable: list[bytes]) -> None:
        """Every record is in the database: the unreadable lines move to the `.unreadable` file
        (said in the log), and the spool is emptied."""
        if unreadable:
            log.error(
                "%d unreadable lines in the log spool; kept in %s", len(unreadable), self.unreadable
            )
            _write(self.unreadable, unreadable, "ab")
        self.clear()

    def size(self) -> int:
        return self.path.stat().st_size if self.path.exists() else 0

    def clear(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def _write(path: Path, lines: list[bytes], mode: str) -> None:
    """Written and fsynced; private to this user (request bodies)."""
    with path.open(mode) as handle:
        handle.writelines(lines)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o600)
