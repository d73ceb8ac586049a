"""O3: JSON log lines; correlation id from the webhook into the job; phones and secrets masked."""

from __future__ import annotations

import contextlib
import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.observability.logging import get_logger, mask_value
from tests.support.factories import MakeCompany
from tests.support.waiting import eventually
from tests.support.webhooks import fixture_bytes, post_webhook, text_body


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("phone", "5511999999999", "*********9999"),
        ("number", "5511999999999@s.whatsapp.net", "*********9999"),
        ("event", "from 5511999999999@s.whatsapp.net", "from *********9999@s.whatsapp.net"),
        ("event", "call +5511988887777 now", "call +*********7777 now"),
        ("event", "queued at 1764017836725", "queued at 1764017836725"),
        ("webhook_secret", "abc", "***"),
        ("Authorization", "Bearer xyz", "***"),
        ("api_token", "t", "***"),
    ],
)
def test_masks_phone_numbers_and_secrets(key: str, value: str, expected: str) -> None:
    assert mask_value(key, value) == expected


def test_masks_inside_nested_values() -> None:
    assert mask_value("data", {"to": "5511999999999", "password": "p", "n": 1}) == {
        "to": "*********9999",
        "password": "***",
        "n": 1,
    }


def json_lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


@contextlib.contextmanager
def teed_logs() -> Iterator[io.StringIO]:
    """What the configured JSON handler writes (web and worker log through the root)."""
    root = logging.getLogger()
    buffer = io.StringIO()
    tee = logging.StreamHandler(buffer)
    tee.setFormatter(root.handlers[0].formatter)
    root.addHandler(tee)
    try:
        yield buffer
    finally:
        root.removeHandler(tee)


PRIVATE_PHONE = "5511976543210"
PRIVATE_TEXT = "meu exame de sangue deu alterado"


async def drop_column(engine: AsyncEngine, company_id: int, table: str, column: str) -> None:
    """SQL on purpose: a statement naming the column then fails in the database, with the
    customer's values as its parameters."""
    async with engine.begin() as conn:
        await conn.execute(text(f"ALTER TABLE tenant_{company_id}.{table} DROP COLUMN {column}"))


async def test_a_statement_failing_at_the_webhook_logs_no_phone_and_no_text(
    client: Any, make_company: MakeCompany, engine: AsyncEngine
) -> None:
    acme = await make_company("acme")
    # The webhook's insert names every column: its phone, text and payload are parameters.
    await drop_column(engine, acme.company.id, "messages", "kind")
    with teed_logs() as logs:
        response = await post_webhook(client, text_body("p1", PRIVATE_TEXT, number=PRIVATE_PHONE))
    assert response.status_code == 500  # a broken database, not bad input
    written = logs.getvalue()
    assert "unhandled_error" in written and "messages" in written  # the failure is logged
    assert PRIVATE_PHONE not in written and PRIVATE_TEXT not in written


async def test_a_job_failing_in_the_database_logs_no_phone_and_no_text(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, worker: Any
) -> None:
    acme = await make_company("acme")
    await drop_column(engine, acme.company.id, "contacts", "lid")  # filing upserts the contact
    with teed_logs() as logs:
        body = text_body("p2", PRIVATE_TEXT, number=PRIVATE_PHONE, pushName="Maria Souza")
        assert (await post_webhook(client, body)).status_code == 202

        async def failed() -> bool:
            return "Error processing job" in logs.getvalue()

        await eventually(failed)
    written = logs.getvalue()
    assert "contacts" in written  # SAQ logged the failure with its traceback
    assert PRIVATE_PHONE not in written and PRIVATE_TEXT not in written
    assert "Maria Souza" not in written


async def test_correlation_id_travels_from_webhook_to_job_and_phone_is_masked(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, worker: Any
) -> None:
    # Tee what the configured JSON handler writes (web and worker log through the root).
    root = logging.getLogger()
    buffer = io.StringIO()
    tee = logging.StreamHandler(buffer)
    tee.setFormatter(root.handlers[0].formatter)
    root.addHandler(tee)
    await make_company("acme")
    body = fixture_bytes("inbound_text.json")
    response = await post_webhook(client, body, **{"X-Correlation-ID": "abc-42"})
    assert response.status_code == 202
    seen: list[dict[str, Any]] = []

    async def job_logged() -> bool:
        seen[:] = json_lines(buffer.getvalue())
        return any(line.get("event") == "inbound_processed" for line in seen)

    try:
        await eventually(job_logged)
    finally:
        root.removeHandler(tee)
    request = next(line for line in seen if line.get("event") == "request")
    filed = next(line for line in seen if line.get("event") == "inbound_processed")
    assert request["correlation_id"] == filed["correlation_id"] == "abc-42"
    assert request["status"] == 202 and request["method"] == "POST"
    assert filed["company_id"] == request["company_id"]
    assert all("5511999999999" not in json.dumps(line) for line in seen)


def test_log_lines_are_json(capsys: pytest.CaptureFixture[str]) -> None:
    from domain.observability.logging import configure_logging

    configure_logging("INFO", json=True)
    get_logger("t").info("hello", phone="5511999999999", secret="s")
    [line] = json_lines(capsys.readouterr().out)
    assert line["event"] == "hello" and line["level"] == "info"
    assert line["phone"] == "*********9999" and line["secret"] == "***"
    assert "timestamp" in line
