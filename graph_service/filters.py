"""Which ties a query, an analysis or a map looks at: one model, one Cypher predicate.

The same filter drives the path queries, the tie lists, the analysis projection, the
steering analyses and the maps, so "phase 2, seen by two methods" means the same thing in
each.

One pydantic model (:class:`TieFilter`) says which ties count; its Cypher predicate lives
in one place, ``cypher/ties/tie_filter.cypher``, which the repository puts into each query
that takes a filter (``repository.filtered_query``). Values reach Cypher only as the
``$f_*`` parameters built by :meth:`TieConditions.params`; relationship types only as
members of the :class:`~graph_service.model.RelType` vocabulary.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from graph_service.model import SOCIAL_TYPES, EvidenceMethod, Phase, RelType


def _iso_date_only(value: Any) -> Any:
    """Dates as ISO text (YYYY-MM-DD) or date objects, not numbers read as timestamps."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("a date is written YYYY-MM-DD")
    if isinstance(value, int | float):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


#: A date as the OpenAPI document says (format date), without pydantic's lax timestamps.
IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]


#: The command line's singular option names for the list fields (``--type`` repeated).
CLI_NAMES = {"types": "type", "methods": "method"}


class TieConditions(BaseModel):
    """Conditions on a tie apart from its type (used alone where the type is fixed)."""

    model_config = ConfigDict(extra="ignore")

    phase: Phase | None = Field(
        default=None,
        description="only ties of this project phase (ties without a phase hold in all)",
    )
    as_of: IsoDate | None = Field(
        default=None,
        description="only ties valid on this date (a one-day window; not with date_from/date_to)",
    )
    date_from: IsoDate | None = Field(
        default=None, description="only ties valid on or after this date (open ends hold)"
    )
    date_to: IsoDate | None = Field(
        default=None,
        description="only ties valid on or before this date (open ends hold; not before date_from)",
    )
    methods: list[EvidenceMethod] | None = Field(
        default=None, description="only ties seen by at least one of these evidence methods"
    )
    min_evidence: int | None = Field(
        default=None, ge=0, le=10_000, description="at least this many observations"
    )
    min_methods: int | None = Field(
        default=None,
        ge=0,
        le=len(EvidenceMethod),
        description="seen by at least this many distinct methods",
    )
    min_sources: int | None = Field(
        default=None, ge=0, le=10_000, description="seen in at least this many distinct sources"
    )
    min_confidence: float | None = Field(
        default=None, ge=0.0, le=1.0, description="at least one observation this sure"
    )

    @field_validator("min_evidence", "min_methods", "min_sources", "min_confidence", "methods")
    @classmethod
    def _zero_is_no_condition(cls, value: Any) -> Any:
        """A threshold of 0 (or an empty list of methods) is no condition: the same as
        leaving the option out, so a tie with no observation passes it."""
        return value or None

    @model_validator(mode="after")
    def _window(self) -> TieConditions:
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValueError("date_to is before date_from")
        if self.as_of and (self.date_from or self.date_to):
            raise ValueError("give as_of or a date window (date_from, date_to), not both")
        return self

    def conditions(self) -> list[str]:
        """The conditions in force, in the words of the command line's options
        (``min-confidence 0.5``): what a "stored ties, pass" line names."""
        out = []
        for name, value in self.model_dump(exclude_none=True).items():
            if isinstance(value, list):
                value = ",".join(str(getattr(v, "value", v)) for v in value)
            elif isinstance(value, date):
                value = value.isoformat()
            out.append(f"{CLI_NAMES.get(name, name).replace('_', '-')} {value}")
        return out

    def params(self, types: frozenset[RelType] | list[RelType] | None = None) -> dict[str, Any]:
        """The ``$f_*`` parameters of ``cypher/ties/tie_filter.cypher``."""
        return {
            "f_types": sorted(t.value for t in types) if types is not None else None,
            "f_phase": self.phase,
            "f_from": self.as_of or self.date_from,
            "f_to": self.as_of or self.date_to,
            "f_methods": sorted({m.value for m in self.methods}) if self.methods else None,
            "f_min_evidence": self.min_evidence,
            "f_min_methods": self.min_methods,
            "f_min_sources": self.min_sources,
            "f_min_confidence": self.min_confidence,
        }


class TieFilter(TieConditions):
    """Which ties a query uses: types plus the conditions of :class:`TieConditions`."""

    types: list[RelType] | None = Field(
        default=None, description="only ties of these types (default: every type)"
    )

    @field_validator("types")
    @classmethod
    def _no_types_is_every_type(cls, value: Any) -> Any:
        return value or None

    def params(self, types: frozenset[RelType] | list[RelType] | None = None) -> dict[str, Any]:
        chosen = types if types is not None else self.types
        return super().params(chosen)

    def social_by_default(self) -> TieFilter:
        """The same filter, restricted to the social ties when no type was chosen (paths
        between group members should not run through the groups themselves)."""
        if self.types is not None:
            return self
        return self.model_copy(update={"types": sorted(SOCIAL_TYPES)})

    def validity_params(self) -> dict[str, Any]:
        """``$f_phase``, ``$f_from``, ``$f_to`` alone: for affiliations (memberships), which
        follow the phase and dates of the analysis but not its evidence thresholds."""
        full = self.params()
        return {k: full[k] for k in ("f_phase", "f_from", "f_to")}

    def social_types(self) -> list[RelType]:
        """The chosen social tie types (all of them when none was chosen)."""
        chosen = self.types or sorted(SOCIAL_TYPES)
        return [t for t in chosen if t in SOCIAL_TYPES]

    def describe(self) -> str:
        """Words for captions and reports."""
        parts = []
        if self.types:
            parts.append("ties: " + ", ".join(t.value for t in self.types))
        parts.append(f"phase {self.phase}" if self.phase else "all phases")
        if self.as_of:
            parts.append(f"as of {self.as_of.isoformat()}")
        if self.date_from or self.date_to:
            start = self.date_from.isoformat() if self.date_from else "…"
            end = self.date_to.isoformat() if self.date_to else "…"
            parts.append(f"valid {start} to {end}")
        if self.methods:
            parts.append("seen by " + " or ".join(m.value for m in self.methods))
        for value, words in (
            (self.min_evidence, "observations"),
            (self.min_methods, "methods"),
            (self.min_sources, "sources"),
        ):
            if value:
                parts.append(f"≥{value} {words}")
        if self.min_confidence:
            parts.append(f"confidence ≥{self.min_confidence:g}")
        return "; ".join(parts)
