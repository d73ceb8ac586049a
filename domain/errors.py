"""Typed domain errors. The web layer maps each to one HTTP status in one place."""

from __future__ import annotations


class DomainError(Exception):
    """Base: `code` is machine-readable, the message is for people."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field  # the input field at fault, when there is one
        if code:
            self.code = code


class InvalidInput(DomainError):
    code = "invalid_payload"
    status = 400


class InvalidField(InvalidInput):
    """Well-formed input with a field that fails validation."""

    code = "invalid_field"
    status = 422


class Unauthorized(DomainError):
    code = "unauthorized"
    status = 401


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class NotFound(DomainError):
    code = "not_found"
    status = 404


class PayloadTooLarge(DomainError):
    code = "payload_too_large"
    status = 413


class Conflict(DomainError):
    code = "conflict"
    status = 409


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429

    def __init__(self, message: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


class ServiceUnavailable(DomainError):
    """A system we depend on did not answer; the caller should retry."""

    code = "unavailable"
    status = 503
