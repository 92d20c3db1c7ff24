"""What the steering analyses read from the repo, in plain data.

The social graph is the shared analysis projection
(:func:`graph_service.services.analysis_graph.analysis_graph`); affiliations and the
catalogue of nodes come from ``cypher/steering/``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from graph_service.filters import TieFilter
from graph_service.model import AFFILIATION_TYPE_ORDER, NodeLabel, RelType, is_person
from graph_service.services.analysis_graph import AnalysisGraph, analysis_graph
from graph_service.store.repository import GraphRepository


@dataclass(frozen=True)
class NodeInfo:
    id: str
    label: str
    name: str
    kind: str | None = None

    @property
    def person(self) -> bool:
        return is_person(self.label, self.kind)


@dataclass(frozen=True)
class Affiliation:
    """One affiliation tie: MEMBER_OF, PARTICIPATES_IN, RESPONSIBLE_FOR, ADVANCES, PART_OF."""

    type: str
    source: str
    target: str
    source_label: str = ""
    target_label: str = ""
    role: str | None = None
    id: str = ""
    source_count: int = 0
    method_count: int = 0


Catalogue = dict[str, NodeInfo]


def catalogue(repo: GraphRepository, labels: Iterable[NodeLabel] | None = None) -> Catalogue:
    """Every node with one of ``labels`` (all labels by default), by id."""
    chosen = [label.value for label in (labels or list(NodeLabel))]
    return {
        row["id"]: NodeInfo(row["id"], row["label"], row["name"], row["kind"])
        for row in repo.read("steering/nodes_by_label", labels=chosen)
    }


def affiliations(
    repo: GraphRepository, filters: TieFilter | None = None, types: Iterable[RelType] | None = None
) -> list[Affiliation]:
    """Affiliation ties valid in the filter's phase / on its date (evidence not filtered:
    TieFilter's thresholds are about social ties)."""
    filters = filters or TieFilter()
    chosen = list(types) if types is not None else list(AFFILIATION_TYPE_ORDER)
    rows = repo.read(
        "steering/affiliations",
        types=[t.value for t in chosen],
        **filters.validity_params(),
    )
    return [
        Affiliation(
            type=r["type"],
            source=r["source"],
            target=r["target"],
            source_label=r["source_label"],
            target_label=r["target_label"],
            role=r["role"],
            id=r["id"] or "",
            source_count=r["source_count"],
            method_count=r["method_count"],
        )
        for r in rows
    ]


def social_graph(
    repo: GraphRepository, filters: TieFilter | None = None, partition: str = "membership"
) -> AnalysisGraph:
    """The collapsed, undirected social graph of the filter, with its partition."""
    return analysis_graph(repo, filters, partition=partition)


def name_of(catalogue: Catalogue, node_id: str) -> str:
    info = catalogue.get(node_id)
    return info.name if info else node_id
