"""The chat domain core: route, call with retries and fallbacks, price, and log.

Both surfaces (the OpenAI REST facade and the typed ChatService) call this and only this.
Nothing here touches the database: the provider directory is an in-memory snapshot and the
log record goes to an in-memory queue that a background writer drains.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from switchboard.chat.directory import Directory, Target
from switchboard.chat.embeddings import EmbeddingCall
from switchboard.chat.outcome import Attempt, CallContext, Outcome, gateway_error
from switchboard.chat.request import ChatCall
from switchboard.chat.resilience import Breakers, RetryPolicy
from switchboard.domain.chat import ChatChunk, ChatRequest, ChatResult, Usage
from switchboard.errors import (
    ClientCancelled,
    InvalidRequest,
    NotFound,
    ProviderError,
    SwitchboardError,
)
from switchboard.money import cost_pico
from switchboard.providers.base import UnsupportedFeature
from switchboard.providers.errors import (
    UpstreamBadRequest,
    UpstreamContextTooLong,
    UpstreamError,
    UpstreamRateLimited,
)

LogSink = Callable[[dict[str, Any]], None]
T = TypeVar("T")


def _ms(since: float) -> int:
    return int((time.perf_counter() - since) * 1000)


def price(target: Target, usage: Usage) -> int:
    info = target.info
    return cost_pico(
        usage.prompt_tokens,
        usage.completion_tokens,
        input_price=info.input_price,
        output_price=info.output_price,
        cached_tokens=usage.cached_tokens,
        cached_input_price=info.cached_input_price,
    )


def _for(call: ChatCall, target: Target) -> ChatRequest:
    return dataclasses.replace(call.request, model=target.upstream)


def _provider_fault(exc: UpstreamError) -> bool:
    """Failures that say the provider is unwell (they count towards its circuit breaker);
    rate limits and rejected requests do not."""
    return not isinstance(exc, UpstreamBadRequest | UpstreamRateLimited)


def _falls_back(exc: UpstreamError) -> bool:
    """A plain bad request fails everywhere; anything else may succeed on another target."""
    return not isinstance(exc, UpstreamBadRequest) or isinstance(exc, UpstreamContextTooLong)


@dataclass(frozen=True)
class StreamEnd:
    """The stream finished: totals for the final usage chunk."""

    outcome: Outcome


@dataclass(frozen=True)
class StreamFailure:
    """The provider failed after the first chunk: the client gets an error event."""

    error: SwitchboardError


class ChatCore:
    def __init__(
        self,
        directory: Callable[[], Directory],
        log_sink: LogSink,
        *,
        policy: RetryPolicy | None = None,
        breakers: Breakers | None = None,
        rng: random.Random | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._directory = directory
        self._log = log_sink
        self._policy = policy or RetryPolicy()
        self._breakers = breakers or Breakers()
        self._rng = rng or random.Random()
        self._sleep = sleep

    def targets(self, call: ChatCall) -> list[Target]:
        directory = self._directory()
        first = directory.resolve(call.model)
        targets = [first]
        for name in call.fallbacks:
            try:
                targets.append(directory.resolve(name))
            except NotFound:
                continue
        if call.provider_order:
            rank = {p: i for i, p in enumerate(call.provider_order)}
            targets.sort(key=lambda t: rank.get(t.provider, len(rank)))
        return targets if call.allow_fallbacks else targets[:1]

    async def attempts(
        self, targets: list[Target], outcome: Outcome, run: Callable[[Target], Awaitable[T]]
    ) -> tuple[Target, T]:
        """Try each target (with retries) until one answers; record every attempt."""
        last: UpstreamError | None = None
        for target in targets:
            breaker = self._breakers.get(target.provider)
            if not breaker.allows():
                outcome.attempts.append(
                    Attempt(target.provider, target.upstream, "skipped", "circuit open", 0)
                )
                continue
            for retry in range(self._policy.max_retries + 1):
                started = time.perf_counter()
                try:
                    answer = await run(target)
                except UpstreamError as exc:
                    last = exc
                    if _provider_fault(exc):
                        breaker.record_failure()
                    outcome.attempts.append(
                        Attempt(
                            target.provider, target.upstream, "error", exc.message, _ms(started)
                        )
                    )
                    delay = self._policy.delay(retry, exc.retry_after, self._rng)
                    if not exc.retryable or delay is None or retry == self._policy.max_retries:
                        break
                    await self._sleep(delay)
                    continue
                breaker.record_success()
                outcome.upstream_latency_ms += _ms(started)
                outcome.attempts.append(
                    Attempt(target.provider, target.upstream, "success", "", _ms(started))
                )
                return target, answer
            if last is not None and not _falls_back(last):
                break
        if last is None:
            raise ProviderError("every provider for this model is unavailable (circuit open)")
        raise gateway_error(last)

    @contextlib.contextmanager
    def _logged_on_failure(
        self, outcome: Outcome, ctx: CallContext, started: float
    ) -> Iterator[None]:
        """A request that fails, or whose client goes away, before it is answered is logged."""
        try:
            yield
        except SwitchboardError as exc:
            outcome.error = exc
            self._finish(outcome, ctx, started)
            raise
        except asyncio.CancelledError:
            outcome.error = ClientCancelled()
            self._finish(outcome, ctx, started)
            raise

    def _finish(self, outcome: Outcome, ctx: CallContext, started: float) -> None:
        outcome.latency_ms = _ms(started)
        self._log(outcome.log_record(ctx))

    async def complete(self, call: ChatCall, ctx: CallContext) -> tuple[ChatResult, Outcome]:
        started = time.perf_counter()
        outcome = Outcome(model=call.model)
        with self._logged_on_failure(outcome, ctx, started):
            target, result = await self.attempts(
                self.targets(call), outcome, lambda t: t.adapter.complete(_for(call, t))
            )
        outcome.provider, outcome.model = target.provider, target.info.id
        outcome.usage, outcome.finish_reason = result.usage, result.finish_reason
        outcome.cost_pico = price(target, result.usage)
        outcome.response_body = {"content": result.content, "tool_calls": list(result.tool_calls)}
        self._finish(outcome, ctx, started)
        return result, outcome

    async def embed(
        self, call: EmbeddingCall, ctx: CallContext
    ) -> tuple[list[list[float]], Outcome]:
        """Embeddings for every input, priced at the model's input price."""
        started = time.perf_counter()
        outcome = Outcome(model=call.model)

        async def run(target: Target) -> tuple[list[list[float]], int]:
            embed = getattr(target.adapter, "embed", None)
            if embed is None:
                raise InvalidRequest(f"{target.provider} does not offer embeddings", param="model")
            try:
                return await embed(target.upstream, list(call.inputs))
            except UnsupportedFeature:
                raise InvalidRequest(
                    f"{target.provider} does not offer embeddings", param="model"
                ) from None

        with self._logged_on_failure(outcome, ctx, started):
            target, (vectors, tokens) = await self.attempts(
                [self._directory().resolve(call.model)], outcome, run
            )
        outcome.provider, outcome.model = target.provider, target.info.id
        outcome.usage = Usage(prompt_tokens=tokens)
        outcome.cost_pico = price(target, outcome.usage)
        self._finish(outcome, ctx, started)
        return vectors, outcome

    async def open_stream(
        self, call: ChatCall, ctx: CallContext
    ) -> tuple[Target, AsyncIterator[ChatChunk | StreamEnd | StreamFailure]]:
        """Route and wait for the first chunk (retrying and falling back until then); errors
        before the first chunk raise, so the caller can still answer with an HTTP error."""
        started = time.perf_counter()
        outcome = Outcome(model=call.model)

        async def first_chunk(target: Target) -> tuple[Any, ChatChunk]:
            upstream = target.adapter.stream(_for(call, target))
            try:
                return upstream, await anext(upstream)
            except StopAsyncIteration:
                raise ProviderStreamEmpty(target.provider) from None

        with self._logged_on_failure(outcome, ctx, started):
            target, (upstream, first) = await self.attempts(
                self.targets(call), outcome, first_chunk
            )
        outcome.provider, outcome.model = target.provider, target.info.id
        return target, self._relay(target, upstream, first, outcome, ctx, started)

    async def _relay(
        self,
        target: Target,
        upstream: Any,
        first: ChatChunk,
        outcome: Outcome,
        ctx: CallContext,
        started: float,
    ) -> AsyncIterator[ChatChunk | StreamEnd | StreamFailure]:
        text: list[str] = []
        try:
            chunk: ChatChunk | None = first
            while chunk is not None:
                if chunk.usage is not None:
                    outcome.usage = chunk.usage
                if chunk.finish_reason:
                    outcome.finish_reason = chunk.finish_reason
                text.append(chunk.content or "")
                if (
                    chunk.role
                    or chunk.content is not None
                    or chunk.tool_calls
                    or chunk.finish_reason
                ):
                    yield dataclasses.replace(chunk, usage=None)
                chunk = await anext(upstream, None)
        except UpstreamError as exc:
            outcome.error = gateway_error(exc)
            yield StreamFailure(outcome.error)
        except (asyncio.CancelledError, GeneratorExit):
            outcome.error = ClientCancelled()
            raise
        finally:
            await upstream.aclose()
            outcome.cost_pico = price(target, outcome.usage)
            outcome.response_body = {"content": "".join(text)}
            self._finish(outcome, ctx, started)
        yield StreamEnd(outcome)


class ProviderStreamEmpty(UpstreamError):
    """The provider closed the stream before sending anything."""

    retryable = True

    def __init__(self, provider: str) -> None:
        super().__init__(f"{provider} closed the stream without data", provider=provider)
