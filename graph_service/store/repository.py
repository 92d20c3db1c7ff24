"""The graph repository: domain-level reads and writes over the shipped Cypher queries.

Converts between the pydantic model and Neo4j property maps. Evidence is kept on the
relationship as parallel arrays (``ev_methods``, ``ev_sources``, ``ev_dates``,
``ev_confidences``; a missing date is the empty string, since Neo4j lists cannot hold
null) plus a summary (``evidence_count``, ``method_count``, ``source_count``,
``max_confidence``) that filters use without unpacking the arrays.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import date
from functools import cache
from typing import Any, LiteralString, NamedTuple, cast

from neo4j import ManagedTransaction

from graph_service.errors import DomainError, Invalid, LocalServerError, OverMemory, Unavailable
from graph_service.model import (
    DEFAULT_NETWORK,
    DIRECTED,
    NETWORK_PROPERTY,
    Node,
    NodeIn,
    RelType,
    Tie,
    TieIn,
    is_person,
    new_network_key,
)
from graph_service.progress import OnProgress, no_progress
from graph_service.store.console import ReadOnlyResult, run_read_only
from graph_service.store.cypher import query
from graph_service.store.erasure import LogRotation, fill_freed_records, overwrite_in_place
from graph_service.store.neo4j_store import Neo4jStore, unwind_batches
from graph_service.store.offline_import import import_offline

BATCH_SIZE = 10_000
#: Ties (then nodes) per transaction of a delete: about 100 MB of transaction memory for
#: ties of the import's shape, well inside the pool of a 1 GB heap (docs/api.md).
DELETE_BATCH = 50_000
#: Seconds an offline import waits for the indexes to come online after the load.
OFFLINE_INDEX_WAIT = 3600
#: Told how far a long operation got: (done, total).


def node_props(node: NodeIn) -> dict[str, Any]:
    props: dict[str, Any] = {"id": node.id, "name": node.name}
    if node.kind is not None:
        props["kind"] = node.kind
    if node.description is not None:
        props["description"] = node.description
    props.update(node.attributes)
    return props


def tie_props(tie: TieIn, key: str | None = None) -> dict[str, Any]:
    """The stored properties of a tie (``key``: its key, when the caller has it)."""
    ev = tie.evidence
    methods = [o.method for o in ev]
    sources = [o.source for o in ev]
    confidences = [o.confidence for o in ev]
    props: dict[str, Any] = {
        "id": tie.key if key is None else key,
        "weight": tie.weight,
        "ev_methods": [m.value for m in methods],
        "ev_sources": sources,
        "ev_dates": [o.date.isoformat() if o.date else "" for o in ev],
        "ev_confidences": confidences,
        "evidence_count": len(ev),
        "method_count": len(set(methods)),
        "source_count": len(set(sources)),
    }
    if ev:
        props["max_confidence"] = max(confidences)
    if tie.valid_from is not None:
        props["valid_from"] = tie.valid_from
    if tie.valid_to is not None:
        props["valid_to"] = tie.valid_to
    if tie.phase is not None:
        props["phase"] = tie.phase
    if tie.role is not None:
        props["role"] = tie.role
    return props


def node_row(node: NodeIn) -> dict[str, Any]:
    return {"id": node.id, "label": node.label.value, "props": node_props(node)}


def tie_row(tie: TieIn) -> dict[str, Any]:
    key = tie.key
    return {
        "id": key,
        "type": tie.type.value,
        "source": tie.source,
        "target": tie.target,
        "props": tie_props(tie, key),
    }


_NODE_FIELDS = {"id", "name", "kind", "description", NETWORK_PROPERTY}


def _iso(value: Any) -> str | None:
    """A stored date (a Neo4j Date, a date or an ISO string; "" for none) as ISO text."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "iso_format"):  # neo4j.time.Date / DateTime
        return str(value.iso_format())
    return str(value)


def _plain(value: Any) -> Any:
    """A stored attribute value as JSON: temporal values as ISO text."""
    if isinstance(value, str | int | float | bool):
        return value
    return _iso(value)


