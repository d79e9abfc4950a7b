"""SettingsService: the areas joined into one servicer."""

from __future__ import annotations

from switchboard.api.settings.base import SettingsDeps
from switchboard.api.settings.catalog import CatalogArea
from switchboard.api.settings.providers import ProvidersArea
from switchboard.api.settings.routes import RoutesArea
from switchboard.api.settings.scoped import ScopedSettingsArea
from switchboard.v1 import settings_pb2_grpc


class SettingsServicer(
    ProvidersArea,
    CatalogArea,
    RoutesArea,
    ScopedSettingsArea,
    settings_pb2_grpc.SettingsServiceServicer,
):
    def __init__(self, deps: SettingsDeps) -> None:
        super().__init__(deps)
