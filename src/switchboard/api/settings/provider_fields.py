"""Checks of provider fields from a request; each failure names its field."""

from __future__ import annotations

import re

from switchboard.errors import InvalidRequest
from switchboard.providers.registry import ADAPTER_TYPES, BUILTIN_PROVIDERS
from switchboard.security.urls import check_base_url

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
DEFAULT_BASE_URLS = {
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com/v1",
    "google": "https://generativelanguage.googleapis.com/v1beta",
    "cohere": "https://api.cohere.com/v2",
}
MIN_TIMEOUT_MS, MAX_TIMEOUT_MS = 100, 600_000
MAX_RETRIES = 10
MAX_API_KEY_LENGTH = 4096


def name(value: str) -> str:
    value = value.strip()
    if value in BUILTIN_PROVIDERS:
        raise InvalidRequest(f"name {value!r} is reserved for a built-in provider", param="name")
    if not NAME.match(value):
        raise InvalidRequest(
            "name must be 1-100 letters, digits, '.', '_' or '-' (it is the first part of "
            "'provider/model', so no '/')",
            param="name",
        )
    return value


def provider_type(value: str) -> str:
    if value not in ADAPTER_TYPES:
        known = ", ".join(sorted(ADAPTER_TYPES))
        raise InvalidRequest(f"type must be one of {known}; got {value!r}", param="type")
    return value


def base_url(value: str, type_: str, *, allow_link_local: bool) -> str:
    if not value.strip() and type_ in DEFAULT_BASE_URLS:
        return DEFAULT_BASE_URLS[type_]
    return check_base_url(value, allow_link_local=allow_link_local)


def timeout_ms(value: int) -> int | None:
    """0 keeps the default."""
    if value == 0:
        return None
    if not MIN_TIMEOUT_MS <= value <= MAX_TIMEOUT_MS:
        raise InvalidRequest(
            f"timeout_ms must be between {MIN_TIMEOUT_MS} and {MAX_TIMEOUT_MS} (0 = default)",
            param="timeout_ms",
        )
    return value


def max_retries(value: int) -> int:
    if not 0 <= value <= MAX_RETRIES:
        raise InvalidRequest(
            f"max_retries must be between 0 and {MAX_RETRIES}", param="max_retries"
        )
    return value


def api_key(value: str, *, required: bool) -> str:
    if required and not value:
        raise InvalidRequest("api_key is required", param="api_key")
    if len(value) > MAX_API_KEY_LENGTH or any(c.isspace() for c in value):
        raise InvalidRequest(
            f"api_key must be at most {MAX_API_KEY_LENGTH} characters without whitespace",
            param="api_key",
        )
    return value


def api_version(value: str) -> str:
    if len(value) > 32:
        raise InvalidRequest("api_version must be at most 32 characters", param="api_version")
    return value.strip()
