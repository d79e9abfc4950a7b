"""SettingsService: providers, the model catalog, aliases, routes, scoped settings, features.

One mixin per area; `SettingsServicer` joins them. Every write is audited in its transaction
and refreshes this replica's directory and settings snapshot before it answers.
"""

from switchboard.api.settings.servicer import SettingsServicer

__all__ = ["SettingsServicer"]
