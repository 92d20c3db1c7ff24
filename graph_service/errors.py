"""Domain errors. They carry an HTTP-like status and a title, but know nothing of HTTP.

One handler in :mod:`graph_service.api.problems` renders them as
``application/problem+json`` (RFC 9457); the CLI prints them as one line.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error the service reports to a user on purpose."""

    status: int = 500
    title: str = "Internal error"

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []

    def __str__(self) -> str:
        return self.detail


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class Invalid(DomainError):
    """Input that breaks the model: names the field and the record in ``errors``."""

    status = 422
    title = "Invalid input"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class Unauthorized(DomainError):
    status = 401
    title = "Unauthorized"


class Unavailable(DomainError):
    """The store (Neo4j) does not answer. Retrying later may work."""

    status = 503
    title = "Service unavailable"

    def __init__(self, detail: str, *, retry_after: int = 5) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class LimitExceeded(DomainError):
    """A query passed one of its limits; the detail names the limit and its setting."""

    status = 422
    title = "Limit exceeded"


class AnswerTooLarge(LimitExceeded):
    status = 413
    title = "Answer too large"


class QueryTimedOut(LimitExceeded):
    status = 504
    title = "Query timed out"


class OverMemory(LimitExceeded):
    """The query needed more memory than its transaction (or the server) may use."""

    status = 422
    title = "Query over its memory limit"


class Terminated(DomainError):
    """Another party (an administrator, a server shutdown) ended the transaction."""

    status = 409
    title = "Transaction terminated"


class LocalServerError(DomainError):
    """The local Neo4j server could not be fetched, started or stopped."""

    status = 500
    title = "Local Neo4j server error"


class TooLarge(DomainError):
    """A request body over its size limit (HTTP 413)."""

    status = 413
    title = "Content too large"


class TimedOut(DomainError):
    """Work that passed its time limit and was stopped (HTTP 504)."""

    status = 504
    title = "Time limit exceeded"
