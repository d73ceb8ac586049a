"""Telling a job's failure that retrying cannot cure (its data) from one that it can (a system
that did not answer), so a poison job goes to the dead letters at once instead of failing six
times over four minutes while its customer waits."""

from __future__ import annotations

from domain.errors import InvalidInput

# PostgreSQL's SQLSTATE classes about the values themselves: 22 data exception (too long, out
# of range, bad encoding, NUL), 23 integrity (not null, check), 54 program limit exceeded.
_DATA_CLASSES = ("22", "23", "54")
# ... except integrity errors a concurrent writer can cause, which a retry resolves.
_RACES = ("23505", "23503", "23P01")  # unique, foreign key, exclusion
# Python errors raised on a value by our own code or a library reading it. Not RuntimeError,
# OSError or TimeoutError: those are what systems that did not answer raise.
_VALUE_ERRORS = (ValueError, TypeError, LookupError, ArithmeticError, RecursionError)


def data_fault(error: BaseException) -> str | None:
    """A one-line reason when `error` comes from the data a job carries (the same data fails
    the same way on every retry), else None."""
    # The innermost database error (asyncpg's own, under SQLAlchemy's wrappers) decides.
    for cause in reversed(_causes(error)):
        state = getattr(cause, "sqlstate", None)
        if isinstance(state, str) and len(state) == 5:
            if state.startswith(_DATA_CLASSES) and state not in _RACES:
                return _line(cause)
            return None  # a database error about something else: connection, lock, schema
    if isinstance(error, InvalidInput):
        return error.message
    if isinstance(error, _VALUE_ERRORS):
        return _line(error)
    return None


def _causes(error: BaseException) -> list[BaseException]:
    """`error` and what it wraps (SQLAlchemy's `orig`, explicit causes), innermost last."""
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return seen


def describe(error: BaseException) -> str:
    """The error's type and its message's first line (SQLAlchemy's next lines are the SQL and
    its parameters): what an operator reads in the Filas tab."""
    text = (str(error).strip().splitlines() or [""])[0]
    return f"{type(error).__name__}: {text}"[:300]


_line = describe
