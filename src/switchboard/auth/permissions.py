"""The permission vocabulary (seed 000 §4.3, flattened to strings) and what each RPC needs.

A key holds a list of strings such as "ai:chat" or "logs:read:own". `ai:features` allows every
feature; `ai:features:<name>` one; `ai:features:*` is the same as `ai:features`.
`logs:read:all` also makes a key global: it may act on every organization.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from switchboard.errors import InvalidRequest

AI_CHAT = "ai:chat"
AI_FEATURES = "ai:features"
LOGS_READ_OWN = "logs:read:own"
LOGS_READ_ORG = "logs:read:organization"
LOGS_READ_ALL = "logs:read:all"
LOGS_EXPORT = "logs:export"
SETTINGS_READ = "settings:read"
SETTINGS_WRITE = "settings:write"
KEYS_WRITE = "keys:write"

KNOWN = frozenset(
    {
        AI_CHAT,
        AI_FEATURES,
        "logs:read",
        LOGS_READ_OWN,
        LOGS_READ_ORG,
        LOGS_READ_ALL,
        LOGS_EXPORT,
        SETTINGS_READ,
        SETTINGS_WRITE,
        "settings:write:api-keys",
        KEYS_WRITE,
    }
)
# "logs:read" (the seed's plain form) means the caller's own logs.
ALIASES = {
    "logs:read": LOGS_READ_OWN,
    "settings:write:api-keys": KEYS_WRITE,
    "ai:features:*": AI_FEATURES,
}
_FEATURE_PERMISSION = re.compile(r"^ai:features:[A-Za-z0-9._-]{1,100}$")

LOGS_READ_ANY = (LOGS_READ_OWN, LOGS_READ_ORG, LOGS_READ_ALL)


def normalize(permissions: Iterable[str]) -> frozenset[str]:
    return frozenset(ALIASES.get(p, p) for p in permissions)


def validate(permissions: Iterable[str]) -> list[str]:
    """The permissions as given, or INVALID_ARGUMENT naming the first unknown one."""
    checked = []
    for permission in permissions:
        known = permission in KNOWN or permission in ALIASES
        if not known and not _FEATURE_PERMISSION.match(permission):
            raise InvalidRequest(f"unknown permission {permission!r}", param="permissions")
        checked.append(permission)
    return sorted(set(checked))


def allows_feature(held: frozenset[str], feature: str) -> bool:
    return AI_FEATURES in held or f"ai:features:{feature}" in held


# A wider log scope includes the narrower ones.
_WIDER = {LOGS_READ_OWN: (LOGS_READ_ORG, LOGS_READ_ALL), LOGS_READ_ORG: (LOGS_READ_ALL,)}


def implied_by(held: frozenset[str], permission: str) -> bool:
    """Whether holding `held` includes `permission` (e.g. logs:read:all includes :own)."""
    if permission in held or any(p in held for p in _WIDER.get(permission, ())):
        return True
    feature = permission.removeprefix("ai:features:")
    return feature != permission and allows_feature(held, feature)


# What each RPC needs: one of the listed permissions; () = any valid key; absent = public.
_CHAT = "/switchboard.v1.ChatService/"
_LOGS = "/switchboard.v1.LogsService/"
_ANALYTICS = "/switchboard.v1.AnalyticsService/"
_SETTINGS = "/switchboard.v1.SettingsService/"
_KEYS = "/switchboard.v1.KeysService/"

RPC_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "/switchboard.v1.OpenAIService/ChatCompletions": (AI_CHAT,),
    _CHAT + "CreateChatCompletion": (AI_CHAT,),
    _CHAT + "StreamChatCompletion": (AI_CHAT,),
    _CHAT + "CreateEmbedding": (AI_CHAT,),
    # The feature name itself is checked by the handler (allows_feature).
    _CHAT + "RunFeature": (),
    _LOGS + "ListLogs": LOGS_READ_ANY,
    _LOGS + "GetLog": LOGS_READ_ANY,
    _LOGS + "ExportLogs": (LOGS_EXPORT,),
    _LOGS + "DeleteLogs": (SETTINGS_WRITE,),
    _ANALYTICS + "GetUsage": LOGS_READ_ANY,
    _ANALYTICS + "GetDashboard": LOGS_READ_ANY,
    _KEYS + "CreateKey": (KEYS_WRITE,),
    _KEYS + "ListKeys": (KEYS_WRITE,),
    _KEYS + "GetKey": (KEYS_WRITE,),
    _KEYS + "RevokeKey": (KEYS_WRITE,),
    _KEYS + "RotateKey": (KEYS_WRITE,),
    _KEYS + "ListAuditEvents": (SETTINGS_READ,),
}
# Settings: reads need settings:read, everything else settings:write.
_SETTINGS_READS = ("Get", "List", "DryRun", "Validate")

# Public: health (gRPC and REST), reflection for grpcurl, and the model catalog (as OpenRouter).
PUBLIC_PREFIXES = (
    "/grpc.health.v1.Health/",
    "/grpc.reflection.",
    "/switchboard.v1.HealthService/",
    "/switchboard.v1.ModelsService/",
)


# Settings writes an organization's own admin may make; every other settings write changes the
# whole gateway (providers and their credentials, models, prices, aliases, routes, features,
# global settings) and needs a global admin (logs:read:all) besides settings:write.
_ORGANIZATION_SETTINGS_WRITES = frozenset({"UpdateOrganizationSettings", "UpdateKeySettings"})


def gateway_wide(method: str) -> bool:
    if not method.startswith(_SETTINGS):
        return False
    name = method.removeprefix(_SETTINGS)
    return not name.startswith(_SETTINGS_READS) and name not in _ORGANIZATION_SETTINGS_WRITES


def required_permissions(method: str) -> tuple[str, ...] | None:
    """None for a public RPC; otherwise the permissions of which the caller needs one."""
    if method.startswith(PUBLIC_PREFIXES):
        return None
    if method in RPC_PERMISSIONS:
        return RPC_PERMISSIONS[method]
    if method.startswith(_SETTINGS):
        name = method.removeprefix(_SETTINGS)
        return (SETTINGS_READ,) if name.startswith(_SETTINGS_READS) else (SETTINGS_WRITE,)
    return (SETTINGS_WRITE,)  # an RPC nobody listed is an admin's
