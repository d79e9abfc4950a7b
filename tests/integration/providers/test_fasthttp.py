"""The shared provider connections (lean client and aiohttp) against a real HTTP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fakes.http_fake import FakeServer, JsonHandler

from switchboard.providers.errors import UpstreamServerError
from switchboard.providers.fasthttp import Upstream, make_session
from switchboard.providers.openai.translate import error_from_response


class CookieSetting(JsonHandler):
    """Answers every POST and tries to plant a cookie, as CDNs in front of providers do."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self._record()
        self._json(200, {"ok": True}, {"set-cookie": "__cf_bm=tenant-a-session; Path=/"})


@pytest.fixture
def server() -> Iterator[FakeServer]:
    fake = FakeServer(CookieSetting).start()
    yield fake
    fake.stop()


async def test_cookies_a_provider_sets_are_not_sent_on_later_requests(server) -> None:
    """One session serves every tenant: a cookie kept from one tenant's call must not ride
    along on the next tenant's."""
    session = make_session()
    try:
        upstream = Upstream("fake", session, None, error_from_response)
        # By name: aiohttp's default cookie jar ignores cookies from bare IP addresses.
        url = f"http://localhost:{server.server_address[1]}/v1/chat/completions"
        for _ in range(2):
            assert await upstream.json("POST", url, headers={}, body={}) == {"ok": True}
        for _ in range(2):  # streams go through aiohttp: its cookie jar must keep nothing
            assert [event async for event in upstream.events(url, headers={}, body={})] == []
    finally:
        await session.close()
    assert [headers.get("cookie") for headers in server.headers_seen] == [None] * 4


class NotJson(JsonHandler):
    """A proxy's HTML page where the provider's JSON should be."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        data = b"<html>502 Bad Gateway</html>"
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


async def test_a_success_status_with_a_body_that_is_not_json_is_a_server_error() -> None:
    fake = FakeServer(NotJson).start()
    session = make_session()
    try:
        upstream = Upstream("fake", session, None, error_from_response)
        with pytest.raises(UpstreamServerError, match="not JSON") as caught:
            await upstream.json("POST", f"{fake.base_url}/chat/completions", headers={}, body={})
    finally:
        await session.close()
        fake.stop()
    assert caught.value.retryable


class BigNumbers(JsonHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self._json(200, {"seed": 2**70, "ratio": 0.1})


async def test_a_json_answer_keeps_integers_beyond_64_bits_exact() -> None:
    fake = FakeServer(BigNumbers).start()
    session = make_session()
    try:
        upstream = Upstream("fake", session, None, error_from_response)
        answer = await upstream.json("POST", f"{fake.base_url}/x", headers={}, body={})
    finally:
        await session.close()
        fake.stop()
    assert answer == {"seed": 2**70, "ratio": 0.1}
    assert type(answer["seed"]) is int


class BomStream(JsonHandler):
    """An event stream that starts with a UTF-8 byte order mark, sent a byte at a time."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        data = b'\xef\xbb\xbfdata: {"n": 1}\r\n\r\ndata: {"n": 2}\n\n'
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        for byte in data:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()


async def test_a_byte_order_mark_does_not_hide_the_first_event() -> None:
    fake = FakeServer(BomStream).start()
    session = make_session()
    try:
        upstream = Upstream("fake", session, None, error_from_response)
        url = f"{fake.base_url}/chat/completions"
        events = [event.data async for event in upstream.events(url, headers={}, body={})]
    finally:
        await session.close()
        fake.stop()
    assert events == ['{"n": 1}', '{"n": 2}']


class Redirecting(JsonHandler):
    """A provider URL that redirects elsewhere (which would receive the provider key)."""

    target = ""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self._record()
        self.send_response(307)
        self.send_header("location", self.target)
        self.send_header("content-length", "0")
        self.end_headers()


async def test_a_stream_is_not_redirected_to_another_host(server) -> None:
    Redirecting.target = f"http://localhost:{server.server_address[1]}/v1/chat/completions"
    fake = FakeServer(Redirecting).start()
    session = make_session()
    try:
        upstream = Upstream("fake", session, None, error_from_response)
        url = f"{fake.base_url}/chat/completions"
        with pytest.raises(UpstreamServerError, match="307"):
            async for _ in upstream.events(url, headers={"x-api-key": "secret"}, body={}):
                pass
    finally:
        await session.close()
        fake.stop()
    assert server.headers_seen == []  # the redirect target never heard from us