def node_doc(label: str, props: Mapping[str, Any]) -> dict[str, Any]:
    """A stored node as JSON: the fields of :class:`Node` in its order, without building
    the model (the hot reads serialise this directly; :func:`node_from_record` validates
    it into a Node). ``label`` is the stored label, ``props`` its property map. The
    attributes are in name order: the store keeps properties in no order of ours (two
    nodes imported alike come back in different orders), and an export is the same bytes
    for the same graph."""
    kind = props.get("kind")
    return {
        "id": props["id"],
        "label": label,
        "name": props.get("name") or props["id"],
        "kind": kind,
        "description": props.get("description"),
        "attributes": {
            k: _plain(v)
            for k, v in sorted(props.items())
            if k not in _NODE_FIELDS and not isinstance(v, list)
        },
        "person": is_person(label, kind),
    }


def node_from_record(label: str, props: Mapping[str, Any]) -> Node:
    return Node.model_validate(node_doc(label, props))


def tie_doc(rel_type: str, source: str, target: str, props: Mapping[str, Any]) -> dict[str, Any]:
    """A stored tie as JSON: the fields of :class:`Tie` in its order (evidence from the
    parallel arrays), without building the model; :func:`tie_from_record` validates it."""
    evidence = [
        {"method": m, "source": s, "date": _iso(d), "confidence": c}
        for m, s, d, c in zip(
            props.get("ev_methods") or [],
            props.get("ev_sources") or [],
            props.get("ev_dates") or [],
            props.get("ev_confidences") or [],
            strict=False,
        )
    ]
    return {
        "id": props["id"],
        "type": rel_type,
        "source": source,
        "target": target,
        "weight": float(props.get("weight", 1.0)),
        "valid_from": _iso(props.get("valid_from")),
        "valid_to": _iso(props.get("valid_to")),
        "phase": props.get("phase"),
        "role": props.get("role"),
        "evidence": evidence,
        "directed": DIRECTED[RelType(rel_type)],
        "evidence_count": props.get("evidence_count", len(evidence)),
        "method_count": props.get("method_count", 0),
        "source_count": props.get("source_count", 0),
        "max_confidence": props.get("max_confidence"),
    }


def tie_from_record(rel_type: str, source: str, target: str, props: Mapping[str, Any]) -> Tie:
    return Tie.model_validate(tie_doc(rel_type, source, target, props))


# --- the tie filter and record helpers -----------------------------------------------
#: Where a query includes the tie filter (see cypher/ties/tie_filter.cypher).
TIE_FILTER_MARK = "/*@tie_filter*/ true"


@cache
def tie_filter_predicate() -> str:
    """The predicate between the BEGIN/END lines of ``ties/tie_filter.cypher``."""
    text = query("ties/tie_filter")
    begin = text.index("// BEGIN tie_filter")
    end = text.index("// END tie_filter")
    body = text[begin:end].splitlines()[1:]
    return "(" + "\n".join(body).strip() + ")"


#: Where a query takes its maximum number of hops (a quantifier bound, see below).
_MAX_HOPS_MARK = re.compile(r"/\*@max_hops\*/\d+")
MAX_HOPS = 8


def filtered_query(
    name: str, max_hops: int | None = None, every_tie: bool = False
) -> LiteralString:
    """The shipped query ``name`` with the tie filter put in at its marks and, if given,
    ``max_hops`` as the upper bound of its quantified path pattern (Cypher takes no
    parameter there).

    ``every_tie``: the filter's parameters are all null, so its predicate holds for every
    tie (cypher/ties/tie_filter.cypher: null is "no constraint"); the marks stay ``true``
    and the server evaluates nothing per tie (0.6 s of a 2.8 s read of a million ties).

    The cast is safe: both texts are files shipped with the package, and ``max_hops`` is
    an int checked to lie in 1..:data:`MAX_HOPS`; filter values travel as the ``$f_*``
    parameters (filters.TieFilter.params).
    """
    # checked before the cache: 2.0 and True would hit the entry of 2 and 1
    if max_hops is not None and (type(max_hops) is not int or not 1 <= max_hops <= MAX_HOPS):
        raise ValueError(f"max_hops must be an int in 1..{MAX_HOPS}")
    return _filtered_query(name, max_hops, every_tie)


