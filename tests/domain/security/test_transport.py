"""domain/security/transport.py: the address a request actually connects to is the one that
was checked, so a name that resolves elsewhere after it was saved (DNS rebinding) is refused
at connect time, and nothing reaches the server behind it."""

from __future__ import annotations

import asyncio
import datetime
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from domain.security.targets import TargetPolicy
from domain.security.transport import BlockedTarget, GuardedTransport, guarded_client
from tests.fakes.receiver import FakeReceiver
from tests.fakes.server import LocalServer
from tests.support.network import dns

STRICT = TargetPolicy(allow_private=False)
ON_PREMISES = TargetPolicy(allow_private=True)


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[FakeReceiver, int]]:
    """A company endpoint on 127.0.0.1 (our own network, as far as the policy goes)."""
    fake = FakeReceiver()
    server = LocalServer(fake.app())
    async with server:
        yield fake, server.port


async def test_a_name_rebound_to_loopback_after_it_was_saved_is_refused_when_connecting(
    receiver: tuple[FakeReceiver, int],
) -> None:
    fake, port = receiver
    url = f"http://hooks.acme.example:{port}/hooks"
    rebinding = dns("93.184.215.14", "127.0.0.1")  # public when saved, ours a moment later
    await STRICT.vet(url, rebinding)
    transport = GuardedTransport(STRICT, resolver=rebinding)
    async with httpx.AsyncClient(transport=transport) as http:
        with pytest.raises(BlockedTarget):
            await http.post(url, json={"event": "usage.threshold"})
    assert fake.received == []


async def test_the_connection_goes_to_the_checked_address_with_the_name_as_host(
    receiver: tuple[FakeReceiver, int],
) -> None:
    fake, port = receiver
    transport = GuardedTransport(ON_PREMISES, resolver=dns("127.0.0.1"))
    async with httpx.AsyncClient(transport=transport) as http:
        response = await http.post(f"http://hooks.acme.example:{port}/hooks", json={})
    assert response.status_code == 200
    assert str(response.request.url) == f"http://hooks.acme.example:{port}/hooks"
    [(headers, _)] = fake.received
    assert headers["Host"] == f"hooks.acme.example:{port}"


async def test_the_process_client_refuses_loopback_in_any_spelling(
    receiver: tuple[FakeReceiver, int],
) -> None:
    fake, port = receiver
    async with guarded_client(STRICT, timeout=5.0) as http:
        for host in ("127.0.0.1", "localhost", "2130706433", "[::ffff:127.0.0.1]", "127.1"):
            with pytest.raises(BlockedTarget):
                await http.post(f"http://{host}:{port}/hooks", json={})
    assert fake.received == []
    async with guarded_client(ON_PREMISES, timeout=5.0) as http:
        assert (await http.post(f"http://127.0.0.1:{port}/hooks", json={})).status_code == 200


def certificate(name: str, directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for `name` and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


async def test_https_still_checks_the_certificate_against_the_name(tmp_path: Path) -> None:
    cert_file, key_file = certificate("cal.acme.example", tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert_file, key_file)
    asked_for: list[str | None] = []

    def remember(sock: ssl.SSLObject, name: str | None, context: ssl.SSLContext) -> None:
        asked_for.append(name)

    server_tls.sni_callback = remember

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0, ssl=server_tls)
    port = server.sockets[0].getsockname()[1]
    trusting = httpx.AsyncHTTPTransport(verify=ssl.create_default_context(cafile=cert_file))
    transport = GuardedTransport(ON_PREMISES, inner=trusting, resolver=dns("127.0.0.1"))
    try:
        async with httpx.AsyncClient(transport=transport) as http:
            response = await http.get(f"https://cal.acme.example:{port}/v2/slots")
        assert response.status_code == 200 and response.text == "ok"
        assert asked_for == ["cal.acme.example"]
        async with httpx.AsyncClient(transport=transport) as http:
            with pytest.raises(httpx.ConnectError):  # the certificate is for another name
                await http.get(f"https://evil.example:{port}/")
    finally:
        server.close()
        await server.wait_closed()
