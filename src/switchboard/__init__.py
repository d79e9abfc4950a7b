"""Switchboard: one typed API in front of every LLM provider."""

__version__ = "0.1.0"
