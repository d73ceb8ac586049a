"""The JSON form of a history import (issue 18): its shape is refused whole (422 naming the
field), what each appointment says is judged row by row (history_import.validate)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

MAX_ROWS = 20_000


class HistoryEntry(BaseModel):
    """One appointment as a clinic's former system exported it; every field is text (as in a
    CSV), judged later, so a bad date refuses this row and not the file."""

    model_config = ConfigDict(extra="forbid")

    phone: str | None = None
    name: str | None = None
    start: str | None = None
    end: str | None = None
    booked_at: str | None = None
    status: str | None = None
    service: str | None = None
    professional: str | None = None
    external_id: str | None = None


class HistoryFile(BaseModel):
    """POST /api/agenda/import as JSON (or text/csv with the same names as its header row):
    start, end and booked_at in ISO 8601 or dd/mm/yyyy hh:mm (without an offset: the
    company's time); status attended | no_show | cancelled | scheduled; service,
    professional and external_id optional (a second import of an external_id updates it)."""

    model_config = ConfigDict(extra="forbid")

    appointments: list[HistoryEntry] = Field(min_length=1, max_length=MAX_ROWS)
