"""Links that come from outside (Cal.com's meeting URL, anything customers or integrations
send) are shown as links only when they are plain http(s) URLs: a `javascript:` or `data:`
URL in an href runs in the panel's origin when an operator clicks it."""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_LENGTH = 2000


def safe_link(url: object) -> str | None:
    """`url` when it is an absolute http(s) URL with a host; None for anything else."""
    if not isinstance(url, str) or not url or len(url) > MAX_LENGTH:
        return None
    # Browsers drop tabs and newlines and trim spaces before reading the scheme
    # ("java\tscript:"): such characters never belong in a link we show.
    if any(c <= " " or c == "\x7f" or c == "\\" for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url
