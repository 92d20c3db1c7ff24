"""Project the stored graph for the analyses: into the metrics' arrays, or into networkx
(the interchange format of maps and steering analyses).

The read (:func:`project`) is one query whose records each carry a batch of nodes with,
per node, the ties it is the source of as parallel lists
(cypher/analysis/project_graph.cypher): Bolt and the driver carry lists of plain values
an order of magnitude faster than a record per tie. The ties stay
columns (:class:`TieTable`); :func:`indexed_ties` collapses them straight into the arrays
of the metric suite, :func:`collapse` and :func:`multigraph` into networkx for the outputs
that need a graph. Both give the same analysis graph (tests/integration/test_projection.py).

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

import contextvars
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np
from pydantic import BaseModel, Field

from graph_service.errors import Invalid
from graph_service.filters import TieFilter
from graph_service.model import (
    DIRECTED,
    NETWORK_PROPERTY,
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

if TYPE_CHECKING:  # networkx loads only for an output that needs a graph (0.2 s of start-up)
    import networkx as nx

    from graph_service.metrics._core import BoolArray, FloatArray, IndexedGraph, IntArray


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


#: The per-tie fields of the bulk read (cypher/analysis/project_graph.cypher): record
#: column -> tie key, in the order a tie's dict lists them (``source``, ``target`` first).
_TIE_COLUMNS = {
    "types": "type",
    "ids": "id",
    "weights": "weight",
    "phases": "phase",
    "evidence_counts": "evidence_count",
    "method_counts": "method_count",
    "source_counts": "source_count",
    "max_confidences": "max_confidence",
    "methods": "methods",
}


class TieTable(Sequence[dict[str, Any]]):
    """The filtered social ties as columns, in the order the store returned them.

    ``src[t]`` and ``dst[t]`` are the positions of tie ``t``'s ends in ``node_ids`` (the
    projection's node order), ``columns`` the other fields as the store sent them. The
    metrics read the arrays (:func:`indexed_ties`); maps and steering iterate the ties as
    dicts (``source``, ``target``, ``type``, ``id``, ``weight``, ``phase``,
    ``evidence_count``, ``method_count``, ``source_count``, ``max_confidence``,
    ``methods`` sorted and distinct, ``directed``), built only when asked for. A table
    read without details (``project(..., detail=False)``) has only the ends and weights
    (and the types, when asked): enough for the arrays, not for the dicts.
    """

    def __init__(
        self, node_ids: list[str], src: IntArray, dst: IntArray, columns: dict[str, list[Any]]
    ) -> None:
        self.node_ids, self.src, self.dst, self.columns = node_ids, src, dst, columns

    @classmethod
    def of(cls, nodes: Mapping[str, Any], ties: Iterable[Mapping[str, Any]]) -> TieTable:
        """The table of tie dicts (e.g. an :class:`AnalysisGraph`'s ``ties``)."""
        if isinstance(ties, TieTable):
            return ties
        rows = list(ties)
        index = {node: i for i, node in enumerate(nodes)}
        ends = [
            np.fromiter((index[t[end]] for t in rows), dtype=np.int64, count=len(rows))
            for end in ("source", "target")
        ]
        columns = {col: [t[key] for t in rows] for col, key in _TIE_COLUMNS.items()}
        return cls(list(nodes), ends[0], ends[1], columns)

    def __len__(self) -> int:
        return int(self.src.size)

    @overload
    def __getitem__(self, i: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, i: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, i: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        if not self.detailed:
            raise ValueError("ties projected without their details (detail=False)")
        i = i % len(self)
        tie = {
            "source": self.node_ids[int(self.src[i])],
            "target": self.node_ids[int(self.dst[i])],
            **{key: self.columns[col][i] for col, key in _TIE_COLUMNS.items()},
        }
        tie["methods"] = sorted(set(tie["methods"] or []))
        tie["directed"] = DIRECTED[RelType(tie["type"])]
        return tie

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (self[i] for i in range(len(self)))

    @property
    def detailed(self) -> bool:
        return all(len(values) == len(self) for values in self.columns.values())

    def directed_array(self) -> BoolArray:
        """Whether each tie's type is directed (docs/model.md)."""
        directed = {t.value: DIRECTED[t] for t in RelType}
        types = self.columns["types"]
        return np.fromiter(map(directed.__getitem__, types), dtype=bool, count=len(types))

    def weight_array(self) -> FloatArray:
        return np.asarray(self.columns["weights"], dtype=np.float64).reshape(len(self))


@dataclass
class Projection:
    """What the store returned: node records and the stored ties that pass the filter
    (a :class:`TieTable` from :func:`project`; any sequence of tie dicts will do)."""

    nodes: dict[str, dict[str, Any]]
    ties: Sequence[dict[str, Any]]
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
    ties: Sequence[dict[str, Any]] = field(default_factory=list)
    tie_count: TieCount | None = None

    def caption(self) -> str:
        return caption(self.partition_name, self.filters)


def caption(partition: str, filters: TieFilter) -> str:
    """What an analysis shows: ``partition: membership; <the filter in words>``."""
    return f"partition: {partition}; {filters.describe()}"


#: Nodes per record of the bulk read: a few large records (the driver's cost is per
#: record), each small enough to stream (a few MB at ten ties a node).
PROJECTION_BATCH = 2_000

#: Reads of the bulk read at once, each on a session of its own (every other batch of
#: nodes): the server reads one part while the client decodes the other, 2.8 s -> 2.0 s
#: for a million ties on 2 cores (docs/metrics.md).
PROJECTION_PARTS = 2


def project(
    repo: GraphRepository,
    filters: TieFilter | None = None,
    labels: Iterable[NodeLabel] = SOCIAL_LABELS,
    *,
    detail: bool = True,
    types: bool = True,
) -> Projection:
    """Read the nodes and the filtered social ties from the repo: records of
    :data:`PROJECTION_BATCH` nodes, each node's ties as parallel lists
    (cypher/analysis/project_graph.cypher), read in :data:`PROJECTION_PARTS` parts at once
    (:func:`_read_parts`). ``detail=False`` reads of each tie only its ends and weight
    and, with ``types``, its type (enough for :func:`indexed_ties`, not for
    :func:`collapse`)."""
    filters = filters or TieFilter()
    check_phase(repo, filters.phase)
    chosen = filters.social_types()

    def read(part: int, parts: int) -> list[dict[str, Any]]:
        return repo.read_filtered(
            "analysis/project_graph",
            # every social type chosen: the query's own $social says it (no type to check)
            filters.params(None if set(chosen) == SOCIAL_TYPES else chosen),
            labels=[label.value for label in labels],
            social=sorted(t.value for t in SOCIAL_TYPES),
            batch=PROJECTION_BATCH,
            detail=detail,
            types=types,
            part=part,
            parts=parts,
        )

    rows = _read_parts(read)

    def column(name: str) -> Iterator[Any]:
        return chain.from_iterable(row[name] for row in rows)

    nodes = {
        node_id: _node_attrs(node_id, label, props, groups)
        for node_id, label, props, groups in zip(
            column("id"), column("label"), column("props"), column("groups"), strict=True
        )
    }
    keys = np.fromiter(column("keys"), dtype=np.int64, count=len(nodes))
    ties = _tie_table(list(nodes), keys, column)
    group_names = {r["id"]: r["name"] for r in repo.read("analysis/group_names")}
    count = TieCount(
        stored=sum(column("stored")), passing=len(ties), conditions=filters.conditions()
    )
    return Projection(nodes, ties, group_names, filters, count)


def _read_parts(read: Callable[[int, int], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The records of ``read(part, parts)`` for every part, run at once on threads of their
    own, in the order of one read; when the parts did not see the same nodes (a write
    came between their transactions), one read of the whole."""
    parts = PROJECTION_PARTS
    if parts == 1:
        return read(0, 1)
    context = [contextvars.copy_context() for _ in range(parts)]
    with ThreadPoolExecutor(max_workers=parts, thread_name_prefix="graph-service") as pool:
        futures = [pool.submit(context[p].run, read, p, parts) for p in range(parts)]
        found = [future.result() for future in futures]
    rows = sorted(chain.from_iterable(found), key=lambda row: row["first"])
    seen = {tuple(row["seen"]) for row in rows}  # (nodes, sum of their internal ids)
    expected = range(0, seen.pop()[0], PROJECTION_BATCH) if len(seen) == 1 else None
    if expected is not None and [row["first"] for row in rows] == list(expected):
        return rows
    return read(0, 1) if rows else []


def _node_attrs(
    node_id: str, label: str, props: dict[str, Any], groups: list[str]
) -> dict[str, Any]:
    """The attributes of a projected node, made from the dict the driver gave (the
    stored properties but lists and the network, then label, name, groups, person)."""
    kind, name = props.get("kind"), props.get("name") or node_id
    props.pop(NETWORK_PROPERTY, None)
    for key in [k for k, v in props.items() if isinstance(v, list)]:
        del props[key]
    props["label"] = label
    props["name"] = name
    props["groups"] = tuple(sorted(set(groups)))
    props["person"] = is_person(label, kind)
    return props


def _tie_table(
    node_ids: list[str], keys: IntArray, column: Callable[[str], Iterator[Any]]
) -> TieTable:
    """The ties of the node lists, flattened: a tie's source is the node it is listed at,
    its target the node whose key (the store's internal id, ``keys[i]`` for node ``i``)
    the read gave."""
    n = len(node_ids)
    degree = np.fromiter(map(len, column("targets")), dtype=np.int64, count=n)
    m = int(degree.sum())
    src = np.repeat(np.arange(n, dtype=np.int64), degree)
    targets = np.fromiter(chain.from_iterable(column("targets")), dtype=np.int64, count=m)
    order = np.argsort(keys, kind="stable")
    at = np.searchsorted(keys[order], targets)
    if m and (at.max() >= n or not np.array_equal(keys[order][at], targets)):
        raise RuntimeError("the read gave a tie whose target is not among its nodes")
    dst = order[at] if m else np.zeros(0, dtype=np.int64)
    columns = {col: list(chain.from_iterable(column(col))) for col in _TIE_COLUMNS}
    return TieTable(node_ids, src, dst, columns)


def multigraph(projection: Projection) -> nx.MultiDiGraph:
    """Every stored tie as its own edge (for maps: filter by type and phase in the page)."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    for node_id, attrs in projection.nodes.items():
        graph.add_node(node_id, **attrs)
    for tie in projection.ties:
        graph.add_edge(tie["source"], tie["target"], key=tie["id"], **tie)
    return graph


def collapse(projection: Projection, directed: bool = False) -> nx.Graph:
    """One edge per pair (per ordered pair when ``directed``); see the module docstring."""
    import networkx as nx

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


def indexed_ties(projection: Projection, directed: bool = False) -> IndexedGraph:
    """:func:`collapse` straight into the metrics' arrays: exactly
    ``indexed(collapse(projection, directed), "weight")`` (same node order, same tie order,
    each pair's weight summed in the same order), without a networkx graph.

    networkx keeps a node's neighbours in the order they were first tied to it, and
    ``indexed`` reads each tie from its first node: so the pairs (arcs when ``directed``)
    come sorted by first node, then by their first tie in the read order.
    """
    from graph_service.metrics._core import IndexedGraph, _weights

    ties = TieTable.of(projection.nodes, projection.ties)
    nodes: list[Hashable] = list(projection.nodes)
    n = len(nodes)
    s, d, w = ties.src, ties.dst, ties.weight_array()
    if directed:  # tie t: the arc s -> d, then (undirected type) d -> s
        both = ~ties.directed_array()
        a = np.column_stack([s, d]).ravel()
        b = np.column_stack([d, s]).ravel()
        keep = np.column_stack([np.ones_like(both), both]).ravel()
        a, b, w = a[keep], b[keep], np.repeat(w, 2)[keep]
    else:
        a, b = np.minimum(s, d), np.maximum(s, d)
    key, first, inverse = np.unique(a * n + b, return_index=True, return_inverse=True)
    # bincount adds each pair's weights one by one in the read order, as collapse does
    weight = np.bincount(inverse.reshape(-1), weights=w, minlength=key.size)
    src, dst = key // n, key % n
    order = np.lexsort((first, src))
    order = order[src[order] != dst[order]]  # self-loops: ignored by every metric
    src, dst, weight = src[order], dst[order], weight[order]
    if not (np.isfinite(weight) & (weight >= 0)).all():
        _weights(nodes, src, dst, weight.tolist(), "weight")  # raises, naming the tie
    return IndexedGraph(nodes, {v: i for i, v in enumerate(nodes)}, directed, src, dst, weight)


def partition_of(graph: nx.Graph, spec: str, seed: int = 42) -> dict[Hashable, frozenset[str]]:
    """The partition named by ``spec`` (see the module docstring)."""
    return node_partition(dict(graph.nodes(data=True)), spec, lambda: graph, seed)


def node_partition(
    nodes: Mapping[Any, Mapping[str, Any]],
    spec: str,
    graph: Callable[[], nx.Graph],
    seed: int = 42,
) -> dict[Hashable, frozenset[str]]:
    """:func:`partition_of` from the node attributes; ``graph()`` is called only when the
    partition needs the ties (detected communities)."""
    if spec == "membership":
        return {n: frozenset(d.get("groups") or ()) for n, d in nodes.items()}
    if spec.startswith("property:"):
        name = spec.removeprefix("property:")
        if not re.match(PROPERTY_NAME_PATTERN, name):
            raise Invalid(f"partition property {name!r} is not a valid property name")
        out: dict[Hashable, frozenset[str]] = {}
        for n, d in nodes.items():
            value = d.get(name)
            out[n] = frozenset() if value in (None, "") else frozenset({str(value)})
        if nodes and not any(out.values()):
            raise unknown_property(nodes, name)
        return out
    if spec in ("communities", "communities:louvain", "communities:leiden"):
        from graph_service.metrics.partition import partition_from_communities

        method: Literal["louvain", "leiden"] = "leiden" if spec.endswith("leiden") else "louvain"
        G = graph()
        undirected = G.to_undirected() if G.is_directed() else G
        found = partition_from_communities(undirected, method=method, seed=seed)
        return {str(node): groups for node, groups in found.items()}
    raise Invalid(
        f"unknown partition {spec!r}: use membership, property:NAME, "
        "communities:louvain or communities:leiden"
    )


#: Node attributes the projection adds; not properties a partition can name.
_PROJECTED = frozenset({"groups", "person", "label", "id"})


def unknown_property(nodes: Mapping[Any, Mapping[str, Any]], name: str) -> Invalid:
    """``property:NAME`` where no node has NAME: every node would be ungrouped."""
    present = sorted(
        {
            k
            for d in nodes.values()
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


@dataclass
class AnalysisArrays:
    """The input of the metric suite without a networkx graph
    (:func:`graph_service.metrics.suite.analyze_indexed` takes it as it is)."""

    ix: IndexedGraph
    partition: dict[Hashable, frozenset[str]]
    names: list[str | None]
    group_names: dict[str, str]
    projection: Projection
    partition_name: str

    def caption(self) -> str:
        return caption(self.partition_name, self.projection.filters)


def analysis_arrays(
    repo: GraphRepository,
    filters: TieFilter | None = None,
    *,
    partition: str = "membership",
    directed: bool = False,
    seed: int = 42,
) -> AnalysisArrays:
    """:func:`analysis_graph` as arrays: the same nodes, ties, weights and partition, with
    networkx built only for a partition that needs the ties (detected communities)."""
    # the ties' details (evidence, phases, ids) only for a partition that needs the graph,
    # their types only where an undirected type makes an arc each way
    detail = partition.startswith("communities")
    projection = project(repo, filters, detail=detail, types=directed or detail)
    ix = indexed_ties(projection, directed)
    parts = node_partition(
        projection.nodes, partition, lambda: collapse(projection, directed=directed), seed
    )
    names = [None if (v := d.get("name")) is None else str(v) for d in projection.nodes.values()]
    group_names = dict(projection.group_names) if partition == "membership" else {}
    return AnalysisArrays(ix, parts, names, group_names, projection, partition)


def stored_analysis_graph(
    services: Runtime, filters: TieFilter | None = None, **options: Any
) -> AnalysisGraph:
    """:func:`analysis_graph` (same options) of the stored graph, for surfaces
    (notebooks) that hold the service context rather than the repository."""
    return analysis_graph(services.repo, filters, **options)
