"""The one client of Cal.com's HTTP API (G1): free slots, booking, rescheduling, cancelling.

Contract: tests/fixtures/calcom/README.md. API v2 by default (base URL ending in `/v2`,
`Authorization: Bearer <key>`, `cal-api-version` per endpoint); API v1 for older self-hosted
instances (base URL ending in `/v1`, e.g. `https://cal.example/api/v1`, key in `?apiKey=`). A
base URL with neither suffix is probed once (`/v2` first, then `/api/v1`) and the answer is
remembered per base URL. Errors are classified: 401/403 mean the clinic must fix its Cal.com
settings, 400/409 for a taken time are a `conflict`, 429/5xx/timeouts are retried a couple of
times (jittered, bounded), everything else is permanent.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_random_exponential,
)

from domain.integrations.calcom_payloads import (
    NOT_CONFIGURED,
    Booking,
    CalcomError,
    Slot,
    classify,
    clean_metadata,
    international,
    json_field,
    parse_booking,
    parse_slots,
    placeholder_email,
    unwrap,
)
from domain.security.transport import BlockedTarget

Version = Literal["v1", "v2"]

SLOTS_VERSION = "2024-09-04"  # slots-2024-09-04 controller: `{data: {date: [{start}]}}`
BOOKINGS_VERSION = "2024-08-13"  # bookings 2024-08-13: create, get, reschedule, cancel
EVENT_TYPES_VERSION = "2024-06-14"  # event-types 2024-06-14: `{data: [eventType]}`
# Some Cal.com versions refuse a host's cancellation without a reason, so one is always sent.
DEFAULT_CANCEL_REASON = "Cancelado pelo paciente via WhatsApp"
# Failures where Cal.com surely did not act, so even a booking POST may be sent again.
NOT_ACTED_ON = frozenset({"rate_limited", "unreachable"})


@dataclass(frozen=True)
class CalcomConfig:
    base_url: str | None
    api_key: str | None
    event_type_id: int | None
    timeout: float = 10.0

    @property
    def configured(self) -> bool:
        return bool(self.base_url and self.api_key and self.event_type_id)

    @property
    def root(self) -> str:
        return (self.base_url or "").rstrip("/")

    @property
    def version(self) -> Version | None:
        """The API the base URL names by its suffix; None means it must be probed."""
        if self.root.endswith("/v2"):
            return "v2"
        if self.root.endswith("/v1"):  # self-hosted `/api/v1` and the old `api.cal.com/v1`
            return "v1"
        return None


def _utc(moment: datetime, millis: bool = False) -> str:
    if moment.tzinfo is None:
        raise CalcomError("invalid", None, "Cal.com times must be timezone-aware")
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds" if millis else "seconds")
    return text.replace("+00:00", "Z")


def _v1_body(
    config: CalcomConfig,
    start: datetime,
    responses: dict[str, Any],
    tz: str,
    language: str,
    metadata: dict[str, Any] | None,
) -> dict[str, Any]:
    """fixtures: v1_booking_create_request.json (`end` may be left out: bookingCreateBodySchema)."""
    return {
        "eventTypeId": config.event_type_id,
        "start": _utc(start, millis=True),
        "responses": responses,
        "timeZone": tz,
        "language": language,
        "metadata": clean_metadata(metadata),
    }


@dataclass(frozen=True)
class _Api:
    version: Version
    root: str  # ends in /v2 or /v1


def _ref(api: _Api, uid: str, booking_id: int | None) -> str:
    """How a booking is named in a path: v2 by uid, v1 by numeric id."""
    if api.version == "v2":
        return quote(uid, safe="")
    if booking_id is None:
        raise CalcomError("invalid", None, "Cal.com API v1 needs the booking's numeric id")
    return str(booking_id)


class CalcomClient:
    """Shares the process's httpx client; one instance per process (it remembers probes)."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        attempts: int = 3,
        max_wait: float = 2.0,
        max_total: float = 15.0,
    ) -> None:
        self._http = http
        self._attempts, self._max_wait, self._max_total = attempts, max_wait, max_total
        self.versions: dict[str, Version] = {}  # probed answers, per base URL

    async def event_types(self, config: CalcomConfig, username: str | None = None) -> int:
        """How many event types the key sees (of `username` when given): the connection test
        of Configurações, which needs no event type chosen yet."""
        if not (config.base_url and config.api_key):
            message = f"{NOT_CONFIGURED}: faltam a URL ou a chave de API do Cal.com"
            raise CalcomError("not_configured", None, message)
        # `_api` wants a complete config; the version probe answers whatever the event type.
        api = await self._api(replace(config, event_type_id=config.event_type_id or 1))
        query = {"username": username} if username else None
        body = await self._call(config, api, "GET", "/event-types", EVENT_TYPES_VERSION, query)
        body = body if isinstance(body, dict) else {}
        found = body.get("data") if api.version == "v2" else body.get("event_types")
        if isinstance(found, dict):  # some v2 versions group them: {eventTypes: [...]}
            found = found.get("eventTypes")
        return len(found) if isinstance(found, list) else 0

    async def slots(self, config: CalcomConfig, start: date, end: date, tz: str) -> list[Slot]:
        """Free times from `start` to `end` (both days included), as aware datetimes in `tz`."""
        api = await self._api(config)
        if api.version == "v2":
            params = {"start": start.isoformat(), "end": end.isoformat()}
        else:  # v1 wants instants; the days are the patient's days
            zone = ZoneInfo(tz)
            first = datetime.combine(start, time.min, zone)
            last = datetime.combine(end + timedelta(days=1), time.min, zone) - timedelta(
                milliseconds=1
            )
            params = {"startTime": _utc(first, True), "endTime": _utc(last, True)}
        query = {"eventTypeId": str(config.event_type_id), **params, "timeZone": tz}
        body = await self._call(config, api, "GET", "/slots", SLOTS_VERSION, params=query)
        return parse_slots(body, tz)

    async def book(
        self,
        config: CalcomConfig,
        start: datetime,
        name: str,
        email: str | None,
        phone: str,
        tz: str,
        language: str = "pt-BR",
        metadata: dict[str, Any] | None = None,
        notes: str | None = None,
    ) -> Booking:
        """Book `start` for one attendee; CalcomError("conflict") when the time was taken."""
        api = await self._api(config)
        mail, number = email or placeholder_email(phone), international(phone)
        if api.version == "v2":  # fixtures: v2_booking_create_request.json
            attendee = {"name": name, "email": mail, "timeZone": tz, "language": language}
            body: dict[str, Any] = {
                "start": _utc(start),
                "eventTypeId": config.event_type_id,
                "attendee": attendee | ({"phoneNumber": number} if number else {}),
                "metadata": clean_metadata(metadata),
            }
            if notes:
                body["bookingFieldsResponses"] = {"notes": notes}
        else:  # fixtures: v1_booking_create_request.json; `end` is optional there
            responses = {"name": name, "email": mail}
            responses |= {"attendeePhoneNumber": number} if number else {}
            responses |= {"notes": notes} if notes else {}
            body = _v1_body(config, start, responses, tz, language, metadata)
        answer = await self._call(
            config, api, "POST", "/bookings", BOOKINGS_VERSION, payload=body, idempotent=False
        )
        return parse_booking(answer)

    async def get_booking(
        self, config: CalcomConfig, uid: str, booking_id: int | None = None
    ) -> Booking:
        """One booking as Cal.com has it now (v1 addresses bookings by numeric id)."""
        api = await self._api(config)
        path = f"/bookings/{_ref(api, uid, booking_id)}"
        return parse_booking(await self._call(config, api, "GET", path, BOOKINGS_VERSION))

    async def reschedule(
        self,
        config: CalcomConfig,
        uid: str,
        new_start: datetime,
        reason: str | None = None,
        booking_id: int | None = None,
    ) -> Booking:
        """Move a booking: Cal.com makes a NEW booking (new uid) and cancels the old one."""
        api = await self._api(config)
        if api.version == "v2":  # reschedule-booking.input.ts: {start, reschedulingReason?}
            body: dict[str, Any] = {"start": _utc(new_start)}
            body |= {"reschedulingReason": reason} if reason else {}
            path = f"/bookings/{quote(uid, safe='')}/reschedule"
        else:
            body = await self._v1_reschedule_body(config, api, uid, new_start, reason, booking_id)
            path = "/bookings"
        answer = await self._call(
            config, api, "POST", path, BOOKINGS_VERSION, payload=body, idempotent=False
        )
        return parse_booking(answer)

    async def cancel(
        self,
        config: CalcomConfig,
        uid: str,
        reason: str | None = None,
        booking_id: int | None = None,
    ) -> None:
        """Cancel a booking (v2 by uid; v1 by numeric id, `DELETE /bookings/{id}/cancel`)."""
        api = await self._api(config)
        reason = reason or DEFAULT_CANCEL_REASON
        path = f"/bookings/{_ref(api, uid, booking_id)}/cancel"
        # Retried like a read: cancelling twice leaves the booking just as cancelled.
        if api.version == "v2":  # cancel-booking.input.ts: {cancellationReason?}
            body = {"cancellationReason": reason}
            await self._call(config, api, "POST", path, BOOKINGS_VERSION, payload=body)
        else:  # apps/api/v1/pages/api/bookings/[id]/_delete.ts: the reason is a query param
            await self._call(config, api, "DELETE", path, params={"cancellationReason": reason})

    async def _v1_reschedule_body(
        self,
        config: CalcomConfig,
        api: _Api,
        uid: str,
        start: datetime,
        reason: str | None,
        booking_id: int | None,
    ) -> dict[str, Any]:
        """v1 has no reschedule route: a new booking carrying `rescheduleUid` (see
        bookingCreateBodySchema), with the old booking's attendee, since responses need them."""
        old = unwrap(
            await self._call(config, api, "GET", f"/bookings/{_ref(api, uid, booking_id)}")
        )
        people = json_field(old, "attendees", list)
        person: dict[str, Any] = people[0] if people and isinstance(people[0], dict) else {}
        answers = json_field(old, "responses", dict)
        phone = person.get("phoneNumber") or answers.get("attendeePhoneNumber")
        responses = {
            "name": person.get("name") or answers.get("name"),
            "email": person.get("email"),
        }
        responses |= {"attendeePhoneNumber": phone} if phone else {}
        responses |= {"rescheduleReason": reason} if reason else {}
        # videoCallUrl is Cal.com's own note about the old meeting, not ours to carry over.
        metadata = {
            k: v for k, v in json_field(old, "metadata", dict).items() if k != "videoCallUrl"
        }
        tz, language = str(person.get("timeZone") or "UTC"), str(person.get("locale") or "pt-BR")
        body = _v1_body(config, start, responses, tz, language, metadata)
        return body | {"rescheduleUid": uid}

    async def _api(self, config: CalcomConfig) -> _Api:
        if not config.configured:
            message = f"{NOT_CONFIGURED}: faltam URL, chave de API ou tipo de evento do Cal.com"
            raise CalcomError("not_configured", None, message)
        if config.version:
            return _Api(config.version, config.root)
        if config.root not in self.versions:
            self.versions[config.root] = await self._retrying(True)(self._probe, config)
        version = self.versions[config.root]
        return _Api(version, config.root + ("/v2" if version == "v2" else "/api/v1"))

    async def _probe(self, config: CalcomConfig) -> Version:
        """A v2 server answers /v2/slots with its JSON envelope (`status`), even on a 401; an
        instance without v2 gives a 404 page there. v1 answers /api/v1/slots with JSON."""
        today = datetime.now(UTC).date().isoformat()
        query = {"eventTypeId": str(config.event_type_id), "timeZone": "UTC"}
        v2 = _Api("v2", config.root + "/v2")
        response = await self._send(
            config, v2, "GET", "/slots", SLOTS_VERSION, query | {"start": today, "end": today}
        )
        if _json_status(response) in ("success", "error"):
            return "v2"
        v1 = _Api("v1", config.root + "/api/v1")
        window = {"startTime": f"{today}T00:00:00.000Z", "endTime": f"{today}T23:59:59.999Z"}
        response = await self._send(config, v1, "GET", "/slots", None, query | window)
        if response.status_code != 404 and _json_status(response) is not None:
            return "v1"
        raise CalcomError("not_found", response.status_code, f"no Cal.com API at {config.root}")

    async def _call(
        self,
        config: CalcomConfig,
        api: _Api,
        method: str,
        path: str,
        cal_version: str | None = None,
        params: dict[str, str] | None = None,
        payload: dict[str, Any] | None = None,
        idempotent: bool = True,
    ) -> Any:
        async def once() -> Any:
            response = await self._send(config, api, method, path, cal_version, params, payload)
            if not response.is_success:
                raise _scrubbed(classify(response.status_code, response.text), config)
            try:
                return response.json() if response.content else {}
            except ValueError as exc:
                status = response.status_code
                raise CalcomError("bad_response", status, "Cal.com answered non-JSON") from exc

        return await self._retrying(idempotent)(once)

    async def _send(
        self,
        config: CalcomConfig,
        api: _Api,
        method: str,
        path: str,
        cal_version: str | None,
        params: dict[str, str] | None = None,
        payload: dict[str, Any] | None = None,
    ) -> httpx.Response:
        query, headers = dict(params or {}), {}
        if api.version == "v2":
            headers["Authorization"] = f"Bearer {config.api_key}"
            if cal_version:
                headers["cal-api-version"] = cal_version
        else:
            query["apiKey"] = config.api_key or ""
        try:
            response = await self._http.request(
                method,
                api.root + path,
                params=query,
                json=payload,
                headers=headers,
                timeout=config.timeout,
            )
        except httpx.HTTPError as exc:
            raise _scrubbed(_transport_error(exc), config) from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise _scrubbed(classify(response.status_code, response.text), config)
        return response

    def _retrying(self, idempotent: bool) -> AsyncRetrying:
        def worth_retrying(exc: BaseException) -> bool:
            if not isinstance(exc, CalcomError) or not exc.retryable:
                return False
            # A timed-out or 5xx booking POST may have booked: repeating it could book twice.
            return idempotent or exc.kind in NOT_ACTED_ON

        return AsyncRetrying(
            stop=stop_after_attempt(self._attempts) | stop_after_delay(self._max_total),
            wait=wait_random_exponential(multiplier=0.25, max=self._max_wait),
            retry=retry_if_exception(worth_retrying),
            reraise=True,  # the caller sees the last CalcomError, not tenacity's wrapper
        )


def _transport_error(exc: httpx.HTTPError) -> CalcomError:
    if isinstance(exc, BlockedTarget):  # the URL leads inside our network: a setting to fix
        return CalcomError("not_configured", None, f"{NOT_CONFIGURED}: {exc}")
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):  # nothing reached Cal.com
        return CalcomError("unreachable", None, f"Cal.com unreachable: {exc!r}")
    if isinstance(exc, httpx.TimeoutException):
        return CalcomError("timeout", None, f"Cal.com timed out: {exc!r}")
    return CalcomError("unavailable", None, f"Cal.com failed: {exc!r}")


def _json_status(response: httpx.Response) -> str | None:
    """The `status` of a JSON object answer ("" when it has none); None when not JSON."""
    try:
        body = response.json()
    except ValueError:
        return None
    return str(body.get("status") or "") if isinstance(body, dict) else None


def _scrubbed(error: CalcomError, config: CalcomConfig) -> CalcomError:
    """Never let the API key (v1 sends it in the URL) reach a log through an error."""
    if config.api_key and config.api_key in error.message:
        error.message = error.message.replace(config.api_key, "***")
        error.args = (error.message,)
    return error
