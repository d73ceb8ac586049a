"""Reading the free times a reply offers: numbered options under a heading per day."""

from __future__ import annotations

import re

_HEADING = re.compile(r"^\*(\w+(?:-\w+)?), (\d\d/\d\d)\*$")
_OPTION = re.compile(r"^(\d+)\. (\d\d:\d\d)$")


def offered(reply: str) -> list[tuple[int, str, str, str]]:
    """(number, weekday, "dd/mm", "HH:MM") of every option in `reply`, in order."""
    found: list[tuple[int, str, str, str]] = []
    weekday = day = ""
    for line in reply.splitlines():
        heading = _HEADING.match(line.strip())
        if heading:
            weekday, day = heading.group(1).lower(), heading.group(2)
            continue
        option = _OPTION.match(line.strip())
        if option:
            found.append((int(option.group(1)), weekday, day, option.group(2)))
    return found
