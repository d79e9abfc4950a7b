"""Provider base URLs (ARCHITECTURE section 7): http(s) only, no credentials or query in the
URL, and never a link-local or cloud metadata address unless the operator allows it.
Loopback and private addresses are allowed: a local vLLM or Ollama is a real use."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from switchboard.errors import InvalidRequest

METADATA_NETWORKS = (
    ipaddress.ip_network("169.254.0.0/16"),  # IPv4 link-local, incl. 169.254.169.254
    ipaddress.ip_network("fe80::/10"),  # IPv6 link-local
    ipaddress.ip_network("fd00:ec2::254/128"),  # AWS IMDS over IPv6
    ipaddress.ip_network("100.100.100.200/32"),  # Alibaba Cloud metadata
)
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
NAT64 = ipaddress.ip_network("64:ff9b::/96")
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})
MAX_URL_LENGTH = 2048


def _refuse(reason: str) -> InvalidRequest:
    return InvalidRequest(f"base_url {reason}", param="base_url")


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address a host names, also in the legacy IPv4 forms the resolver still accepts
    (2852039166, 0xa9fea9fe, 169.254.43518, octal parts), and the IPv4 address inside an
    IPv4-mapped, IPv4-compatible or NAT64 IPv6 one."""
    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(host)
    except ValueError:
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in IPV4_COMPATIBLE or address in NAT64:
            return ipaddress.IPv4Address(address.packed[-4:])
    return address


def _metadata_address(host: str) -> bool:
    if host.rstrip(".").lower() in METADATA_HOSTS:
        return True
    address = _address(host)
    return address is not None and any(address in network for network in METADATA_NETWORKS)


def check_base_url(url: str, *, allow_link_local: bool = False) -> str:
    """The URL without a trailing slash, or INVALID_ARGUMENT naming `base_url`."""
    url = url.strip()
    if not url or len(url) > MAX_URL_LENGTH:
        raise _refuse(f"must be an http(s) URL of at most {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        _ = parts.port
    except ValueError:
        raise _refuse("is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not host:
        raise _refuse("must start with http:// or https:// and name a host")
    if parts.username is not None or parts.password is not None:
        raise _refuse("must not carry credentials; set the provider's api_key instead")
    if parts.query or parts.fragment:
        raise _refuse("must not have a query or fragment")
    if not allow_link_local and _metadata_address(host):
        raise _refuse("points at a link-local or cloud metadata address, which is refused")
    return url.rstrip("/")
