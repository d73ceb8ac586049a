"""Agenda › Importar histórico (issue 18, item 1): a company admin uploads a CSV and reads,
in Portuguese, what came in and why each refused line was refused; as the full page and as
the fragment htmx swaps; an operator cannot import; a file that cannot be read is explained."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from werkzeug.datastructures import FileStorage

from domain.agenda.models import Appointment
from tests.support import reads
from tests.support.factories import Cast
from tests.support.panel import HTMX, csrf, log_in

CSV = (
    "phone,name,start,end,booked_at,status,external_id\n"
    "11 98888-7777,Ana,2025-03-03 09:00,2025-03-03 09:30,2025-02-10,attended,p1\n"
    "11 98888-7777,Ana,03/04/2025 09:00,03/04/2025 08:00,2025-03-01,no_show,p2\n"
    "11 98888-7777,Ana,ontem,2025-04-04 09:30,2025-03-01,no_show,p3\n"
)


def _file(body: bytes, name: str = "historico.csv") -> dict[str, FileStorage]:
    return {"file": FileStorage(BytesIO(body), filename=name, content_type="text/csv")}


async def _post(client: Any, body: bytes, htmx: bool, name: str = "historico.csv") -> Any:
    token = await csrf(client, "/painel/agenda/importar")
    headers = {"X-CSRF-Token": token, **(HTMX if htmx else {})}
    return await client.post(
        "/painel/agenda/importar", files=_file(body, name), form={}, headers=headers
    )


async def test_an_admin_imports_a_csv_and_reads_each_refused_line_in_portuguese(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    await log_in(client, cast.owner, cast.password)
    agenda = await (await client.get("/painel/agenda")).get_data(as_text=True)
    assert 'href="/painel/agenda/importar"' in agenda
    page = await client.get("/painel/agenda/importar")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in await page.get_data(as_text=True)

    fragment = await _post(client, CSV.encode(), htmx=True)
    body = await fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and body.lstrip().startswith('<section id="import-result"')
    assert "1 agendamento(s) importado(s), 0 atualizado(s), 2 linha(s) recusada(s) de 3" in body
    assert "<td>3</td><td>o fim é antes do início</td>" in body
    assert "<td>4</td><td>start (início): data e hora inválidas" in body
    assert await reads.values(engine, Appointment.external_id, tenant=cast.a.company.id) == ["p1"]

    whole = await _post(client, CSV.encode(), htmx=False)
    text = await whole.get_data(as_text=True)
    assert "<h1>Importar histórico de agendamentos</h1>" in text
    assert "0 agendamento(s) importado(s), 1 atualizado(s)" in text


async def test_an_unreadable_file_is_explained_and_an_operator_cannot_import(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    await log_in(client, cast.owner, cast.password)
    latin = await _post(client, "nome;telefone\nAção;1\n".encode("latin-1"), htmx=True)
    assert latin.status_code == 400
    assert "CSV UTF-8" in await latin.get_data(as_text=True)
    header = await _post(client, b"phone,name\n1,2\n", htmx=True)
    assert "Faltam colunas" in await header.get_data(as_text=True)

    await client.post("/painel/logout", form={"csrf_token": await csrf(client, "/painel/agenda")})
    await log_in(client, cast.member, cast.password)
    assert (await client.get("/painel/agenda/importar")).status_code == 403
    agenda = await (await client.get("/painel/agenda")).get_data(as_text=True)
    assert "/painel/agenda/importar" not in agenda
    assert await reads.values(engine, Appointment.id, tenant=cast.a.company.id) == []
