"""web/panel/messages.py: every error a person can meet in the panel has its Portuguese
sentence, the calendar's failures each their own."""

from __future__ import annotations

import re

import pytest

from domain.agenda.front_desk import calendar_refusal
from domain.integrations.calcom import CalcomError
from tests.support.paths import ROOT
from web.panel.messages import IMPORT_PROBLEMS, MESSAGES


@pytest.mark.parametrize(
    "kind", ["not_configured", "auth", "conflict", "unavailable", "timeout", "invalid"]
)
def test_every_calendar_failure_has_its_own_portuguese_message(kind: str) -> None:
    refused = calendar_refusal(CalcomError(kind, None, "english detail"))
    assert refused.code in MESSAGES and refused.code not in ("conflict", "unavailable")


# Domain codes only programs ever get (webhook signatures, API tokens): no person reads them.
FOR_PROGRAMS = {
    "missing_signature",
    "invalid_signature",
    "invalid_timestamp",
    "stale_timestamp",
    "invalid_token",
    "token_expired",
    "no_secret",
    "missing_company",  # a webhook without its company header
    "provider_unavailable",  # the payment provider, asked by the billing webhook
    "too_deep",  # a webhook body nested past the limit
    "manual_billing_disabled",  # the billing webhook, signed by a program
}


def test_every_error_code_a_person_can_meet_has_a_portuguese_message() -> None:
    """Domain errors can reach the panel; so can the panel's own. (The API's and the
    webhooks' codes reach only programs.)"""
    sources = [*ROOT.glob("domain/**/*.py"), *ROOT.glob("web/panel/*.py")]
    raised = {
        code
        for source in sources
        for code in re.findall(r'\bcode="([a-z_]+)"', source.read_text(encoding="utf-8"))
    }
    assert {"reminder_too_recent", "csrf"} <= raised  # the scan finds the codes
    # An imported row's codes are worded in the import's answer, not as a refusal.
    assert raised - FOR_PROGRAMS - set(MESSAGES) - set(IMPORT_PROBLEMS) == set()
