"""Which failures are the data's (no retry can cure them) and which a retry may cure."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import InvalidInput
from domain.operations.faults import data_fault


async def failure(engine: AsyncEngine, *statements: str, **params: Any) -> BaseException:
    """What SQLAlchemy raises for `statements` on a scratch table (rolled back)."""
    async with engine.connect() as conn:
        await conn.execute(text("CREATE TEMP TABLE t (v varchar(2), n int, u int UNIQUE)"))
        try:
            for statement in statements:
                await conn.execute(text(statement), params)
        except Exception as error:
            return error
    raise AssertionError("no failure")


@pytest.mark.parametrize(
    ("statements", "params", "says"),
    [
        (["INSERT INTO t (v) VALUES (:v)"], {"v": "abc"}, "value too long"),
        (["INSERT INTO t (v) VALUES (:v)"], {"v": "a\x00"}, "0x00"),
        (["INSERT INTO t (n) VALUES (:n)"], {"n": 2**40}, "int32"),
        (["SELECT 'x'::int"], {}, "invalid input syntax"),
    ],
)
async def test_what_the_values_cause_is_a_data_fault(
    engine: AsyncEngine, statements: list[str], params: dict[str, Any], says: str
) -> None:
    reason = data_fault(await failure(engine, *statements, **params))
    assert reason is not None and says in reason


@pytest.mark.parametrize(
    "statements",
    [
        ["INSERT INTO t (u) VALUES (1)", "INSERT INTO t (u) VALUES (1)"],  # a race, retried
        ["SELECT * FROM missing_table"],  # the schema, not the data
    ],
)
async def test_what_a_retry_may_cure_is_not(engine: AsyncEngine, statements: list[str]) -> None:
    assert data_fault(await failure(engine, *statements)) is None


def test_our_own_refusals_and_python_value_errors_are_data_faults() -> None:
    assert data_fault(InvalidInput("key.id is too long")) == "key.id is too long"
    assert data_fault(ValueError("bad")) == "ValueError: bad"
    assert data_fault(RecursionError("deep")) == "RecursionError: deep"
    for transient in (ConnectionError("down"), TimeoutError(), OSError(), RuntimeError("queue")):
        assert data_fault(transient) is None
