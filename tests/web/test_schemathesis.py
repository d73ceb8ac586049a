"""Every operation of /openapi.json fuzzed in process against the app (issue 13): schemathesis
generates valid and invalid requests from the document, with the credentials of company A's
owner where the operation asks for them, and checks each answer against the document: no
5xx, a status code and content type the document declares, a body that matches its schema.
Seeded and bounded, so a run is the same every time and takes seconds."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks
from schemathesis.python import asgi

from domain.settings import Settings
from tests.support.factories import Cast

EXAMPLES = 25  # per operation and mode: 21 operations x 2 modes
# Rules between fields, which JSON Schema cannot state: valid fields, refused together.
ACROSS_FIELDS = {
    "GET /api/agenda/appointments": "`to` must not be before `from` (which defaults to today)",
}


def test_every_operation_answers_as_documented(settings: Settings, cast: Cast) -> None:
    from web.app import create_app

    app = create_app(settings)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    try:
        with asgi.get_client(app) as client:
            login = {"email": cast.owner, "password": cast.password}
            token = client.post("/api/auth/token", json=login).json()["access_token"]
        failures = []
        for result in schema.get_all_operations():
            operation = result.ok()
            secured = operation.definition.raw.get("security") != []
            headers = {"Authorization": f"Bearer {token}"} if secured else None
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                try:
                    _fuzz(operation, mode, headers)
                except Unsatisfiable:
                    continue  # no parameters, no body: nothing to make invalid
                except (Exception, BaseExceptionGroup) as failure:  # one report for all of them
                    failures.append(f"{operation.label} ({mode.value}): {failure}")
        assert not failures, "\n\n".join(failures)
    finally:
        asgi.shutdown_lifespans()  # the app's pools close on the loop that opened them


def _fuzz(operation: Any, mode: GenerationMode, headers: dict[str, str] | None) -> None:
    # A documented 5xx (503: a system it depends on is down, as /healthz says without a
    # worker) is an answer; any other is a failure of the status code check.
    documented = {str(status) for status in operation.definition.raw["responses"]}
    excluded = [checks.not_a_server_error] if documented & {"503"} else []
    if operation.label in ACROSS_FIELDS:
        excluded.append(checks.positive_data_acceptance)

    @given(case=operation.as_strategy(generation_mode=mode, headers=headers))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(excluded_checks=excluded)

    run()
