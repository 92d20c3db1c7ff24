"""Who connects to whom: k shortest paths, node-disjoint paths, ego networks, brokers between
two groups, common contacts. Every query takes the same :class:`TieFilter` and reads ties
as undirected contacts (a tie is a channel either way, whatever its direction semantics).

Conventions:

- **Paths run over the social ties** (people to people) unless the filter names types,
  like the brokers: over every type they would run through the groups and initiatives
  themselves, which says nothing about who can reach whom.
- **k shortest paths** are simple paths (no node twice), shortest first (then by the ids
  along them), found by Neo4j's ``SHORTEST`` path search with the filter applied to every
  hop; a path is a sequence of nodes, and each hop lists every tie that joins its two nodes
  and passes the filter (parallel ties of several types make one path, not several).
- **Node-disjoint paths** count how many paths share no intermediate node: the local node
  connectivity κ(s, t) (Menger), computed by networkx (``node_connectivity``: max-flow on
  the node-split graph, Even 1975) over the filtered ties projected from Neo4j. A direct tie
  between s and t counts as one path of its own (no intermediate node to share).
- **Brokers between groups A and B** are the nodes strictly inside the shortest paths
  between a member of A and a member of B. A node's ``share`` is its pair dependency
  summed over the connected (a, b) pairs and divided by their number: the share of
  shortest paths it lies on, each pair weighted equally (the group-to-group form of
  Freeman's betweenness; Everett & Borgatti 1999). ``paths`` counts the paths it is on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx
from pydantic import BaseModel, Field

from graph_service.errors import Invalid, NotFound
from graph_service.filters import TieFilter
from graph_service.model import ID_PATTERN, Node, NodeLabel, Tie
from graph_service.services.runtime import Runtime
from graph_service.store.repository import EgoRecord, FoundPaths, GraphRepository

MAX_K = 10  # SHORTEST 10 in cypher/paths/k_shortest_paths.cypher
MAX_LENGTH = 8  # the quantifier's cap in the path queries
MAX_RADIUS = 3  # the quantifier's cap in cypher/paths/ego_network.cypher
MAX_GROUP_PATHS = 100_000


class PathQuery(BaseModel):
    """The two ends and the bounds of a k-shortest-paths request (the API's query
    parameters, read in one step: api/params.py)."""

    source: str = Field(pattern=ID_PATTERN, description="a node id")
    target: str = Field(pattern=ID_PATTERN, description="a node id, not the first node's")
    k: int = Field(default=3, ge=1, le=MAX_K, description="how many paths")
    max_length: int = Field(
        default=4, ge=1, le=MAX_LENGTH, description="at most this many ties per path"
    )


class Hop(BaseModel):
    """One step of a path: from a node to the next, with every tie (type and evidence
    inside) that joins the two and passes the filter."""

    from_id: str
    to_id: str
    ties: list[Tie] = Field(min_length=1)


class Path(BaseModel):
    length: int
    nodes: list[Node]
    hops: list[Hop]


class PathsResult(BaseModel):
    source: str
    target: str
    max_length: int = Field(description="the longest path searched, in ties")
    paths: list[Path]
    shortest_length: int | None = Field(
        description="ties on a shortest path between the two over these ties, at any "
        "length; null when no path joins them"
    )
    note: str | None = Field(
        default=None, description="why there are no paths, when there are none"
    )


class DisjointPaths(BaseModel):
    source: str
    target: str
    node_disjoint_paths: int = Field(
        description="paths that share no intermediate node (a direct tie counts as one)"
    )
    direct_tie: bool
    method: str = "networkx node_connectivity (max-flow on the node-split graph)"


class EgoNode(BaseModel):
    node: Node
    distance: int


class EgoNetwork(BaseModel):
    center: str
    radius: int
    nodes: list[EgoNode]
    ties: list[Tie]


class Broker(BaseModel):
    node: Node
    share: float = Field(
        description="mean over connected pairs of the share of their "
        "shortest paths through this node"
    )
    paths: int = Field(description="shortest paths through this node")
    pairs: int = Field(description="connected (a, b) pairs with a shortest path through it")
    ties: list[Tie] = Field(description="the ties of those paths at this node")


class BrokersResult(BaseModel):
    group_a: str
    group_b: str
    connected_pairs: int
    shortest_paths: int
    truncated: bool = Field(description="the path search hit its cap; shares are partial")
    brokers: list[Broker]


class CommonContact(BaseModel):
    node: Node
    ties_to_a: list[Tie]
    ties_to_b: list[Tie]


class CommonContacts(BaseModel):
    a: str
    b: str
    contacts: list[CommonContact]


def _require(
    repo: GraphRepository, ends: Sequence[tuple[str, str]], label: NodeLabel | None = None
) -> None:
    """Each of ``ends`` (node id, the query field that named it) is a stored node (of
    ``label``, if given), checked in one query; NotFound naming the first that is not."""
    _check_ends(repo.labels_of([node_id for node_id, _ in ends]), ends, label)


def _check_ends(
    stored: Mapping[str, str], ends: Sequence[tuple[str, str]], label: NodeLabel | None = None
) -> None:
    """NotFound naming the first of ``ends`` whose id ``stored`` (id -> stored label) does
    not hold (with ``label``, if given)."""
    for node_id, field in ends:
        found = stored.get(node_id)
        if found is None or (label is not None and found != label.value):
            what = label.value if label else "node"
            raise NotFound(
                f"no {what} with id {node_id}",
                errors=[{"record": "query", "field": field, "message": f"no {what} {node_id}"}],
            )


def _distinct(a: str, b: str, fields: tuple[str, str]) -> None:
    if a == b:
        raise Invalid(
            f"{fields[0]} and {fields[1]} are the same node",
            errors=[{"record": "query", "field": fields[1], "message": f"equals {fields[0]}"}],
        )


def k_shortest_paths(
    services: Runtime,
    source: str,
    target: str,
    filters: TieFilter,
    k: int = 3,
    max_length: int = 4,
    timeout: float | None = None,
) -> PathsResult:
    """Up to ``k`` shortest simple paths of at most ``max_length`` ties (social ties unless
    the filter names types); when there are none, how long the shortest path is."""
    found = paths_document(services, source, target, filters, k, max_length, timeout)
    return PathsResult.model_validate(found)


def paths_document(
    services: Runtime,
    source: str,
    target: str,
    filters: TieFilter,
    k: int = 3,
    max_length: int = 4,
    timeout: float | None = None,
) -> dict[str, Any]:
    """:func:`k_shortest_paths` as the JSON of :class:`PathsResult`, built from the
    repository's documents without the models, as ego networks are: what the API writes
    out (building the models, then FastAPI checking them again, had been half the CPU of
    an ego-network request). One query whatever the answer: the paths, the ends' labels
    and, without paths, the shortest length come together."""
    check_paths_request(source, target, k)
    found = services.repo.k_shortest_paths(
        path_filter_params(filters), source, target, k, max_length, timeout
    )
    return paths_answer(source, target, max_length, found)


def check_paths_request(source: str, target: str, k: int) -> None:
    """Invalid when a paths request cannot be asked: the same node at both ends, or ``k``
    outside 1..MAX_K."""
    _distinct(source, target, ("source", "target"))
    if not 1 <= k <= MAX_K:
        raise Invalid(
            f"k must be between 1 and {MAX_K}",
            errors=[{"record": "query", "field": "k", "message": f"{k} is not in 1..{MAX_K}"}],
        )


def path_filter_params(filters: TieFilter) -> dict[str, Any]:
    """The ``$f_*`` parameters of a path search (k shortest paths, disjoint paths,
    brokers): social ties unless the filter names types."""
    return filters.social_by_default().params()


def paths_answer(source: str, target: str, max_length: int, found: FoundPaths) -> dict[str, Any]:
    """The JSON of :class:`PathsResult` from what the repository found (NotFound naming
    the end that is not stored, when no path was found)."""
    if not found.paths:  # a path found means both ends are stored
        _check_ends(found.labels, [(source, "source"), (target, "target")])
    paths = [
        {
            "length": len(hops),
            "nodes": nodes,
            "hops": [
                {"from_id": nodes[i]["id"], "to_id": nodes[i + 1]["id"], "ties": ties}
                for i, ties in enumerate(hops)
            ],
        }
        for nodes, hops in found.paths
    ]
    answer = {"source": source, "target": target, "max_length": max_length, "paths": paths}
    if paths:
        return {**answer, "shortest_length": paths[0]["length"], "note": None}
    shortest = found.shortest
    return {**answer, "shortest_length": shortest, "note": _no_path_note(max_length, shortest)}


def _no_path_note(max_length: int, shortest: int | None) -> str:
    if shortest is None:
        return "no path joins them over the ties that pass the filter"
    advice = (
        f"max_length={shortest} finds it"
        if shortest <= MAX_LENGTH
        else f"longer than the {MAX_LENGTH} ties a path search allows"
    )
    return f"no path of at most {max_length} ties; the shortest has {shortest} ({advice})"


def disjoint_paths(
    services: Runtime,
    source: str,
    target: str,
    filters: TieFilter,
    timeout: float | None = None,
) -> DisjointPaths:
    repo = services.repo
    _distinct(source, target, ("source", "target"))
    _require(repo, [(source, "source"), (target, "target")])
    graph = nx.Graph()
    graph.add_edges_from(repo.filtered_edges(path_filter_params(filters), timeout))
    graph.add_nodes_from([source, target])
    direct = graph.has_edge(source, target)
    if direct:
        graph.remove_edge(source, target)
    count = int(nx.node_connectivity(graph, source, target)) + (1 if direct else 0)
    return DisjointPaths(source=source, target=target, node_disjoint_paths=count, direct_tie=direct)


def paths_of(
    services: Runtime,
    filter_params: Mapping[str, Any],
    pairs: Sequence[tuple[str, str]],
    k: int,
    max_length: int,
) -> dict[tuple[str, str], FoundPaths]:
    """The k shortest paths of each ``(source, target)`` of ``pairs`` under the ``$f_*``
    parameters of :func:`path_filter_params`, in one query (the API's coalesced reads),
    under the settings' query timeout."""
    return services.repo.k_shortest_paths_of(
        pairs, filter_params, k, max_length, services.settings.query_timeout
    )


def ego_networks(
    services: Runtime, filter_params: Mapping[str, Any], node_ids: Sequence[str], radius: int
) -> dict[str, EgoRecord]:
    """The ego networks of ``node_ids`` under the tie filter's ``$f_*`` parameters
    (TieFilter.params), in one query (the API's coalesced reads), under the settings'
    query timeout."""
    return services.repo.ego_networks(
        filter_params, node_ids, radius, services.settings.query_timeout
    )


def ego_document(
    node_id: str, radius: int, nodes: list[tuple[dict[str, Any], int]], ties: list[dict[str, Any]]
) -> dict[str, Any]:
    """The answer for the ego network of ``node_id`` from what the repository found, as
    the JSON of :class:`EgoNetwork` (members by distance then id, ties by id); NotFound
    when it found nothing. A document rather than the model: building the models took
    half the CPU time of the request, and the repository's documents are the models'
    JSON already (tests/api/test_connections.py holds them to it)."""
    if not nodes:
        raise NotFound(f"no node with id {node_id}")
    members = [
        {"node": node, "distance": distance}
        for node, distance in sorted(nodes, key=lambda m: (m[1], m[0]["id"]))
    ]
    return {
        "center": node_id,
        "radius": radius,
        "nodes": members,
        "ties": sorted(ties, key=lambda t: (t["id"], t["type"])),
    }


def brokers(
    services: Runtime,
    group_a: str,
    group_b: str,
    filters: TieFilter,
    max_length: int = 4,
    limit: int = 20,
    timeout: float | None = None,
) -> BrokersResult:
    repo = services.repo
    _distinct(group_a, group_b, ("group_a", "group_b"))
    _require(repo, [(group_a, "group_a"), (group_b, "group_b")], NodeLabel.GROUP)
    rows = repo.group_shortest_paths(
        path_filter_params(filters),
        group_a,
        group_b,
        max_length,
        MAX_GROUP_PATHS + 1,
        timeout,
    )
    truncated = len(rows) > MAX_GROUP_PATHS
    rows = rows[:MAX_GROUP_PATHS]
    per_pair: dict[tuple[str, str], list[tuple[list[str], list[Tie]]]] = defaultdict(list)
    for a, b, node_ids, ties in rows:
        per_pair[(a, b)].append((node_ids, ties))
    share: dict[str, float] = defaultdict(float)
    path_count: dict[str, int] = defaultdict(int)
    pair_count: dict[str, int] = defaultdict(int)
    used: dict[str, dict[tuple[str, str], Tie]] = defaultdict(dict)
    for paths in per_pair.values():
        through: dict[str, int] = defaultdict(int)
        for node_ids, ties in paths:
            for i in range(1, len(node_ids) - 1):
                v = node_ids[i]
                through[v] += 1
                for tie in (ties[i - 1], ties[i]):
                    used[v][(tie.id, tie.type.value)] = tie
        for v, n in through.items():
            share[v] += n / len(paths)
            path_count[v] += n
            pair_count[v] += 1
    pairs = len(per_pair)
    ranked = sorted(share, key=lambda v: (-share[v], v))[:limit]
    nodes = repo.nodes_by_id(ranked)
    result = [
        Broker(
            node=nodes[v],
            share=share[v] / pairs,
            paths=path_count[v],
            pairs=pair_count[v],
            ties=sorted(used[v].values(), key=lambda t: (t.id, t.type.value)),
        )
        for v in ranked
        if v in nodes
    ]
    return BrokersResult(
        group_a=group_a,
        group_b=group_b,
        connected_pairs=pairs,
        shortest_paths=len(rows),
        truncated=truncated,
        brokers=result,
    )


def common_contacts(
    services: Runtime, a: str, b: str, filters: TieFilter, timeout: float | None = None
) -> CommonContacts:
    repo = services.repo
    _distinct(a, b, ("a", "b"))
    _require(repo, [(a, "a"), (b, "b")])
    rows = repo.common_contacts(filters.params(), a, b, timeout)
    return CommonContacts(
        a=a,
        b=b,
        contacts=[CommonContact(node=n, ties_to_a=ta, ties_to_b=tb) for n, ta, tb in rows],
    )
