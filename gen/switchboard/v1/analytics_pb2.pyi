from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetUsageRequest(_message.Message):
    __slots__ = ("start_date", "end_date", "group_by", "user_id", "organization_id", "provider", "model", "feature_name")
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    FEATURE_NAME_FIELD_NUMBER: _ClassVar[int]
    start_date: str
    end_date: str
    group_by: str
    user_id: str
    organization_id: str
    provider: str
    model: str
    feature_name: str
    def __init__(self, start_date: _Optional[str] = ..., end_date: _Optional[str] = ..., group_by: _Optional[str] = ..., user_id: _Optional[str] = ..., organization_id: _Optional[str] = ..., provider: _Optional[str] = ..., model: _Optional[str] = ..., feature_name: _Optional[str] = ...) -> None: ...

class GetUsageResponse(_message.Message):
    __slots__ = ("period", "totals", "groups", "by_provider", "by_model", "by_feature", "cost_trend")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    TOTALS_FIELD_NUMBER: _ClassVar[int]
    GROUPS_FIELD_NUMBER: _ClassVar[int]
    BY_PROVIDER_FIELD_NUMBER: _ClassVar[int]
    BY_MODEL_FIELD_NUMBER: _ClassVar[int]
    BY_FEATURE_FIELD_NUMBER: _ClassVar[int]
    COST_TREND_FIELD_NUMBER: _ClassVar[int]
    period: Period
    totals: UsageTotals
    groups: _containers.RepeatedCompositeFieldContainer[UsageGroup]
    by_provider: _containers.RepeatedCompositeFieldContainer[ProviderUsage]
    by_model: _containers.RepeatedCompositeFieldContainer[ModelUsage]
    by_feature: _containers.RepeatedCompositeFieldContainer[FeatureUsage]
    cost_trend: _containers.RepeatedCompositeFieldContainer[CostPoint]
    def __init__(self, period: _Optional[_Union[Period, _Mapping]] = ..., totals: _Optional[_Union[UsageTotals, _Mapping]] = ..., groups: _Optional[_Iterable[_Union[UsageGroup, _Mapping]]] = ..., by_provider: _Optional[_Iterable[_Union[ProviderUsage, _Mapping]]] = ..., by_model: _Optional[_Iterable[_Union[ModelUsage, _Mapping]]] = ..., by_feature: _Optional[_Iterable[_Union[FeatureUsage, _Mapping]]] = ..., cost_trend: _Optional[_Iterable[_Union[CostPoint, _Mapping]]] = ...) -> None: ...

class Period(_message.Message):
    __slots__ = ("start", "end")
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    start: str
    end: str
    def __init__(self, start: _Optional[str] = ..., end: _Optional[str] = ...) -> None: ...

class UsageTotals(_message.Message):
    __slots__ = ("requests", "successful_requests", "failed_requests", "total_tokens", "prompt_tokens", "completion_tokens", "total_cost_usd", "average_latency_ms")
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    SUCCESSFUL_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    FAILED_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TOKENS_FIELD_NUMBER: _ClassVar[int]
    PROMPT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COST_USD_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    requests: float
    successful_requests: float
    failed_requests: float
    total_tokens: float
    prompt_tokens: float
    completion_tokens: float
    total_cost_usd: str
    average_latency_ms: float
    def __init__(self, requests: _Optional[float] = ..., successful_requests: _Optional[float] = ..., failed_requests: _Optional[float] = ..., total_tokens: _Optional[float] = ..., prompt_tokens: _Optional[float] = ..., completion_tokens: _Optional[float] = ..., total_cost_usd: _Optional[str] = ..., average_latency_ms: _Optional[float] = ...) -> None: ...

class UsageGroup(_message.Message):
    __slots__ = ("key", "requests", "total_cost_usd", "total_tokens", "average_latency_ms")
    KEY_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COST_USD_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TOKENS_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    key: str
    requests: float
    total_cost_usd: str
    total_tokens: float
    average_latency_ms: float
    def __init__(self, key: _Optional[str] = ..., requests: _Optional[float] = ..., total_cost_usd: _Optional[str] = ..., total_tokens: _Optional[float] = ..., average_latency_ms: _Optional[float] = ...) -> None: ...

class ProviderUsage(_message.Message):
    __slots__ = ("provider", "requests", "total_cost_usd", "total_tokens")
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COST_USD_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TOKENS_FIELD_NUMBER: _ClassVar[int]
    provider: str
    requests: float
    total_cost_usd: str
    total_tokens: float
    def __init__(self, provider: _Optional[str] = ..., requests: _Optional[float] = ..., total_cost_usd: _Optional[str] = ..., total_tokens: _Optional[float] = ...) -> None: ...

