"""An immutable snapshot of who can answer what: adapters, priced models, aliases, routes,
and the scoped settings and features that shape each request.

Built from the database off the hot path and swapped whole, so a request never waits on the
database to find its provider.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from switchboard.db.repositories.models import list_enabled_models
from switchboard.db.repositories.settings import load_snapshot
from switchboard.db.schema import ModelAlias, Route
from switchboard.db.schema import Provider as ProviderRow
from switchboard.domain.catalog import ModelInfo
from switchboard.errors import NotFound
from switchboard.providers.base import Provider
from switchboard.providers.registry import Clients, ProviderSpec, make_adapter
from switchboard.routing.latency import LatencyTracker
from switchboard.routing.strategies import RouteSpec, RouteTarget, plan_route
from switchboard.security.secrets import SecretsError, Vault
from switchboard.settings.snapshot import SettingsSnapshot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    adapter: Provider
    info: ModelInfo

    @property
    def provider(self) -> str:
        return self.info.provider

    @property
    def upstream(self) -> str:
        return self.info.upstream


@dataclass(frozen=True)
class Router:
    """What a route's strategy decides with: observed latency, chance, circuit breakers."""

    latency: LatencyTracker = field(default_factory=LatencyTracker)
    rng: random.Random = field(default_factory=random.Random)
    circuit_open: Callable[[str], bool] = lambda provider: False


@dataclass(frozen=True)
class Resolution:
    """The targets to try in order, and why (what a routing dry run shows)."""

    targets: list[Target]
    reasons: list[str]


def _missing(model: str) -> NotFound:
    return NotFound(f"The model `{model}` does not exist or is not enabled.", param="model")


@dataclass(frozen=True)
class Directory:
    adapters: Mapping[str, Provider]
    # Only models whose provider has an adapter.
    models: Mapping[str, ModelInfo]
    aliases: Mapping[str, str] = field(default_factory=dict)
    routes: Mapping[str, RouteSpec] = field(default_factory=dict)
    settings: SettingsSnapshot = field(default_factory=SettingsSnapshot)

    def _target(self, info: ModelInfo) -> Target:
        return Target(self.adapters[info.provider], info)

    def plan(self, model: str, router: Router) -> Resolution:
        """An alias, route or "provider/model" -> the targets to try; NOT_FOUND if none."""
        reasons: list[str] = []
        name = self.aliases.get(model, model)
        if name != model:
            reasons.append(f'alias "{model}" -> "{name}"')
        route = self.routes.get(name)
        if route is None:
            info = self.models.get(name)
            if info is None:
                raise _missing(model)
            reasons.append(f'"{name}" is served by provider {info.provider}')
            if router.circuit_open(info.provider):
                reasons.append(f"circuit open for provider {info.provider}: it is skipped for now")
            return Resolution([self._target(info)], reasons)
        plan = plan_route(route, self.models, router.latency, router.rng, router.circuit_open)
        reasons.extend(plan.reasons)
        if not plan.order:
            raise NotFound(
                f"The route `{name}` has no enabled target: {'; '.join(plan.reasons)}",
                param="model",
            )
        return Resolution([self._target(self.models[m]) for m in plan.order], reasons)

    def candidates(
        self,
        model: str,
        fallbacks: Sequence[str],
        router: Router,
        arrange: Callable[[list[Target]], list[Target]] = list,
    ) -> Resolution:
        """The model's targets (a route may give several), then each fallback's, once each;
        fallbacks that are unknown or disabled are skipped (and said so). `arrange` orders
        (or filters) each model's own targets: provider preferences apply within a model."""
        resolution = self.plan(model, router)
        targets, reasons = arrange(list(resolution.targets)), list(resolution.reasons)
        for name in fallbacks:
            try:
                extra = self.plan(name, router)
            except NotFound:
                reasons.append(f'fallback "{name}" is unknown or disabled; skipped')
                continue
            targets.extend(arrange(list(extra.targets)))
            reasons.extend(f"fallback: {line}" for line in extra.reasons)
        first_of_each: dict[str, Target] = {}
        for target in targets:
            first_of_each.setdefault(target.info.id, target)
        return Resolution(list(first_of_each.values()), reasons)


