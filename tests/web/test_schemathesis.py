"""Every operation of /openapi.json fuzzed in process against the app (issue 13): schemathesis
generates valid and invalid requests from the document, with the credentials of company A's
owner where the operation asks for them (and valid ones again as the platform admin, who may
name any company and provision), and checks each answer against the document: no
5xx, a status code and content type the document declares, a body that matches its schema,
valid data accepted and invalid data refused, required headers enforced. The webhooks are
fuzzed twice: as a stranger sends them (no valid signature: 401) and signed for company A,
so the bodies the document describes reach the parsers and the database. Seeded and
bounded, so a run is the same every time and takes seconds."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks
from schemathesis.python import asgi
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.settings import Settings
from domain.webhooks.signatures import sign
from tests.support.calcom import WEBHOOK_SECRET, with_webhook_secret
from tests.support.factories import Cast, allow_manual_billing

EXAMPLES = 25  # per operation and mode: 21 operations x 2 modes, and the signed webhooks
# Rules between fields, which JSON Schema cannot state: valid fields, refused together.
ACROSS_FIELDS = {
    "GET /api/agenda/appointments": "`to` must not be before `from` (which defaults to today)",
}
Signer = Callable[[Any], None]


@pytest.fixture
async def acme(engine: AsyncEngine, cast: Cast) -> Cast:
    """The cast, company A signing its Cal.com webhooks and billing itself too."""
    await with_webhook_secret(engine, cast.a.company.id)
    await allow_manual_billing(engine, cast.a.company.id)
    return cast


def test_every_operation_answers_as_documented(settings: Settings, acme: Cast) -> None:
    from web.app import create_app

    app = create_app(settings)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    try:
        with asgi.get_client(app) as client:
            owner, admin = (
                client.post(
                    "/api/auth/token", json={"email": email, "password": acme.password}
                ).json()["access_token"]
                for email in (acme.owner, acme.admin)
            )
        signers = _signers(acme)
        failures = []
        for result in schema.get_all_operations():
            operation = result.ok()
            secured = operation.definition.raw.get("security") != []
            as_owner = {"Authorization": f"Bearer {owner}"} if secured else None
            runs = [(mode, as_owner, None, False) for mode in GenerationMode]
            if secured:  # the platform admin reaches any company_id, and provisioning
                as_admin = {"Authorization": f"Bearer {admin}"}
                runs.append((GenerationMode.POSITIVE, as_admin, None, True))
            if operation.label in signers:
                runs.append((GenerationMode.POSITIVE, None, signers[operation.label], False))
            for mode, headers, signer, by_admin in runs:
                try:
                    _fuzz(operation, mode, headers, signer, by_admin)
                except Unsatisfiable:
                    continue  # no parameters, no body: nothing to make invalid
                except (Exception, BaseExceptionGroup) as failure:  # one report for all of them
                    how = ", signed" if signer else ", as the admin" if by_admin else ""
                    failures.append(f"{operation.label} ({mode.value}{how}): {failure}")
        assert not failures, "\n\n".join(failures)
    finally:
        asgi.shutdown_lifespans()  # the app's pools close on the loop that opened them


def _fuzz(
    operation: Any,
    mode: GenerationMode,
    headers: dict[str, str] | None,
    signer: Signer | None,
    by_admin: bool,
) -> None:
    # A documented 5xx (503: a system it depends on is down, as /healthz says without a
    # worker) is an answer; any other is a failure of the status code check.
    documented = {str(status) for status in operation.definition.raw["responses"]}
    excluded = [checks.not_a_server_error] if documented & {"503"} else []
    if operation.label in ACROSS_FIELDS or by_admin:
        # The platform admin, who has no company of their own, must name one (company_id is
        # required of them alone), and a new company's time zone must be one the server
        # knows: rules about who asks and what the server has, beyond the schema.
        excluded.append(checks.positive_data_acceptance)
    if signer is not None:
        # A signed body is also read by rules its schema cannot state (a phone number, a time
        # with its offset): valid JSON refused by name (400/422) is an answer too; and the
        # signer sends the body as the bytes it signed, which the data checks cannot classify.
        excluded += [checks.positive_data_acceptance, checks.negative_data_rejection]

    @given(case=operation.as_strategy(generation_mode=mode, headers=headers))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        if signer is not None:
            signer(case)
        case.call_and_validate(excluded_checks=excluded)

    run()


def _signers(cast: Cast) -> dict[str, Signer]:
    """How company A signs each webhook: the body is sent as the exact bytes signed."""
    secret = cast.a.webhook_secret

    def raw(case: Any) -> bytes:
        body = case.body if isinstance(case.body, bytes) else json.dumps(case.body).encode()
        case.body = body
        headers = case.headers = dict(case.headers or {})
        for name in [h for h in headers if h.lower() in ("stripe-signature", "x-signature")]:
            del headers[name]
        return body

    def ours(domain_header: bool) -> Signer:
        def signer(case: Any) -> None:
            body, stamp = raw(case), str(int(time.time()))
            case.headers.update({"X-Timestamp": stamp, "X-Signature": sign(secret, stamp, body)})
            if domain_header:
                case.headers["X-Company-Domain"] = cast.a.company.domain

        return signer

    def calcom(case: Any) -> None:
        body = raw(case)
        mac = hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
        case.headers.update({"X-Cal-Company": cast.a.company.slug, "X-Cal-Signature-256": mac})

    def url_token(case: Any) -> None:
        case.path_parameters = {"slug": cast.a.company.slug, "token": cast.a.url_token}

    return {
        "POST /webhook/whaticket": ours(domain_header=True),
        "POST /webhook/billing": ours(domain_header=True),
        "POST /api/agenda/webhook/cal": calcom,
        "POST /webhook/whaticket/{slug}/{token}": url_token,
    }
