"""A fake Gemini API (generativelanguage v1beta) on 127.0.0.1, in a thread, speaking its wire
format: `POST /v1beta/models/{model}:generateContent`, `:streamGenerateContent?alt=sse` (one
`data:` GenerateContentResponse per event, no [DONE]: the last has a finishReason),
`:batchEmbedContents`, `GET /v1beta/models` with page tokens, google.rpc.Status error bodies.

Like the real API it answers 403 PERMISSION_DENIED without `x-goog-api-key`, and 400
INVALID_ARGUMENT with ErrorInfo reason API_KEY_INVALID for the key "invalid-key".
The model name picks the behaviour:
  ok           200 "Hello" (after a thought part); usage 7 prompt (2 cached), 3 candidates,
               1 thought; streams a thought, "Hel", then "lo" with finishReason STOP
  tools        200 text "Checking." then get_weather {"city": "Paris"} (with a
               thoughtSignature) and get_weather {"city": "London"}; streams one part per event
  long         200 "Hel", finishReason MAX_TOKENS
  blocked      200 with promptFeedback.blockReason SAFETY and no candidates
  rate-limited 429 RESOURCE_EXHAUSTED, RetryInfo retryDelay "7s", no Retry-After header
  auth         401 UNAUTHENTICATED
  forbidden    403 PERMISSION_DENIED
  bad          400 INVALID_ARGUMENT ("The input token count ... exceeds ...")
  missing      404 NOT_FOUND
  broken       500 INTERNAL
  overloaded   503 UNAVAILABLE ("The model is overloaded")
  deadline     504 DEADLINE_EXCEEDED
  flaky        503 on the first two calls, then like ok
  hang         never answers (until the client gives up)
  cut          streams "Hel" then drops the connection (no finishReason)
  overloaded-midstream  200 stream: "Hel", then a `data: {"error": ...}` 503 UNAVAILABLE event
GET /models: the first page lists gemini-ok (generateContent) and imagen-fake (predict only),
with a nextPageToken; that token's page lists text-embedding-fake (embedContent).
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fakes.http_fake import FakeServer, JsonHandler

SIGNATURE = "CiQB0e2Kb8zUX3mWvzJ0dGhvdWdodC1zaWduYXR1cmUtMQ=="
USAGE = {
    "promptTokenCount": 7,
    "candidatesTokenCount": 3,
    "totalTokenCount": 11,
    "cachedContentTokenCount": 2,
    "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 7}],
    "thoughtsTokenCount": 1,
}
ERRORS = {
    "rate-limited": (429, "RESOURCE_EXHAUSTED", "You exceeded your current quota."),
    "auth": (401, "UNAUTHENTICATED", "Request had invalid authentication credentials."),
    "forbidden": (403, "PERMISSION_DENIED", "The caller does not have permission"),
    "bad": (
        400,
        "INVALID_ARGUMENT",
        "The input token count (1150336) exceeds the maximum number of tokens allowed (1048576).",
    ),
    "missing": (404, "NOT_FOUND", "models/missing is not found for API version v1beta."),
    "broken": (500, "INTERNAL", "An internal error has occurred. Please retry."),
    "overloaded": (503, "UNAVAILABLE", "The model is overloaded. Please try again later."),
    "deadline": (504, "DEADLINE_EXCEEDED", "The request timed out. Please try again."),
}
RETRY_INFO = {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "7s"}
BAD_KEY = {
    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
    "reason": "API_KEY_INVALID",
    "domain": "googleapis.com",
    "metadata": {"service": "generativelanguage.googleapis.com"},
}
UNREGISTERED = (
    "Method doesn't allow unregistered callers (callers without established identity). "
    "Please use API Key or other form of API consumer identity to call this API."
)
MODEL_PAGES: dict[str | None, tuple[list[tuple[str, list[str], int]], str | None]] = {
    None: (
        [
            ("gemini-ok", ["generateContent", "countTokens"], 1048576),
            ("imagen-fake", ["predict"], 480),
        ],
        "page-2",
    ),
    "page-2": ([("text-embedding-fake", ["embedContent"], 2048)], None),
}


class FakeGemini(FakeServer):
    version_path = "/v1beta"

    def __init__(self) -> None:
        super().__init__(_Handler)


class _Handler(JsonHandler):
    server: FakeGemini
    content_type = "application/json; charset=UTF-8"

    def _error(
        self, status: int, rpc_status: str, message: str, details: list | None = None
    ) -> None:
        error: dict[str, Any] = {"code": status, "message": message, "status": rpc_status}
        if details:
            error["details"] = details
        self._json(status, {"error": error})

    def _rejected_key(self) -> bool:
        self._record()
        key = self.headers.get("x-goog-api-key")
        if not key:
            self._error(403, "PERMISSION_DENIED", UNREGISTERED)
            return True
        if key == "invalid-key":
            message = "API key not valid. Please pass a valid API key."
            self._error(400, "INVALID_ARGUMENT", message, [BAD_KEY])
            return True
        return False

    def do_GET(self) -> None:
        if self._rejected_key():
            return
        token = parse_qs(urlsplit(self.path).query).get("pageToken", [None])[0]
        models, next_token = MODEL_PAGES.get(token, ([], None))
        page: dict[str, Any] = {
            "models": [
                {
                    "name": f"models/{name}",
                    "version": "001",
                    "displayName": name.replace("-", " ").title(),
                    "inputTokenLimit": limit,
                    "outputTokenLimit": 8192,
                    "supportedGenerationMethods": methods,
                }
                for name, methods, limit in models
            ]
        }
        if next_token:
            page["nextPageToken"] = next_token
        self._json(200, page)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        if self._rejected_key():
            return
        self.server.requests.append(body)
        url = urlsplit(self.path)
        model, _, method = url.path.removeprefix("/v1beta/models/").partition(":")
        self.server.calls[model] += 1
        if method == "batchEmbedContents":
            self._embeddings(body, model)
            return
        if model == "flaky" and self.server.calls[model] <= 2:
            model = "overloaded"
        if model == "hang":
            self.server.release.wait(30)
            return
        if model in ERRORS:
            status, rpc_status, message = ERRORS[model]
            self._error(status, rpc_status, message, [RETRY_INFO] if status == 429 else None)
        elif method == "streamGenerateContent":
            if parse_qs(url.query).get("alt") != ["sse"]:
                self._error(400, "INVALID_ARGUMENT", "fake: only alt=sse streams")
                return
            self._stream(_events(model))
        elif method == "generateContent":
            self._json(200, _answer(model))
        else:
            self._error(404, "NOT_FOUND", f"unknown method {method}")

    def _embeddings(self, body: dict[str, Any], model: str) -> None:
        requests = body.get("requests") or []
        if any(r.get("model") != f"models/{model}" for r in requests):
            self._error(400, "INVALID_ARGUMENT", "Each request's model must match the URL.")
            return
        vectors = [{"values": [0.5, -0.25, float(i)]} for i in range(len(requests))]
        self._json(200, {"embeddings": vectors})

    def _stream(self, events: list[dict[str, Any]]) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("content-disposition", "attachment")
        self.send_header("connection", "close")
        self.end_headers()
        for event in events:
            self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
            self.wfile.flush()
            time.sleep(0.005)
        self.close_connection = True


def _parts(model: str) -> list[dict[str, Any]]:
    if model == "tools":
        return [
            {"text": "Checking."},
            {
                "functionCall": {"name": "get_weather", "args": {"city": "Paris"}},
                "thoughtSignature": SIGNATURE,
            },
            {"functionCall": {"name": "get_weather", "args": {"city": "London"}}},
        ]
    if model == "long":
        return [{"text": "Hel"}]
    return [{"text": "Thinking about a greeting.", "thought": True}, {"text": "Hello"}]


def _finish(model: str) -> str:
    return "MAX_TOKENS" if model == "long" else "STOP"


def _response(
    parts: list[dict[str, Any]], finish: str | None, model: str, usage: dict | None = None
) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"parts": parts, "role": "model"}}
    if finish:
        candidate["finishReason"] = finish
    candidate["index"] = 0
    return {
        "candidates": [candidate],
        "usageMetadata": usage or USAGE,
        "modelVersion": model,
        "responseId": "fake-response-id",
    }


def _blocked(model: str) -> dict[str, Any]:
    return {
        "promptFeedback": {"blockReason": "SAFETY"},
        "usageMetadata": {"promptTokenCount": 7, "totalTokenCount": 7},
        "modelVersion": model,
        "responseId": "fake-response-id",
    }


def _answer(model: str) -> dict[str, Any]:
    return (
        _blocked(model) if model == "blocked" else _response(_parts(model), _finish(model), model)
    )


def _events(model: str) -> list[dict[str, Any]]:
    partial = {**USAGE, "candidatesTokenCount": 1}
    if model == "cut":
        return [_response([{"text": "Hel"}], None, model, partial)]
    if model == "overloaded-midstream":
        _, rpc_status, message = ERRORS["overloaded"]
        error = {"code": 503, "message": message, "status": rpc_status}
        return [_response([{"text": "Hel"}], None, model, partial), {"error": error}]
    if model == "blocked":
        return [_blocked(model)]
    if model == "ok":
        pieces = [[_parts(model)[0]], [{"text": "Hel"}], [{"text": "lo"}]]
    else:
        pieces = [[part] for part in _parts(model)]
    events = [_response(piece, None, model, partial) for piece in pieces[:-1]]
    return [*events, _response(pieces[-1], _finish(model), model)]
