"""What every fake provider shares: a threaded HTTP server on 127.0.0.1 that records what it
was sent, and a handler that answers JSON. Each fake adds its provider's wire format."""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class FakeServer(ThreadingHTTPServer):
    daemon_threads = True
    # The API version path a provider's base_url ends with.
    version_path = "/v1"

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.requests: list[dict[str, Any]] = []
        self.headers_seen: list[dict[str, str]] = []
        self.paths_seen: list[str] = []
        self.calls: Counter[str] = Counter()
        # Set on stop: requests told to hang return then.
        self.release = threading.Event()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{self.version_path}"

    def start(self) -> Self:
        threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()


class JsonHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    content_type = "application/json"
    # Headers every answer of this provider carries.
    always: dict[str, str] = {}  # noqa: RUF012 - read-only per class

    def log_message(self, *args: Any) -> None:
        return

    def _json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", self.content_type)
        self.send_header("content-length", str(len(data)))
        for name, value in {**self.always, **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _record(self) -> None:
        self.server.headers_seen.append({k.lower(): v for k, v in self.headers.items()})
        self.server.paths_seen.append(self.path)
