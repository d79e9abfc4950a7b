"""Per-request values that travel with the request's task (set by the interceptor)."""

from __future__ import annotations

import re
from contextvars import ContextVar

from switchboard.auth.principal import Principal
from switchboard.ids import random_hex

REQUEST_ID: ContextVar[str] = ContextVar("switchboard_request_id", default="")

_ACCEPTABLE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def new_request_id() -> str:
    return random_hex()


def request_id_from_header(value: str | None) -> str:
    """Keep a caller's (or Envoy's) x-request-id if it is sane, else make one."""
    if value and _ACCEPTABLE_REQUEST_ID.match(value):
        return value
    return new_request_id()


def current_request_id() -> str:
    return REQUEST_ID.get()


PRINCIPAL: ContextVar[Principal | None] = ContextVar("switchboard_principal", default=None)


def current_principal() -> Principal | None:
    """The authenticated caller of this RPC (None on public RPCs)."""
    return PRINCIPAL.get()


RESPONSE_HEADERS: ContextVar[dict[str, str] | None] = ContextVar(
    "switchboard_response_headers", default=None
)


def add_response_header(name: str, value: str) -> None:
    """A header for this RPC's answer (sent with its first message by the interceptor)."""
    headers = RESPONSE_HEADERS.get()
    if headers is not None:
        headers[name.lower()] = value
