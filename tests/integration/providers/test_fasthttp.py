"""The shared aiohttp session against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fakes.http_fake import FakeServer, JsonHandler

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
    finally:
        await session.close()
    assert [headers.get("cookie") for headers in server.headers_seen] == [None, None]
