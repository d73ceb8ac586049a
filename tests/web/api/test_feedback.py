"""The Pós-Atendimento API (G7): the answers with filters, their summary and the CSV export;
only the caller's company, and bad parameters refused with a 422 naming them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.feedback.models import FeedbackEvent
from domain.settings import Settings
from tests.support.agenda import Clinic
from tests.support.api import bearer
from tests.support.factories import Cast, change, configure
from tests.support.feedback import some_answers


@pytest.fixture
async def acme(engine: AsyncEngine, settings: Settings, cast: Cast, client: Any) -> Clinic:
    """The cast's company A on the local calendar, with one answer and one unanswered."""
    await configure(engine, cast.a.company.id, agenda={"local": True})
    clinic = Clinic(engine, settings, cast.a.company.id)
    await some_answers(client, clinic)
    return clinic


async def test_list_and_summary(client: Any, acme: Clinic, cast: Cast) -> None:
    member = await bearer(client, cast.member, cast.password)
    listed = await (await client.get("/api/feedback", headers=member)).get_json()
    [item] = listed["items"]
    assert (item["kind"], item["score"], item["sentiment"]) == ("csat", 5, "positive")
    assert item["comment"] == "Foi tudo ótimo, a doutora é um amor"
    assert item["customer"] == "Maria Souza" and item["professional"] == "Dra. Ana Lima"
    narrowed = await client.get("/api/feedback?kind=nps", headers=member)
    assert (await narrowed.get_json())["items"] == []
    low = await client.get("/api/feedback?min_score=1&max_score=2", headers=member)
    assert (await low.get_json())["count"] == 0
    summary = await (await client.get("/api/feedback/summary", headers=member)).get_json()
    assert (summary["sent"], summary["answered"], summary["response_rate"]) == (2, 1, 0.5)
    assert summary["csat"] == {"average": 5.0, "n": 1, "negative": 0}
    assert summary["nps"]["n"] == 0 and summary["nps"]["interval_shown"] is False
    assert summary["median_answer_seconds"] >= 0
    outsider = await bearer(client, cast.outsider, cast.password)
    theirs = await (await client.get("/api/feedback", headers=outsider)).get_json()
    assert theirs["items"] == []
    other = await client.get(f"/api/feedback?company_id={cast.a.company.id}", headers=outsider)
    assert other.status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        "kind=xyz",
        "min_score=abc",
        "min_score=-1",
        "max_score=11",
        "min_score=5&max_score=2",
        "since=2026-13-01",
        "since=1999-12-31",
        "since=2026-12-02&until=2026-12-01",
        "limit=0",
        "limit=100000",
        "offset=-1",
        "professional=" + "x" * 201,
        "company_id=0",
    ],
)
async def test_bad_filters_are_a_422_never_a_500(
    client: Any, acme: Clinic, cast: Cast, query: str
) -> None:
    member = await bearer(client, cast.member, cast.password)
    for path in ("/api/feedback", "/api/feedback/export"):
        response = await client.get(f"{path}?{query}", headers=member)
        assert response.status_code == 422, (path, query)
    summary = await client.get("/api/feedback/summary?days=0", headers=member)
    assert summary.status_code == 422


async def test_an_upside_down_range_names_its_later_end(
    client: Any, acme: Clinic, cast: Cast
) -> None:
    member = await bearer(client, cast.member, cast.password)
    for query, field in (
        ("since=2026-12-02&until=2026-12-01", "until"),
        ("min_score=5&max_score=2", "max_score"),
    ):
        body = await (await client.get(f"/api/feedback?{query}", headers=member)).get_json()
        assert (body["error"], body["field"]) == ("invalid_field", field)
    # Without `until` the period ends today: a `since` after it is as upside down, not an
    # empty 200.
    for path in ("/api/feedback", "/api/feedback/export"):
        late = await client.get(f"{path}?since=2099-12-31", headers=member)
        body = await late.get_json()
        assert late.status_code == 422 and (body["error"], body["field"]) == (
            "since_after_today",
            "since",
        )
    fine = await client.get("/api/feedback?since=2099-12-30&until=2099-12-31", headers=member)
    assert fine.status_code == 200


async def test_csv_export(client: Any, acme: Clinic, cast: Cast) -> None:
    member = await bearer(client, cast.member, cast.password)
    # A customer's words that a spreadsheet would run as a formula are quoted.
    await change(
        acme.engine, FeedbackEvent, FeedbackEvent.id > 0, tenant=acme.id, comment="=HYPERLINK(1)"
    )
    response = await client.get("/api/feedback/export?kind=csat", headers=member)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="pos-atendimento-acme.csv"' in response.headers["Content-Disposition"]
    # As the usage report's CSV: for a Brazilian spreadsheet, BOM, `;`, dd/mm/aaaa, Portuguese.
    raw = await response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, row = raw.decode("utf-8-sig").split("\r\n")[:2]
    assert header == (
        "Data;Pergunta;Nota;Sentimento;Comentário;Cliente;Telefone;Atendimento;Profissional"
    )
    day, rest = row.split(";", 1)
    assert re.fullmatch(r"\d\d/\d\d/20\d\d \d\d:\d\d", day), day
    assert rest.startswith("Satisfação;5;positivo;'=HYPERLINK(1);Maria Souza;")
    assert re.search(r";\d\d/\d\d/20\d\d \d\d:\d\d;Dra\. Ana Lima$", row), row
    assert "positive" not in raw.decode("utf-8-sig")
    none = await client.get("/api/feedback/export?max_score=1", headers=member)
    assert (await none.get_data()).decode("utf-8-sig").strip().count("\n") == 0
