"""The lean HTTP/1.1 client's pure parts: request targets, request heads, body decoding."""

from __future__ import annotations

import gzip
import zlib

import pytest

from switchboard.providers.http1 import ProtocolError, decoded, parse_target, request_head


@pytest.mark.parametrize(
    ("url", "origin", "path", "host"),
    [
        (
            "https://api.openai.com/v1/chat",
            ("https", "api.openai.com", 443),
            "/v1/chat",
            "api.openai.com",
        ),
        ("http://127.0.0.1:8080/v1?a=1", ("http", "127.0.0.1", 8080), "/v1?a=1", "127.0.0.1:8080"),
        ("http://[::1]:9/x", ("http", "::1", 9), "/x", "[::1]:9"),
        ("https://h.example", ("https", "h.example", 443), "/", "h.example"),
        (
            "http://h/deployments/my model/x?v=a b",
            ("http", "h", 80),
            "/deployments/my%20model/x?v=a%20b",
            "h",
        ),
        ("http://h/already%20quoted", ("http", "h", 80), "/already%20quoted", "h"),
    ],
)
def test_parse_target(url, origin, path, host) -> None:
    target = parse_target(url)
    assert (target.origin, target.path, target.host) == (origin, path, host)


@pytest.mark.parametrize("url", ["ftp://h/x", "http:///nohost", "/relative"])
def test_parse_target_refuses_what_is_not_an_http_url(url) -> None:
    with pytest.raises(ValueError, match="not an http"):
        parse_target(url)


def test_request_head_with_a_body() -> None:
    head = request_head("POST", parse_target("http://h:81/v1/x"), {"x-api-key": "k"}, 12)
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /v1/x HTTP/1.1"
    assert "host: h:81" in lines
    assert "x-api-key: k" in lines
    assert "content-length: 12" in lines
    assert "content-type: application/json" in lines
    assert head.endswith(b"\r\n\r\n")


def test_request_head_without_a_body_has_no_length() -> None:
    head = request_head("GET", parse_target("http://h/models"), {}, None).decode()
    assert "content-length" not in head
    assert "content-type" not in head


@pytest.mark.parametrize(
    "headers",
    [{"authorization": "Bearer sk-1\r\nx: y"}, {"authorization": "sk-1\n"}, {"bad:name": "sk-1"}],
)
def test_request_head_refuses_header_injection_and_never_shows_the_value(headers) -> None:
    with pytest.raises(ValueError, match="line break or colon") as caught:
        request_head("POST", parse_target("http://h/x"), headers, 0)
    assert "sk-1" not in str(caught.value)


def test_decoded() -> None:
    body = b'{"choices":[]}'
    assert decoded(body, None) == body
    assert decoded(body, "identity") == body
    assert decoded(gzip.compress(body), "gzip") == body
    assert decoded(zlib.compress(body), "deflate") == body
    raw = zlib.compressobj(wbits=-15)
    assert decoded(raw.compress(body) + raw.flush(), "deflate") == body


@pytest.mark.parametrize(("body", "encoding"), [(b"not gzip", "gzip"), (b"x", "br")])
def test_decoded_refuses_what_it_cannot_decode(body, encoding) -> None:
    with pytest.raises(ProtocolError):
        decoded(body, encoding)
