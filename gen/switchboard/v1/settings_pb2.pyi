import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from switchboard.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Provider(_message.Message):
    __slots__ = ("id", "name", "type", "base_url", "api_key_masked", "enabled", "api_version", "timeout_ms", "max_retries", "health_status", "last_check_at", "last_error", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    BASE_URL_FIELD_NUMBER: _ClassVar[int]
    API_KEY_MASKED_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    API_VERSION_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    MAX_RETRIES_FIELD_NUMBER: _ClassVar[int]
    HEALTH_STATUS_FIELD_NUMBER: _ClassVar[int]
    LAST_CHECK_AT_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    type: str
    base_url: str
    api_key_masked: str
    enabled: bool
    api_version: str
    timeout_ms: int
    max_retries: int
    health_status: str
    last_check_at: _timestamp_pb2.Timestamp
    last_error: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., type: _Optional[str] = ..., base_url: _Optional[str] = ..., api_key_masked: _Optional[str] = ..., enabled: _Optional[bool] = ..., api_version: _Optional[str] = ..., timeout_ms: _Optional[int] = ..., max_retries: _Optional[int] = ..., health_status: _Optional[str] = ..., last_check_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_error: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListProvidersRequest(_message.Message):
    __slots__ = ("page", "limit", "page_token")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page: int
    limit: int
    page_token: str
    def __init__(self, page: _Optional[int] = ..., limit: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListProvidersResponse(_message.Message):
    __slots__ = ("data", "pagination", "next_page_token")
    DATA_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    data: _containers.RepeatedCompositeFieldContainer[Provider]
    pagination: _common_pb2.Pagination
    next_page_token: str
    def __init__(self, data: _Optional[_Iterable[_Union[Provider, _Mapping]]] = ..., pagination: _Optional[_Union[_common_pb2.Pagination, _Mapping]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetProviderRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class CreateProviderRequest(_message.Message):
    __slots__ = ("name", "type", "base_url", "api_key", "enabled", "api_version", "timeout_ms", "max_retries")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    BASE_URL_FIELD_NUMBER: _ClassVar[int]
    API_KEY_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    API_VERSION_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    MAX_RETRIES_FIELD_NUMBER: _ClassVar[int]
    name: str
    type: str
    base_url: str
    api_key: str
    enabled: bool
    api_version: str
    timeout_ms: int
    max_retries: int
    def __init__(self, name: _Optional[str] = ..., type: _Optional[str] = ..., base_url: _Optional[str] = ..., api_key: _Optional[str] = ..., enabled: _Optional[bool] = ..., api_version: _Optional[str] = ..., timeout_ms: _Optional[int] = ..., max_retries: _Optional[int] = ...) -> None: ...

class UpdateProviderRequest(_message.Message):
    __slots__ = ("id", "name", "base_url", "enabled", "api_version", "timeout_ms", "max_retries")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    BASE_URL_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    API_VERSION_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    MAX_RETRIES_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    base_url: str
    enabled: bool
    api_version: str
    timeout_ms: int
    max_retries: int
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., base_url: _Optional[str] = ..., enabled: _Optional[bool] = ..., api_version: _Optional[str] = ..., timeout_ms: _Optional[int] = ..., max_retries: _Optional[int] = ...) -> None: ...

class DeleteProviderRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DeleteProviderResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SetProviderApiKeyRequest(_message.Message):
    __slots__ = ("id", "api_key")
    ID_FIELD_NUMBER: _ClassVar[int]
    API_KEY_FIELD_NUMBER: _ClassVar[int]
    id: str
    api_key: str
    def __init__(self, id: _Optional[str] = ..., api_key: _Optional[str] = ...) -> None: ...

class TestProviderRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class TestProviderResponse(_message.Message):
    __slots__ = ("ok", "latency_ms", "error", "model_count")
    OK_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    MODEL_COUNT_FIELD_NUMBER: _ClassVar[int]
    ok: bool
    latency_ms: int
    error: str
    model_count: int
    def __init__(self, ok: _Optional[bool] = ..., latency_ms: _Optional[int] = ..., error: _Optional[str] = ..., model_count: _Optional[int] = ...) -> None: ...

class SyncProviderModelsRequest(_message.Message):
    __slots__ = ("id", "enable_new")
    ID_FIELD_NUMBER: _ClassVar[int]
    ENABLE_NEW_FIELD_NUMBER: _ClassVar[int]
    id: str
    enable_new: bool
    def __init__(self, id: _Optional[str] = ..., enable_new: _Optional[bool] = ...) -> None: ...

class SyncProviderModelsResponse(_message.Message):
    __slots__ = ("added", "updated", "unchanged")
    ADDED_FIELD_NUMBER: _ClassVar[int]
    UPDATED_FIELD_NUMBER: _ClassVar[int]
    UNCHANGED_FIELD_NUMBER: _ClassVar[int]
    added: int
    updated: int
    unchanged: int
    def __init__(self, added: _Optional[int] = ..., updated: _Optional[int] = ..., unchanged: _Optional[int] = ...) -> None: ...

class ModelConfig(_message.Message):
    __slots__ = ("id", "provider", "model", "full_name", "context_window", "input_modalities", "output_modalities", "enabled", "input_price_per_mtok", "output_price_per_mtok", "cached_input_price_per_mtok", "price_effective_from")
    ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    FULL_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_WINDOW_FIELD_NUMBER: _ClassVar[int]
    INPUT_MODALITIES_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_MODALITIES_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    INPUT_PRICE_PER_MTOK_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_PRICE_PER_MTOK_FIELD_NUMBER: _ClassVar[int]
    CACHED_INPUT_PRICE_PER_MTOK_FIELD_NUMBER: _ClassVar[int]
    PRICE_EFFECTIVE_FROM_FIELD_NUMBER: _ClassVar[int]
    id: str
    provider: str
    model: str
    full_name: str
    context_window: int
    input_modalities: _containers.RepeatedScalarFieldContainer[str]
    output_modalities: _containers.RepeatedScalarFieldContainer[str]
    enabled: bool
    input_price_per_mtok: str
    output_price_per_mtok: str
    cached_input_price_per_mtok: str
    price_effective_from: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., provider: _Optional[str] = ..., model: _Optional[str] = ..., full_name: _Optional[str] = ..., context_window: _Optional[int] = ..., input_modalities: _Optional[_Iterable[str]] = ..., output_modalities: _Optional[_Iterable[str]] = ..., enabled: _Optional[bool] = ..., input_price_per_mtok: _Optional[str] = ..., output_price_per_mtok: _Optional[str] = ..., cached_input_price_per_mtok: _Optional[str] = ..., price_effective_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListModelConfigsRequest(_message.Message):
    __slots__ = ("page", "limit", "page_token", "provider")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    page: int
    limit: int
    page_token: str
    provider: str
    def __init__(self, page: _Optional[int] = ..., limit: _Optional[int] = ..., page_token: _Optional[str] = ..., provider: _Optional[str] = ...) -> None: ...

class ListModelConfigsResponse(_message.Message):
    __slots__ = ("data", "pagination", "next_page_token")
    DATA_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    data: _containers.RepeatedCompositeFieldContainer[ModelConfig]
    pagination: _common_pb2.Pagination
    next_page_token: str
    def __init__(self, data: _Optional[_Iterable[_Union[ModelConfig, _Mapping]]] = ..., pagination: _Optional[_Union[_common_pb2.Pagination, _Mapping]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CreateModelConfigRequest(_message.Message):
    __slots__ = ("provider", "model", "context_window", "input_modalities", "output_modalities", "enabled", "input_price_per_mtok", "output_price_per_mtok", "cached_input_price_per_mtok")
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_WINDOW_FIELD_NUMBER: _ClassVar[int]
    INPUT_MODALITIES_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_MODALITIES_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    INPUT_PRICE_PER_MTOK_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_PRICE_PER_MTOK_FIELD_NUMBER: _ClassVar[int]
    CACHED_INPUT_PRICE_PER_MTOK_FIELD_NUMBER: _ClassVar[int]
    provider: str
    model: str
    context_window: int
    input_modalities: _containers.RepeatedScalarFieldContainer[str]
    output_modalities: _containers.RepeatedScalarFieldContainer[str]
    enabled: bool
    input_price_per_mtok: str
    output_price_per_mtok: str
    cached_input_price_per_mtok: str
    def __init__(self, provider: _Optional[str] = ..., model: _Optional[str] = ..., context_window: _Optional[int] = ..., input_modalities: _Optional[_Iterable[str]] = ..., output_modalities: _Optional[_Iterable[str]] = ..., enabled: _Optional[bool] = ..., input_price_per_mtok: _Optional[str] = ..., output_price_per_mtok: _Optional[str] = ..., cached_input_price_per_mtok: _Optional[str] = ...) -> None: ...

class UpdateModelConfigRequest(_message.Message):
    __slots__ = ("id", "context_window", "enabled", "input_price_per_mtok", "output_price_per_mtok", "cached_input_price_per_mtok", "input_modalities", "output_modalities")
    ID_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_WINDOW_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    INPUT_PRICE_PER_MTOK_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_PRICE_PER_MTOK_FIELD_NUMBER: _ClassVar[int]
    CACHED_INPUT_PRICE_PER_MTOK_FIELD_NUMBER: _ClassVar[int]
    INPUT_MODALITIES_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_MODALITIES_FIELD_NUMBER: _ClassVar[int]
    id: str
    context_window: int
    enabled: bool
    input_price_per_mtok: str
    output_price_per_mtok: str
    cached_input_price_per_mtok: str
    input_modalities: _containers.RepeatedScalarFieldContainer[str]
    output_modalities: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., context_window: _Optional[int] = ..., enabled: _Optional[bool] = ..., input_price_per_mtok: _Optional[str] = ..., output_price_per_mtok: _Optional[str] = ..., cached_input_price_per_mtok: _Optional[str] = ..., input_modalities: _Optional[_Iterable[str]] = ..., output_modalities: _Optional[_Iterable[str]] = ...) -> None: ...

class DeleteModelConfigRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DeleteModelConfigResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ModelAlias(_message.Message):
    __slots__ = ("alias", "target")
    ALIAS_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    alias: str
    target: str
    def __init__(self, alias: _Optional[str] = ..., target: _Optional[str] = ...) -> None: ...

class ListAliasesRequest(_message.Message):
    __slots__ = ("page", "limit", "page_token")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page: int
    limit: int
    page_token: str
    def __init__(self, page: _Optional[int] = ..., limit: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListAliasesResponse(_message.Message):
    __slots__ = ("data", "pagination", "next_page_token")
    DATA_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    data: _containers.RepeatedCompositeFieldContainer[ModelAlias]
    pagination: _common_pb2.Pagination
    next_page_token: str
    def __init__(self, data: _Optional[_Iterable[_Union[ModelAlias, _Mapping]]] = ..., pagination: _Optional[_Union[_common_pb2.Pagination, _Mapping]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpsertAliasRequest(_message.Message):
    __slots__ = ("alias", "target")
    ALIAS_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    alias: str
    target: str
    def __init__(self, alias: _Optional[str] = ..., target: _Optional[str] = ...) -> None: ...

class DeleteAliasRequest(_message.Message):
    __slots__ = ("alias",)
    ALIAS_FIELD_NUMBER: _ClassVar[int]
    alias: str
    def __init__(self, alias: _Optional[str] = ...) -> None: ...

class DeleteAliasResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Route(_message.Message):
    __slots__ = ("id", "name", "strategy", "targets", "enabled")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    strategy: str
    targets: _containers.RepeatedCompositeFieldContainer[RouteTarget]
    enabled: bool
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., strategy: _Optional[str] = ..., targets: _Optional[_Iterable[_Union[RouteTarget, _Mapping]]] = ..., enabled: _Optional[bool] = ...) -> None: ...

class RouteTarget(_message.Message):
    __slots__ = ("model", "weight")
    MODEL_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    model: str
    weight: int
    def __init__(self, model: _Optional[str] = ..., weight: _Optional[int] = ...) -> None: ...

class ListRoutesRequest(_message.Message):
    __slots__ = ("page", "limit", "page_token")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page: int
    limit: int
    page_token: str
    def __init__(self, page: _Optional[int] = ..., limit: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListRoutesResponse(_message.Message):
    __slots__ = ("data", "pagination", "next_page_token")
    DATA_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    data: _containers.RepeatedCompositeFieldContainer[Route]
    pagination: _common_pb2.Pagination
    next_page_token: str
    def __init__(self, data: _Optional[_Iterable[_Union[Route, _Mapping]]] = ..., pagination: _Optional[_Union[_common_pb2.Pagination, _Mapping]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CreateRouteRequest(_message.Message):
    __slots__ = ("name", "strategy", "targets", "enabled")
    NAME_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    name: str
    strategy: str
    targets: _containers.RepeatedCompositeFieldContainer[RouteTarget]
    enabled: bool
    def __init__(self, name: _Optional[str] = ..., strategy: _Optional[str] = ..., targets: _Optional[_Iterable[_Union[RouteTarget, _Mapping]]] = ..., enabled: _Optional[bool] = ...) -> None: ...

class UpdateRouteRequest(_message.Message):
    __slots__ = ("id", "strategy", "targets", "enabled")
    ID_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    id: str
    strategy: str
    targets: _containers.RepeatedCompositeFieldContainer[RouteTarget]
    enabled: bool
    def __init__(self, id: _Optional[str] = ..., strategy: _Optional[str] = ..., targets: _Optional[_Iterable[_Union[RouteTarget, _Mapping]]] = ..., enabled: _Optional[bool] = ...) -> None: ...

class DeleteRouteRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DeleteRouteResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DryRunRouteRequest(_message.Message):
    __slots__ = ("model", "models")
    MODEL_FIELD_NUMBER: _ClassVar[int]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    model: str
    models: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, model: _Optional[str] = ..., models: _Optional[_Iterable[str]] = ...) -> None: ...

class DryRunRouteResponse(_message.Message):
    __slots__ = ("chosen", "candidates", "reasons")
    CHOSEN_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    chosen: str
    candidates: _containers.RepeatedScalarFieldContainer[str]
    reasons: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, chosen: _Optional[str] = ..., candidates: _Optional[_Iterable[str]] = ..., reasons: _Optional[_Iterable[str]] = ...) -> None: ...

class SettingValues(_message.Message):
    __slots__ = ("temperature", "max_tokens", "top_p", "frequency_penalty", "presence_penalty", "default_model", "timeout_ms", "max_retries", "redaction", "log_retention_days", "store_bodies")
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    MAX_TOKENS_FIELD_NUMBER: _ClassVar[int]
    TOP_P_FIELD_NUMBER: _ClassVar[int]
    FREQUENCY_PENALTY_FIELD_NUMBER: _ClassVar[int]
    PRESENCE_PENALTY_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_MODEL_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    MAX_RETRIES_FIELD_NUMBER: _ClassVar[int]
    REDACTION_FIELD_NUMBER: _ClassVar[int]
    LOG_RETENTION_DAYS_FIELD_NUMBER: _ClassVar[int]
    STORE_BODIES_FIELD_NUMBER: _ClassVar[int]
    temperature: float
    max_tokens: int
    top_p: float
    frequency_penalty: float
    presence_penalty: float
    default_model: str
    timeout_ms: int
    max_retries: int
    redaction: RedactionPolicy
    log_retention_days: int
    store_bodies: bool
    def __init__(self, temperature: _Optional[float] = ..., max_tokens: _Optional[int] = ..., top_p: _Optional[float] = ..., frequency_penalty: _Optional[float] = ..., presence_penalty: _Optional[float] = ..., default_model: _Optional[str] = ..., timeout_ms: _Optional[int] = ..., max_retries: _Optional[int] = ..., redaction: _Optional[_Union[RedactionPolicy, _Mapping]] = ..., log_retention_days: _Optional[int] = ..., store_bodies: _Optional[bool] = ...) -> None: ...

class RedactionPolicy(_message.Message):
    __slots__ = ("enabled", "rules", "custom_patterns")
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    RULES_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_PATTERNS_FIELD_NUMBER: _ClassVar[int]
    enabled: bool
    rules: _containers.RepeatedScalarFieldContainer[str]
    custom_patterns: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, enabled: _Optional[bool] = ..., rules: _Optional[_Iterable[str]] = ..., custom_patterns: _Optional[_Iterable[str]] = ...) -> None: ...

class ScopedSettings(_message.Message):
    __slots__ = ("scope", "scope_id", "settings", "updated_at")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    SCOPE_ID_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    scope: str
    scope_id: str
    settings: SettingValues
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, scope: _Optional[str] = ..., scope_id: _Optional[str] = ..., settings: _Optional[_Union[SettingValues, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetGlobalSettingsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UpdateGlobalSettingsRequest(_message.Message):
    __slots__ = ("settings",)
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    settings: SettingValues
    def __init__(self, settings: _Optional[_Union[SettingValues, _Mapping]] = ...) -> None: ...

class GetOrganizationSettingsRequest(_message.Message):
    __slots__ = ("organization_id",)
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    organization_id: str
    def __init__(self, organization_id: _Optional[str] = ...) -> None: ...

class UpdateOrganizationSettingsRequest(_message.Message):
    __slots__ = ("organization_id", "settings")
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    organization_id: str
    settings: SettingValues
    def __init__(self, organization_id: _Optional[str] = ..., settings: _Optional[_Union[SettingValues, _Mapping]] = ...) -> None: ...

class GetKeySettingsRequest(_message.Message):
    __slots__ = ("key_id",)
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    def __init__(self, key_id: _Optional[str] = ...) -> None: ...

class UpdateKeySettingsRequest(_message.Message):
    __slots__ = ("key_id", "settings")
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    settings: SettingValues
    def __init__(self, key_id: _Optional[str] = ..., settings: _Optional[_Union[SettingValues, _Mapping]] = ...) -> None: ...

class Feature(_message.Message):
    __slots__ = ("name", "description", "prompt_template", "system_prompt", "model", "settings", "output_schema", "enabled")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PROMPT_TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    SYSTEM_PROMPT_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    prompt_template: str
    system_prompt: str
    model: str
    settings: SettingValues
    output_schema: _struct_pb2.Struct
    enabled: bool
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., prompt_template: _Optional[str] = ..., system_prompt: _Optional[str] = ..., model: _Optional[str] = ..., settings: _Optional[_Union[SettingValues, _Mapping]] = ..., output_schema: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., enabled: _Optional[bool] = ...) -> None: ...

class GetFeatureRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class UpsertFeatureRequest(_message.Message):
    __slots__ = ("name", "feature")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FEATURE_FIELD_NUMBER: _ClassVar[int]
    name: str
    feature: Feature
    def __init__(self, name: _Optional[str] = ..., feature: _Optional[_Union[Feature, _Mapping]] = ...) -> None: ...

class GetEffectiveSettingsRequest(_message.Message):
    __slots__ = ("organization_id", "feature_name", "key_id")
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    FEATURE_NAME_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    organization_id: str
    feature_name: str
    key_id: str
    def __init__(self, organization_id: _Optional[str] = ..., feature_name: _Optional[str] = ..., key_id: _Optional[str] = ...) -> None: ...

class GetEffectiveSettingsResponse(_message.Message):
    __slots__ = ("settings", "sources")
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    settings: SettingValues
    sources: _containers.RepeatedCompositeFieldContainer[EffectiveSetting]
    def __init__(self, settings: _Optional[_Union[SettingValues, _Mapping]] = ..., sources: _Optional[_Iterable[_Union[EffectiveSetting, _Mapping]]] = ...) -> None: ...

class EffectiveSetting(_message.Message):
    __slots__ = ("name", "value", "scope")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    name: str
    value: _struct_pb2.Value
    scope: str
    def __init__(self, name: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., scope: _Optional[str] = ...) -> None: ...

class ValidateSettingsRequest(_message.Message):
    __slots__ = ("provider_id", "model", "settings")
    PROVIDER_ID_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    provider_id: str
    model: str
    settings: SettingValues
    def __init__(self, provider_id: _Optional[str] = ..., model: _Optional[str] = ..., settings: _Optional[_Union[SettingValues, _Mapping]] = ...) -> None: ...

class ValidateSettingsResponse(_message.Message):
    __slots__ = ("valid", "errors", "warnings")
    VALID_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    valid: bool
    errors: _containers.RepeatedCompositeFieldContainer[_common_pb2.FieldViolation]
    warnings: _containers.RepeatedCompositeFieldContainer[_common_pb2.FieldViolation]
    def __init__(self, valid: _Optional[bool] = ..., errors: _Optional[_Iterable[_Union[_common_pb2.FieldViolation, _Mapping]]] = ..., warnings: _Optional[_Iterable[_Union[_common_pb2.FieldViolation, _Mapping]]] = ...) -> None: ...
