"""Security headers on every response (issue 13): a Content-Security-Policy without inline
script, no framing, no MIME sniffing, no panel URLs leaking to other sites, and HSTS when
the site is served over https.

The panel's policy allows scripts and styles from our own origin only. htmx is told (base.html)
not to inject its indicator <style> nor evaluate attribute code. plotly.js injects two <style>
elements, allowed by their hashes rather than with 'unsafe-inline': an empty one it fills
with CSSOM calls (which CSP does not govern), and the map library's fixed stylesheet. SAQ's
dashboard (saq_dashboard.py) is a foreign app with one inline script of its own, allowed by
its hash."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable

from quart import Quart, Response, request

from domain.settings import Settings


def source_hash(text: str) -> str:
    """A CSP source allowing exactly the inline element whose content is `text`."""
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def policy(scripts: Iterable[str] = (), styles: Iterable[str] = ()) -> str:
    """Our origin only, plus the given inline elements (as `source_hash`es)."""
    return "; ".join(
        [
            "default-src 'self'",
            " ".join(["script-src 'self'", *scripts]),
            " ".join(["style-src 'self'", *styles]),
            "img-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


# The maplibre stylesheet inside web/static/plotly.min.js (v4.1.1): a new plotly.js needs its
# new hash (tests/browser/test_content_security_policy.py fails until it is here).
PLOTLY_MAP_STYLES = "'sha256-ji27qzEtxXZW+7dun6UwjHXJ18e6WAin1VvNtkzIE/o='"
PANEL_POLICY = policy(styles=[source_hash(""), PLOTLY_MAP_STYLES])
HSTS = "max-age=31536000"


def headers(settings: Settings, https: bool, csp: str = PANEL_POLICY) -> dict[str, str]:
    """The security headers of one response."""
    found = {
        "Content-Security-Policy": csp,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        # Panel URLs name conversations and companies: other sites get no path of ours.
        "Referrer-Policy": "same-origin",
    }
    if https or (settings.public_base_url or "").startswith("https://"):
        found["Strict-Transport-Security"] = HSTS
    return found


def install(app: Quart, settings: Settings) -> None:
    """Every response of the app gets the headers."""

    @app.after_request
    async def secure(response: Response) -> Response:
        for name, value in headers(settings, request.scheme == "https").items():
            response.headers.setdefault(name, value)
        return response
