"""OpenAI and every OpenAI-compatible API (OpenRouter, Together, Groq, vLLM, Ollama), and Azure."""

from switchboard.providers.openai.adapter import AzureOpenAIProvider, OpenAIProvider

__all__ = ["AzureOpenAIProvider", "OpenAIProvider"]
