"""Phone numbers as the agenda keeps them: E.164 digits without the '+' (what WhatsApp and
Whaticket use as the contact's id). One parser for what an operator types in the panel and
what Cal.com's bookings carry, so the same person is the same number wherever it came from."""

from __future__ import annotations

from typing import Any

import phonenumbers

from domain.errors import InvalidField

DEFAULT_REGION = "BR"


def e164_digits(raw: Any, region: str = DEFAULT_REGION) -> str | None:
    """`raw` as E.164 digits ("11 98888-7777" in BR -> "5511988887777"), or None when it is
    not a possible, valid number. A number written without its country code is read as one of
    `region`'s; one with "+" (or "00") keeps its own."""
    if not isinstance(raw, str) or not raw.strip() or len(raw) > 64:
        return None  # phonenumbers itself refuses more than 250 characters
    text = raw.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        # "55 11 98888-7777" typed without the '+': the country code is there, unmarked.
        digits = "".join(ch for ch in text if ch.isdigit())
        if text.startswith("+") or not digits:
            return None
        try:
            number = phonenumbers.parse("+" + digits, region)
        except phonenumbers.NumberParseException:
            return None
        if not phonenumbers.is_valid_number(number):
            return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]


def operator_phone(raw: str, region: str | None, field: str = "phone") -> str:
    """A phone typed in the panel, as E.164 digits; InvalidField (code `appointment_phone`)
    when it cannot be a real number of `region` (the company's country) or another country."""
    digits = e164_digits(raw, region or DEFAULT_REGION)
    if digits is None:
        raise InvalidField("not a valid phone number", field=field, code="appointment_phone")
    return digits


def shown(digits: str | None) -> str:
    """The stored digits as people read them: +55 11 98888-7777."""
    if not digits:
        return ""
    try:
        number = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return "+" + digits
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