def provider_spec(row: ProviderRow, vault: Vault) -> ProviderSpec:
    """What an adapter needs of a provider row, its key decrypted (SecretsError if it cannot be)."""
    api_key = vault.decrypt(row.encrypted_credentials) if row.encrypted_credentials else ""
    timeout = row.timeout_ms / 1000 if row.timeout_ms else None
    return ProviderSpec(row.name, row.type, row.base_url, api_key, row.api_version, timeout)


def _usable_spec(row: ProviderRow, vault: Vault) -> ProviderSpec | None:
    try:
        return provider_spec(row, vault)
    except SecretsError:
        log.warning("provider %s: credentials do not decrypt; provider skipped", row.name)
        return None


def _route_spec(row: Route) -> RouteSpec:
    targets = tuple(RouteTarget(t["model"], int(t.get("weight", 1))) for t in row.targets)
    return RouteSpec(row.name, row.strategy, targets, row.enabled)


async def load_directory(
    sessions: async_sessionmaker[AsyncSession],
    vault: Vault,
    clients: Clients,
    builtins: Mapping[str, Provider],
) -> Directory:
    async with sessions() as session:
        rows = list(await session.scalars(select(ProviderRow).where(ProviderRow.enabled.is_(True))))
        stored = await list_enabled_models(session)
        aliases = {a.alias: a.target for a in await session.scalars(select(ModelAlias))}
        routes = {r.name: _route_spec(r) for r in await session.scalars(select(Route))}
        settings = await load_snapshot(session)
    adapters: dict[str, Provider] = dict(builtins)
    for row in rows:
        spec = _usable_spec(row, vault)
        adapter = None if spec is None else make_adapter(spec, clients)
        if adapter is not None:
            adapters[row.name] = adapter
    models = await _builtin_models(builtins)
    models.update({m.id: m for m in stored if m.provider in adapters})
    return Directory(adapters, models, aliases, routes, settings)


async def _builtin_models(builtins: Mapping[str, Provider]) -> dict[str, ModelInfo]:
    return {m.id: m for b in builtins.values() for m in await b.list_models()}


async def builtin_directory(builtins: Mapping[str, Provider]) -> Directory:
    return Directory(dict(builtins), await _builtin_models(builtins))


class DirectoryHolder:
    """The current snapshot, refreshed in the background every `interval` seconds."""

    def __init__(
        self,
        loader: Callable[[], Awaitable[Directory]],
        interval: float,
        builtins: Mapping[str, Provider] | None = None,
    ) -> None:
        self._loader = loader
        self._interval = interval
        self._builtins = builtins or {}
        self.current = Directory(adapters={}, models={})
        self._task: asyncio.Task[None] | None = None
        self._started = 0  # loads begun
        self._stored = 0  # the load whose snapshot is current

    async def start(self) -> None:
        await self.refresh()
        if not self.loaded:  # the database is away at startup: serve the built-in models
            self.current = await builtin_directory(self._builtins)
        self._task = asyncio.create_task(self._refresh_forever())

    @property
    def loaded(self) -> bool:
        """A snapshot from the database is current (not just the built-ins)."""
        return self._stored > 0

    async def refresh(self) -> None:
        """Load a snapshot; one begun earlier than the current one's never replaces it (a slow
        background load must not undo the refresh an admin's write just made)."""
        self._started += 1
        number = self._started
        try:
            loaded = await self._loader()
        except Exception:  # keep serving the last good snapshot while the database is away
            log.warning(
                "could not refresh the provider directory; keeping the last one", exc_info=True
            )
            return
        if number > self._stored:
            self.current, self._stored = loaded, number

    async def _refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            await self.refresh()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
