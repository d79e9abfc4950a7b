"""Chat requests, results and stream chunks in OpenAI's vocabulary, free of any wire format."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ChatMessage:
    role: str
    # A string, a list of OpenAI content parts, or None (assistant message with tool calls).
    content: str | list[dict[str, Any]] | None
    name: str | None = None
    tool_calls: tuple[dict[str, Any], ...] = ()
    tool_call_id: str | None = None

    def text(self) -> str:
        """The message's text: the string, or its text parts joined."""
        if isinstance(self.content, str):
            return self.content
        if not self.content:
            return ""
        return "".join(p.get("text", "") for p in self.content if p.get("type") == "text")


@dataclass(frozen=True)
class ChatRequest:
    # The provider's own model name (after routing), e.g. "gpt-4o-mini".
    model: str
    messages: tuple[ChatMessage, ...]
    max_tokens: int | None = None
    temperature: float | None = None
    # The name the client gave max_tokens: OpenAI's reasoning models refuse "max_tokens".
    max_tokens_field: str = "max_tokens"
    # Every other OpenAI parameter (top_p, stop, tools, response_format, seed, ...), as JSON.
    params: Mapping[str, Any] = field(default_factory=dict)
    # Unknown top-level fields, forwarded only to OpenAI-compatible upstreams.
    extra_body: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    reasoning_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class ChatResult:
    content: str | None
    finish_reason: str
    usage: Usage
    tool_calls: tuple[dict[str, Any], ...] = ()
    upstream_id: str | None = None
    # Passed through from providers that give them (OpenAI-compatible ones).
    refusal: str | None = None
    logprobs: dict[str, Any] | None = None


@dataclass(frozen=True)
class ChatChunk:
    """One increment of a streamed completion (choice 0)."""

    role: str | None = None
    content: str | None = None
    tool_calls: tuple[dict[str, Any], ...] = ()
    finish_reason: str | None = None
    # Set on the last chunk when the provider reports usage.
    usage: Usage | None = None
    refusal: str | None = None
    logprobs: dict[str, Any] | None = None
