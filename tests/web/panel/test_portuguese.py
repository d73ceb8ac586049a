"""No English a clinic can see: every tab of the panel (as the platform admin acting in a
company, so every tab exists), the home page, the login and the error pages, scanned for
common English words in their visible text and in what screen readers and inputs show."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.factories import Cast
from tests.support.panel import HTMX, htmx_headers, log_in

# Common English words that are no Portuguese word (nor part of the product's names).
ENGLISH = re.compile(
    r"\b(the|this|that|is|are|and|with|your|please|error|errors|failed|pending|sent|"
    r"reminder|reminders|saved|save|cancel|canceled|cancelled|delete|loading|settings|"
    r"not found|invalid|taken|queued|scheduled|completed|confirmed|no_show|handoff|"
    r"customer_request|unsupported_request|open|closed|submit|back|home|yes|"
    r"internal server error|method not allowed|forbidden|unauthorized|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"jan|feb|apr|may|aug|sep|oct|dec)\b",
    re.IGNORECASE,
)
SHOWN_ATTRIBUTES = ("aria-label", "placeholder", "title", "alt")


class VisibleText(HTMLParser):
    """What a person sees or hears: text outside <script>/<style> and a few attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts += [value or "" for name, value in attrs if name in SHOWN_ATTRIBUTES]
        if tag in ("input", "button") and dict(attrs).get("type") in ("submit", "button"):
            self.parts.append(dict(attrs).get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


# A setting's key as stored ("secretary.name") is no label either.
RAW_KEYS = re.compile(r"(?<![/.\w])(secretary|whaticket|gemini|agenda|calcom)\.[a-z_]+(?![.\w])")


def english_in(page: str) -> list[str]:
    parser = VisibleText()
    parser.feed(page)
    text = " ".join(parser.parts)
    found = {m.group(0) for m in ENGLISH.finditer(text)} | {
        m.group(0) for m in RAW_KEYS.finditer(text)
    }
    return sorted(found)


def test_the_scanner_finds_english() -> None:
    assert english_in("<p>Reminder sent</p><input placeholder='Your name'>") == [
        "Reminder",
        "Your",
        "sent",
    ]
    assert english_in("<script>var the = 1</script><p>Lembrete enviado</p>") == []


PAGES = (
    "/painel/conversas",
    "/painel/conversas?status=handoff",
    "/painel/conversas?origem=simulacao",
    "/painel/agenda",
    "/painel/simulador",
    "/painel/analytics",
    "/painel/empresas",
    "/painel/filas",
    "/painel/configuracoes",
    "/painel/nada-aqui",  # the 404 page
)


@pytest.mark.parametrize("path", PAGES)
async def test_panel_pages_show_no_english(
    client: Any, engine: AsyncEngine, cast: Cast, conversation: int, path: str
) -> None:
    a = cast.a.company.id
    await log_in(client, cast.admin, cast.password, company_id=str(a))
    # A handed-off conversation shows its reason; a saved setting says what was saved.
    headers = await htmx_headers(client, "/painel/conversas")
    await client.post(f"/painel/conversas/{conversation}/assumir", headers=headers)
    saved = await client.post(
        "/painel/configuracoes",
        form={"secretary_name": "Ana", "business_hours": "seg-sex 8h-18h"},
        headers={"X-CSRF-Token": headers["X-CSRF-Token"]},
    )
    shown = await saved.get_data(as_text=True)
    assert saved.status_code == 200 and english_in(shown) == []
    assert "Configurações salvas: nome da secretária, tom da secretária, horário de" in shown
    for url in (path, f"/painel/conversas/{conversation}"):
        response = await client.get(url)
        page = await response.get_data(as_text=True)
        assert response.content_type.startswith("text/html"), (url, response.content_type)
        assert english_in(page) == [], url


async def test_home_login_and_refusals_show_no_english(client: Any, cast: Cast) -> None:
    for url in ("/", "/painel/login"):
        assert english_in(await (await client.get(url)).get_data(as_text=True)) == [], url
    await log_in(client, cast.member, cast.password)
    refusals = [
        await client.get("/painel/empresas"),  # an operator: 403
        await client.post("/painel/conversas/1/assumir"),  # no CSRF token
        await client.get("/painel/conversas/999999", headers=HTMX),
        await client.delete("/painel/conversas"),  # 405
    ]
    for response in refusals:
        page = await response.get_data(as_text=True)
        assert response.status_code >= 400 and response.content_type.startswith("text/html")
        assert english_in(page) == [], page
