"""The built-in echo provider: deterministic, in-process, for demos, smoke and load tests."""

from switchboard.providers.echo.adapter import EchoProvider

__all__ = ["EchoProvider"]
