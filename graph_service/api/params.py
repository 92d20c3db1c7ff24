"""Query parameters shared by the analysis routes: the tie filter and the partition."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query

from graph_service.filters import TieFilter
from graph_service.model import PHASE_PATTERN, RelType


def tie_filter(
    phase: Annotated[str | None, Query(pattern=PHASE_PATTERN, description="project phase")] = None,
    as_of: Annotated[date | None, Query(description="ties valid on this date")] = None,
    types: Annotated[list[RelType] | None, Query(description="social tie types")] = None,
    min_evidence: Annotated[int, Query(ge=0)] = 0,
    min_methods: Annotated[int, Query(ge=0, description="distinct methods per tie")] = 0,
    min_sources: Annotated[int, Query(ge=0, description="distinct sources per tie")] = 0,
    min_confidence: Annotated[float, Query(ge=0.0, le=1.0)] = 0.0,
) -> TieFilter:
    """The tie filter from explicit query parameters (TieFilter forbids extra fields, so it
    cannot share the query string with the routes' own parameters as a query model)."""
    return TieFilter(
        phase=phase,
        as_of=as_of,
        types=types,
        min_evidence=min_evidence,
        min_methods=min_methods,
        min_sources=min_sources,
        min_confidence=min_confidence,
    )


Filters = Annotated[TieFilter, Depends(tie_filter)]
PartitionParam = Annotated[
    str, Query(description="membership | property:NAME | communities:louvain|leiden")
]
