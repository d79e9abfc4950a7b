"""Updating a row in place only where it differs, so callers can tell a change from a no-op."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def assign_changed(row: Any, wanted: Mapping[str, Any]) -> bool:
    """Set the columns whose value differs from `wanted`; True when any did."""
    changed = {column: value for column, value in wanted.items() if getattr(row, column) != value}
    for column, value in changed.items():
        setattr(row, column, value)
    return bool(changed)
