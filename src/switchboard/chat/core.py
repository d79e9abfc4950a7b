"""The chat domain core: route, call with retries and fallbacks, price, and log.

Both surfaces (the OpenAI REST facade and the typed ChatService) call this and only this.
Nothing here touches the database: the provider directory is an in-memory snapshot and the
log record goes to an in-memory queue that a background writer drains.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from switchboard.chat.defaults import apply_defaults
from switchboard.chat.directory import Directory, Router, Target
from switchboard.chat.embeddings import EmbeddingCall
from switchboard.chat.estimate import (
    chat_worst_case_pico,
    embedding_worst_case_pico,
    estimated_usage,
)
from switchboard.chat.outcome import Attempt, CallContext, Outcome, gateway_error
from switchboard.chat.request import NO_LIMITS, CallerDeadline, CallLimits, ChatCall
from switchboard.chat.resilience import Resilience
from switchboard.domain.chat import ChatChunk, ChatRequest, ChatResult, Usage
from switchboard.errors import (
    ClientCancelled,
    InvalidRequest,
    NotFound,
    ProviderError,
    SwitchboardError,
)
from switchboard.limits.admission import Admission, Ticket
from switchboard.money import cost_pico
from switchboard.providers.base import UnsupportedFeature
from switchboard.providers.errors import (
    UnsupportedInput,
    UpstreamBadRequest,
    UpstreamContextTooLong,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamServerError,
)
from switchboard.settings.snapshot import FeatureSpec, Scope

log = logging.getLogger(__name__)

LogSink = Callable[[dict[str, Any]], None]
T = TypeVar("T")
# What a translator raises on a provider answer of an unexpected shape (a bad JSON line, a
# string where an object belongs): the provider's fault, retried and fallen back like a 5xx.
UNREADABLE = (ValueError, TypeError, KeyError, AttributeError, IndexError)
INTERNAL = "The server had an error while processing your request."
FAILED_ATTEMPT_MS = 30_000  # what a provider fault counts as in observed latency


def unreadable(provider: str) -> UpstreamServerError:
    log.warning("%s sent an answer that could not be read", provider, exc_info=True)
    return UpstreamServerError(
        f"{provider} sent an answer that could not be read", provider=provider
    )


async def _close_quietly(upstream: Any, provider: str) -> None:
    try:
        await upstream.aclose()
    except Exception:
        log.warning("closing the stream from %s failed", provider, exc_info=True)


async def _read(run: Callable[[Target], Awaitable[T]], target: Target) -> T:
    try:
        return await run(target)
    except UpstreamError as exc:
        exc.provider = exc.provider or target.provider  # a translator's refusal names none
        raise
    except UNREADABLE:
        raise unreadable(target.provider) from None


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
    rate limits, rejected requests and the caller's own short deadline do not."""
    return not isinstance(exc, UpstreamBadRequest | UpstreamRateLimited | CallerDeadline)


def by_provider_preference(
    targets: list[Target], order: tuple[str, ...], allow_fallbacks: bool
) -> list[Target]:
    """One model's targets in `provider.order` (others after them, in their own order);
    without fallbacks only the ordered providers, or only the first target if no order."""
    if not order:
        return targets if allow_fallbacks else targets[:1]
    rank = {provider: index for index, provider in enumerate(order)}
    ranked = sorted(targets, key=lambda t: rank.get(t.provider, len(rank)))
    return ranked if allow_fallbacks else [t for t in ranked if t.provider in rank]


def _falls_back(exc: UpstreamError) -> bool:
    """A plain bad request fails everywhere; anything else may succeed on another target,
    including a 404 (this provider does not have the model; the next one may)."""
    if isinstance(exc, UpstreamContextTooLong | UnsupportedInput) or exc.status == 404:
        return True
    return not isinstance(exc, UpstreamBadRequest)


@dataclass(frozen=True)
class StreamEnd:
    """The stream finished: totals for the final usage chunk."""

    outcome: Outcome


