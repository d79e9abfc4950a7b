"""Cohere's v2 Chat and Embed APIs."""

from switchboard.providers.cohere.adapter import CohereProvider

__all__ = ["CohereProvider"]
