"""Domain errors. Every failure a client can see is one of these; the API layer maps them.

    SwitchboardError                 (INTERNAL          500  INTERNAL_ERROR)
    ├── InvalidRequest               (INVALID_ARGUMENT   400  INVALID_REQUEST)
    │   └── ContextTooLong           (INVALID_ARGUMENT   400  CONTEXT_LENGTH_EXCEEDED)
    ├── Unauthorized                 (UNAUTHENTICATED    401  UNAUTHORIZED)
    ├── Forbidden                    (PERMISSION_DENIED  403  FORBIDDEN)
    ├── NotFound                     (NOT_FOUND          404  NOT_FOUND)
    ├── AlreadyExists                (ALREADY_EXISTS     409  CONFLICT)
    ├── FailedPrecondition           (FAILED_PRECONDITION 400 FAILED_PRECONDITION)
    ├── RateLimited                  (RESOURCE_EXHAUSTED 429  RATE_LIMIT_EXCEEDED)
    │   └── BudgetExceeded           (RESOURCE_EXHAUSTED 429  BUDGET_EXCEEDED)
    ├── ProviderError                (UNAVAILABLE        503  PROVIDER_ERROR)
    ├── ProviderTimeout              (DEADLINE_EXCEEDED  504  PROVIDER_TIMEOUT)
    ├── ServiceUnavailable           (UNAVAILABLE        503  SERVICE_UNAVAILABLE)
    └── NotImplementedYet            (UNIMPLEMENTED      501  NOT_IMPLEMENTED)

`code` is the seed's error code (google.rpc.ErrorInfo.reason and `error.code` over REST);
`type` is OpenAI's error type string. Messages are shown to clients: never put a secret in one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import grpc


class SwitchboardError(Exception):
    status: ClassVar[grpc.StatusCode] = grpc.StatusCode.INTERNAL
    code: ClassVar[str] = "INTERNAL_ERROR"
    type: ClassVar[str] = "server_error"

    def __init__(
        self,
        message: str,
        *,
        param: str | None = None,
        retry_after_seconds: int | None = None,
        headers: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.retry_after_seconds = retry_after_seconds
        self.headers = dict(headers or {})
        # A complete REST body to send instead of the error envelope (e.g. the health report).
        self.body = body


class InvalidRequest(SwitchboardError):
    status = grpc.StatusCode.INVALID_ARGUMENT
    code = "INVALID_REQUEST"
    type = "invalid_request_error"


class ContextTooLong(InvalidRequest):
    code = "CONTEXT_LENGTH_EXCEEDED"


class Unauthorized(SwitchboardError):
    status = grpc.StatusCode.UNAUTHENTICATED
    code = "UNAUTHORIZED"
    type = "authentication_error"


class Forbidden(SwitchboardError):
    status = grpc.StatusCode.PERMISSION_DENIED
    code = "FORBIDDEN"
    type = "permission_error"


class NotFound(SwitchboardError):
    status = grpc.StatusCode.NOT_FOUND
    code = "NOT_FOUND"
    type = "not_found_error"


class AlreadyExists(SwitchboardError):
    status = grpc.StatusCode.ALREADY_EXISTS
    code = "CONFLICT"
    type = "conflict_error"


class FailedPrecondition(SwitchboardError):
    status = grpc.StatusCode.FAILED_PRECONDITION
    code = "FAILED_PRECONDITION"
    type = "invalid_request_error"


class RateLimited(SwitchboardError):
    status = grpc.StatusCode.RESOURCE_EXHAUSTED
    code = "RATE_LIMIT_EXCEEDED"
    type = "rate_limit_error"


class BudgetExceeded(RateLimited):
    code = "BUDGET_EXCEEDED"
    type = "insufficient_quota"


class ProviderError(SwitchboardError):
    status = grpc.StatusCode.UNAVAILABLE
    code = "PROVIDER_ERROR"
    type = "server_error"


class ProviderTimeout(SwitchboardError):
    status = grpc.StatusCode.DEADLINE_EXCEEDED
    code = "PROVIDER_TIMEOUT"
    type = "timeout_error"


class ServiceUnavailable(SwitchboardError):
    status = grpc.StatusCode.UNAVAILABLE
    code = "SERVICE_UNAVAILABLE"
    type = "server_error"


class NotImplementedYet(SwitchboardError):
    status = grpc.StatusCode.UNIMPLEMENTED
    code = "NOT_IMPLEMENTED"
    type = "not_implemented_error"


class ClientCancelled(SwitchboardError):
    """The client went away mid-request (logged as HTTP 499; nobody is left to tell)."""

    status = grpc.StatusCode.CANCELLED
    code = "CLIENT_CLOSED_REQUEST"
    type = "cancelled"

    def __init__(self) -> None:
        super().__init__("the client went away before the response finished")
