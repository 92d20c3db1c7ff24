"""Metrics of the stored graph: project with the filters, then the metric suite."""

from __future__ import annotations

from typing import Any

from graph_service.filters import TieFilter
from graph_service.services.analysis_graph import analysis_graph
from graph_service.store.neo4j_store import Neo4jStore


def stored_report(
    store: Neo4jStore,
    filters: TieFilter | None = None,
    *,
    partition: str = "membership",
    directed: bool = False,
    k: int | None = None,
    seed: int = 42,
) -> dict[str, Any]:
    """The same JSON as ``graph-service analyze``, for the stored graph, plus what it shows."""
    from graph_service.metrics.suite import analyze

    ag = analysis_graph(store, filters, partition=partition, directed=directed, seed=seed)
    report = analyze(ag.graph, ag.partition, weight="weight", k=k, seed=seed)
    # ``ties`` counts pairs (the analysis graph); ``stored_ties`` the stored ties that
    # pass the filter, several of which may join one pair (docs/metrics.md).
    report["network"]["stored_ties"] = len(ag.ties)
    for g, row in report["groups"].items():
        row["name"] = ag.group_names.get(g, g)
    report["scope"] = {
        "partition": partition,
        "filters": ag.filters.model_dump(mode="json"),
        "description": ag.caption(),
        "group_names": ag.group_names,
    }
    return report
