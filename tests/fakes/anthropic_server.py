"""A fake Anthropic Messages API on 127.0.0.1, in a thread, speaking Anthropic's wire format:
`event:`/`data:` SSE framing ending in message_stop, `{"type": "error", ...}` bodies, 529.

Like the real API it answers 401 without `x-api-key` and 400 without `anthropic-version` or
`max_tokens`. The model name picks the behaviour:
  ok           200 "Hello"; usage 5 input + 2 cache read + 1 cache write, 3 output;
               streams "Hel","lo" (with a ping)
  tools        200 text "Checking." then a get_weather tool_use {"city": "Paris"};
               streams it as input_json_delta fragments
  rate-limited 429 rate_limit_error with retry-after: 7
  auth         401 authentication_error
  forbidden    403 permission_error
  bad          400 invalid_request_error ("prompt is too long: ...")
  missing      404 not_found_error
  too-large    413 request_too_large
  broken       500 api_error
  overloaded   529 overloaded_error
  flaky        529 on the first two calls, then like ok
  hang         never answers (until the client gives up)
  cut          streams message_start and "Hel" then drops the connection (no message_stop)
  overloaded-midstream  200 stream whose second event is an overloaded_error `error` event
GET /models pages: the first page lists claude-ok (has_more), after_id=claude-ok lists
claude-tools.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs, urlparse

from fakes.http_fake import FakeServer, JsonHandler

USAGE = {
    "input_tokens": 5,
    "cache_creation_input_tokens": 1,
    "cache_read_input_tokens": 2,
    "output_tokens": 3,
}
ERRORS = {
    "rate-limited": (429, "rate_limit_error", "Number of request tokens has exceeded your limit"),
    "auth": (401, "authentication_error", "invalid x-api-key"),
    "forbidden": (403, "permission_error", "Your API key does not have permission"),
    "bad": (400, "invalid_request_error", "prompt is too long: 215833 tokens > 200000 maximum"),
    "missing": (404, "not_found_error", "model: missing"),
    "too-large": (413, "request_too_large", "Request exceeds the maximum allowed number of bytes"),
    "broken": (500, "api_error", "Internal server error"),
    "overloaded": (529, "overloaded_error", "Overloaded"),
}
MODEL_PAGES = {
    None: ([("claude-ok", "Claude OK")], True),
    "claude-ok": ([("claude-tools", "Claude Tools")], False),
}


class FakeAnthropic(FakeServer):
    version_path = "/v1"

    def __init__(self) -> None:
        super().__init__(_Handler)


class _Handler(JsonHandler):
    server: FakeAnthropic
    always = {"request-id": "req_fake"}  # noqa: RUF012

    def _error(self, status: int, kind: str, message: str) -> None:
        headers = {"retry-after": "7"} if status == 429 else {}
        body = {
            "type": "error",
            "error": {"type": kind, "message": message},
            "request_id": "req_fake",
        }
        self._json(status, body, headers)

    def _rejected_headers(self) -> bool:
        self._record()
        if not self.headers.get("x-api-key"):
            self._error(401, "authentication_error", "x-api-key header is required")
            return True
        if not self.headers.get("anthropic-version"):
            self._error(400, "invalid_request_error", "anthropic-version: header is required")
            return True
        return False

    def do_GET(self) -> None:
        if self._rejected_headers():
            return
        after_id = parse_qs(urlparse(self.path).query).get("after_id", [None])[0]
        models, has_more = MODEL_PAGES.get(after_id, ([], False))
        data = [
            {
                "type": "model",
                "id": model_id,
                "display_name": display_name,
                "created_at": "2025-02-19T00:00:00Z",
            }
            for model_id, display_name in models
        ]
        ids = [m["id"] for m in data]
        first_id, last_id = (ids[0], ids[-1]) if ids else (None, None)
        self._json(
            200, {"data": data, "has_more": has_more, "first_id": first_id, "last_id": last_id}
        )

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        if self._rejected_headers():
            return
        self.server.requests.append(body)
        model = body.get("model", "")
        self.server.calls[model] += 1
        if "max_tokens" not in body:
            self._error(400, "invalid_request_error", "max_tokens: Field required")
            return
        if model == "flaky" and self.server.calls[model] <= 2:
            model = "overloaded"
        if model == "hang":
            self.server.release.wait(30)
            return
        if model in ERRORS:
            self._error(*ERRORS[model])
        elif body.get("stream"):
            self._stream(_events(body, model))
        else:
            self._json(200, _message(body, model))

    def _stream(self, events: list[dict[str, Any]]) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream; charset=utf-8")
        self.send_header("cache-control", "no-cache")
        self.send_header("request-id", "req_fake")
        self.send_header("connection", "close")
        self.end_headers()
        for event in events:
            frame = f"event: {event['type']}\ndata: {json.dumps(event)}\n\n"
            self.wfile.write(frame.encode())
            self.wfile.flush()
            time.sleep(0.005)
        self.close_connection = True


def _blocks(model: str) -> list[dict[str, Any]]:
    if model == "tools":
        return [
            {"type": "text", "text": "Checking."},
            {
                "type": "tool_use",
                "id": "toolu_fake",
                "name": "get_weather",
                "input": {"city": "Paris"},
            },
        ]
    return [{"type": "text", "text": "Hello"}]


def _message(body: dict[str, Any], model: str) -> dict[str, Any]:
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": body["model"],
        "content": _blocks(model),
        "stop_reason": "tool_use" if model == "tools" else "end_turn",
        "stop_sequence": None,
        "usage": USAGE,
    }


def _text_events(index: int, pieces: list[str]) -> list[dict[str, Any]]:
    start = {"type": "text", "text": ""}
    events = [{"type": "content_block_start", "index": index, "content_block": start}]
    for piece in pieces:
        delta = {"type": "text_delta", "text": piece}
        events.append({"type": "content_block_delta", "index": index, "delta": delta})
    events.append({"type": "content_block_stop", "index": index})
    return events


def _tool_events(index: int) -> list[dict[str, Any]]:
    block = {"type": "tool_use", "id": "toolu_fake", "name": "get_weather", "input": {}}
    events = [{"type": "content_block_start", "index": index, "content_block": block}]
    for fragment in ["", '{"city": ', '"Paris"}']:
        delta = {"type": "input_json_delta", "partial_json": fragment}
        events.append({"type": "content_block_delta", "index": index, "delta": delta})
    events.append({"type": "content_block_stop", "index": index})
    return events


def _events(body: dict[str, Any], model: str) -> list[dict[str, Any]]:
    message = {**_message(body, model), "content": [], "stop_reason": None}
    message["usage"] = {**USAGE, "output_tokens": 1}
    start = {"type": "message_start", "message": message}
    if model == "overloaded-midstream":
        error = {"type": "overloaded_error", "message": "Overloaded"}
        return [start, {"type": "error", "error": error}]
    if model == "cut":
        return [start, *_text_events(0, ["Hel"])[:2]]
    if model == "tools":
        content = _text_events(0, ["Checking."]) + _tool_events(1)
    else:
        content = _text_events(0, ["Hel", "lo"])
    content.insert(1, {"type": "ping"})
    delta = {
        "type": "message_delta",
        "delta": {"stop_reason": _message(body, model)["stop_reason"], "stop_sequence": None},
        "usage": {"output_tokens": USAGE["output_tokens"]},
    }
    return [start, *content, delta, {"type": "message_stop"}]
