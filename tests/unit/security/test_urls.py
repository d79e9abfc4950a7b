"""Provider base URLs: metadata and link-local addresses are refused in every spelling the
resolver accepts; ordinary hosts, loopback and private networks are fine."""

from __future__ import annotations

import pytest

from switchboard.errors import InvalidRequest
from switchboard.security.urls import check_base_url


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest",
        "http://2852039166/v1",  # the same address as one number
        "http://0xa9fea9fe/v1",
        "http://169.254.43518/v1",
        "http://0251.0376.0251.0376/v1",  # octal parts
        "http://[::ffff:169.254.169.254]/v1",
        "http://[::a9fe:a9fe]/v1",  # IPv4-compatible
        "http://[64:ff9b::a9fe:a9fe]/v1",  # NAT64
        "http://[fe80::1]/v1",
        "http://metadata.google.internal/v1",
    ],
)
def test_metadata_addresses_are_refused_in_every_spelling(url: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        check_base_url(url)
    assert refused.value.param == "base_url"
    assert check_base_url(url, allow_link_local=True)  # unless the operator allows them


@pytest.mark.parametrize(
    "url",
    [
        "https://api.openai.com/v1/",
        "http://127.0.0.1:11434/v1",
        "http://10.0.0.5:8000",
        "http://[::1]:8000",
    ],
)
def test_ordinary_local_and_private_hosts_pass(url: str) -> None:
    assert check_base_url(url) == url.rstrip("/")