def passes_every_tie(filters: Mapping[str, Any]) -> bool:
    """Whether the tie filter's ``$f_*`` parameters constrain nothing (all null)."""
    return all(value is None for value in filters.values())


@cache
def _filtered_query(name: str, max_hops: int | None, every_tie: bool) -> LiteralString:
    text = query(name)
    if TIE_FILTER_MARK not in text:
        raise KeyError(f"query {name!r} has no tie filter mark")
    if not every_tie:
        text = text.replace(TIE_FILTER_MARK, tie_filter_predicate())
    if max_hops is not None:
        text, found = _MAX_HOPS_MARK.subn(str(max_hops), text)
        if not found:
            raise KeyError(f"query {name!r} has no max_hops mark")
    return cast(LiteralString, text)


_REL_TYPE_MARK = re.compile(r"/\*@rel_type\*/[A-Z_]+")


def typed_query(name: str, rel: RelType) -> LiteralString:
    """The shipped query ``name`` with the relationship type ``rel`` written where it says
    ``/*@rel_type*/``. The cast is safe: ``rel`` must be a member of the closed
    :class:`~graph_service.model.RelType` vocabulary, never user text."""
    if not isinstance(rel, RelType):  # before the cache: "KNOWS" == RelType.KNOWS
        raise TypeError("rel must be a RelType member")
    return _typed_query(name, rel)


@cache
def _typed_query(name: str, rel: RelType) -> LiteralString:
    text, found = _REL_TYPE_MARK.subn(rel.value, query(name))
    if not found:
        raise KeyError(f"query {name!r} has no rel_type mark")
    return cast(LiteralString, text)


def typed_union_query(name: str) -> LiteralString:
    """The shipped one-branch query ``name`` repeated once per :class:`RelType` (written
    where it says ``/*@rel_type*/``) and joined with ``UNION ALL``: a read over every type
    that still uses each type's own index, and follows the vocabulary without an edit."""
    return _typed_union_query(name)


@cache
def _typed_union_query(name: str) -> LiteralString:
    return cast(LiteralString, "\nUNION ALL\n".join(_typed_query(name, rel) for rel in RelType))


class FoundPaths(NamedTuple):
    """:meth:`GraphRepository.k_shortest_paths`: the stored label of each end that exists
    (as :meth:`GraphRepository.labels_of`), the paths shortest first (each its node
    documents and, hop by hop, its tie documents: :func:`node_doc`, :func:`tie_doc`),
    and, when there are none, the ties on a shortest path at any length (None: no path
    joins the two, or an end is missing)."""

    labels: dict[str, str]
    paths: list[tuple[list[dict[str, Any]], list[list[dict[str, Any]]]]]
    shortest: int | None


#: An ego network as :meth:`GraphRepository.ego_networks` gives it: (node document,
#: distance) pairs and tie documents.
EgoRecord = tuple[list[tuple[dict[str, Any], int]], list[dict[str, Any]]]


def _node(row: Mapping[str, Any]) -> Node:
    return node_from_record(row["label"], row["props"])


def _tie(row: Mapping[str, Any]) -> Tie:
    return tie_from_record(row["type"], row["source"], row["target"], row["props"])


def _props(node: NodeIn) -> dict[str, Any]:
    return {"props": node_props(node)}


