"""The addresses the product shows (webhook URLs in Empresas, Configurações, the API): from
PUBLIC_BASE_URL when set, else from the request itself, so a clinic never copies
`http://localhost:8080/…` while the panel runs on another host or port."""

from __future__ import annotations

from quart import request

from domain.settings import Settings


def public_base(settings: Settings) -> str:
    """Scheme and host (no trailing slash) that outside systems reach us at."""
    if settings.public_base_url:
        return settings.public_base_url.rstrip("/")
    return request.host_url.rstrip("/")


def public_url(settings: Settings, path: str) -> str:
    """`path` (starting with /) as an absolute URL at our public address."""
    return public_base(settings) + path
