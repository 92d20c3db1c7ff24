"""Metric reports of the stored graph: project with the filters, then the metrics package."""

from __future__ import annotations

from typing import Any

from graph_service.filters import TieFilter
from graph_service.progress import OnProgress, no_progress
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
    on_progress: OnProgress = no_progress,
) -> dict[str, Any]:
    """The same JSON as ``graph-service analyze``, for the stored graph, plus what it shows;
    ``on_progress`` hears the metrics computed."""
    from graph_service.metrics.report import analyze

    ag = analysis_graph(store, filters, partition=partition, directed=directed, seed=seed)
    report = analyze(
        ag.graph, ag.partition, weight="weight", k=k, seed=seed, on_progress=on_progress
    )
    report["scope"] = {
        "partition": partition,
        "filters": ag.filters.model_dump(mode="json"),
        "description": ag.caption(),
        "group_names": ag.group_names,
    }
    return report
