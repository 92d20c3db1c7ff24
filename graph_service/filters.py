"""Which ties an analysis, a query or a map looks at: one model, used everywhere.

The same filter drives the analysis projection, the path queries, the maps and the API's
query parameters, so "phase 2, seen by two methods" means the same thing in each.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from graph_service.model import SOCIAL_TYPES, Phase, RelType


class TieFilter(BaseModel):
    """Keep the ties that match every given condition.

    ``phase``: ties of that project phase, plus ties without a phase (timeless).
    ``as_of``: ties valid on that date (open bounds count as valid).
    Evidence thresholds count the tie's distinct observations, methods and sources, and its
    highest confidence. Affiliations (memberships) are filtered by phase and date only.
    """

    model_config = ConfigDict(extra="forbid")

    types: Annotated[list[RelType] | None, Field(description="social tie types; all if unset")] = (
        None
    )
    phase: Phase | None = None
    as_of: date | None = None
    min_evidence: int = Field(default=0, ge=0, description="minimum number of observations")
    min_methods: int = Field(default=0, ge=0, description="minimum number of distinct methods")
    min_sources: int = Field(default=0, ge=0, description="minimum number of distinct sources")
    min_confidence: float = Field(default=0.0, ge=0.0, le=1.0)

    def social_types(self) -> list[RelType]:
        chosen = self.types or sorted(SOCIAL_TYPES)
        return [t for t in chosen if t in SOCIAL_TYPES]

    def cypher_params(self) -> dict[str, Any]:
        """Parameters for the shared predicate of the analysis queries."""
        return {
            "types": [t.value for t in self.social_types()],
            "phase": self.phase,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "min_evidence": self.min_evidence,
            "min_methods": self.min_methods,
            "min_sources": self.min_sources,
            "min_confidence": self.min_confidence,
        }

    def describe(self) -> str:
        """Words for captions and reports."""
        parts = []
        if self.types:
            parts.append("ties: " + ", ".join(t.value for t in self.social_types()))
        parts.append(f"phase {self.phase}" if self.phase else "all phases")
        if self.as_of:
            parts.append(f"as of {self.as_of.isoformat()}")
        if self.min_evidence:
            parts.append(f"≥{self.min_evidence} observations")
        if self.min_methods:
            parts.append(f"≥{self.min_methods} methods")
        if self.min_sources:
            parts.append(f"≥{self.min_sources} sources")
        if self.min_confidence:
            parts.append(f"confidence ≥{self.min_confidence:g}")
        return "; ".join(parts)
