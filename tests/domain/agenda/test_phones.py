"""domain/agenda/phones.py: what an operator types becomes E.164 with the company's country."""

from __future__ import annotations

import pytest

from domain.agenda.cal_events import phones
from domain.agenda.phones import e164_digits, operator_phone, shown
from domain.errors import InvalidField


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("11 98888-7777", "5511988887777"),  # the issue's: once saved as +11988887777
        ("(11) 98888-7777", "5511988887777"),
        ("11988887777", "5511988887777"),
        ("+55 11 98888-7777", "5511988887777"),
        ("55 11 98888-7777", "5511988887777"),  # the country code, typed without '+'
        ("0055 11 98888-7777", "5511988887777"),
        ("21 3333-4444", "552133334444"),  # a landline
        ("+351 912 345 678", "351912345678"),  # another country keeps its own code
    ],
)
def test_a_typed_phone_becomes_e164_digits(typed: str, digits: str) -> None:
    assert e164_digits(typed) == digits
    assert operator_phone(typed, "BR") == digits


@pytest.mark.parametrize("typed", ["123", "11 1234", "abc", "", "+1 234", "9" * 80])
def test_an_impossible_phone_is_a_field_error(typed: str) -> None:
    assert e164_digits(typed) is None
    with pytest.raises(InvalidField) as refused:
        operator_phone(typed, "BR")
    assert refused.value.field == "phone" and refused.value.code == "appointment_phone"


def test_the_company_country_reads_a_national_number() -> None:
    assert operator_phone("912 345 678", "PT") == "351912345678"
    assert operator_phone("11 98888-7777", None) == "5511988887777"  # BR by default


def test_cal_com_phones_go_through_the_same_parser() -> None:
    assert phones(["11 98888-7777", "+5511988887777", "nope", None]) == ["5511988887777"]


def test_shown_as_people_read_it() -> None:
    assert shown("5511988887777") == "+55 11 98888-7777"
    assert shown(None) == ""
