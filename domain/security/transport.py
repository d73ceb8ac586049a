"""The connect-time half of the SSRF defence: an httpx transport that resolves the host
itself, refuses the request when any address is refused by the TargetPolicy, and connects to
the checked address (the name stays in the Host header and in TLS's SNI and certificate
check). Checking at save time alone would not do: a name can resolve to a public address
when saved and to 127.0.0.1 a minute later (DNS rebinding), and resolving twice (once to
check, once to connect) leaves the same gap."""

from __future__ import annotations

import asyncio

import httpx

from domain.security.targets import RefusedTarget, Resolver, TargetPolicy, resolve


class BlockedTarget(httpx.ConnectError):
    """The URL leads to an address the policy refuses; nothing was sent. A ConnectError, so
    code that handles "could not connect" stays safe; clients that can tell the company
    what to fix look for this class first."""


class GuardedTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        policy: TargetPolicy,
        inner: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver = resolve,
    ) -> None:
        self._policy, self._resolver = policy, resolver
        self._inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        host = url.raw_host.decode("ascii")  # IDNA-encoded, as DNS and SNI want it
        if url.scheme not in ("http", "https"):
            raise BlockedTarget(f"{url.scheme}:// is not called", request=request)
        port = url.port or (443 if url.scheme == "https" else 80)
        timeout = (request.extensions.get("timeout") or {}).get("connect")
        try:
            async with asyncio.timeout(timeout):
                addresses = await self._policy.addresses(host, port, self._resolver)
        except RefusedTarget as refused:
            raise BlockedTarget(f"refused target: {refused}", request=request) from None
        except TimeoutError:
            raise httpx.ConnectTimeout(f"resolving {host!r} timed out", request=request) from None
        except OSError as error:
            raise httpx.ConnectError(f"cannot resolve {host!r}: {error}", request=request) from None
        checked = str(addresses[0])
        if checked != host.strip("[]") and url.scheme == "https":
            # The certificate is checked against the name, not the address connected to.
            request.extensions = {**request.extensions, "sni_hostname": host}
        # The Host header was set from the URL when the request was built, so it keeps the
        # name; only where the connection goes changes. Restored after, for error messages
        # and redirects.
        request.url = url.copy_with(host=checked)
        try:
            return await self._inner.handle_async_request(request)
        finally:
            request.url = url

    async def aclose(self) -> None:
        await self._inner.aclose()


def guarded_client(policy: TargetPolicy, timeout: float) -> httpx.AsyncClient:
    """The process's client for the URLs companies set. No proxy from the environment: a
    proxy would connect on its own, past this check."""
    return httpx.AsyncClient(timeout=timeout, transport=GuardedTransport(policy), trust_env=False)