@dataclass(frozen=True)
class InFlight:
    """A stream being relayed: what it has produced, who asked, since when, what it holds."""

    outcome: Outcome
    ctx: CallContext
    started: float
    ticket: Ticket | None
    request: ChatRequest


def tool_call_arguments(calls: tuple[dict[str, Any], ...]) -> str:
    """The arguments text of tool calls (or of their stream deltas), for usage estimates."""
    return "".join(str((call.get("function") or {}).get("arguments") or "") for call in calls)


@dataclass
class Streamed:
    """What a stream has sent so far: its text and its tool calls' argument fragments."""

    text: list[str] = field(default_factory=list)
    argument_parts: list[str] = field(default_factory=list)

    def add(self, chunk: ChatChunk) -> None:
        if chunk.content:
            self.text.append(chunk.content)
        if chunk.tool_calls:
            self.argument_parts.append(tool_call_arguments(chunk.tool_calls))

    def arguments(self) -> str:
        return "".join(self.argument_parts)


def _usage_or_estimate(outcome: Outcome, usage: Usage, request: ChatRequest, answer: str) -> None:
    """The provider's usage; if it reported none for an answer, an estimate (and said so)."""
    if usage == Usage() and answer:
        usage, outcome.usage_estimated = estimated_usage(request, answer), True
    outcome.usage = usage


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
        admission: Admission | None = None,
        resilience: Resilience | None = None,
    ) -> None:
        self._directory = directory
        self._log = log_sink
        self._admission = admission
        resilience = resilience or Resilience()
        self._policy = resilience.policy
        self._breakers = resilience.breakers
        self._rng = resilience.rng
        self._sleep = resilience.sleep
        self._latency = resilience.latency
        self.router = Router(resilience.latency, resilience.rng, resilience.circuit_open)

    def feature(self, name: str) -> FeatureSpec:
        """An enabled feature from the snapshot; NOT_FOUND otherwise."""
        spec = self._directory().settings.features.get(name)
        if spec is None or not spec.enabled:
            raise NotFound(f"No enabled feature named {name!r}.", param="feature_name")
        return spec

    def with_settings(self, call: ChatCall, ctx: CallContext) -> ChatCall:
        """The call with what its scopes set and it left out (no database: the snapshot)."""
        scope = Scope(ctx.organization_id or "", ctx.feature_name or "", ctx.api_key_id or "")
        return apply_defaults(call, self._directory().settings.overrides(scope))

    def targets(self, call: ChatCall) -> list[Target]:
        """The model's targets, then the fallback list's, each model's ordered by
        `provider.order` (and, without `allow_fallbacks`, limited to those providers)."""

        def arrange(targets: list[Target]) -> list[Target]:
            return by_provider_preference(targets, call.provider_order, call.allow_fallbacks)

        directory = self._directory()
        targets = directory.candidates(call.model, call.fallbacks, self.router, arrange).targets
        if not targets:
            raise InvalidRequest(
                f"No provider in provider.order ({', '.join(call.provider_order)}) serves "
                f"`{call.model}`, and provider.allow_fallbacks is false.",
                param="provider.order",
            )
        return targets

    async def attempts(
        self,
        targets: list[Target],
        outcome: Outcome,
        run: Callable[[Target], Awaitable[T]],
        limits: CallLimits = NO_LIMITS,
    ) -> tuple[Target, T]:
        """Try each target (with retries) until one answers; record every attempt."""
        max_retries = self._policy.max_retries if limits.max_retries is None else limits.max_retries
        last: UpstreamError | None = None
        for target in targets:
            breaker = self._breakers.get(target.provider)
            if not breaker.allows():
                outcome.attempts.append(
                    Attempt(target.provider, target.upstream, "skipped", "circuit open", 0)
                )
                continue
            for retry in range(max_retries + 1):
                started = time.perf_counter()
                try:
                    answer = await limits.bounded(_read(run, target), target.provider)
                except UpstreamError as exc:
                    last = exc
                    if _provider_fault(exc):
                        breaker.record_failure()
                        # lowest_latency routes: a failing target is not a fast one
                        self._latency.observe(target.info.id, FAILED_ATTEMPT_MS)
                    outcome.attempts.append(
                        Attempt(
                            target.provider, target.upstream, "error", exc.message, _ms(started)
                        )
                    )
                    delay = self._policy.delay(retry, exc.retry_after, self._rng)
                    if not exc.retryable or delay is None or retry == max_retries:
                        break
                    await self._sleep(delay)
                    continue
                breaker.record_success()
                self._latency.observe(target.info.id, _ms(started))
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
        except Exception:
            outcome.error = SwitchboardError(INTERNAL)
            self._finish(outcome, ctx, started)
            raise

    async def _reserve(self, ctx: CallContext, worst_case_pico: int) -> Ticket | None:
        if self._admission is None:
            return None
        return await self._admission.reserve(ctx.principal, worst_case_pico)

    async def _settle(self, ticket: Ticket | None, outcome: Outcome) -> None:
        if self._admission is not None and ticket is not None:
            spent = outcome.cost_pico if outcome.error is None else 0
            tokens = outcome.usage.total_tokens if outcome.error is None else 0
            await self._admission.settle(ticket, spent, tokens)

    @contextlib.asynccontextmanager
    async def _admitted(
        self, ctx: CallContext, worst_case_pico: int, outcome: Outcome
    ) -> AsyncIterator[Ticket | None]:
        """Reserve before the provider call; settle to nothing if the call fails."""
        ticket = await self._reserve(ctx, worst_case_pico)
        try:
            yield ticket
        except BaseException:
            outcome.cost_pico, outcome.usage = 0, Usage()
            await self._settle(ticket, outcome)
            raise

    async def _settle_streamed(self, ticket: Ticket | None, outcome: Outcome) -> None:
        """A stream that failed or was cut still used (and is charged for) what it streamed."""
        if self._admission is not None and ticket is not None:
            await self._admission.settle(ticket, outcome.cost_pico, outcome.usage.total_tokens)

    async def _settle_and_finish(
        self, ticket: Ticket | None, outcome: Outcome, ctx: CallContext, started: float
    ) -> None:
        """Settle the answered call; logged even if the client goes away while this settles."""
        try:
            await self._settle(ticket, outcome)
        finally:
            self._finish(outcome, ctx, started)

    def _finish(self, outcome: Outcome, ctx: CallContext, started: float) -> None:
        """Stamp the latency now; build and hand over the log record in the loop's next turn,
        while the response is on its way (off the request's path)."""
        outcome.latency_ms = _ms(started)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a stream finalized outside the loop: log it here and now
            self._submit_log(outcome, ctx)
        else:
            loop.call_soon(self._submit_log, outcome, ctx)

    def _submit_log(self, outcome: Outcome, ctx: CallContext) -> None:
        self._log(outcome.log_record(ctx))

    async def complete(self, call: ChatCall, ctx: CallContext) -> tuple[ChatResult, Outcome]:
        started = time.perf_counter()
        outcome = Outcome(model=call.model)
        with self._logged_on_failure(outcome, ctx, started):
            call = self.with_settings(call, ctx)
            outcome.model = call.model
            targets = self.targets(call)
            worst = chat_worst_case_pico(call.request, targets)
            async with self._admitted(ctx, worst, outcome) as ticket:
                target, result = await self.attempts(
                    targets, outcome, lambda t: t.adapter.complete(_for(call, t)), call.limits
                )
        outcome.provider, outcome.model = target.provider, target.info.id
        answer = (result.content or "") + tool_call_arguments(result.tool_calls)
        _usage_or_estimate(outcome, result.usage, call.request, answer)
        outcome.finish_reason = result.finish_reason
        outcome.cost_pico = price(target, outcome.usage)
        outcome.response_body = {"content": result.content, "tool_calls": list(result.tool_calls)}
        await self._settle_and_finish(ticket, outcome, ctx, started)
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
                return await embed(target.upstream, list(call.inputs), call.dimensions)
            except UnsupportedFeature:
                raise InvalidRequest(
                    f"{target.provider} does not offer embeddings", param="model"
                ) from None

        with self._logged_on_failure(outcome, ctx, started):
            only = self._directory().plan(call.model, self.router).targets[0]
            worst = embedding_worst_case_pico(call.inputs, only)
            async with self._admitted(ctx, worst, outcome) as ticket:
                target, (vectors, tokens) = await self.attempts([only], outcome, run)
        outcome.provider, outcome.model = target.provider, target.info.id
        outcome.usage = Usage(prompt_tokens=tokens)
        outcome.cost_pico = price(target, outcome.usage)
        await self._settle_and_finish(ticket, outcome, ctx, started)
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
            call = self.with_settings(call, ctx)
            outcome.model = call.model
            targets = self.targets(call)
            worst = chat_worst_case_pico(call.request, targets)
            async with self._admitted(ctx, worst, outcome) as ticket:
                target, (upstream, first) = await self.attempts(
                    targets, outcome, first_chunk, call.limits
                )
        outcome.provider, outcome.model = target.provider, target.info.id
        flight = InFlight(outcome, ctx, started, ticket, call.request)
        relay = self._relay(target, upstream, first, flight)
        return target, relay

    async def _relay(
        self,
        target: Target,
        upstream: Any,
        first: ChatChunk,
        flight: InFlight,
    ) -> AsyncIterator[ChatChunk | StreamEnd | StreamFailure]:
        outcome = flight.outcome
        streamed = Streamed()
        try:
            chunk: ChatChunk | None = first
            while chunk is not None:
                if chunk.usage is not None:
                    outcome.usage = chunk.usage
                if chunk.finish_reason:
                    outcome.finish_reason = chunk.finish_reason
                streamed.add(chunk)
                if (
                    chunk.role
                    or chunk.content is not None
                    or chunk.tool_calls
                    or chunk.finish_reason
                    or chunk.refusal is not None
                ):
                    yield dataclasses.replace(chunk, usage=None)
                chunk = await anext(upstream, None)
        except UpstreamError as exc:
            outcome.error = gateway_error(exc)
            yield StreamFailure(outcome.error)
        except UNREADABLE:
            outcome.error = gateway_error(unreadable(target.provider))
            yield StreamFailure(outcome.error)
        except (asyncio.CancelledError, GeneratorExit):
            outcome.error = ClientCancelled()
            raise
        except Exception:
            log.exception("the stream from %s failed", target.provider)
            outcome.error = SwitchboardError(INTERNAL)
            yield StreamFailure(outcome.error)
        finally:
            await self._stream_over(target, upstream, flight, streamed)
        yield StreamEnd(outcome)

    async def _stream_over(
        self, target: Target, upstream: Any, flight: InFlight, streamed: Streamed
    ) -> None:
        """Price what was streamed, close the upstream, settle and log (settled even if the
        client goes away during the close; logged in every case)."""
        outcome = flight.outcome
        text = "".join(streamed.text)
        _usage_or_estimate(outcome, outcome.usage, flight.request, text + streamed.arguments())
        outcome.cost_pico = price(target, outcome.usage)
        outcome.response_body = {"content": text}
        try:
            try:
                await _close_quietly(upstream, target.provider)
            finally:
                await self._settle_streamed(flight.ticket, outcome)
        finally:
            self._finish(outcome, flight.ctx, flight.started)


class ProviderStreamEmpty(UpstreamError):
    """The provider closed the stream before sending anything."""

    retryable = True

    def __init__(self, provider: str) -> None:
        super().__init__(f"{provider} closed the stream without data", provider=provider)
