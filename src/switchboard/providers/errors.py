"""Upstream failures, classified by HTTP status and the provider's structured error type,
never by message text.

    UpstreamError                    retryable?
    ├── UpstreamAuthError            no   (401, 403: the gateway's credentials are wrong)
    ├── UpstreamBadRequest           no   (400, 404, 422)
    │   └── UpstreamContextTooLong   no   (the provider's context-length error type/code)
    ├── UpstreamRateLimited          yes  (429; retry_after from Retry-After when given)
    ├── UpstreamServerError          yes  (5xx, 529 overloaded)
    ├── UpstreamTimeout              yes  (connect/read timeout)
    └── UpstreamUnreachable          yes  (connection refused/reset, stream cut short)
"""

from __future__ import annotations

import math


class UpstreamError(Exception):
    retryable = False

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.status = status
        self.retry_after = retry_after


class UpstreamAuthError(UpstreamError):
    pass


class UpstreamBadRequest(UpstreamError):
    pass


class UpstreamContextTooLong(UpstreamBadRequest):
    pass


class UnsupportedInput(UpstreamBadRequest):
    """A content part this provider cannot take (audio on a text-and-image API, a file id):
    refused before any call; another provider of a fallback list may take it."""

    def __init__(self, kind: str, provider: str = "") -> None:
        super().__init__(f"this provider does not accept {kind!r} content parts", provider=provider)


class UpstreamRateLimited(UpstreamError):
    retryable = True


class UpstreamServerError(UpstreamError):
    retryable = True


class UpstreamTimeout(UpstreamError):
    retryable = True


class UpstreamUnreachable(UpstreamError):
    retryable = True


MAX_RETRY_AFTER_SECONDS = 86_400.0  # a day: more is a provider bug, not advice


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (the HTTP-date form is not used by LLM providers)."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return min(seconds, MAX_RETRY_AFTER_SECONDS)
