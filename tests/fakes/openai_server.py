"""A fake OpenAI-compatible upstream on 127.0.0.1, in a thread, speaking OpenAI's wire format:
JSON bodies, SSE framing with `data: [DONE]`, OpenAI error bodies and status codes.

The model name picks the behaviour:
  ok          200; usage 7 prompt (2 cached) + 3 completion; streams "Hel","lo"
  rate-limited 429 with Retry-After: 7
  auth        401 invalid_api_key
  context     400 context_length_exceeded
  bad         400 invalid_request_error
  broken      500 always
  flaky       500 on the first two calls, then like ok
  hang        never answers (until the client gives up)
  cut         streams two chunks then drops the connection (no [DONE])
  slow        streams 50 chunks 0.1 s apart; counts clients that went away (`disconnects`)
GET /models lists `listed` (OpenRouter-shaped entries may carry pricing/context_length).
With `required_key` set, a request without `Authorization: Bearer <it>` gets OpenAI's 401,
whose message echoes the key it was sent, as OpenAI's does. `delay` (seconds) slows every
POST answer.
"""

from __future__ import annotations

import json
import time
from typing import Any

from fakes.http_fake import FakeServer, JsonHandler

USAGE = {
    "prompt_tokens": 7,
    "completion_tokens": 3,
    "total_tokens": 10,
    "prompt_tokens_details": {"cached_tokens": 2},
    "completion_tokens_details": {"reasoning_tokens": 1},
}
ERRORS = {
    "rate-limited": (429, "requests", "rate_limit_exceeded", "Rate limit reached"),
    "auth": (401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided"),
    "context": (400, "invalid_request_error", "context_length_exceeded", "Too many tokens"),
    "bad": (400, "invalid_request_error", None, "Invalid value for 'logit_bias'"),
    "broken": (500, "server_error", None, "The server had an error"),
}


class FakeOpenAI(FakeServer):
    version_path = "/v1"

    def __init__(self) -> None:
        super().__init__(_Handler)
        self.disconnects = 0
        self.listed: list[dict[str, Any]] = [
            {"id": "ok", "object": "model", "created": 1, "owned_by": "fake"}
        ]
        self.required_key = ""
        self.delay = 0.0


class _Handler(JsonHandler):
    server: FakeOpenAI
    pass

    def _rejected_key(self) -> bool:
        required = self.server.required_key
        sent = (self.headers.get("authorization") or "").removeprefix("Bearer ")
        if not required or sent == required:
            return False
        message = f"Incorrect API key provided: {sent}. You can find your API key elsewhere."
        error = {"message": message, "type": "invalid_request_error", "code": "invalid_api_key"}
        self._json(401, {"error": {**error, "param": None}})
        return True

    def do_GET(self) -> None:
        if self._rejected_key():
            return
        self._json(200, {"object": "list", "data": self.server.listed})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        if self._rejected_key():
            return
        time.sleep(self.server.delay)
        self.server.requests.append(body)
        self._record()
        model = body.get("model", "")
        self.server.calls[model] += 1
        if self.path.endswith("/embeddings"):
            self._embeddings(body)
            return
        if model == "flaky" and self.server.calls[model] <= 2:
            model = "broken"
        if model == "hang":
            self.server.release.wait(30)
            return
        if model in ERRORS:
            self._error(model)
        elif model == "slow":
            self._slow_stream(body)
        elif body.get("stream"):
            self._stream(body, cut=model == "cut")
        else:
            self._json(200, _completion(body))

    def _embeddings(self, body: dict[str, Any]) -> None:
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        size = body.get("dimensions") or 3  # as OpenAI's text-embedding-3 models: shortened
        data = [
            {"object": "embedding", "index": i, "embedding": ([0.5, -0.25, float(i)] * size)[:size]}
            for i in range(len(inputs))
        ]
        usage = {"prompt_tokens": 2 * len(inputs), "total_tokens": 2 * len(inputs)}
        self._json(200, {"object": "list", "data": data, "model": body["model"], "usage": usage})

    def _error(self, model: str) -> None:
        status, kind, code, message = ERRORS[model]
        headers = {"retry-after": "7"} if status == 429 else {}
        self._json(
            status,
            {"error": {"message": message, "type": kind, "param": None, "code": code}},
            headers,
        )

    def _stream(self, body: dict[str, Any], *, cut: bool) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("connection", "close")
        self.end_headers()
        for event in _chunks(body):
            self.wfile.write(b"data: " + json.dumps(event).encode() + b"\n\n")
            self.wfile.flush()
            time.sleep(0.005)
            if cut and event["choices"] and event["choices"][0]["delta"].get("content") == "lo":
                self.close_connection = True
                return
        self.wfile.write(b"data: [DONE]\n\n")
        self.close_connection = True

    def _slow_stream(self, body: dict[str, Any]) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("connection", "close")
        self.end_headers()
        base = {
            "id": "chatcmpl-slow",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": body["model"],
        }
        try:
            for index in range(50):
                delta = {"content": f"w{index} "}
                event = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
                self.wfile.write(b"data: " + json.dumps(event).encode() + b"\n\n")
                self.wfile.flush()
                time.sleep(0.1)
        except (BrokenPipeError, ConnectionResetError):
            self.server.disconnects += 1
        self.close_connection = True


def _completion(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1,
        "model": body["model"],
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hello"},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": USAGE,
    }


def _chunks(body: dict[str, Any]) -> list[dict[str, Any]]:
    base = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": body["model"],
    }
    deltas = [{"role": "assistant", "content": ""}, {"content": "Hel"}, {"content": "lo"}]
    events = [
        {**base, "choices": [{"index": 0, "delta": d, "finish_reason": None}]} for d in deltas
    ]
    events.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    if (body.get("stream_options") or {}).get("include_usage"):
        events.append({**base, "choices": [], "usage": USAGE})
    return events
