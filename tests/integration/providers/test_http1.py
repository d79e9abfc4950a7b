"""The lean HTTP/1.1 client against real loopback servers scripted byte by byte."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import gzip
import ipaddress
import ssl
import time
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fakes.raw_http import Exchange, RawServer, answer

from switchboard.providers import http1
from switchboard.providers.http1 import Http1Client, ProtocolError

BODY = b'{"ok":true}'


async def ok(exchange: Exchange) -> bool:
    exchange.writer.write(answer(200, BODY, "content-type: application/json"))
    return True


@contextlib.asynccontextmanager
async def serving(script, tls: ssl.SSLContext | None = None) -> AsyncIterator[RawServer]:
    server = await RawServer(script, tls).start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def client():
    client = Http1Client()
    yield client
    await client.close()


async def test_a_kept_alive_connection_carries_the_next_requests(client) -> None:
    async with serving(ok) as server:
        for _ in range(3):
            response = await client.request("POST", server.url(), {"x-key": "k"}, b"{}")
            assert (response.status, response.body) == (200, BODY)
            assert response.headers["content-type"] == "application/json"
    assert server.connections == 1
    first = server.exchanges[0]
    assert first.request_line == "POST /v1/chat HTTP/1.1"
    assert first.header("host") == f"127.0.0.1:{server.port}"
    assert first.header("x-key") == "k"
    assert first.header("content-type") == "application/json"
    assert first.body == b"{}"


async def test_a_get_sends_no_body_and_keeps_its_query(client) -> None:
    async with serving(ok) as server:
        await client.request("GET", server.url("/v1/models?limit=5&after=a b"), {})
    exchange = server.exchanges[0]
    assert exchange.request_line == "GET /v1/models?limit=5&after=a%20b HTTP/1.1"
    assert exchange.header("content-length") is None


async def test_chunked_answers_are_joined(client) -> None:
    async def chunked(exchange: Exchange) -> bool:
        exchange.writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
        exchange.writer.write(b'5\r\n{"ok"\r\n6\r\n:true}\r\n0\r\n\r\n')
        return True

    async with serving(chunked) as server:
        first = await client.request("POST", server.url(), {}, b"{}")
        second = await client.request("POST", server.url(), {}, b"{}")
    assert first.body == second.body == BODY
    assert server.connections == 1


@pytest.mark.parametrize(
    "length", [True, False], ids=["connection-close", "framed-by-closing-the-connection"]
)
async def test_an_answer_with_connection_close_is_read_whole_and_not_reused(client, length) -> None:
    async def closing(exchange: Exchange) -> bool:
        exchange.writer.write(answer(200, BODY, "connection: close", length=length))
        return False

    async with serving(closing) as server:
        for _ in range(2):
            assert (await client.request("POST", server.url(), {}, b"{}")).body == BODY
    assert server.connections == 2


async def test_gzip_and_deflate_answers_are_decompressed(client) -> None:
    encodings = {"gzip": gzip.compress(BODY), "deflate": zlib.compress(BODY)}

    async def compressed(exchange: Exchange) -> bool:
        name = exchange.header("x-want")
        exchange.writer.write(answer(200, encodings[name], f"content-encoding: {name}"))
        return True

    async with serving(compressed) as server:
        for name in encodings:
            response = await client.request("POST", server.url(), {"x-want": name}, b"{}")
            assert response.body == BODY
    assert "gzip" in server.exchanges[0].header("accept-encoding")


async def test_an_interim_100_answer_is_skipped(client) -> None:
    async def interim(exchange: Exchange) -> bool:
        exchange.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n" + answer(201, BODY))
        return True

    async with serving(interim) as server:
        response = await client.request("POST", server.url(), {}, b"{}")
    assert (response.status, response.body) == (201, BODY)


async def test_error_statuses_come_back_as_answers_with_their_headers(client) -> None:
    async def limited(exchange: Exchange) -> bool:
        exchange.writer.write(answer(429, b'{"error":{}}', "retry-after: 7", "x-a: 1", "x-a: 2"))
        return True

    async with serving(limited) as server:
        response = await client.request("POST", server.url(), {}, b"{}")
    assert response.status == 429
    assert response.headers["retry-after"] == "7"
    assert response.headers["x-a"] == "1, 2"


async def test_a_connection_the_server_closed_while_idle_is_replaced_silently(client) -> None:
    async def once_per_connection(exchange: Exchange) -> bool:
        exchange.writer.write(answer(200, BODY))  # keep-alive promised, then closed
        return False

    async with serving(once_per_connection) as server:
        await client.request("POST", server.url(), {}, b"{}")
        await asyncio.sleep(0.05)  # the close reaches the pooled connection
        assert (await client.request("POST", server.url(), {}, b"{}")).body == BODY
    assert [e.connection for e in server.exchanges] == [1, 2]


async def test_a_reused_connection_closed_without_an_answer_is_retried_once(client) -> None:
    async def drop_second_request(exchange: Exchange) -> bool:
        if [e.connection for e in server.exchanges] == [1, 1]:
            return False  # reads the second request, answers nothing, closes
        exchange.writer.write(answer(200, BODY))
        return True

    async with serving(drop_second_request) as server:
        for _ in range(2):
            assert (await client.request("POST", server.url(), {}, b"{}")).body == BODY
    assert [e.connection for e in server.exchanges] == [1, 1, 2]


async def test_a_new_connection_closed_without_an_answer_is_an_error(client) -> None:
    async def silent(exchange: Exchange) -> bool:
        return False

    async with serving(silent) as server:
        with pytest.raises(ProtocolError):
            await client.request("POST", server.url(), {}, b"{}")
    assert len(server.exchanges) == 1  # not sent twice


async def test_an_answer_cut_short_is_an_error_and_not_retried(client) -> None:
    async def cut(exchange: Exchange) -> bool:
        exchange.writer.write(b'HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"partial')
        return False

    async with serving(cut) as server:
        with pytest.raises(ProtocolError, match="before the answer was complete"):
            await client.request("POST", server.url(), {}, b"{}")
    assert len(server.exchanges) == 1


async def test_garbage_is_a_protocol_error(client) -> None:
    async def garbage(exchange: Exchange) -> bool:
        exchange.writer.write(b"SMTP ready\r\n\r\n")
        return True

    async with serving(garbage) as server:
        with pytest.raises(ProtocolError, match="not valid HTTP"):
            await client.request("POST", server.url(), {}, b"{}")


async def test_an_answer_past_the_size_limit_is_refused(client, monkeypatch) -> None:
    monkeypatch.setattr(http1, "MAX_BODY_BYTES", 1000)

    async def huge(exchange: Exchange) -> bool:
        exchange.writer.write(answer(200, b"x" * 5000))
        return True

    async with serving(huge) as server:
        with pytest.raises(ProtocolError, match="larger than 1000 bytes"):
            await client.request("POST", server.url(), {}, b"{}")


async def test_a_hanging_server_times_out_and_its_connection_is_dropped(client) -> None:
    async def hang_first(exchange: Exchange) -> bool:
        if len(server.exchanges) == 1:
            await asyncio.sleep(2)
            return False
        exchange.writer.write(answer(200, BODY))
        return True

    async with serving(hang_first) as server:
        started = time.perf_counter()
        with pytest.raises(TimeoutError):
            await client.request("POST", server.url(), {}, b"{}", read_timeout=0.2)
        assert 0.2 <= time.perf_counter() - started < 1.5
        assert (await client.request("POST", server.url(), {}, b"{}")).body == BODY
    assert [e.connection for e in server.exchanges] == [1, 2]


async def test_a_cancelled_request_closes_its_connection(client) -> None:
    closed_by_client = asyncio.Event()

    async def slow(exchange: Exchange) -> bool:
        if await exchange.reader.read() == b"":  # nothing more, until the client hangs up
            closed_by_client.set()
        return False

    async with serving(slow) as server:
        task = asyncio.create_task(client.request("POST", server.url(), {}, b"{}"))
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.wait_for(closed_by_client.wait(), 2)
    assert client._idle == {} or not any(client._idle.values())


async def test_a_refused_connection_is_an_os_error(client) -> None:
    async with serving(ok) as server:
        url = server.url()
    with pytest.raises(OSError):
        await client.request("POST", url, {}, b"{}")


async def test_a_header_value_with_a_line_break_is_refused_without_echoing_it(client) -> None:
    with pytest.raises(ValueError, match="authorization") as caught:
        await client.request(
            "POST", "http://127.0.0.1:9/v1", {"authorization": "sk-secret\r\nx-evil: 1"}, b"{}"
        )
    assert "sk-secret" not in str(caught.value)


def self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


async def test_https_verifies_the_server_and_reuses_the_connection(tmp_path) -> None:
    cert, key = self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    trusting = Http1Client(tls=ssl.create_default_context(cafile=str(cert)))
    untrusting = Http1Client()
    try:
        async with serving(ok, server_tls) as server:
            for _ in range(2):
                response = await trusting.request("POST", server.url(host="localhost"), {}, b"{}")
                assert response.body == BODY
            with pytest.raises(ssl.SSLCertVerificationError):
                await untrusting.request("POST", server.url(host="localhost"), {}, b"{}")
    finally:
        await trusting.close()
        await untrusting.close()
    assert server.exchanges[0].header("host") == f"localhost:{server.port}"
    assert len({e.connection for e in server.exchanges}) == 1
