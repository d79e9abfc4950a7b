from switchboard.domain.chat import ChatMessage, ChatRequest
from switchboard.providers.echo import translate


def request(*texts: str, max_tokens: int | None = None) -> ChatRequest:
    messages = [ChatMessage(role="system", content="be brief")]
    messages += [ChatMessage(role="user", content=text) for text in texts]
    return ChatRequest(model="echo-1", messages=tuple(messages), max_tokens=max_tokens)


def test_reply_echoes_the_last_user_message_with_usage() -> None:
    result = translate.complete(request("first", "hello there world"))
    assert result.content == "Echo: hello there world"
    assert result.finish_reason == "stop"
    assert result.usage.prompt_tokens == 2 + 1 + 3  # "be brief" + "first" + three words
    assert result.usage.completion_tokens == 4
    assert result.usage.total_tokens == 10


def test_content_parts_are_read_as_text() -> None:
    parts = [
        {"type": "text", "text": "look at"},
        {"type": "image_url", "image_url": {"url": "x"}},
        {"type": "text", "text": " this"},
    ]
    req = ChatRequest(model="echo-1", messages=(ChatMessage(role="user", content=parts),))
    assert translate.complete(req).content == "Echo: look at this"


def test_max_tokens_cuts_the_reply_with_finish_reason_length() -> None:
    result = translate.complete(request("one two three four", max_tokens=2))
    assert result.content == "Echo: one"
    assert result.finish_reason == "length"
    assert result.usage.completion_tokens == 2


def test_stream_concatenates_to_the_unary_reply_and_ends_with_usage() -> None:
    req = request("stream me please")
    chunks = list(translate.chunks(req))
    assert chunks[0].role == "assistant"
    text = "".join(c.content or "" for c in chunks)
    unary = translate.complete(req)
    assert text == unary.content
    assert chunks[-1].finish_reason == "stop"
    assert chunks[-1].usage == unary.usage
    assert all(c.finish_reason is None for c in chunks[:-1])


def test_deterministic() -> None:
    assert translate.complete(request("same")) == translate.complete(request("same"))
