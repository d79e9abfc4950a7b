import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from switchboard.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ListLogsRequest(_message.Message):
    __slots__ = ("page", "limit", "page_token", "user_id", "organization_id", "provider", "model", "feature_name", "route", "environment", "status", "start_date", "end_date", "min_cost", "max_cost", "sort_by", "sort_order")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    FEATURE_NAME_FIELD_NUMBER: _ClassVar[int]
    ROUTE_FIELD_NUMBER: _ClassVar[int]
    ENVIRONMENT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    MIN_COST_FIELD_NUMBER: _ClassVar[int]
    MAX_COST_FIELD_NUMBER: _ClassVar[int]
    SORT_BY_FIELD_NUMBER: _ClassVar[int]
    SORT_ORDER_FIELD_NUMBER: _ClassVar[int]
    page: int
    limit: int
    page_token: str
    user_id: str
    organization_id: str
    provider: str
    model: str
    feature_name: str
    route: str
    environment: str
    status: str
    start_date: str
    end_date: str
    min_cost: str
    max_cost: str
    sort_by: str
    sort_order: str
    def __init__(self, page: _Optional[int] = ..., limit: _Optional[int] = ..., page_token: _Optional[str] = ..., user_id: _Optional[str] = ..., organization_id: _Optional[str] = ..., provider: _Optional[str] = ..., model: _Optional[str] = ..., feature_name: _Optional[str] = ..., route: _Optional[str] = ..., environment: _Optional[str] = ..., status: _Optional[str] = ..., start_date: _Optional[str] = ..., end_date: _Optional[str] = ..., min_cost: _Optional[str] = ..., max_cost: _Optional[str] = ..., sort_by: _Optional[str] = ..., sort_order: _Optional[str] = ...) -> None: ...

