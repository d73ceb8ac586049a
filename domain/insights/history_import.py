"""A clinic's appointment history in (issue 18, item 1): a CSV or JSON file (UTF-8) of past and
future appointments, validated row by row. The good rows go into the agenda's own
`appointments` table (source "import"), so the no-show model reads imported and live history
alike; each bad row is reported with its line and the reason, and none is half imported (a row
is one INSERT). A row with an `external_id` already imported is updated, not duplicated.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import Table, func, literal_column
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.agenda.models import IMPORT_PREFIX, IMPORTED, Appointment
from domain.agenda.phones import e164_digits
from domain.db import bind_tenant
from domain.errors import InvalidField, InvalidInput
from domain.insights.schemas import MAX_ROWS, HistoryFile
from domain.operations.audit import record
from domain.webhooks.bounds import EARLIEST, LATEST, clean_text, decode_json

_appointments = cast(Table, Appointment.__table__)

# The app refuses bodies over 1 MiB anyway (web/app.py); ~10,000 rows of a typical export.
# Longer histories come in several files: a second import of a row is an update.
MAX_BYTES = 1024 * 1024
MAX_REPORTED = 500  # rejected rows listed in the answer; the count covers them all
REQUIRED = ("phone", "name", "start", "end", "booked_at", "status")
OPTIONAL = ("service", "professional", "external_id")
# The file's words, and the agenda's.
STATUSES = {
    "attended": "completed",
    "no_show": "no_show",
    "cancelled": "cancelled",
    "scheduled": "scheduled",
}
LONGEST = timedelta(hours=24)  # one appointment, not a stay
_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y")  # Brazilian spreadsheets
_CHUNK = 1000
_BROKEN = "\x00broken"  # a row refused before validation (a key no file can hold: NUL)


class HistoryRow(BaseModel):
    """One appointment of the file, its times already aware (see `_moment`)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    phone: str = Field(max_length=64)
    name: str | None = Field(default=None, max_length=200)
    start: datetime
    end: datetime
    booked_at: datetime
    status: Literal["attended", "no_show", "cancelled", "scheduled"]
    service: str | None = Field(default=None, max_length=200)
    professional: str | None = Field(default=None, max_length=200)
    external_id: str | None = Field(default=None, max_length=100)

    @field_validator("name", "service", "professional", "external_id", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("status", mode="before")
    @classmethod
    def _status_word(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value


@dataclass
class Rejected:
    line: int
    reason: str  # in English, for programs and logs
    field: str | None = None
    code: str = "invalid"  # what the panel words in Portuguese

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "code": self.code, "reason": self.reason}


@dataclass
class ImportReport:
    received: int = 0
    imported: int = 0  # new appointments
    updated: int = 0  # already imported (same external_id), refreshed
    rejected: list[Rejected] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "imported": self.imported,
            "updated": self.updated,
            "rejected_count": len(self.rejected),
            "rejected": [r.as_json() for r in self.rejected[:MAX_REPORTED]],
        }


def records(body: bytes, content_type: str) -> list[tuple[int, dict[str, Any]]]:
    """The file's rows with their line (CSV: the line the row starts on, the header being
    line 1; JSON: the position in the list, from 1). InvalidInput for a file that cannot be
    read at all: not UTF-8, malformed, no rows, missing columns, too many rows."""
    if "json" in content_type:
        rows = _json_rows(body)  # refused as the rest of the API refuses bad JSON
    else:
        try:
            text = body.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                f"the file is not UTF-8 (byte {exc.start})", code="not_utf8", field="file"
            ) from None
        if not text.strip():
            raise InvalidInput("the file is empty", code="empty_file", field="file")
        # A JSON file sent as text/plain (or without a type) is still read as JSON.
        rows = _json_rows(body) if text.lstrip()[:1] in ("[", "{") else list(_csv_rows(text))
    if not rows:
        raise InvalidInput("the file has no rows", code="empty_file", field="file")
    if len(rows) > MAX_ROWS:
        raise InvalidInput(
            f"the file has more than {MAX_ROWS} rows: split it (a row imported twice is updated)",
            code="too_many_rows",
            field="file",
        )
    return rows


def _json_rows(body: bytes) -> list[tuple[int, dict[str, Any]]]:
    value = decode_json(body.removeprefix(b"\xef\xbb\xbf"), what="file")
    if not isinstance(value, dict):
        raise InvalidInput(
            'the JSON must be an object: {"appointments": [...]}', code="invalid_json"
        )
    try:
        shaped = HistoryFile.model_validate(value)
    except ValidationError as exc:
        where, problem = _first_error(exc)
        raise InvalidField(f"{where or 'file'}: {problem}", field=where or "file") from None
    return [(n, row.model_dump(exclude_none=True)) for n, row in enumerate(shaped.appointments, 1)]


