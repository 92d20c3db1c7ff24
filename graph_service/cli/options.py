"""Options every analysis command shares: the tie filter and the partition."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from graph_service.errors import Invalid

if TYPE_CHECKING:  # pydantic models load with the commands that use them (start-up time)
    from graph_service.filters import TieFilter

TypesOpt = Annotated[
    list[str] | None, typer.Option("--type", help="social tie type (repeat); all if unset")
]
PhaseOpt = Annotated[str | None, typer.Option("--phase", help="project phase")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="ties valid on this date")]
MinEvOpt = Annotated[int, typer.Option("--min-evidence", min=0, help="minimum observations")]
MinMethodsOpt = Annotated[
    int, typer.Option("--min-methods", min=0, help="keep ties seen by this many methods")
]
MinSourcesOpt = Annotated[
    int, typer.Option("--min-sources", min=0, help="keep ties seen in this many sources")
]
MinConfOpt = Annotated[
    float, typer.Option("--min-confidence", min=0.0, max=1.0, help="highest confidence at least")
]
PartitionOpt = Annotated[
    str,
    typer.Option("--partition", help="membership | property:NAME | communities:louvain|leiden"),
]


def tie_filter(
    phase: str | None = None,
    as_of: str | None = None,
    min_evidence: int = 0,
    min_methods: int = 0,
    min_sources: int = 0,
    *,
    types: list[str] | None = None,
    min_confidence: float = 0.0,
) -> TieFilter:
    """The filter from the command's options; a bad value is one line naming the option."""
    from pydantic import ValidationError

    from graph_service.filters import TieFilter

    try:
        return TieFilter.model_validate(
            {
                "types": types or None,
                "phase": phase,
                "as_of": date.fromisoformat(as_of) if as_of else None,
                "min_evidence": min_evidence,
                "min_methods": min_methods,
                "min_sources": min_sources,
                "min_confidence": min_confidence,
            }
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        raise Invalid(f"--{str(first['loc'][0]).replace('_', '-')}: {first['msg']}") from exc
    except ValueError as exc:
        raise Invalid(f"--as-of: {exc} (use YYYY-MM-DD)") from exc
