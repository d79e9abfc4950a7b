"""Usage estimated for answers the provider reported none for (a stream cut before its usage
chunk): about four bytes a token, media parts at their flat allowance."""

from __future__ import annotations

from switchboard.chat.estimate import MEDIA_PART_TOKENS, PER_MESSAGE_TOKENS, estimated_usage
from switchboard.domain.chat import ChatMessage, ChatRequest, Usage


def test_text_is_counted_at_four_bytes_a_token_rounded_up() -> None:
    request = ChatRequest("m", (ChatMessage("user", "x" * 40),))
    usage = estimated_usage(request, "y" * 9)
    assert usage == Usage(prompt_tokens=(40 + PER_MESSAGE_TOKENS) // 4, completion_tokens=3)


def test_a_media_part_keeps_its_flat_allowance() -> None:
    parts = [{"type": "text", "text": "abcd"}, {"type": "image_url", "image_url": {"url": "u"}}]
    request = ChatRequest("m", (ChatMessage("user", parts),))
    usage = estimated_usage(request, "")
    assert usage.prompt_tokens == MEDIA_PART_TOKENS + (4 + PER_MESSAGE_TOKENS) // 4
    assert usage.completion_tokens == 0
