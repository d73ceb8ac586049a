"""POST /api/agenda/import (issue 18, item 1): a clinic's history in, as CSV or JSON; the good
rows imported, each bad one reported with its line and reason, a second import of the same
external_id an update; only a company admin of the company; bad files refused with a 4xx."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda.models import Appointment
from tests.support.api import bearer
from tests.support.factories import Cast
from tests.support.reads import rows

HEADER = "phone,name,start,end,booked_at,status,service,professional,external_id"
CSV = "\n".join(
    [
        HEADER,
        "11 98888-7777,Ana,2025-03-03 09:00,2025-03-03 09:30,2025-02-10,attended,Limpeza,Dra. Lia,a1",
        "11 98888-7777,Ana,2025-04-07 09:00,2025-04-07 09:30,2025-03-01,no_show,Limpeza,Dra. Lia,a2",
        "+55 21 97777-6666,Bruno,04/03/2025 14:00,04/03/2025 14:45,01/03/2025,cancelled,,,a3",
        "11 98888-7777,Ana,2025-05-05 09:00,2025-05-05 08:30,2025-05-01,attended,,,a4",  # ends first
        "12,Caio,2025-05-05 09:00,2025-05-05 09:30,2025-05-01,attended,,,a5",  # no phone
        "11 98888-7777,Ana,2025-05-06 09:00,2025-05-06 09:30,2025-05-01,maybe,,,a6",  # status
        "11 98888-7777,Ana,amanhã,2025-05-06 09:30,2025-05-01,attended,,,a7",  # odd date
        "11 98888-7777,Ana,2025-05-06 09:00,2025-05-06 09:30,2025-05-07,attended,,,a8",  # booked after
        "11 98888-7777,Ana,2025-05-09 09:00,2025-05-09 09:30,2025-05-01,attended,,,a1",  # repeats a1
        "11 98888-7777,Ana,2025-05-09 09:00",  # too few cells
    ]
)


async def _import(client: Any, headers: dict[str, str], body: bytes, kind: str) -> Any:
    return await client.post(
        "/api/agenda/import", data=body, headers=headers | {"Content-Type": kind}
    )


async def test_imports_good_rows_and_reports_each_bad_one_with_its_line(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    owner = await bearer(client, cast.owner, cast.password)
    answer = await _import(client, owner, CSV.encode(), "text/csv")
    assert answer.status_code == 200
    report = await answer.get_json()
    assert (report["received"], report["imported"], report["updated"]) == (10, 3, 0)
    assert [(r["line"], r["field"]) for r in report["rejected"]] == [
        (5, "end"),
        (6, "phone"),
        (7, "status"),
        (8, "start"),
        (9, "booked_at"),
        (10, "external_id"),
        (11, None),
    ]
    stored = await rows(
        engine,
        Appointment.external_id,
        Appointment.phone,
        Appointment.status,
        Appointment.source,
        Appointment.created_at,
        Appointment.start_at,
        Appointment.service,
        tenant=cast.a.company.id,
        order_by=Appointment.external_id,
    )
    assert [(r.external_id, r.phone, r.status, r.source) for r in stored] == [
        ("a1", "5511988887777", "completed", "import"),
        ("a2", "5511988887777", "no_show", "import"),
        ("a3", "5521977776666", "cancelled", "import"),
    ]
    # Local times of the company (São Paulo, -03:00); booked_at is the row's created_at.
    assert stored[0].start_at == datetime(2025, 3, 3, 12, 0, tzinfo=UTC)
    assert stored[0].created_at == datetime(2025, 2, 10, 3, 0, tzinfo=UTC)
    assert stored[0].service == "Limpeza"


async def test_a_second_import_updates_instead_of_duplicating(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    owner = await bearer(client, cast.owner, cast.password)
    future = (datetime.now(UTC) + timedelta(days=10)).replace(microsecond=0)
    row = {
        "phone": "5511988887777",
        "name": "Ana",
        "start": future.isoformat(),
        "end": (future + timedelta(minutes=30)).isoformat(),
        "booked_at": (future - timedelta(days=20)).isoformat(),
        "status": "scheduled",
        "external_id": "x-1",
    }
    other = row | {"external_id": "x-2", "name": "Bia", "phone": "5511977776666"}
    body = orjson.dumps({"appointments": [row, other]})
    first = await (await _import(client, owner, body, "application/json")).get_json()
    assert (first["imported"], first["updated"]) == (2, 0)
    moved = row | {"status": "cancelled"}
    again = orjson.dumps({"appointments": [moved, other]})
    second = await (await _import(client, owner, again, "application/json")).get_json()
    assert (second["imported"], second["updated"], second["rejected"]) == (0, 2, [])
    stored = await rows(
        engine, Appointment.external_id, Appointment.status, tenant=cast.a.company.id
    )
    assert sorted(tuple(r) for r in stored) == [("x-1", "cancelled"), ("x-2", "scheduled")]
    # A future appointment cannot have happened yet.
    early = orjson.dumps({"appointments": [row | {"status": "attended", "external_id": "x-3"}]})
    refused = await (await _import(client, owner, early, "application/json")).get_json()
    assert refused["rejected"][0]["field"] == "status"


async def test_overlapping_imported_appointments_are_all_kept(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    """Two professionals at the same time: the former system's calendar, not ours."""
    owner = await bearer(client, cast.owner, cast.password)
    future = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    rows_ = [
        {
            "phone": f"55119888877{n:02d}",
            "name": "X",
            "start": future.isoformat(),
            "end": (future + timedelta(hours=1)).isoformat(),
            "booked_at": (future - timedelta(days=5)).isoformat(),
            "status": "scheduled",
            "professional": f"Dr. {n}",
        }
        for n in range(3)
    ]
    answer = await _import(client, owner, orjson.dumps({"appointments": rows_}), "application/json")
    assert (await answer.get_json())["imported"] == 3


