"""domain/security/targets.py: the URLs a company sets are refused when they lead inside our
network, in any spelling, and when their name resolves there."""

from __future__ import annotations

import ipaddress

import pytest

from domain.security.targets import IPAddress, RefusedTarget, TargetPolicy
from tests.support.network import dns

STRICT = TargetPolicy(allow_private=False)  # production
ON_PREMISES = TargetPolicy(allow_private=True)  # ALLOW_PRIVATE_TARGETS, tests, `make run`

# What the probe of issue 13 got accepted as an alert URL and a Whaticket base URL.
INSIDE = [
    "http://127.0.0.1:6379",
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "http://[::1]:5432/",
    "http://2130706433/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://localhost:8080/api",
    "http://10.0.0.5:8080",
    # and their cousins
    "http://0x7f.1/",
    "http://0177.0.0.1/",
    "http://127.1/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[2002:7f00:1::]/",
    "http://0.0.0.0:8080/",
    "http://[::]/",
    "http://192.168.1.10/",
    "http://172.16.0.1/",
    "http://100.64.0.1/",  # carrier-grade NAT
    "http://[fd12:3456::1]/",
    "http://[fe80::1]/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",
    "http://100.100.100.200/latest/meta-data/",
    "http://[fd00:ec2::254]/",
    "http://metadata/",
    "http://api.localhost/",
    "http://whaticket.internal/",
    "http://printer.local/",
    "http://localhost./",
]
NEVER = [  # refused even on premises: no integration lives at these addresses
    "http://169.254.169.254/",
    "http://[::ffff:169.254.169.254]/",
    "http://metadata.google.internal/",
    "http://100.100.100.200/",
    "http://[fd00:ec2::254]/",
    "http://[fe80::1]/",
    "http://224.0.0.1/",
    "ftp://files.example.com/",
    "javascript:alert(document.cookie)",
    "file:///etc/passwd",
    "http:///nohost",
    "http://example.com:99999/",
]


@pytest.mark.parametrize("url", INSIDE)
async def test_urls_leading_inside_our_network_are_refused(url: str) -> None:
    with pytest.raises(RefusedTarget):
        await STRICT.vet(url, dns("93.184.215.14"))


@pytest.mark.parametrize("url", NEVER)
async def test_metadata_link_local_multicast_and_other_schemes_are_refused_even_on_premises(
    url: str,
) -> None:
    with pytest.raises(RefusedTarget):
        await ON_PREMISES.vet(url, dns("93.184.215.14"))


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:6379", "http://[::1]:5432/", "http://10.0.0.5", "http://localhost/"]
)
async def test_on_premises_installs_may_call_their_own_network(url: str) -> None:
    await ON_PREMISES.vet(url, dns("10.1.2.3"))


@pytest.mark.parametrize(
    "url",
    [
        "https://whaticket.acme.com.br",
        "https://api.cal.com/v2",
        "http://93.184.215.14:8080/hooks",
        "https://[2606:4700::1111]/",
    ],
)
async def test_public_http_and_https_urls_are_accepted(url: str) -> None:
    await STRICT.vet(url, dns("93.184.215.14"))


async def test_a_name_resolving_inside_our_network_is_refused() -> None:
    with pytest.raises(RefusedTarget):
        await STRICT.vet("https://hooks.acme.example/x", dns("127.0.0.1"))
    with pytest.raises(RefusedTarget):
        await ON_PREMISES.vet("https://hooks.acme.example/x", dns("169.254.169.254"))


async def test_a_name_with_one_address_inside_is_refused() -> None:
    async def both(host: str, port: int) -> list[IPAddress]:
        return [ipaddress.ip_address("93.184.215.14"), ipaddress.ip_address("10.0.0.1")]

    with pytest.raises(RefusedTarget):
        await STRICT.vet("https://hooks.acme.example/x", both)


async def test_a_name_that_does_not_resolve_now_may_be_saved() -> None:
    async def nxdomain(host: str, port: int) -> list[IPAddress]:
        raise OSError("Name or service not known")

    # Checked again when connecting (test_transport.py): a DNS outage must not block saving.
    await STRICT.vet("https://whaticket.acme.example", nxdomain)
