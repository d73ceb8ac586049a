"""Odd numbers and dates in the panel's paths, queries and forms (a probe's findings): ids past
their column, digits of other scripts and dates at the calendar's edges are a 4xx, never a
500 and never a row reached by another spelling of its id."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.factories import Cast
from tests.support.panel import csrf, log_in

USERS = "/painel/configuracoes/usuarios"


@pytest.mark.parametrize(
    "query",
    [
        "/painel/agenda/semana?de=9999-12-31",
        "/painel/agenda/semana?de=0001-01-01",
        "/painel/agenda/semana?de=0001-01-03",
        "/painel/agenda?from=9999-12-31",
        "/painel/agenda?view=day&from=9999-12-31",
        "/painel/agenda?to=0001-01-01",
    ],
)
async def test_a_date_at_the_calendar_s_edge_is_a_field_error(
    client: Any, cast: Cast, query: str
) -> None:
    await log_in(client, cast.owner, cast.password)
    answer = await client.get(query)
    assert answer.status_code == 422
    assert "2000" in await answer.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        f"{USERS}/2147483648/papel",
        f"{USERS}/99999999999999999999/desativar",
        f"{USERS}/%D9%A3/desativar",  # "٣", an Arabic-Indic three
        "/painel/agenda/%D9%A1/editar",
        "/painel/agenda/%D9%A1/cancelar",
    ],
)
async def test_an_id_past_its_column_or_in_another_script_names_nothing(
    client: Any, cast: Cast, path: str
) -> None:
    await log_in(client, cast.owner, cast.password)
    token = await csrf(client, USERS)
    answer = await client.post(path, form={"csrf_token": token, "role": "operator"})
    assert answer.status_code == 404


@pytest.mark.parametrize("company", ["2147483648", "999999999999999999", "²", "-1", ""])
async def test_the_company_switcher_refuses_a_number_that_names_no_company(
    client: Any, cast: Cast, company: str
) -> None:
    await log_in(client, cast.owner, cast.password)
    token = await csrf(client, "/painel/conversas")
    answer = await client.post("/painel/empresa", form={"csrf_token": token, "company_id": company})
    assert 400 <= answer.status_code < 500