async def test_only_a_company_admin_imports_and_only_into_their_company(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    member = await bearer(client, cast.member, cast.password)
    assert (await _import(client, member, CSV.encode(), "text/csv")).status_code == 403
    outsider = await bearer(client, cast.outsider, cast.password)
    foreign = await client.post(
        f"/api/agenda/import?company_id={cast.a.company.id}",
        data=CSV.encode(),
        headers=outsider | {"Content-Type": "text/csv"},
    )
    assert foreign.status_code == 403
    assert await rows(engine, Appointment.id, tenant=cast.a.company.id) == []


async def test_files_that_cannot_be_read_are_refused_with_a_4xx(client: Any, cast: Cast) -> None:
    owner = await bearer(client, cast.owner, cast.password)
    bad: list[tuple[bytes, str, int, str]] = [
        (b"phone;nome\n1;2", "text/csv", 400, "missing_columns"),
        (CSV.encode("utf-16"), "text/csv", 400, "not_utf8"),
        ("Ação".encode("latin-1") + b"\n", "text/csv", 400, "not_utf8"),
        (b"", "text/csv", 400, "empty_file"),
        (b"   \n", "text/csv", 400, "empty_file"),
        (HEADER.encode() + b"\n", "text/csv", 400, "empty_file"),
        (b'{"appointments": [1, 2]}', "application/json", 422, "invalid_field"),
        (b"[{}]", "application/json", 400, "invalid_json"),
        (b'{"appointments": []}', "application/json", 422, "invalid_field"),
        (b'{"appointments": [{"phone": 5511988887777}]}', "application/json", 422, "invalid_field"),
        (b'{"appointments": [', "application/json", 400, "invalid_json"),
        (b"[" * 5000 + b"]" * 5000, "application/json", 400, "too_deep"),
        (b"x" * (1024 * 1024 + 1), "text/csv", 413, "request_entity_too_large"),
    ]
    for body, kind, status, code in bad:
        answer = await _import(client, owner, body, kind)
        assert answer.status_code == status, (body[:40], await answer.get_data(as_text=True))
        assert (await answer.get_json())["error"] == code, body[:40]


async def test_fuzzed_rows_are_rejected_one_by_one_never_a_500(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    """Seeded garbage in every cell of otherwise good rows: each row is imported whole or
    reported, the counts add up, and nothing half-written is left."""
    rng = random.Random(18)
    junk = [
        "",
        " ",
        "null",
        "2025-02-30 10:00",
        "9999-01-01T00:00",
        "1999-12-31T23:00",
        "2025-03-01T25:00",
        "-1",
        "x" * 300,
        "💥",
        "\u202e",
        "=cmd|' /C calc'!A0",
        "2025-03-01T09:00+25:00",
        "NaN",
        "a\x00b",
        "0",
    ]
    good = [
        "5511988887777",
        "Ana",
        "2025-03-03T09:00",
        "2025-03-03T09:30",
        "2025-02-01",
        "attended",
    ]
    lines = [HEADER]
    for n in range(200):
        cells = [*good, "Limpeza", "Dra. Lia", f"f{n}"]
        for _ in range(rng.randint(0, 2)):
            cells[rng.randrange(len(cells))] = rng.choice(junk)
        lines.append(",".join(f'"{c}"' for c in cells))
    answer = await _import(
        client,
        await bearer(client, cast.owner, cast.password),
        "\n".join(lines).encode(),
        "text/csv",
    )
    assert answer.status_code == 200, await answer.get_data(as_text=True)
    report = await answer.get_json()
    assert report["imported"] + report["rejected_count"] == 200
    assert 0 < report["rejected_count"] < 200
    assert all(r["line"] >= 2 and r["reason"] for r in report["rejected"])
    stored = await rows(engine, Appointment, tenant=cast.a.company.id)
    assert len(stored) == report["imported"]
    assert all(r.phone and r.start_at < r.end_at and r.created_at <= r.start_at for r in stored)