def _csv_rows(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    first = text.split("\n", 1)[0]
    # Brazilian Excel separates with ";" (the comma is the decimal mark there).
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise InvalidInput(
                f"the header lacks the column(s) {', '.join(missing)}",
                code="missing_columns",
                field="file",
            )
        line = reader.line_num + 1
        for cells in reader:
            if len(cells) != len(header) and any(cell.strip() for cell in cells):
                yield line, {_BROKEN: f"{len(cells)} cells where the header has {len(header)}"}
            elif any(cell.strip() for cell in cells):
                yield line, dict(zip(header, cells, strict=True))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InvalidInput(
            f"the CSV cannot be read at line {reader.line_num}: {exc}",
            code="malformed_csv",
            field="file",
        ) from None


def validate(
    raw: dict[str, Any], line: int, zone: ZoneInfo, now: datetime
) -> dict[str, Any] | Rejected:
    """The appointment row a file row becomes, or why it is refused."""
    if _BROKEN in raw:
        return Rejected(line, str(raw[_BROKEN]), code="cells")
    try:
        moments = {k: _moment(raw.get(k), zone, k) for k in ("start", "end", "booked_at")}
        row = HistoryRow.model_validate(raw | moments)
    except InvalidField as exc:
        return Rejected(line, exc.message, exc.field, exc.code)
    except ValidationError as exc:
        where, problem = _first_error(exc)
        return Rejected(line, problem, where, "invalid")
    return _checked(row, line, now)


def _first_error(error: ValidationError) -> tuple[str | None, str]:
    """The first refused field ("appointments.3.phone"; None: the whole) and why."""
    first = error.errors()[0]
    return ".".join(str(part) for part in first["loc"]) or None, str(first["msg"])


def _checked(row: HistoryRow, line: int, now: datetime) -> dict[str, Any] | Rejected:
    phone = e164_digits(row.phone)
    if phone is None:
        return Rejected(line, "not a valid phone number", "phone", "phone")
    if row.end <= row.start:
        return Rejected(line, "end must be after start", "end", "end_before_start")
    if row.end - row.start > LONGEST:
        return Rejected(line, "an appointment cannot last more than 24 hours", "end", "too_long")
    if row.booked_at > row.start:
        return Rejected(line, "booked_at must not be after start", "booked_at", "booked_late")
    if row.status in ("attended", "no_show") and row.start > now:
        return Rejected(
            line, f"an appointment still to come cannot be {row.status}", "status", "future_outcome"
        )
    return {
        "phone": phone,
        "name": clean_text(row.name, 200) if row.name else None,
        "start_at": row.start,
        "end_at": row.end,
        "created_at": row.booked_at,
        "status": STATUSES[row.status],
        "service": clean_text(row.service, 200) if row.service else None,
        "professional": clean_text(row.professional, 200) if row.professional else None,
        "external_id": clean_text(row.external_id, 100) if row.external_id else None,
    }


def _moment(value: Any, zone: ZoneInfo, name: str) -> datetime:
    """ISO 8601 (2025-03-01T09:00, with or without offset) or dd/mm/yyyy [hh:mm]; a time
    without offset is the company's local time; a date alone is its midnight."""
    if isinstance(value, str) and value.strip() and len(value) <= 40:
        text = value.strip()
        moment: datetime | None = None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            for pattern in _FORMATS:
                try:
                    moment = datetime.strptime(text, pattern)
                    break
                except ValueError:
                    continue
        if moment is None and _is_date(text):
            moment = datetime.combine(date.fromisoformat(text), time())
        if moment is not None:
            aware = moment if moment.tzinfo else moment.replace(tzinfo=zone)
            if EARLIEST <= aware < LATEST:
                return aware
            raise InvalidField("must be between 2000 and 2099", field=name, code="date_range")
    raise InvalidField(
        "must be a date and time (2025-03-01T09:00 or 01/03/2025 09:00)", field=name, code="date"
    )


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


async def import_file(
    engine: AsyncEngine,
    company_id: int,
    zone: ZoneInfo,
    body: bytes,
    content_type: str,
    actor: str,
) -> ImportReport:
    """Read a whole file (InvalidInput when it cannot be read) and import it in one
    transaction of the company's: what the API and the panel both do."""
    rows = records(body, content_type)
    async with engine.begin() as conn:
        return await import_history(
            await bind_tenant(conn, company_id), rows, zone, datetime.now(UTC), actor
        )


async def import_history(
    conn: AsyncConnection,
    rows: Sequence[tuple[int, dict[str, Any]]],
    zone: ZoneInfo,
    now: datetime,
    actor: str,
) -> ImportReport:
    """Validate every row, then write the good ones in the caller's transaction (`conn` bound
    to the company's schema). Audited once, with the counts."""
    report = ImportReport(received=len(rows))
    good: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for line, raw in rows:
        checked = validate(raw, line, zone, now)
        if isinstance(checked, Rejected):
            report.rejected.append(checked)
            continue
        key = checked["external_id"]
        if key is not None and key in seen:
            # One statement cannot write the same row twice; the first one stands.
            report.rejected.append(
                Rejected(line, f"external_id repeats line {seen[key]}", "external_id", "repeated")
            )
            continue
        if key is not None:
            seen[key] = line
        good.append(checked)
    for start in range(0, len(good), _CHUNK):
        inserted, updated = await _write(conn, good[start : start + _CHUNK])
        report.imported += inserted
        report.updated += updated
    await record(
        conn,
        actor=actor,
        action="appointments.imported",
        entity="appointment",
        entity_id=None,
        after={k: v for k, v in report.as_json().items() if k != "rejected"},
    )
    return report


async def _write(conn: AsyncConnection, rows: list[dict[str, Any]]) -> tuple[int, int]:
    values = [
        row | {"cal_uid": f"{IMPORT_PREFIX}{uuid.uuid4().hex}", "source": IMPORTED} for row in rows
    ]
    statement = insert(_appointments).values(values)
    refreshed = ("phone", "name", "start_at", "end_at", "created_at", "status", "service")
    changes: dict[str, Any] = {k: statement.excluded[k] for k in (*refreshed, "professional")}
    result: Any = await conn.execute(
        statement.on_conflict_do_update(
            index_elements=[_appointments.c.external_id],
            set_=changes | {"updated_at": func.now()},
            # Only ever refresh what an import wrote.
            where=_appointments.c.source == IMPORTED,
        ).returning(literal_column("xmax = 0"))  # PostgreSQL: true for an inserted row
    )
    flags = [bool(flag) for (flag,) in result]
    inserted = sum(flags)
    return inserted, len(flags) - inserted
