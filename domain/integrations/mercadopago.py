"""Mercado Pago API client: the status of a subscription (preapproval) or a payment, which
its webhook notifications do not carry."""

from __future__ import annotations

from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class MercadoPagoConfig:
    base_url: str
    access_token: str


class MercadoPagoUnavailable(Exception):
    """The API could not answer now; the notification must be retried by the provider."""


PATHS = {"preapproval": "/preapproval/{id}", "payment": "/v1/payments/{id}"}


async def resource_status(
    http: httpx.AsyncClient, config: MercadoPagoConfig, resource: str, resource_id: str
) -> str | None:
    """The resource's `status`, or None when Mercado Pago does not know it (404)."""
    url = config.base_url.rstrip("/") + PATHS[resource].format(id=resource_id)
    try:
        response = await http.get(
            url, headers={"Authorization": f"Bearer {config.access_token}"}, timeout=10.0
        )
    except httpx.HTTPError as error:
        raise MercadoPagoUnavailable(f"{type(error).__name__}: {error}") from None
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        raise MercadoPagoUnavailable(f"HTTP {response.status_code}")
    status = response.json().get("status")
    return str(status) if status is not None else None
