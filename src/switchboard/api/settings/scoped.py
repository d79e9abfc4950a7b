"""Scoped settings and features (lands next)."""

from __future__ import annotations

from switchboard.api.settings.base import SettingsArea


class ScopedSettingsArea(SettingsArea):
    pass
