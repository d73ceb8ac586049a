"""The network's name servers, faked at their boundary: what a URL's host resolves to."""

from __future__ import annotations

import ipaddress

from domain.security.targets import IPAddress, Resolver


def dns(*answers: str) -> Resolver:
    """A name server answering each lookup with the next of `answers` (the last one repeats):
    `dns("93.184.215.14", "127.0.0.1")` is a name rebound to loopback after its first lookup."""
    pending = list(answers)

    async def resolver(host: str, port: int) -> list[IPAddress]:
        answer = pending.pop(0) if len(pending) > 1 else pending[0]
        return [ipaddress.ip_address(answer)]

    return resolver