class ModelUsage(_message.Message):
    __slots__ = ("provider", "model", "requests", "total_cost_usd", "total_tokens")
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COST_USD_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TOKENS_FIELD_NUMBER: _ClassVar[int]
    provider: str
    model: str
    requests: float
    total_cost_usd: str
    total_tokens: float
    def __init__(self, provider: _Optional[str] = ..., model: _Optional[str] = ..., requests: _Optional[float] = ..., total_cost_usd: _Optional[str] = ..., total_tokens: _Optional[float] = ...) -> None: ...

class FeatureUsage(_message.Message):
    __slots__ = ("feature_name", "requests", "total_cost_usd", "average_latency_ms")
    FEATURE_NAME_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COST_USD_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    feature_name: str
    requests: float
    total_cost_usd: str
    average_latency_ms: float
    def __init__(self, feature_name: _Optional[str] = ..., requests: _Optional[float] = ..., total_cost_usd: _Optional[str] = ..., average_latency_ms: _Optional[float] = ...) -> None: ...

class CostPoint(_message.Message):
    __slots__ = ("date", "cost_usd")
    DATE_FIELD_NUMBER: _ClassVar[int]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    date: str
    cost_usd: str
    def __init__(self, date: _Optional[str] = ..., cost_usd: _Optional[str] = ...) -> None: ...

class GetDashboardRequest(_message.Message):
    __slots__ = ("days", "organization_id")
    DAYS_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    days: int
    organization_id: str
    def __init__(self, days: _Optional[int] = ..., organization_id: _Optional[str] = ...) -> None: ...

class GetDashboardResponse(_message.Message):
    __slots__ = ("period", "overview", "recent_activity", "top_models", "cost_trend")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    OVERVIEW_FIELD_NUMBER: _ClassVar[int]
    RECENT_ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    TOP_MODELS_FIELD_NUMBER: _ClassVar[int]
    COST_TREND_FIELD_NUMBER: _ClassVar[int]
    period: Period
    overview: DashboardOverview
    recent_activity: _containers.RepeatedCompositeFieldContainer[RecentActivity]
    top_models: _containers.RepeatedCompositeFieldContainer[TopModel]
    cost_trend: _containers.RepeatedCompositeFieldContainer[CostPoint]
    def __init__(self, period: _Optional[_Union[Period, _Mapping]] = ..., overview: _Optional[_Union[DashboardOverview, _Mapping]] = ..., recent_activity: _Optional[_Iterable[_Union[RecentActivity, _Mapping]]] = ..., top_models: _Optional[_Iterable[_Union[TopModel, _Mapping]]] = ..., cost_trend: _Optional[_Iterable[_Union[CostPoint, _Mapping]]] = ...) -> None: ...

class DashboardOverview(_message.Message):
    __slots__ = ("total_requests", "successful_requests", "failed_requests", "success_rate", "total_cost_usd", "total_tokens", "average_latency_ms")
    TOTAL_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    SUCCESSFUL_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    FAILED_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_RATE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COST_USD_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TOKENS_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    total_requests: float
    successful_requests: float
    failed_requests: float
    success_rate: float
    total_cost_usd: str
    total_tokens: float
    average_latency_ms: float
    def __init__(self, total_requests: _Optional[float] = ..., successful_requests: _Optional[float] = ..., failed_requests: _Optional[float] = ..., success_rate: _Optional[float] = ..., total_cost_usd: _Optional[str] = ..., total_tokens: _Optional[float] = ..., average_latency_ms: _Optional[float] = ...) -> None: ...

class RecentActivity(_message.Message):
    __slots__ = ("timestamp", "feature", "status", "cost_usd", "model")
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    FEATURE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    timestamp: str
    feature: str
    status: str
    cost_usd: str
    model: str
    def __init__(self, timestamp: _Optional[str] = ..., feature: _Optional[str] = ..., status: _Optional[str] = ..., cost_usd: _Optional[str] = ..., model: _Optional[str] = ...) -> None: ...

class TopModel(_message.Message):
    __slots__ = ("provider", "model", "requests", "cost_usd")
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    provider: str
    model: str
    requests: float
    cost_usd: str
    def __init__(self, provider: _Optional[str] = ..., model: _Optional[str] = ..., requests: _Optional[float] = ..., cost_usd: _Optional[str] = ...) -> None: ...
