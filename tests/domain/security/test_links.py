"""domain/security/links.py: a link from outside data is shown only when it is http(s)."""

from __future__ import annotations

import pytest

from domain.security.links import safe_link


@pytest.mark.parametrize(
    "url",
    ["https://meet.google.com/abc-defg-hij", "http://cal.example.com/video/x?y=1", "HTTPS://X.IO/"],
)
def test_http_and_https_links_are_kept(url: str) -> None:
    assert safe_link(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "/\\evil.example",
        "https:\\\\evil.example",
        "https://",
        "meet.example/x",
        "",
        None,
        42,
        "https://x.example/" + "a" * 3000,
    ],
)
def test_anything_else_is_no_link(url: object) -> None:
    assert safe_link(url) is None
