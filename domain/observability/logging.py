"""JSON logs (structlog) with correlation ids, and masking of phone numbers and secrets.

The standard library's loggers (Hypercorn, SAQ, SQLAlchemy) go through the same processors,
so every line a process writes is one JSON object.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any

import orjson
import structlog

SECRET_KEYS = re.compile(
    r"secret|token|password|authorization|api_key|apikey|signature|cookie", re.I
)
PHONE_KEYS = re.compile(r"phone|number|jid|msisdn|^to$|^from$|remote", re.I)
# In free text a phone shows up as a WhatsApp JID (5511...@s.whatsapp.net) or as +5511...;
# bare digit runs are left alone, or every timestamp in the logs would be masked too.
PHONE_IN_TEXT = re.compile(
    r"(\+?)(\d{4,11})(\d{4})(?=@(?:s\.whatsapp\.net|c\.us|lid)\b)|(\+)(\d{4,11})(\d{4})\b"
)
DIGITS = re.compile(r"^(\+?)(\d{4,11})(\d{4})$")
# Tracebacks and job errors quote what the code was handling; PostgreSQL's "Key (phone)=(…)"
# is a bare number. There a run of 12 or more digits is taken for a phone (a Unix time in
# milliseconds is 13 digits too, but a traceback has no business quoting one).
TRACEBACK_KEYS = frozenset({"exception", "error", "exc_info", "stack"})
BARE_PHONE = re.compile(r"(?<!\d)(\d{8,11})(\d{4})(?!\d)")


def mask_text(text: str) -> str:
    """Hide all but the last four digits of phone numbers written as JIDs or +E.164."""
    return PHONE_IN_TEXT.sub(lambda m: _hide_groups(m.groups()), text)


def _hide_groups(groups: tuple[str | None, ...]) -> str:
    sign, hidden, tail = groups[0:3] if groups[1] is not None else groups[3:6]
    return (sign or "") + "*" * len(hidden or "") + (tail or "")


def mask_phone(value: str) -> str:
    """A value known to be a phone number: all but the last four digits hidden."""
    match = DIGITS.match(value.split("@", 1)[0])
    return _hide_groups(match.groups()) if match else mask_text(value)


def mask_value(key: str, value: Any) -> Any:
    if SECRET_KEYS.search(key) and value not in (None, "", False):
        return "***"
    if isinstance(value, str) and key in TRACEBACK_KEYS:
        return BARE_PHONE.sub(lambda m: "*" * len(m[1]) + m[2], mask_text(value))
    if isinstance(value, str):
        return mask_phone(value) if PHONE_KEYS.search(key) else mask_text(value)
    if isinstance(value, Mapping):
        return {k: mask_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(key, v) for v in value]
    return value


def _mask(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key, value in list(event_dict.items()):
        if key not in ("timestamp", "level", "logger", "correlation_id"):
            event_dict[key] = mask_value(key, value)
    return event_dict


def _dumps(obj: Any, **_: Any) -> str:
    return orjson.dumps(obj, default=str).decode()


def configure_logging(level: str = "INFO", json: bool = True) -> None:
    """Idempotent: call once per process at start."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        _mask,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer(serializer=_dumps)
        if json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[structlog.stdlib.ExtraAdder(), *shared],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # SAQ logs two INFO lines per job; our jobs log their own outcome with more context.
    for noisy in ("hypercorn.access", "sqlalchemy.engine", "asyncio", "saq"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
