"""Metrics of the stored graph: project with the filters, then the metric suite."""

from __future__ import annotations

from typing import Any

from graph_service.filters import TieFilter
from graph_service.progress import OnProgress, no_progress
from graph_service.services.analysis_graph import TieCount, analysis_arrays
from graph_service.services.runtime import Runtime


def stored_report(
    services: Runtime,
    filters: TieFilter | None = None,
    *,
    partition: str = "membership",
    directed: bool = False,
    k: int | None = None,
    seed: int = 42,
    on_progress: OnProgress = no_progress,
) -> dict[str, Any]:
    """The same JSON as ``graph-service analyze``, for the stored graph, plus what it shows;
    ``on_progress`` hears the metrics computed."""
    repo = services.repo
    from graph_service.metrics.suite import analyze_indexed

    arrays = analysis_arrays(repo, filters, partition=partition, directed=directed, seed=seed)
    report = analyze_indexed(
        arrays.ix,
        arrays.partition,
        arrays.names,
        weighted=True,
        k=k,
        seed=seed,
        on_progress=on_progress,
    )
    projection = arrays.projection
    # ``ties`` counts pairs (the analysis graph); ``stored_ties`` the stored ties that
    # pass the filter, several of which may join one pair (docs/metrics.md).
    report["network"]["stored_ties"] = len(projection.ties)
    for g, row in report["groups"].items():
        row["name"] = arrays.group_names.get(g, g)
    report["scope"] = {
        "partition": partition,
        "filters": projection.filters.model_dump(mode="json"),
        "description": arrays.caption(),
        "group_names": arrays.group_names,
        "ties": tie_count_json(projection.tie_count),
    }
    return report


def tie_count_json(count: TieCount | None) -> dict[str, Any] | None:
    """The tie count as JSON: ``stored``, ``passing``, ``conditions`` and its ``sentence``."""
    if count is None:
        return None
    return {**count.model_dump(), "sentence": count.sentence()}