class GraphRepository:
    """Reads and writes of the graph model in ONE network: every query it runs gets
    ``$network`` (the network's name), which the query resolves to the network's key
    (docs/architecture.md); writes that may create the network get ``$new_key`` too."""

    def __init__(self, store: Neo4jStore, network: str = DEFAULT_NETWORK) -> None:
        self.store = store
        self.network = network

    def on(self, network: str) -> GraphRepository:
        """The same store, bound to another network (a name checked by the caller)."""
        return GraphRepository(self.store, network)

    @property
    def _net(self) -> dict[str, Any]:
        return {"network": self.network}

    def _read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return self.store.read(name, **self._net, **params)

    def _write(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return self.store.write(name, **self._net, new_key=new_network_key(), **params)

    # --- bulk writes -----------------------------------------------------------------------

    def labels_of(self, ids: Sequence[str]) -> dict[str, str]:
        """The stored label of each of ``ids`` that exists."""
        if not ids:
            return {}
        found: dict[str, str] = {}
        for start in range(0, len(ids), 50_000):
            rows = self._read("nodes/labels_of_nodes", ids=list(ids[start : start + 50_000]))
            found.update({r["id"]: r["label"] for r in rows})
        return found

    def import_is_atomic(self, rows: int) -> bool:
        """Whether :meth:`write_graph` writes ``rows`` nodes and ties in one transaction:
        up to :attr:`~graph_service.config.Settings.atomic_import_limit` (docs/import.md)."""
        return rows <= self.store.settings.atomic_import_limit

    def write_graph(
        self,
        nodes: Sequence[NodeIn],
        ties: Sequence[TieIn],
        on_progress: OnProgress = no_progress,
        atomic: bool | None = None,
    ) -> tuple[int, int]:
        """Upsert nodes then ties. When ``atomic`` (by default :meth:`import_is_atomic`;
        a staged import, visible in one step anyway, passes False), in one transaction (all
        or nothing: a transaction the server refuses, or a client killed in the middle,
        leaves the store as it was); larger loads in batched transactions of
        :data:`BATCH_SIZE` rows, which are idempotent, so a load cut short completes when
        run again.

        Ties are written a type at a time through ``ties/upsert_typed_ties`` with the type
        in the query text, so that MERGE seeks the type's unique index on id (a dynamic
        type made every row scan all relationships: quadratic in the store's size).
        ``on_progress(rows, total)`` hears each batch written (nodes and ties counted
        together)."""
        with _gc_paused():
            node_rows = [node_row(n) for n in nodes]
            tie_rows: dict[RelType, list[dict[str, Any]]] = {}
            for tie in ties:
                tie_rows.setdefault(tie.type, []).append(tie_row(tie))
        total = len(node_rows) + len(ties)
        sent = [0]

        def on_batch(rows: int) -> None:
            sent[0] += rows
            on_progress(sent[0], total)

        if self.import_is_atomic(total) if atomic is None else atomic:
            return self._write_graph_at_once(node_rows, tie_rows, sent, on_batch)
        params = {**self._net, "new_key": new_network_key()}
        written_nodes = self.store.write_batches(
            "nodes/upsert_nodes", node_rows, BATCH_SIZE, on_batch=on_batch, params=params
        )
        written_ties = 0
        for rel, rows in tie_rows.items():
            written_ties += self.store.write_batches(
                f"ties/upsert_typed_ties[{rel.value}]",
                rows,
                BATCH_SIZE,
                typed_query("ties/upsert_typed_ties", rel),
                on_batch=on_batch,
                params=params,
            )
        return written_nodes, written_ties

    def store_counts(self) -> tuple[int, int]:
        """How many nodes and relationships of any kind the database holds."""
        rows = self.store.read("graph/count_store")
        return (int(rows[0]["nodes"]), int(rows[0]["ties"])) if rows else (0, 0)

    def write_graph_offline(
        self, nodes: Sequence[NodeIn], ties: Sequence[TieIn], say: Callable[[str], None]
    ) -> tuple[int, int]:
        """Write nodes and ties into the local server's empty store with the offline
        importer (store/offline_import.py: the server stops and starts again), from the
        same rows as :meth:`write_graph`, then apply the schema; all or nothing."""
        key = new_network_key()
        # no collection in the whole load: with the rows and the parsed import alive, a
        # full pass of the collector (set off by the CSV formatting's many small lists,
        # or later by the driver) walks tens of millions of objects: 4 s at 1M ties,
        # measured as a pause between two schema statements
        with _gc_paused():
            node_rows = [node_row(n) for n in nodes]
            tie_rows = [tie_row(t) for t in ties]
            for row in (*node_rows, *tie_rows):
                row["props"]["network"] = key  # as the upserts' SET …network = net.key
            self.store.close()  # its connections end with the server
            try:
                written = import_offline(self.store.settings, node_rows, tie_rows, say)
            except LocalServerError:
                # the server restarted on a new empty database: give it the schema back
                with suppress(DomainError):
                    self.store.apply_schema()
                raise
            del node_rows, tie_rows
            say("creating the constraints and indexes, and waiting until they are online")
            self.store.apply_schema()
            # the indexes fill in the background; a load is done when they are online
            self.store.write("schema/await_indexes", seconds=OFFLINE_INDEX_WAIT)
            self.store.write("networks/adopt_key", network=self.network, key=key)
        return written

    def _write_graph_at_once(
        self,
        node_rows: list[dict[str, Any]],
        tie_rows: dict[RelType, list[dict[str, Any]]],
        sent: list[int],
        on_batch: Callable[[int], None],
    ) -> tuple[int, int]:
        """The rows in one transaction, sent in UNWIND batches of :data:`BATCH_SIZE`."""

        def work(tx: ManagedTransaction) -> tuple[int, int]:
            sent[0] = 0  # progress starts again with the transaction
            nodes_text = query("nodes/upsert_nodes")
            params = {**self._net, "new_key": new_network_key()}
            written_nodes = unwind_batches(tx, nodes_text, node_rows, BATCH_SIZE, on_batch, params)
            written_ties = sum(
                unwind_batches(
                    tx,
                    typed_query("ties/upsert_typed_ties", rel),
                    rows,
                    BATCH_SIZE,
                    on_batch,
                    params,
                )
                for rel, rows in tie_rows.items()
            )
            return written_nodes, written_ties

        try:
            return self.store.write_tx_once(work, "importing the graph")
        except (Unavailable, OverMemory) as exc:
            if "memory" not in exc.detail.lower():
                raise
            rows = len(node_rows) + sum(len(r) for r in tie_rows.values())
            raise Invalid(
                f"the import of {rows:,} nodes and ties does not fit in one transaction of "
                f"this Neo4j server, so nothing was written ({exc.detail}); give the server "
                "more heap (NEO4J_LOCAL_HEAP for the local one), or set IMPORT_ATOMIC_ROWS "
                f"below {rows:,} to write it in batches (not atomic; docs/import.md)"
            ) from exc

    def _read_filtered(
        self,
        name: str,
        filters: Mapping[str, Any],
        timeout: float | None = None,
        max_hops: int | None = None,
        **params: Any,
    ) -> list[dict[str, Any]]:
        text = filtered_query(name, max_hops, passes_every_tie(filters))
        return self.store.read_text(name, text, timeout, **self._net, **filters, **params)

    # --- single records, lists, connections, export (the API) ------------------------------

    def get_node(self, node_id: str) -> Node | None:
        rows = self._read("nodes/get_node", id=node_id)
        return _node(rows[0]) if rows else None

    def nodes_by_id(self, ids: Sequence[str]) -> dict[str, Node]:
        rows = self._read("nodes/nodes_by_id", ids=list(ids))
        return {n.id: n for n in map(_node, rows)}

    def create_node(self, node: NodeIn) -> None:
        """Create ``node``; :class:`~graph_service.errors.Conflict` when its id is taken."""
        self._write("nodes/create_node", id=node.id, label=node.label.value, **_props(node))

    def patch_node(self, node_id: str, changes: dict[str, Any], remove: list[str]) -> Node | None:
        rows = self._write("nodes/patch_node", id=node_id, set=changes, remove=remove)
        return _node(rows[0]) if rows else None

    def delete_node(self, node_id: str) -> int | None:
        """Delete a node and its ties: how many ties went, None when there was no node."""
        rows = self._write("nodes/delete_node", id=node_id)
        return int(rows[0]["ties"]) if rows else None

    def list_nodes(
        self,
        *,
        label: str | None,
        group: str | None,
        name: str | None,
        where: list[dict[str, Any]],
        offset: int,
        limit: int,
    ) -> tuple[int, list[Node]]:
        rows = self._read(
            "nodes/list_nodes",
            label=label,
            group=group,
            name_contains=name,
            where=where,
            offset=offset,
            limit=limit,
        )
        total = int(rows[0]["total"]) if rows else 0
        return total, [_node(r) for r in rows if r["props"] is not None]

    # --- ties ------------------------------------------------------------------------------

    def get_tie(self, tie_id: str) -> list[Tie]:
        """Every tie with this id (one per type at most; normally one)."""
        rows = self.store.read_text(
            "ties/get_tie", typed_union_query("ties/get_tie"), **self._net, id=tie_id
        )
        return [_tie(r) for r in rows]

    def create_tie(self, tie: TieIn) -> None:
        self._write(
            "ties/create_tie",
            source=tie.source,
            target=tie.target,
            type=tie.type.value,
            props=tie_props(tie),
        )

    def delete_tie(self, rel: RelType, tie_id: str) -> int:
        rows = self._write("ties/delete_tie", type=rel.value, id=tie_id)
        return int(rows[0]["deleted"]) if rows else 0

    def list_ties(
        self,
        filters: Mapping[str, Any],
        *,
        node: str | None,
        source: str | None,
        target: str | None,
        offset: int,
        limit: int,
        timeout: float | None = None,
    ) -> tuple[int, list[Tie]]:
        rows = self._read_filtered(
            "ties/list_ties",
            filters,
            timeout,
            node=node,
            source=source,
            target=target,
            offset=offset,
            limit=limit,
        )
        total = int(rows[0]["total"]) if rows else 0
        return total, [_tie(r) for r in rows if r["type"] is not None]

    # --- who connects to whom --------------------------------------------------------------

    def k_shortest_paths(
        self,
        filters: Mapping[str, Any],
        source: str,
        target: str,
        k: int,
        max_length: int,
        timeout: float | None = None,
    ) -> FoundPaths:
        """The k shortest paths of at most ``max_length`` ties and what an answer without
        them needs, in one query (cypher/paths/k_shortest_paths.cypher)."""
        found = self.k_shortest_paths_of([(source, target)], filters, k, max_length, timeout)
        return found[(source, target)]

    def k_shortest_paths_of(
        self,
        pairs: Sequence[tuple[str, str]],
        filters: Mapping[str, Any],
        k: int,
        max_length: int,
        timeout: float | None = None,
    ) -> dict[tuple[str, str], FoundPaths]:
        """:meth:`k_shortest_paths` of each ``(source, target)`` of ``pairs``, in one query
        (the API's coalesced reads): every pair gets an answer."""
        rows = self._read_filtered(
            "paths/k_shortest_paths",
            filters,
            timeout,
            max_length,
            pairs=[{"source": a, "target": b} for a, b in pairs],
            k=k,
        )
        found = {pair: FoundPaths({}, [], None) for pair in pairs}  # no such network
        for row in rows:
            source, target = row["source"], row["target"]
            ends = ((source, row["source_label"]), (target, row["target_label"]))
            paths = [
                (
                    [node_doc(n["label"], n["props"]) for n in path["nodes"]],
                    [
                        [tie_doc(t["type"], t["source"], t["target"], t["props"]) for t in hop]
                        for hop in path["hops"]
                    ],
                )
                for path in row["paths"]
            ]
            shortest = row["shortest"]
            found[(source, target)] = FoundPaths(
                {node_id: label for node_id, label in ends if label is not None},
                paths,
                None if shortest is None else int(shortest),
            )
        return found

    def ego_networks(
        self,
        filters: Mapping[str, Any],
        node_ids: Sequence[str],
        radius: int,
        timeout: float | None = None,
    ) -> dict[str, EgoRecord]:
        """The ego networks of ``node_ids`` in one query, keyed by id (ids of no node are
        left out): each one's members with their distance, and the ties among them, as
        JSON documents (:func:`node_doc`, :func:`tie_doc`): the API writes them out as
        they are, which halves the CPU time of an ego-network request."""
        rows = self._read_filtered(
            "paths/ego_network", filters, timeout, radius, ids=list(node_ids)
        )
        return {
            r["id"]: (
                [(node_doc(n["label"], n["props"]), int(n["distance"])) for n in r["nodes"]],
                [tie_doc(t["type"], t["source"], t["target"], t["props"]) for t in r["ties"]],
            )
            for r in rows
        }

    def common_contacts(
        self, filters: Mapping[str, Any], a: str, b: str, timeout: float | None = None
    ) -> list[tuple[Node, list[Tie], list[Tie]]]:
        rows = self._read_filtered("paths/common_contacts", filters, timeout, a=a, b=b)
        return [
            (_node(r), [_tie(t) for t in r["via_a"]], [_tie(t) for t in r["via_b"]]) for r in rows
        ]

    def filtered_edges(
        self, filters: Mapping[str, Any], timeout: float | None = None
    ) -> list[tuple[str, str]]:
        rows = self._read_filtered("paths/filtered_edges", filters, timeout)
        return [(r["source"], r["target"]) for r in rows]

    def group_shortest_paths(
        self,
        filters: Mapping[str, Any],
        group_a: str,
        group_b: str,
        max_length: int,
        max_paths: int,
        timeout: float | None = None,
    ) -> list[tuple[str, str, list[str], list[Tie]]]:
        rows = self._read_filtered(
            "paths/group_shortest_paths",
            filters,
            timeout,
            max_length,
            group_a=group_a,
            group_b=group_b,
            max_paths=max_paths,
        )
        return [(r["a"], r["b"], r["nodes"], [_tie(t) for t in r["ties"]]) for r in rows]

    # --- export ----------------------------------------------------------------------------

    def export_graph(self) -> tuple[list[Node], list[Tie]]:
        """Every node (id order) and tie ((id, type) order), read in one transaction."""

        def work(tx: ManagedTransaction) -> tuple[list[Node], list[Tie]]:
            nodes = [_node(r) for r in tx.run(query("api/export_nodes"), self._net)]
            ties = [_tie(r) for r in tx.run(query("api/export_ties"), self._net)]
            return nodes, ties

        return self.store.read_tx(work, "exporting the graph")

    # --- whole graph -----------------------------------------------------------------------

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {"nodes": {}, "ties": {}}
        for row in self._read("graph/count_graph"):
            out["nodes" if row["kind"] == "node" else "ties"][row["name"]] = row["count"]
        return out

    def server(self) -> dict[str, Any]:
        """The Neo4j server's name and versions (Unavailable when it does not answer)."""
        return self.store.ping()

    # --- analyses: shipped queries by name ----------------------------------------------------

    def read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """The rows of the shipped read query ``name`` (analysis queries that return plain
        rows, not model objects), in the bound network."""
        return self._read(name, **params)

    def read_filtered(
        self, name: str, filters: Mapping[str, Any], **params: Any
    ) -> list[dict[str, Any]]:
        """The rows of the shipped query ``name`` with the tie filter put in at its mark;
        ``filters`` are its ``$f_*`` parameters (filters.TieFilter.params)."""
        return self._read_filtered(name, filters, **params)

    def run_read_only(
        self, text: str, params: Mapping[str, Any], timeout: float, limit: int, byte_limit: int
    ) -> ReadOnlyResult:
        """An analyst's own query, read-only (store/console.py says how that is enforced)."""
        return run_read_only(self.store, text, params, timeout, limit, byte_limit)

    def write(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run the shipped write query ``name`` (retried: it must be idempotent), in the
        bound network."""
        return self._write(name, **params)

    def overwrite_person(self, node_id: str, person_kinds: list[str]) -> bool:
        """Overwrite a person's and its ties' text values in place before erasure
        (store/erasure.py says why)."""
        return overwrite_in_place(self.store, self.network, node_id, person_kinds)

    def fill_freed_records(self) -> LogRotation:
        """Reuse the records and rotate the log that held erased values (store/erasure.py)."""
        return fill_freed_records(self.store)

    def entity_counts(self) -> tuple[int, int]:
        """How many nodes of the model and ties starting at them the store holds."""
        rows = self._read("graph/count_entities")
        return (int(rows[0]["nodes"]), int(rows[0]["ties"])) if rows else (0, 0)

    # --- networks as wholes: list, delete, staged imports (services/networks.py) ----------

    def list_networks(self) -> list[dict[str, Any]]:
        """Every visible network with its nodes per label and ties per type (any binding)."""
        return self.store.read("networks/list_networks")

    def retire(self) -> str | None:
        """Make the bound network invisible in one transaction; its key, whose entities
        are left for :meth:`purge_key` (None: there was no such network)."""
        rows = self.store.write("networks/retire_network", **self._net)
        return str(rows[0]["key"]) if rows else None

    def begin_staging(self, host: str, pid: int) -> tuple[GraphRepository, str]:
        """Start a staged import into the bound network: a repository bound to an
        invisible staging network under a fresh key, and that key."""
        key = new_network_key()
        name = staging_name(key)
        self.store.write(
            "networks/begin_staging",
            **self._net,
            staging_name=name,
            key=key,
            host=host,
            pid=pid,
        )
        return GraphRepository(self.store, name), key

    def renew_staging(self, key: str) -> None:
        self.store.write("networks/renew_staging", key=key)

    def publish_staging(self, key: str, replace: bool) -> tuple[bool, str | None]:
        """Publish the staging under ``key`` as the bound network in one transaction:
        (published, the key it retired). Without ``replace`` a network that has been
        filled meanwhile is left alone: (False, None)."""
        rows = self.store.write("networks/publish_staging", **self._net, key=key, replace=replace)
        if not rows:
            return False, None
        retired = rows[0]["retired"]
        return True, (str(retired) if retired is not None else None)

    def abandon_staging(self, key: str) -> None:
        """Turn a staging that will not be published into a retired key (purged later)."""
        self.store.write("networks/abandon_staging", key=key)

    def leftovers(self) -> list[dict[str, Any]]:
        """Retired keys and stagings with their leases (services/networks.py)."""
        return self.store.read("networks/leftovers")

    def purge_key(
        self, key: str, on_batch: Callable[[int], None] | None = None, batch: int = DELETE_BATCH
    ) -> int:
        """Delete the entities under the network key ``key`` (no visible network points
        to it): ties first, then nodes, in transactions of at most ``batch`` of them, so a
        transaction's memory is bounded whatever the degrees; then its Network node.
        Idempotent: a purge cut short completes when run again. ``on_batch(done)`` hears
        the running count. How many ties and nodes went."""
        done = 0
        for name in ("graph/delete_ties_batch", "graph/delete_nodes_batch"):
            while deleted := self.store.write_count(name, key=key, batch=batch):
                done += deleted
                if on_batch is not None:
                    on_batch(done)
        self.store.write("networks/forget_key", key=key)
        return done

    def delete_all(
        self,
        on_progress: OnProgress | None = None,
        batch: int = DELETE_BATCH,
    ) -> int:
        """Delete the bound network, every node and tie of it; how many of both went. It
        becomes invisible in one transaction (:meth:`retire`); its entities are then
        deleted in batches (:meth:`purge_key`), which nobody sees any more.
        ``on_progress(done, total)`` is called after each batch, counting ties and nodes
        together."""
        nodes, ties = self.entity_counts()
        key = self.retire()
        if key is None:
            return 0
        total = nodes + ties

        def on_batch(done: int) -> None:
            if on_progress is not None:
                on_progress(done, max(total, done))

        return self.purge_key(key, on_batch, batch)


def staging_name(key: str) -> str:
    """The name of the staging network under ``key``: outside the names users may give
    (model.NETWORK_NAME_PATTERN), so no command or request can reach it."""
    return f"~staging-{key}"


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of row dicts are built: each of
    its full passes walks every object alive, and building the rows of a million ties
    set off enough of them to take two thirds of the time (5.2 s against 1.7 s for 200k
    ties). The rows hold no cycles; collection resumes (if it was on) at the end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
