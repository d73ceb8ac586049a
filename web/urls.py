"""Absolute URLs the product shows people (invitation links, webhook addresses)."""

from __future__ import annotations

from quart import request


def public_url(path: str = "") -> str:
    """`path` on this site as the person's browser reached it (the request's own scheme and
    host), so a link works whatever the port or host; a configured public base URL, when
    there is one, is meant to take precedence here."""
    return request.host_url.rstrip("/") + path
