"""The graph repository: domain-level reads and writes over the shipped Cypher queries.

Converts between the pydantic model and Neo4j property maps. Evidence is kept on the
relationship as parallel arrays (``ev_methods``, ``ev_sources``, ``ev_dates``,
``ev_confidences``; a missing date is the empty string, since Neo4j lists cannot hold
null) plus a summary (``evidence_count``, ``method_count``, ``source_count``,
``max_confidence``) that filters use without unpacking the arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from neo4j import ManagedTransaction

from graph_service.model import (
    DIRECTED,
    EvidenceMethod,
    Node,
    NodeIn,
    NodeLabel,
    Observation,
    RelType,
    Tie,
    TieIn,
    is_person,
)
from graph_service.store.cypher import query
from graph_service.store.neo4j_store import Neo4jStore

#: Above this many rows an import is written in batched transactions (see importer).
ATOMIC_ROW_LIMIT = 50_000
BATCH_SIZE = 10_000


def node_props(node: NodeIn) -> dict[str, Any]:
    props: dict[str, Any] = {"id": node.id, "name": node.name}
    if node.kind is not None:
        props["kind"] = node.kind
    if node.description is not None:
        props["description"] = node.description
    props.update(node.attributes)
    return props


def tie_props(tie: TieIn) -> dict[str, Any]:
    ev = tie.evidence
    props: dict[str, Any] = {
        "id": tie.key,
        "weight": tie.weight,
        "ev_methods": [o.method.value for o in ev],
        "ev_sources": [o.source for o in ev],
        "ev_dates": [o.date.isoformat() if o.date else "" for o in ev],
        "ev_confidences": [o.confidence for o in ev],
        "evidence_count": len(ev),
        "method_count": len({o.method for o in ev}),
        "source_count": len({o.source for o in ev}),
    }
    if ev:
        props["max_confidence"] = max(o.confidence for o in ev)
    for name in ("valid_from", "valid_to", "phase", "role"):
        value = getattr(tie, name)
        if value is not None:
            props[name] = value
    return props


def node_row(node: NodeIn) -> dict[str, Any]:
    return {"id": node.id, "label": node.label.value, "props": node_props(node)}


def tie_row(tie: TieIn) -> dict[str, Any]:
    return {
        "id": tie.key,
        "type": tie.type.value,
        "source": tie.source,
        "target": tie.target,
        "props": tie_props(tie),
    }


_NODE_FIELDS = {"id", "name", "kind", "description"}


def node_from_record(label: str, props: dict[str, Any]) -> Node:
    attributes = {
        k: v for k, v in props.items() if k not in _NODE_FIELDS and not isinstance(v, list)
    }
    return Node(
        id=props["id"],
        label=NodeLabel(label),
        name=props.get("name") or props["id"],
        kind=props.get("kind"),
        description=props.get("description"),
        attributes=attributes,
        person=is_person(label, props.get("kind")),
    )


def _as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    if hasattr(value, "to_native"):
        native = value.to_native()
        return native if isinstance(native, date) else None
    return date.fromisoformat(str(value))


def tie_from_record(rel_type: str, source: str, target: str, props: dict[str, Any]) -> Tie:
    methods = props.get("ev_methods") or []
    evidence = [
        Observation(
            method=EvidenceMethod(m),
            source=s,
            date=_as_date(d),
            confidence=c,
        )
        for m, s, d, c in zip(
            methods,
            props.get("ev_sources") or [],
            props.get("ev_dates") or [],
            props.get("ev_confidences") or [],
            strict=False,
        )
    ]
    rel = RelType(rel_type)
    return Tie(
        id=props["id"],
        type=rel,
        source=source,
        target=target,
        weight=props.get("weight", 1.0),
        valid_from=_as_date(props.get("valid_from")),
        valid_to=_as_date(props.get("valid_to")),
        phase=props.get("phase"),
        role=props.get("role"),
        evidence=evidence,
        directed=DIRECTED[rel],
        evidence_count=props.get("evidence_count", len(evidence)),
        method_count=props.get("method_count", 0),
        source_count=props.get("source_count", 0),
        max_confidence=props.get("max_confidence"),
    )


class GraphRepository:
    """Reads and writes of the graph model; one instance per store."""

    def __init__(self, store: Neo4jStore) -> None:
        self.store = store

    # --- bulk writes -----------------------------------------------------------------------

    def labels_of(self, ids: Sequence[str]) -> dict[str, str]:
        """The stored label of each of ``ids`` that exists."""
        if not ids:
            return {}
        found: dict[str, str] = {}
        for start in range(0, len(ids), 50_000):
            rows = self.store.read("nodes/labels_of_nodes", ids=list(ids[start : start + 50_000]))
            found.update({r["id"]: r["label"] for r in rows})
        return found

    def write_graph(self, nodes: Sequence[NodeIn], ties: Sequence[TieIn]) -> tuple[int, int]:
        """Upsert nodes then ties. Up to :data:`ATOMIC_ROW_LIMIT` rows in one transaction
        (all or nothing); larger loads in batched transactions of :data:`BATCH_SIZE` rows,
        which are idempotent, so a load cut short completes when run again."""
        node_rows = [node_row(n) for n in nodes]
        tie_rows = [tie_row(t) for t in ties]
        if len(node_rows) + len(tie_rows) <= ATOMIC_ROW_LIMIT:

            def work(tx: ManagedTransaction) -> tuple[int, int]:
                written_nodes = written_ties = 0
                for start in range(0, len(node_rows), BATCH_SIZE):
                    written_nodes += _single_count(
                        tx, "nodes/upsert_nodes", node_rows[start : start + BATCH_SIZE]
                    )
                for start in range(0, len(tie_rows), BATCH_SIZE):
                    written_ties += _single_count(
                        tx, "ties/upsert_ties", tie_rows[start : start + BATCH_SIZE]
                    )
                return written_nodes, written_ties

            return self.store.write_tx(work, "importing the graph")
        written_nodes = self.store.write_batches("nodes/upsert_nodes", node_rows, BATCH_SIZE)
        written_ties = self.store.write_batches("ties/upsert_ties", tie_rows, BATCH_SIZE)
        return written_nodes, written_ties

    # --- whole graph -----------------------------------------------------------------------

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {"nodes": {}, "ties": {}}
        for row in self.store.read("graph/count_graph"):
            out["nodes" if row["kind"] == "node" else "ties"][row["name"]] = row["count"]
        return out

    def delete_all(self) -> None:
        self.store.write("graph/delete_all")


def _single_count(tx: ManagedTransaction, name: str, rows: list[dict[str, Any]]) -> int:
    record = tx.run(query(name), {"rows": rows}).single()
    return int(record[0]) if record is not None else 0
