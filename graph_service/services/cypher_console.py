"""Read-only Cypher for analysts (the store's console module does the locking)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, field_validator

from graph_service.services.runtime import Runtime


class CypherRequest(BaseModel):
    query: str = Field(min_length=1, max_length=20_000, description="one Cypher statement")
    parameters: dict[str, Any] = Field(
        default_factory=dict, description="values for the query's $parameters"
    )

    @field_validator("parameters")
    @classmethod
    def _bolt_values(cls, value: dict[str, Any]) -> dict[str, Any]:
        _check_value(value, "parameters")
        return value


_INT64 = (-(2**63), 2**63 - 1)
#: How deep lists and maps may nest in the parameters (deeper ones overflowed Python's
#: stack further on, a 500; no query needs more).
MAX_PARAMETER_DEPTH = 32


def _check_value(value: Any, where: str, depth: int = 0) -> None:
    """Bolt carries 64-bit integers only: refuse others here, not deep in the driver;
    and refuse nesting past MAX_PARAMETER_DEPTH."""
    if isinstance(value, bool) or value is None or isinstance(value, str | float):
        return
    if isinstance(value, int):
        if not _INT64[0] <= value <= _INT64[1]:
            raise ValueError(f"{where}: integer out of the 64-bit range")
        return
    if depth >= MAX_PARAMETER_DEPTH and isinstance(value, dict | list):
        raise ValueError(f"{where}: nested deeper than {MAX_PARAMETER_DEPTH} levels")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_value(item, f"{where}.{key}", depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_value(item, f"{where}[{i}]", depth + 1)


class CypherResult(BaseModel):
    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool = Field(description="the row limit cut the result")
    row_limit: int
    byte_limit: int = Field(description="bytes (as JSON) the rows may hold (QUERY_BYTE_LIMIT)")
    timeout_seconds: float


def run(services: Runtime, request: CypherRequest) -> CypherResult:
    """The read-only query of ``request``, under the settings' time and row limits."""
    settings = services.settings
    result = services.repo.run_read_only(
        request.query,
        request.parameters,
        timeout=settings.query_timeout,
        limit=settings.query_row_limit,
        byte_limit=settings.query_byte_limit,
    )
    return CypherResult(
        columns=result.columns,
        rows=result.rows,
        truncated=result.truncated,
        row_limit=settings.query_row_limit,
        byte_limit=settings.query_byte_limit,
        timeout_seconds=settings.query_timeout,
    )