class ListLogsResponse(_message.Message):
    __slots__ = ("data", "pagination", "summary", "next_page_token")
    DATA_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    data: _containers.RepeatedCompositeFieldContainer[LogEntry]
    pagination: _common_pb2.Pagination
    summary: LogSummary
    next_page_token: str
    def __init__(self, data: _Optional[_Iterable[_Union[LogEntry, _Mapping]]] = ..., pagination: _Optional[_Union[_common_pb2.Pagination, _Mapping]] = ..., summary: _Optional[_Union[LogSummary, _Mapping]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class LogSummary(_message.Message):
    __slots__ = ("total_requests", "total_cost_usd", "total_tokens", "average_latency_ms")
    TOTAL_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COST_USD_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TOKENS_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    total_requests: float
    total_cost_usd: str
    total_tokens: float
    average_latency_ms: float
    def __init__(self, total_requests: _Optional[float] = ..., total_cost_usd: _Optional[str] = ..., total_tokens: _Optional[float] = ..., average_latency_ms: _Optional[float] = ...) -> None: ...

class LogEntry(_message.Message):
    __slots__ = ("id", "timestamp", "user_id", "organization_id", "provider", "model", "endpoint", "feature_name", "route", "environment", "request_summary", "response_summary", "metrics", "redaction_status", "security", "debug")
    ID_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    FEATURE_NAME_FIELD_NUMBER: _ClassVar[int]
    ROUTE_FIELD_NUMBER: _ClassVar[int]
    ENVIRONMENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_SUMMARY_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_SUMMARY_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    REDACTION_STATUS_FIELD_NUMBER: _ClassVar[int]
    SECURITY_FIELD_NUMBER: _ClassVar[int]
    DEBUG_FIELD_NUMBER: _ClassVar[int]
    id: str
    timestamp: _timestamp_pb2.Timestamp
    user_id: str
    organization_id: str
    provider: str
    model: str
    endpoint: str
    feature_name: str
    route: str
    environment: str
    request_summary: RequestSummary
    response_summary: ResponseSummary
    metrics: LogMetrics
    redaction_status: str
    security: LogSecurity
    debug: LogDebug
    def __init__(self, id: _Optional[str] = ..., timestamp: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., user_id: _Optional[str] = ..., organization_id: _Optional[str] = ..., provider: _Optional[str] = ..., model: _Optional[str] = ..., endpoint: _Optional[str] = ..., feature_name: _Optional[str] = ..., route: _Optional[str] = ..., environment: _Optional[str] = ..., request_summary: _Optional[_Union[RequestSummary, _Mapping]] = ..., response_summary: _Optional[_Union[ResponseSummary, _Mapping]] = ..., metrics: _Optional[_Union[LogMetrics, _Mapping]] = ..., redaction_status: _Optional[str] = ..., security: _Optional[_Union[LogSecurity, _Mapping]] = ..., debug: _Optional[_Union[LogDebug, _Mapping]] = ...) -> None: ...

class RequestSummary(_message.Message):
    __slots__ = ("message_count", "temperature", "max_tokens", "stream")
    MESSAGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    MAX_TOKENS_FIELD_NUMBER: _ClassVar[int]
    STREAM_FIELD_NUMBER: _ClassVar[int]
    message_count: int
    temperature: float
    max_tokens: int
    stream: bool
    def __init__(self, message_count: _Optional[int] = ..., temperature: _Optional[float] = ..., max_tokens: _Optional[int] = ..., stream: _Optional[bool] = ...) -> None: ...

class ResponseSummary(_message.Message):
    __slots__ = ("status", "http_status", "finish_reason", "error")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    HTTP_STATUS_FIELD_NUMBER: _ClassVar[int]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    status: str
    http_status: int
    finish_reason: str
    error: LogError
    def __init__(self, status: _Optional[str] = ..., http_status: _Optional[int] = ..., finish_reason: _Optional[str] = ..., error: _Optional[_Union[LogError, _Mapping]] = ...) -> None: ...

class LogError(_message.Message):
    __slots__ = ("type", "message", "code", "retryable")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    RETRYABLE_FIELD_NUMBER: _ClassVar[int]
    type: str
    message: str
    code: str
    retryable: bool
    def __init__(self, type: _Optional[str] = ..., message: _Optional[str] = ..., code: _Optional[str] = ..., retryable: _Optional[bool] = ...) -> None: ...

class LogMetrics(_message.Message):
    __slots__ = ("latency_ms", "prompt_tokens", "completion_tokens", "total_tokens", "estimated_cost_usd", "cached_tokens", "reasoning_tokens", "upstream_latency_ms")
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    PROMPT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TOKENS_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_COST_USD_FIELD_NUMBER: _ClassVar[int]
    CACHED_TOKENS_FIELD_NUMBER: _ClassVar[int]
    REASONING_TOKENS_FIELD_NUMBER: _ClassVar[int]
    UPSTREAM_LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    latency_ms: int
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    estimated_cost_usd: str
    cached_tokens: int
    reasoning_tokens: int
    upstream_latency_ms: int
    def __init__(self, latency_ms: _Optional[int] = ..., prompt_tokens: _Optional[int] = ..., completion_tokens: _Optional[int] = ..., total_tokens: _Optional[int] = ..., estimated_cost_usd: _Optional[str] = ..., cached_tokens: _Optional[int] = ..., reasoning_tokens: _Optional[int] = ..., upstream_latency_ms: _Optional[int] = ...) -> None: ...

class LogSecurity(_message.Message):
    __slots__ = ("redaction_rules",)
    REDACTION_RULES_FIELD_NUMBER: _ClassVar[int]
    redaction_rules: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, redaction_rules: _Optional[_Iterable[str]] = ...) -> None: ...

class LogDebug(_message.Message):
    __slots__ = ("request_id",)
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    def __init__(self, request_id: _Optional[str] = ...) -> None: ...

class GetLogRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class LogDetail(_message.Message):
    __slots__ = ("id", "timestamp", "user_id", "organization_id", "provider", "model", "endpoint", "feature_name", "route", "environment", "request", "response", "metrics", "retries", "attempts", "security", "redaction_status", "debug")
    ID_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    FEATURE_NAME_FIELD_NUMBER: _ClassVar[int]
    ROUTE_FIELD_NUMBER: _ClassVar[int]
    ENVIRONMENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    RETRIES_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    SECURITY_FIELD_NUMBER: _ClassVar[int]
    REDACTION_STATUS_FIELD_NUMBER: _ClassVar[int]
    DEBUG_FIELD_NUMBER: _ClassVar[int]
    id: str
    timestamp: _timestamp_pb2.Timestamp
    user_id: str
    organization_id: str
    provider: str
    model: str
    endpoint: str
    feature_name: str
    route: str
    environment: str
    request: _struct_pb2.Struct
    response: LogResponse
    metrics: LogMetrics
    retries: int
    attempts: _containers.RepeatedCompositeFieldContainer[LogAttempt]
    security: LogSecurity
    redaction_status: str
    debug: LogDebug
    def __init__(self, id: _Optional[str] = ..., timestamp: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., user_id: _Optional[str] = ..., organization_id: _Optional[str] = ..., provider: _Optional[str] = ..., model: _Optional[str] = ..., endpoint: _Optional[str] = ..., feature_name: _Optional[str] = ..., route: _Optional[str] = ..., environment: _Optional[str] = ..., request: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., response: _Optional[_Union[LogResponse, _Mapping]] = ..., metrics: _Optional[_Union[LogMetrics, _Mapping]] = ..., retries: _Optional[int] = ..., attempts: _Optional[_Iterable[_Union[LogAttempt, _Mapping]]] = ..., security: _Optional[_Union[LogSecurity, _Mapping]] = ..., redaction_status: _Optional[str] = ..., debug: _Optional[_Union[LogDebug, _Mapping]] = ...) -> None: ...

class LogResponse(_message.Message):
    __slots__ = ("status", "http_status", "completion", "finish_reason", "error")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    HTTP_STATUS_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_FIELD_NUMBER: _ClassVar[int]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    status: str
    http_status: int
    completion: _struct_pb2.Struct
    finish_reason: str
    error: LogError
    def __init__(self, status: _Optional[str] = ..., http_status: _Optional[int] = ..., completion: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., finish_reason: _Optional[str] = ..., error: _Optional[_Union[LogError, _Mapping]] = ...) -> None: ...

class LogAttempt(_message.Message):
    __slots__ = ("provider", "model", "status", "error", "latency_ms")
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    provider: str
    model: str
    status: str
    error: str
    latency_ms: int
    def __init__(self, provider: _Optional[str] = ..., model: _Optional[str] = ..., status: _Optional[str] = ..., error: _Optional[str] = ..., latency_ms: _Optional[int] = ...) -> None: ...

class ExportLogsRequest(_message.Message):
    __slots__ = ("format", "user_id", "organization_id", "provider", "model", "feature_name", "route", "environment", "status", "start_date", "end_date", "min_cost", "max_cost")
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    FEATURE_NAME_FIELD_NUMBER: _ClassVar[int]
    ROUTE_FIELD_NUMBER: _ClassVar[int]
    ENVIRONMENT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    MIN_COST_FIELD_NUMBER: _ClassVar[int]
    MAX_COST_FIELD_NUMBER: _ClassVar[int]
    format: str
    user_id: str
    organization_id: str
    provider: str
    model: str
    feature_name: str
    route: str
    environment: str
    status: str
    start_date: str
    end_date: str
    min_cost: str
    max_cost: str
    def __init__(self, format: _Optional[str] = ..., user_id: _Optional[str] = ..., organization_id: _Optional[str] = ..., provider: _Optional[str] = ..., model: _Optional[str] = ..., feature_name: _Optional[str] = ..., route: _Optional[str] = ..., environment: _Optional[str] = ..., status: _Optional[str] = ..., start_date: _Optional[str] = ..., end_date: _Optional[str] = ..., min_cost: _Optional[str] = ..., max_cost: _Optional[str] = ...) -> None: ...

class DeleteLogsRequest(_message.Message):
    __slots__ = ("user_id", "organization_id", "start_date", "end_date")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    organization_id: str
    start_date: str
    end_date: str
    def __init__(self, user_id: _Optional[str] = ..., organization_id: _Optional[str] = ..., start_date: _Optional[str] = ..., end_date: _Optional[str] = ...) -> None: ...

class DeleteLogsResponse(_message.Message):
    __slots__ = ("deleted_count",)
    DELETED_COUNT_FIELD_NUMBER: _ClassVar[int]
    deleted_count: int
    def __init__(self, deleted_count: _Optional[int] = ...) -> None: ...
