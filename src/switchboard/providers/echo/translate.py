"""Pure functions behind the echo provider. A "token" here is a whitespace-separated word."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

from switchboard.domain.chat import ChatChunk, ChatMessage, ChatRequest, ChatResult, Usage
from switchboard.providers.echo.schema_example import example, schema_of

MODEL = "echo-1"
CONTEXT_LENGTH = 8192
REPLY_PREFIX = "Echo:"


def count_tokens(text: str) -> int:
    return len(text.split())


def prompt_tokens(messages: tuple[ChatMessage, ...]) -> int:
    return sum(count_tokens(m.text()) for m in messages)


def last_user_text(messages: tuple[ChatMessage, ...]) -> str:
    for message in reversed(messages):
        if message.role == "user":
            return message.text()
    return ""


def reply_words(request: ChatRequest) -> tuple[list[str], str]:
    """The reply's words (cut to max_tokens) and the finish reason. Asked for a JSON schema,
    the reply is the smallest document that satisfies it, as one word."""
    schema = schema_of(request.params.get("response_format"))
    if schema is not None:
        return [json.dumps(example(schema), separators=(",", ":"))], "stop"
    words = [REPLY_PREFIX, *last_user_text(request.messages).split()]
    limit = request.max_tokens
    if limit is not None and len(words) > limit:
        return words[:limit], "length"
    return words, "stop"


def complete(request: ChatRequest) -> ChatResult:
    words, finish_reason = reply_words(request)
    usage = Usage(prompt_tokens=prompt_tokens(request.messages), completion_tokens=len(words))
    return ChatResult(content=" ".join(words), finish_reason=finish_reason, usage=usage)


def chunks(request: ChatRequest) -> Iterator[ChatChunk]:
    """Role chunk, one chunk per word, then the finish chunk carrying usage."""
    words, finish_reason = reply_words(request)
    yield ChatChunk(role="assistant", content="")
    for index, word in enumerate(words):
        yield ChatChunk(content=word if index == 0 else " " + word)
    usage = Usage(prompt_tokens=prompt_tokens(request.messages), completion_tokens=len(words))
    yield ChatChunk(finish_reason=finish_reason, usage=usage)


EMBEDDING_DIMENSIONS = 8


def embed(text: str, dimensions: int = EMBEDDING_DIMENSIONS) -> list[float]:
    """A deterministic unit-free vector in [-1, 1) from the text's SHA-256 (chained for more
    than 32 values)."""
    data = digest = hashlib.sha256(text.encode()).digest()
    while len(data) < dimensions:
        digest = hashlib.sha256(digest).digest()
        data += digest
    return [(byte - 128) / 128 for byte in data[:dimensions]]
