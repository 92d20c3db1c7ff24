"""Project the stored graph into networkx, the interchange format of metrics and maps.

Conventions (docs/metrics.md):

- Nodes: Actor and Staff by default (the people and organisations that social ties join),
  isolates kept. Node attributes: ``label``, ``name``, ``kind``, ``groups`` (the ids of the
  groups it is a MEMBER_OF, in the chosen phase) and its stored properties.
- Ties: the social ties that pass the :class:`~graph_service.filters.TieFilter`.
  :func:`collapse` makes the analysis graph: all ties of a pair (several types, phases)
  become one edge whose ``weight`` is the **sum** of their weights, ``types`` lists their
  types and ``ties`` counts them. Undirected analysis joins every pair once; directed
  analysis keeps directed types as arcs and makes an undirected type an arc each way.
  Observations of one tie are already one tie in the store (its evidence list), so they
  never add weight.
- Partition: ``membership`` (MEMBER_OF; a node in several groups shares a group with
  each), ``property:NAME`` (a node property's value) or ``communities[:louvain|leiden]``
  (detected on the collapsed undirected graph, seeded).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx
from pydantic import BaseModel, Field

from graph_service.errors import Invalid
from graph_service.filters import TieFilter
from graph_service.model import (
    DIRECTED,
    PROPERTY_NAME_PATTERN,
    SOCIAL_LABELS,
    SOCIAL_TYPES,
    NodeLabel,
    RelType,
    is_person,
    naming_type,
)
from graph_service.services.runtime import Runtime
from graph_service.store.repository import GraphRepository


class TieCount(BaseModel):
    """How many social ties are stored (between the analysed nodes) and how many pass the
    filter, with the conditions that decide it: every output that shows an analysis
    carries it, so a filter never removes ties silently."""

    stored: int = Field(description="social ties stored between the analysed nodes")
    passing: int = Field(description="of those, the ties that pass the filter")
    conditions: list[str] = Field(
        default_factory=list, description="the filter's conditions (command-line words)"
    )

    @property
    def removed(self) -> int:
        return self.stored - self.passing

    def sentence(self) -> str:
        """``78 stored ties, 0 pass: min-confidence 0.5`` (or ``78 stored ties, all pass``)."""
        stored = f"{self.stored} stored tie{'s' if self.stored != 1 else ''}"
        if not self.removed:
            return f"{stored}, all pass" if self.conditions else stored
        return f"{stored}, {self.passing} pass: {'; '.join(self.conditions)}"


@dataclass
class Projection:
    """What the store returned: node records and one record per stored tie."""

    nodes: dict[str, dict[str, Any]]
    ties: list[dict[str, Any]]
    group_names: dict[str, str]
    filters: TieFilter
    tie_count: TieCount | None = None


@dataclass
class AnalysisGraph:
    graph: nx.Graph
    partition: dict[Hashable, frozenset[str]]
    group_names: dict[str, str]
    filters: TieFilter
    partition_name: str
    directed: bool
    ties: list[dict[str, Any]] = field(default_factory=list)
    tie_count: TieCount | None = None

    def caption(self) -> str:
        return f"partition: {self.partition_name}; {self.filters.describe()}"


def project(
    repo: GraphRepository,
    filters: TieFilter | None = None,
    labels: Iterable[NodeLabel] = SOCIAL_LABELS,
) -> Projection:
    """Read the nodes and the filtered social ties from the repo."""
    filters = filters or TieFilter()
    check_phase(repo, filters.phase)
    label_values = [label.value for label in labels]
    nodes: dict[str, dict[str, Any]] = {}
    for row in repo.read(
        "analysis/project_nodes", labels=label_values, **filters.validity_params()
    ):
        props = dict(row["props"])
        nodes[row["id"]] = {
            **{k: v for k, v in props.items() if not isinstance(v, list)},
            "label": row["label"],
            "name": props.get("name") or row["id"],
            "groups": tuple(sorted(set(row["groups"]))),
            "person": is_person(row["label"], props.get("kind")),
        }
    ties = [
        {
            **row,
            "directed": DIRECTED[RelType(row["type"])],
            "methods": sorted(set(row["methods"] or [])),
        }
        for row in repo.read_filtered(
            "analysis/project_ties", filters.params(filters.social_types()), labels=label_values
        )
    ]
    group_names = {r["id"]: r["name"] for r in repo.read("analysis/group_names")}
    return Projection(nodes, ties, group_names, filters, count_ties(repo, filters, label_values))


def count_ties(repo: GraphRepository, filters: TieFilter, labels: list[str]) -> TieCount:
    """Stored social ties between nodes with ``labels``, and how many pass ``filters``."""
    conditions = filters.conditions()
    row = repo.read_filtered(
        "analysis/count_ties",
        filters.params(filters.social_types()),
        labels=labels,
        social=sorted(t.value for t in SOCIAL_TYPES),
    )[0]
    return TieCount(stored=row["stored"], passing=row["passing"], conditions=conditions)


def multigraph(projection: Projection) -> nx.MultiDiGraph:
    """Every stored tie as its own edge (for maps: filter by type and phase in the page)."""
    graph = nx.MultiDiGraph()
    for node_id, attrs in projection.nodes.items():
        graph.add_node(node_id, **attrs)
    for tie in projection.ties:
        graph.add_edge(tie["source"], tie["target"], key=tie["id"], **tie)
    return graph


def collapse(projection: Projection, directed: bool = False) -> nx.Graph:
    """One edge per pair (per ordered pair when ``directed``); see the module docstring."""
    graph: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    for node_id, attrs in projection.nodes.items():
        graph.add_node(node_id, **attrs)
    for tie in projection.ties:
        ends = [(tie["source"], tie["target"])]
        if directed and not tie["directed"]:
            ends.append((tie["target"], tie["source"]))
        for u, v in ends:
            if graph.has_edge(u, v):
                data = graph.edges[u, v]
                data["weight"] += tie["weight"]
                data["ties"] += 1
                data["types"] = sorted(set(data["types"]) | {tie["type"]})
                data["ids"].append(tie["id"])
                data["phases"] = sorted(set(data["phases"]) | ({tie["phase"]} - {None}))
                data["evidence_count"] += tie["evidence_count"] or 0
                data["method_count"] = max(data["method_count"], tie["method_count"] or 0)
                data["methods"] = sorted(set(data["methods"]) | set(tie["methods"]))
                if tie["max_confidence"] is not None:
                    data["max_confidence"] = max(
                        data["max_confidence"] or 0.0, tie["max_confidence"]
                    )
            else:
                graph.add_edge(
                    u,
                    v,
                    weight=float(tie["weight"]),
                    ties=1,
                    types=[tie["type"]],
                    ids=[tie["id"]],
                    phases=[tie["phase"]] if tie["phase"] else [],
                    evidence_count=tie["evidence_count"] or 0,
                    method_count=tie["method_count"] or 0,
                    methods=list(tie["methods"]),
                    max_confidence=tie["max_confidence"],
                    directed=directed,
                )
    for _, _, data in graph.edges(data=True):
        data["type"] = naming_type(data["types"])
        data["phase"] = data["phases"][0] if len(data["phases"]) == 1 else None
    return graph


def partition_of(graph: nx.Graph, spec: str, seed: int = 42) -> dict[Hashable, frozenset[str]]:
    """The partition named by ``spec`` (see the module docstring)."""
    if spec == "membership":
        return {n: frozenset(d.get("groups") or ()) for n, d in graph.nodes(data=True)}
    if spec.startswith("property:"):
        name = spec.removeprefix("property:")
        if not re.match(PROPERTY_NAME_PATTERN, name):
            raise Invalid(f"partition property {name!r} is not a valid property name")
        out: dict[Hashable, frozenset[str]] = {}
        for n, d in graph.nodes(data=True):
            value = d.get(name)
            out[n] = frozenset() if value in (None, "") else frozenset({str(value)})
        if graph.number_of_nodes() and not any(out.values()):
            raise unknown_property(graph, name)
        return out
    if spec in ("communities", "communities:louvain", "communities:leiden"):
        from graph_service.metrics.partition import partition_from_communities

        method: Literal["louvain", "leiden"] = "leiden" if spec.endswith("leiden") else "louvain"
        undirected = graph.to_undirected() if graph.is_directed() else graph
        found = partition_from_communities(undirected, method=method, seed=seed)
        return {str(node): groups for node, groups in found.items()}
    raise Invalid(
        f"unknown partition {spec!r}: use membership, property:NAME, "
        "communities:louvain or communities:leiden"
    )


#: Node attributes the projection adds; not properties a partition can name.
_PROJECTED = frozenset({"groups", "person", "label", "id"})


def unknown_property(graph: nx.Graph, name: str) -> Invalid:
    """``property:NAME`` where no node has NAME: every node would be ungrouped."""
    present = sorted(
        {
            k
            for _, d in graph.nodes(data=True)
            for k, v in d.items()
            if k not in _PROJECTED and isinstance(v, str | int | float | bool)
        }
    )
    return Invalid(
        f"partition 'property:{name}': no node has the property {name!r}; "
        f"properties of the nodes: {', '.join(present) or 'none'}",
        errors=[{"record": "query", "field": "partition", "message": f"no node has {name!r}"}],
    )


def check_phase(repo: GraphRepository, phase: str | None) -> None:
    """A phase no tie or membership carries would answer as if the network were empty
    (or, compared, as if every tie were lost): refuse it, naming the phases there are."""
    if phase is None:
        return
    present = repo.read("analysis/phases")[0]["phases"]
    if phase not in present:
        raise Invalid(
            f"phase {phase!r}: no tie or membership has this phase; "
            f"phases in the data: {', '.join(sorted(present)) or 'none'}",
            errors=[{"record": "query", "field": "phase", "message": f"no phase {phase!r}"}],
        )


def analysis_graph(
    repo: GraphRepository,
    filters: TieFilter | None = None,
    *,
    partition: str = "membership",
    directed: bool = False,
    seed: int = 42,
) -> AnalysisGraph:
    """Project, collapse and partition: the input of every metric report."""
    projection = project(repo, filters)
    graph = collapse(projection, directed=directed)
    parts = partition_of(graph, partition, seed=seed)
    names: Mapping[str, str] = projection.group_names if partition == "membership" else {}
    return AnalysisGraph(
        graph=graph,
        partition=parts,
        group_names=dict(names),
        filters=projection.filters,
        partition_name=partition,
        directed=directed,
        ties=projection.ties,
        tie_count=projection.tie_count,
    )


def stored_analysis_graph(
    services: Runtime, filters: TieFilter | None = None, **options: Any
) -> AnalysisGraph:
    """:func:`analysis_graph` (same options) of the stored graph, for surfaces
    (notebooks) that hold the service context rather than the repository."""
    return analysis_graph(services.repo, filters, **options)
