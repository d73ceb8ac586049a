"""Typed domain errors. The web layer maps each to one HTTP status in one place."""

from __future__ import annotations


class DomainError(Exception):
    """Base: `code` is machine-readable, the message is for people."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class InvalidInput(DomainError):
    code = "invalid_payload"
    status = 400


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
