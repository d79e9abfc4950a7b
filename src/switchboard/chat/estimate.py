"""Upper bounds on what a request can cost, for budget reservations.

Prompt tokens are bounded by the UTF-8 bytes of the text sent (a BPE token covers at least one
byte) plus an allowance per message and per image/audio part; the output by `max_tokens`, or
DEFAULT_OUTPUT_RESERVE when the request sets none (settling corrects the reservation; set
max_tokens for a hard ceiling). Both are capped by the model's context window when known.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from switchboard.chat.directory import Target
from switchboard.domain.chat import ChatMessage, ChatRequest, Usage
from switchboard.money import cost_pico

DEFAULT_OUTPUT_RESERVE = 4096
BYTES_PER_TOKEN = 4  # a typical BPE token of English text or code
PER_MESSAGE_TOKENS = 8
MEDIA_PART_TOKENS = 2000


def _message_bound(message: ChatMessage) -> int:
    bound = PER_MESSAGE_TOKENS + len(message.text().encode())
    if isinstance(message.content, list):
        bound += MEDIA_PART_TOKENS * sum(1 for p in message.content if p.get("type") != "text")
    if message.tool_calls:
        bound += len(json.dumps(list(message.tool_calls)).encode())
    return bound


def prompt_token_bound(request: ChatRequest) -> int:
    bound = sum(_message_bound(m) for m in request.messages)
    tools = request.params.get("tools")
    if tools:
        bound += len(json.dumps(tools).encode())
    return bound


def _capped(tokens: int, context_length: int) -> int:
    return min(tokens, context_length) if context_length > 0 else tokens


def chat_worst_case_pico(request: ChatRequest, targets: Iterable[Target]) -> int:
    prompt = prompt_token_bound(request)
    output = request.max_tokens or DEFAULT_OUTPUT_RESERVE
    worst = 0
    for target in targets:
        info = target.info
        cost = cost_pico(
            _capped(prompt, info.context_length),
            _capped(output, info.context_length),
            input_price=info.input_price,
            output_price=info.output_price,
        )
        worst = max(worst, cost)
    return worst


def embedding_worst_case_pico(inputs: Iterable[str], target: Target) -> int:
    tokens = sum(len(text.encode()) + PER_MESSAGE_TOKENS for text in inputs)
    return cost_pico(tokens, 0, input_price=target.info.input_price, output_price=0)


def _tokens_of(size_in_bytes: int) -> int:
    return -(-size_in_bytes // BYTES_PER_TOKEN)


def estimated_usage(request: ChatRequest, answer: str) -> Usage:
    """Usage for a call the provider never reported any for (a stream cut before its usage
    chunk, a provider that sends none): ~4 bytes per token of what was sent and received."""
    media = sum(
        MEDIA_PART_TOKENS
        for message in request.messages
        if isinstance(message.content, list)
        for part in message.content
        if part.get("type") != "text"
    )
    text = prompt_token_bound(request) - media
    return Usage(
        prompt_tokens=_tokens_of(text) + media, completion_tokens=_tokens_of(len(answer.encode()))
    )
