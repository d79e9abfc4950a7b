"""An append-only JSON-lines file of log records not yet in the database.

Each append is fsynced. A crash mid-append leaves a torn last line: the next append starts on
a fresh line, and reading sets aside any line that is not a whole record (kept, in the
`.unreadable` file beside the spool) instead of failing, so one bad line can never stop the
writer. Times are written as ISO 8601 text and read back by column (created_at), not by a tag
inside the JSON, so no value a client sends in a request body can be mistaken for one.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
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
        """The whole records. Any other line moves to the `.unreadable` file (said in the
        log), so it is reported once, not on every read."""
        if not self.path.exists():
            return []
        records, kept, bad = [], [], []
        with self.path.open("rb") as handle:
            for raw in handle:
                if not raw.endswith(b"\n"):
                    kept.append(raw)  # torn last line (crash mid-write): not a record yet
                    continue
                try:
                    records.append(_decode(raw.decode("utf-8", "surrogatepass")))
                except ValueError:
                    bad.append(raw)
                else:
                    kept.append(raw)
        if bad:
            self._set_aside(bad, kept)
        return records

    def _set_aside(self, bad: list[bytes], kept: list[bytes]) -> None:
        log.error("%d unreadable lines in the log spool; kept in %s", len(bad), self.unreadable)
        _write(self.unreadable, bad, "ab")
        rewritten = self.path.with_suffix(".tmp")
        _write(rewritten, kept, "wb")
        os.replace(rewritten, self.path)

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
