import gc
from types import SimpleNamespace

import grpc

from switchboard.server import GenericHandlersOnly, freeze_startup_heap
from switchboard.v1 import openai_pb2_grpc


def test_the_startup_heap_is_put_beyond_later_collections() -> None:
    built_at_startup = [{"descriptor": "kept for the process's life"}]
    gc.unfreeze()
    try:
        freeze_startup_heap()
        assert gc.get_freeze_count() > 0
        tracked = gc.get_objects()  # what a full collection would walk; frozen objects are not
        assert all(obj is not built_at_startup for obj in tracked)
        built_later = [{"made": "per request"}]
        assert any(obj is built_later for obj in gc.get_objects())
    finally:
        gc.unfreeze()


class RecordingServer:
    def __init__(self) -> None:
        self.generic: list[grpc.GenericRpcHandler] = []
        self.registered: list[str] = []

    def add_generic_rpc_handlers(self, handlers: tuple[grpc.GenericRpcHandler, ...]) -> None:
        self.generic.extend(handlers)

    def add_registered_method_handlers(self, service: str, handlers: dict[str, object]) -> None:
        self.registered.append(service)


def test_services_are_added_as_generic_handlers_only() -> None:
    recording = RecordingServer()
    wrapped = GenericHandlersOnly(recording)  # type: ignore[arg-type]
    openai_pb2_grpc.add_OpenAIServiceServicer_to_server(
        openai_pb2_grpc.OpenAIServiceServicer(), wrapped
    )
    assert recording.registered == []
    [handler] = recording.generic
    method = "/switchboard.v1.OpenAIService/ChatCompletions"
    details = SimpleNamespace(method=method, invocation_metadata=())
    found = handler.service(details)
    assert found is not None and found.response_streaming
