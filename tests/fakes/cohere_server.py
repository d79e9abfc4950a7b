"""A fake Cohere API on 127.0.0.1, in a thread, speaking Cohere's v2 wire format: POST /v2/chat
(JSON, or `event:`/`data:` SSE ending in message-end), POST /v2/embed, GET /v1/models, and
`{"id", "message"}` error bodies.

Like the real API it answers 401 without `Authorization: Bearer ...`. The model name picks the
behaviour:
  ok            200 "Hello", COMPLETE; tokens 8 input + 3 output (billed 5 + 3);
                streams "Hel","lo" (with content-start/end around them)
  tools         200 tool_plan then a get_weather tool call {"city": "Paris"}, TOOL_CALL;
                streams tool-plan-delta, tool-call-start and argument fragments
  rate-limited  429 with retry-after: 7
  auth          401 invalid api token
  payment       402 payment required
  invalid-token 498 invalid token
  bad           400 "too many tokens: ..." (context length, though nothing structured says so)
  missing       404 model not found
  unprocessable 422
  cancelled     499 request cancelled
  broken        500
  unavailable   503
  flaky         503 on the first two calls, then like ok
  error-finish  200 whose finish_reason is ERROR (in the stream: message-end with ERROR)
  hang          never answers (until the client gives up)
  cut           streams message-start and "Hel" then drops the connection (no message-end)
POST /v2/embed answers [0.5, -0.25, i] for input i, 2 billed tokens per text.
GET /v1/models pages: the first lists command-ok and embed-ok (next_page_token "p2"),
page_token=p2 lists rerank-ok and command-vision.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs, urlparse

from fakes.http_fake import FakeServer, JsonHandler

USAGE = {
    "billed_units": {"input_tokens": 5, "output_tokens": 3},
    "tokens": {"input_tokens": 8, "output_tokens": 3},
}
ERRORS = {
    "rate-limited": (429, "You are using a Trial key, which is limited to 10 API calls / minute."),
    "auth": (401, "invalid api token"),
    "payment": (402, "Please add a payment method to continue using the API."),
    "invalid-token": (498, "invalid token"),
    "bad": (400, "too many tokens: size limit exceeded by 1142 tokens."),
    "missing": (404, "model 'missing' not found, make sure the correct model ID was used."),
    "unprocessable": (422, "invalid request: messages must not be empty."),
    "cancelled": (499, "request cancelled"),
    "broken": (500, "internal server error, this has been reported to our developers."),
    "unavailable": (503, "service unavailable"),
}
MODEL_PAGES: dict[str | None, tuple[list[dict[str, Any]], str | None]] = {
    None: (
        [
            {"name": "command-ok", "endpoints": ["chat"], "context_length": 256000},
            {"name": "embed-ok", "endpoints": ["embed"], "context_length": 512},
        ],
        "p2",
    ),
    "p2": (
        [
            {"name": "rerank-ok", "endpoints": ["rerank"], "context_length": 4096},
            {
                "name": "command-vision",
                "endpoints": ["chat"],
                "context_length": 128000,
                "features": ["vision"],
            },
        ],
        None,
    ),
}
TOOL_CALL_ID = "get_weather_1byjy32y4hvq"
TOOL_PLAN = "I will look up the weather in Paris."


class FakeCohere(FakeServer):
    version_path = "/v2"

    def __init__(self) -> None:
        super().__init__(_Handler)


class _Handler(JsonHandler):
    server: FakeCohere
    pass

    def _error(self, status: int, message: str) -> None:
        headers = {"retry-after": "7"} if status == 429 else {}
        self._json(status, {"id": "0e7c1b0a-fake", "message": message}, headers)

    def _unauthorized(self) -> bool:
        self._record()
        scheme, _, token = (self.headers.get("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            self._error(401, "no api key supplied")
            return True
        return False

    def do_GET(self) -> None:
        if self._unauthorized():
            return
        url = urlparse(self.path)
        if url.path != "/v1/models":
            self._error(404, f"path {url.path} not found")
            return
        token = parse_qs(url.query).get("page_token", [None])[0]
        models, next_token = MODEL_PAGES.get(token, ([], None))
        self._json(200, {"models": models, "next_page_token": next_token})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        if self._unauthorized():
            return
        self.server.requests.append(body)
        if self.path == "/v2/embed":
            self._embed(body)
        elif self.path == "/v2/chat":
            self._chat(body)
        else:
            self._error(404, f"path {self.path} not found")

    def _embed(self, body: dict[str, Any]) -> None:
        vectors = [[0.5, -0.25, float(i)] for i in range(len(body["texts"]))]
        billed = {"input_tokens": 2 * len(body["texts"])}
        self._json(
            200,
            {
                "id": "embed-fake",
                "embeddings": {"float": vectors},
                "texts": body["texts"],
                "meta": {"api_version": {"version": "2"}, "billed_units": billed},
                "response_type": "embeddings_by_type",
            },
        )

    def _chat(self, body: dict[str, Any]) -> None:
        model = body.get("model", "")
        self.server.calls[model] += 1
        if model == "flaky" and self.server.calls[model] <= 2:
            model = "unavailable"
        if model == "hang":
            self.server.release.wait(30)
            return
        if model in ERRORS:
            self._error(*ERRORS[model])
        elif body.get("stream"):
            self._stream(_events(model))
        else:
            self._json(200, _response(model))

    def _stream(self, events: list[dict[str, Any]]) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("connection", "close")
        self.end_headers()
        for event in events:
            frame = f"event: {event['type']}\ndata: {json.dumps(event)}\n\n"
            self.wfile.write(frame.encode())
            self.wfile.flush()
            time.sleep(0.005)
        self.close_connection = True


def _tool_call() -> dict[str, Any]:
    function = {"name": "get_weather", "arguments": '{"city":"Paris"}'}
    return {"id": TOOL_CALL_ID, "type": "function", "function": function}


def _finish_reason(model: str) -> str:
    return {"tools": "TOOL_CALL", "error-finish": "ERROR"}.get(model, "COMPLETE")


def _response(model: str) -> dict[str, Any]:
    if model == "tools":
        message = {"role": "assistant", "tool_plan": TOOL_PLAN, "tool_calls": [_tool_call()]}
    else:
        message = {"role": "assistant", "content": [{"type": "text", "text": "Hello"}]}
    return {
        "id": "chat-fake",
        "message": message,
        "finish_reason": _finish_reason(model),
        "usage": USAGE,
    }


def _delta(**message: Any) -> dict[str, Any]:
    return {"message": message}


def _text_events(pieces: list[str]) -> list[dict[str, Any]]:
    opening = _delta(content={"type": "text", "text": ""})
    events = [{"type": "content-start", "index": 0, "delta": opening}]
    for piece in pieces:
        delta = _delta(content={"text": piece})
        events.append({"type": "content-delta", "index": 0, "delta": delta})
    return events


def _tool_events() -> list[dict[str, Any]]:
    plan = [{"type": "tool-plan-delta", "delta": _delta(tool_plan=TOOL_PLAN)}]
    call = {**_tool_call(), "function": {"name": "get_weather", "arguments": ""}}
    events = [*plan, {"type": "tool-call-start", "index": 0, "delta": _delta(tool_calls=call)}]
    for fragment in ['{\n    "', 'city": "', 'Paris"\n}']:
        delta = _delta(tool_calls={"function": {"arguments": fragment}})
        events.append({"type": "tool-call-delta", "index": 0, "delta": delta})
    return [*events, {"type": "tool-call-end", "index": 0}]


def _events(model: str) -> list[dict[str, Any]]:
    start_message = {"role": "assistant", "content": [], "tool_plan": "", "tool_calls": []}
    start = {"id": "chat-fake", "type": "message-start", "delta": {"message": start_message}}
    if model == "cut":
        return [start, *_text_events(["Hel"])]
    if model == "tools":
        content = _tool_events()
    else:
        content = [*_text_events(["Hel", "lo"]), {"type": "content-end", "index": 0}]
    end_delta = {"finish_reason": _finish_reason(model), "usage": USAGE}
    return [start, *content, {"type": "message-end", "delta": end_delta}]
