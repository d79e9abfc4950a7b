import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetHealthRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetHealthResponse(_message.Message):
    __slots__ = ("status", "version", "timestamp", "services")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    SERVICES_FIELD_NUMBER: _ClassVar[int]
    status: str
    version: str
    timestamp: _timestamp_pb2.Timestamp
    services: ServiceHealth
    def __init__(self, status: _Optional[str] = ..., version: _Optional[str] = ..., timestamp: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., services: _Optional[_Union[ServiceHealth, _Mapping]] = ...) -> None: ...

class ServiceHealth(_message.Message):
    __slots__ = ("database", "llm_providers", "redis")
    DATABASE_FIELD_NUMBER: _ClassVar[int]
    LLM_PROVIDERS_FIELD_NUMBER: _ClassVar[int]
    REDIS_FIELD_NUMBER: _ClassVar[int]
    database: str
    llm_providers: _containers.RepeatedCompositeFieldContainer[ProviderHealth]
    redis: str
    def __init__(self, database: _Optional[str] = ..., llm_providers: _Optional[_Iterable[_Union[ProviderHealth, _Mapping]]] = ..., redis: _Optional[str] = ...) -> None: ...

class ProviderHealth(_message.Message):
    __slots__ = ("provider", "status", "last_check")
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    LAST_CHECK_FIELD_NUMBER: _ClassVar[int]
    provider: str
    status: str
    last_check: _timestamp_pb2.Timestamp
    def __init__(self, provider: _Optional[str] = ..., status: _Optional[str] = ..., last_check: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
