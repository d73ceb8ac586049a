"""Static files go compressed when the browser accepts it, and are cached: a year under a
versioned URL, revalidated (304) by ETag otherwise."""

from __future__ import annotations

import gzip
import re
from typing import Any

from tests.support.paths import ROOT

PLOTLY = "/static/plotly.min.js"


async def test_plotly_goes_gzipped_under_one_and_a_half_megabytes(client: Any) -> None:
    plain = (ROOT / "web/static/plotly.min.js").read_bytes()
    response = await client.get(PLOTLY, headers={"Accept-Encoding": "gzip, deflate, br"})
    body = await response.get_data()
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    assert len(body) < 1_500_000 and len(plain) > 4_000_000
    assert gzip.decompress(body) == plain
    assert response.headers["Vary"] == "Accept-Encoding"
    assert response.content_type.startswith(("text/javascript", "application/javascript"))


async def test_a_client_without_gzip_gets_the_file_as_is(client: Any) -> None:
    response = await client.get("/static/app.css", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers
    assert await response.get_data() == (ROOT / "web/static/app.css").read_bytes()


async def test_content_codings_are_read_without_regard_to_case(client: Any) -> None:
    response = await client.get("/static/app.css", headers={"Accept-Encoding": "GZIP"})
    assert response.headers["Content-Encoding"] == "gzip"


async def test_pages_link_versioned_files_cached_for_a_year(client: Any) -> None:
    page = await (await client.get("/painel/login")).get_data(as_text=True)
    url = re.search(r'href="(/static/app\.css\?v=[0-9a-f]{12})"', page)
    assert url, page
    response = await client.get(url.group(1), headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


async def test_an_unversioned_url_is_revalidated_with_its_etag(client: Any) -> None:
    first = await client.get(PLOTLY, headers={"Accept-Encoding": "gzip"})
    assert first.headers["Cache-Control"] == "public, no-cache"
    etag = first.headers["ETag"]
    again = await client.get(PLOTLY, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304 and await again.get_data() == b""
    # The plain form has its own tag: a cache never serves gzip to a client that did not ask.
    plain = await client.get(PLOTLY, headers={"If-None-Match": etag})
    assert plain.status_code == 200 and plain.headers["ETag"] != etag


async def test_a_file_we_do_not_have_is_404(client: Any) -> None:
    for name in ("nada.js", "../web/app.py", "x" * 5000):
        assert (await client.get(f"/static/{name}")).status_code == 404, name


async def test_the_home_page_links_to_the_panel(client: Any) -> None:
    page = await (await client.get("/")).get_data(as_text=True)
    assert 'href="/painel">Entrar no painel</a>' in page
