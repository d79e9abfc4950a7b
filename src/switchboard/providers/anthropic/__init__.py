"""Anthropic's Messages API (https://api.anthropic.com/v1)."""

from switchboard.providers.anthropic.adapter import AnthropicProvider

__all__ = ["AnthropicProvider"]
