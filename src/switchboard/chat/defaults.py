"""Scoped settings applied to a chat call: values the client left out are filled from the
narrowest scope that sets them (key, feature, organization, global), and the scoped retry
count and per-attempt timeout bound the call. What the client sent always wins; built-in
defaults are never injected (the provider keeps its own)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from switchboard.chat.request import CallLimits, ChatCall
from switchboard.errors import InvalidRequest

PARAM_DEFAULTS = ("top_p", "frequency_penalty", "presence_penalty")


def apply_defaults(call: ChatCall, overrides: Mapping[str, Any]) -> ChatCall:
    model = call.model or overrides.get("default_model") or ""
    if not model:
        raise InvalidRequest("'model' is required", param="model")
    if not overrides:
        return call
    request = call.request
    missing = {
        p: overrides[p] for p in PARAM_DEFAULTS if p in overrides and p not in request.params
    }
    request = dataclasses.replace(
        request,
        temperature=(
            request.temperature if request.temperature is not None else overrides.get("temperature")
        ),
        max_tokens=request.max_tokens
        if request.max_tokens is not None
        else overrides.get("max_tokens"),
        params={**request.params, **missing} if missing else request.params,
    )
    limits = CallLimits(overrides.get("max_retries"), overrides.get("timeout_ms"))
    return dataclasses.replace(call, model=model, request=request, limits=limits)
