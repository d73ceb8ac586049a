"""Where a URL a company sets may lead (SSRF defence): Whaticket and Cal.com base URLs and
the alert URL are typed by tenants, and our servers then call them from inside our network.

A target is refused when it is not http(s) or when its address is loopback, private,
link-local, shared (CGNAT), multicast, unspecified, reserved or a cloud metadata service, in
any spelling: `2130706433`, `0x7f.1`, IPv4-mapped or NAT64 IPv6, names such as
`metadata.google.internal` or `*.localhost`. `allow_private` (on-premises installs, tests,
`make run`'s local fakes) lets loopback and private networks through; link-local, metadata
and multicast stay refused, since no integration lives there.

Checked when a URL is saved (a name is resolved then, but DNS may change) and again for the
address actually connected to (transport.py).
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]

# Refused even when private targets are allowed: the metadata services of AWS, GCP, Azure,
# Oracle (169.254.0.0/16), Alibaba (100.100.100.200) and AWS over IPv6 (fd00:ec2::254).
ALWAYS_REFUSED = tuple(
    ipaddress.ip_network(net)
    for net in ("169.254.0.0/16", "fe80::/10", "100.100.100.200/32", "fd00:ec2::254/128")
)
METADATA_NAMES = frozenset({"metadata", "metadata.google.internal", "metadata.goog"})
# Names that only ever mean a machine on our side (RFC 6761, RFC 8375, ICANN's .internal).
LOCAL_NAMES = frozenset({"localhost"})
LOCAL_SUFFIXES = (".localhost", ".local", ".localdomain", ".internal", ".home.arpa")
NAT64 = ipaddress.ip_network("64:ff9b::/96")
# What inet_aton reads as IPv4 besides dotted quads: 2130706433, 0x7f.1, 0177.0.0.1, 127.1.
NUMERIC_HOST = re.compile(r"[0-9a-fx.]+")
RESOLVE_TIMEOUT = 3.0


class RefusedTarget(Exception):
    """The URL may not be called; the message says why (for logs and the API)."""


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the system resolver gives for `host` (OSError when none)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: list[IPAddress] = []
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])  # no IPv6 zone
        if address not in found:
            found.append(address)
    return found


@dataclass(frozen=True)
class TargetPolicy:
    allow_private: bool = False

    def check_address(self, address: IPAddress) -> None:
        """RefusedTarget unless `address` (and any IPv4 address inside it) may be called."""
        for inner in _embedded(address):
            if inner.is_multicast or any(inner in net for net in ALWAYS_REFUSED):
                raise RefusedTarget(f"{address} is a link-local, metadata or multicast address")
            if not self.allow_private and not _public(inner):
                raise RefusedTarget(f"{address} is not a public internet address")

    def check_host(self, host: str) -> IPAddress | None:
        """The host's address when it is written as one (checked); None for a name that may
        be resolved (RefusedTarget for a metadata or local name)."""
        literal = literal_address(host)
        if literal is not None:
            self.check_address(literal)
            return literal
        name = host.lower().rstrip(".")
        if not name or name in METADATA_NAMES:
            raise RefusedTarget(f"{host!r} is not an address we call")
        if not self.allow_private and (name in LOCAL_NAMES or name.endswith(LOCAL_SUFFIXES)):
            raise RefusedTarget(f"{host!r} names a machine of a local network")
        return None

    def check_url(self, url: str) -> tuple[str, int]:
        """(host, port) of an http(s) URL whose host passes `check_host`."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as error:
            raise RefusedTarget(f"not a valid URL: {error}") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise RefusedTarget("only http:// and https:// URLs are called")
        self.check_host(parts.hostname)
        return parts.hostname, port or (443 if parts.scheme == "https" else 80)

    async def addresses(
        self, host: str, port: int, resolver: Resolver = resolve
    ) -> list[IPAddress]:
        """Every address `host` stands for, all of them allowed (RefusedTarget otherwise;
        OSError when the name does not resolve)."""
        literal = self.check_host(host)
        if literal is not None:
            return [literal]
        found = await resolver(host, port)
        if not found:
            raise OSError(f"{host!r} resolves to no address")
        for address in found:
            # One refused address refuses the name: which one a client picks is not ours.
            self.check_address(address)
        return found

    async def vet(self, url: str, resolver: Resolver = resolve) -> None:
        """The save-time check: RefusedTarget for a URL that is not http(s) or whose host is
        or resolves to a refused address. A name that does not resolve now is let through:
        every connection is checked again anyway."""
        host, port = self.check_url(url)
        try:
            await asyncio.wait_for(self.addresses(host, port, resolver), RESOLVE_TIMEOUT)
        except (OSError, TimeoutError):
            return


def literal_address(host: str) -> IPAddress | None:
    """The address a URL host spells, in any form a resolver accepts; None for a name."""
    bare = host.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    if NUMERIC_HOST.fullmatch(bare.lower()):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(bare))
        except OSError:
            return None
    return None


def _public(address: IPAddress) -> bool:
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
    )


def _embedded(address: IPAddress) -> Iterator[IPAddress]:
    """The address and each IPv4 address it carries (IPv4-mapped, 6to4, Teredo, NAT64 and the
    old IPv4-compatible form), which a dual-stack host may reach instead."""
    yield address
    if not isinstance(address, ipaddress.IPv6Address):
        return
    if address.ipv4_mapped is not None:
        yield address.ipv4_mapped
    if address.sixtofour is not None:
        yield address.sixtofour
    if address.teredo is not None:
        yield from address.teredo
    if address in NAT64 or (int(address) >> 32 == 0 and int(address) > 1):
        yield ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
