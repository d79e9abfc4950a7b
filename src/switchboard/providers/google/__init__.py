"""Google's Gemini API (generativelanguage v1beta)."""

from switchboard.providers.google.adapter import GeminiProvider

__all__ = ["GeminiProvider"]
