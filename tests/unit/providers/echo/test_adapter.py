import pytest

from switchboard.domain.chat import ChatMessage, ChatRequest
from switchboard.errors import NotFound
from switchboard.providers.echo import EchoProvider


async def test_adapter_completes_streams_and_lists_its_model() -> None:
    provider = EchoProvider()
    req = ChatRequest(model="echo-1", messages=(ChatMessage(role="user", content="hi"),))
    assert (await provider.complete(req)).content == "Echo: hi"
    assert [c.content async for c in provider.stream(req)][1:3] == ["Echo:", " hi"]
    [model] = await provider.list_models()
    assert model.id == "echo/echo-1"
    assert (model.input_price, model.output_price) == (0, 0)
    assert await provider.health() is True


async def test_unknown_model_is_not_found() -> None:
    req = ChatRequest(model="echo-2", messages=(ChatMessage(role="user", content="hi"),))
    with pytest.raises(NotFound, match="echo/echo-2"):
        await EchoProvider().complete(req)
