"""Export the stored graph: JSON (the import format), GraphML and GEXF (Gephi, networkx),
and the CSV pair the importer reads.

- **JSON** is the import document (``graph-service/v1``): importing it changes nothing,
  exporting again gives the same bytes. It is the lossless format.
- **GraphML / GEXF** are written by networkx from a ``MultiDiGraph`` keyed by node id
  (several ties may join the same two nodes). Node attributes: ``label`` (the name, what
  Gephi shows), ``name``, ``node_type`` (Actor, Staff, …), ``kind``, ``description``,
  ``person`` and the free attributes (one of these names wins over a free attribute of the
  same name, which is then written as ``attr_<name>``). Edge attributes: ``tie_id``,
  ``tie_type``, ``label`` (the type), ``weight``, ``directed`` (undirected ties are written
  in id order), ``phase``, ``role``, ``valid_from``/``valid_to`` (ISO dates),
  ``evidence_count``, ``method_count``, ``source_count``, ``max_confidence``,
  ``evidence_methods`` (``;``-joined) and ``evidence`` (the observations as JSON). Absent
  values are left out; an attribute with values of mixed types is written as text.
- **CSV** is ``nodes.csv`` + ``ties.csv`` in the importer's layout (docs/import.md), one
  ties row per observation. Shipped as a zip of both, or one part at a time. Text that
  reads as a number or true/false comes back typed; use JSON to keep it as text.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import networkx as nx

from graph_service.model import DOCUMENT_FORMAT, GraphDocument, Node, NodeIn, Tie, TieIn
from graph_service.services.importer import NODE_COLUMNS, TIE_COLUMNS
from graph_service.services.runtime import Runtime


class ExportFormat(StrEnum):
    JSON = "json"
    GRAPHML = "graphml"
    GEXF = "gexf"
    CSV = "csv"


class CsvPart(StrEnum):
    NODES = "nodes"
    TIES = "ties"


@dataclass(frozen=True)
class Export:
    content: bytes
    media_type: str
    filename: str


_NODE_FIXED = ("label", "name", "node_type", "kind", "description", "person")


def node_in(node: Node) -> NodeIn:
    return NodeIn.model_validate(node.model_dump(include=set(NodeIn.model_fields)))


def tie_in(tie: Tie) -> TieIn:
    return TieIn.model_validate(tie.model_dump(include=set(TieIn.model_fields)))


def document(nodes: Iterable[Node], ties: Iterable[Tie]) -> GraphDocument:
    return GraphDocument(
        format=DOCUMENT_FORMAT, nodes=[node_in(n) for n in nodes], ties=[tie_in(t) for t in ties]
    )


def json_bytes(nodes: Iterable[Node], ties: Iterable[Tie]) -> bytes:
    doc = document(nodes, ties)
    data = doc.model_dump(mode="json", exclude_none=True)
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _unify_types(rows: Iterable[dict[str, Any]]) -> None:
    """GraphML and GEXF declare one type per attribute: mixed types become text."""
    rows = list(rows)
    kinds: dict[str, set[type]] = {}
    for row in rows:
        for key, value in row.items():
            kinds.setdefault(key, set()).add(type(value))
    for key, types in kinds.items():
        if types == {int, float}:
            for row in rows:
                if key in row:
                    row[key] = float(row[key])
        elif len(types) > 1:
            for row in rows:
                if key in row:
                    row[key] = str(row[key])


def to_networkx(nodes: Sequence[Node], ties: Sequence[Tie]) -> nx.MultiDiGraph:
    """The graph as a networkx ``MultiDiGraph`` with the attributes described above."""
    graph = nx.MultiDiGraph()
    node_rows: list[dict[str, Any]] = []
    for node in nodes:
        row: dict[str, Any] = {
            "label": node.name,
            "name": node.name,
            "node_type": node.label.value,
            "person": node.person,
        }
        if node.kind is not None:
            row["kind"] = node.kind
        if node.description is not None:
            row["description"] = node.description
        for key, value in node.attributes.items():
            row[f"attr_{key}" if key in _NODE_FIXED else key] = value
        node_rows.append(row)
    _unify_types(node_rows)
    for node, row in zip(nodes, node_rows, strict=True):
        graph.add_node(node.id, **row)
    seen: set[str] = set()
    edge_rows: list[tuple[str, str, str, dict[str, Any]]] = []
    for tie in ties:
        key = tie.id if tie.id not in seen else f"{tie.type.value}:{tie.id}"
        seen.add(key)
        row = {
            "id": key,
            "tie_id": tie.id,
            "tie_type": tie.type.value,
            "label": tie.type.value,
            "weight": float(tie.weight),
            "directed": tie.directed,
            "evidence_count": tie.evidence_count,
            "method_count": tie.method_count,
            "source_count": tie.source_count,
        }
        for name in ("phase", "role", "max_confidence"):
            value = getattr(tie, name)
            if value is not None:
                row[name] = value
        for name in ("valid_from", "valid_to"):
            value = getattr(tie, name)
            if value is not None:
                row[name] = value.isoformat()
        if tie.evidence:
            row["evidence_methods"] = ";".join(sorted({o.method.value for o in tie.evidence}))
            row["evidence"] = json.dumps([o.model_dump(mode="json") for o in tie.evidence])
        edge_rows.append((tie.source, tie.target, key, row))
    _unify_types(r for *_, r in edge_rows)
    for source, target, key, row in edge_rows:
        graph.add_edge(source, target, key=key, **row)
    return graph


def graphml_bytes(nodes: Sequence[Node], ties: Sequence[Tie]) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(to_networkx(nodes, ties), buffer, encoding="utf-8")
    return buffer.getvalue()


def gexf_bytes(nodes: Sequence[Node], ties: Sequence[Tie]) -> bytes:
    buffer = io.BytesIO()
    nx.write_gexf(to_networkx(nodes, ties), buffer, encoding="utf-8", version="1.2draft")
    return buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def nodes_csv(nodes: Sequence[Node]) -> str:
    extra = sorted({k for n in nodes for k in n.attributes})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(NODE_COLUMNS + extra)
    for n in nodes:
        writer.writerow(
            [n.id, n.label.value, n.name, _cell(n.kind), _cell(n.description)]
            + [_cell(n.attributes.get(k)) for k in extra]
        )
    return out.getvalue()


def ties_csv(ties: Sequence[Tie]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TIE_COLUMNS)
    for t in ties:
        base = [
            t.id,
            t.type.value,
            t.source,
            t.target,
            _cell(t.weight),
            _cell(t.valid_from),
            _cell(t.valid_to),
            _cell(t.phase),
            _cell(t.role),
        ]
        if not t.evidence:
            writer.writerow([*base, "", "", "", ""])
        for o in t.evidence:
            writer.writerow([*base, o.method.value, o.source, _cell(o.date), _cell(o.confidence)])
    return out.getvalue()


def csv_zip(nodes: Sequence[Node], ties: Sequence[Tie]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("nodes.csv", nodes_csv(nodes))
        archive.writestr("ties.csv", ties_csv(ties))
    return buffer.getvalue()


MEDIA_TYPES = {
    ExportFormat.JSON: "application/json",
    ExportFormat.GRAPHML: "application/graphml+xml",
    ExportFormat.GEXF: "application/gexf+xml",
    ExportFormat.CSV: "application/zip",
}


def render(
    nodes: Sequence[Node], ties: Sequence[Tie], fmt: ExportFormat, part: CsvPart | None = None
) -> Export:
    """The export of ``nodes`` and ``ties`` in ``fmt`` (``part`` picks one CSV file)."""
    if fmt is ExportFormat.CSV and part is not None:
        text = nodes_csv(nodes) if part is CsvPart.NODES else ties_csv(ties)
        return Export(text.encode("utf-8"), "text/csv; charset=utf-8", f"{part.value}.csv")
    if fmt is ExportFormat.JSON:
        content = json_bytes(nodes, ties)
    elif fmt is ExportFormat.GRAPHML:
        content = graphml_bytes(nodes, ties)
    elif fmt is ExportFormat.GEXF:
        content = gexf_bytes(nodes, ties)
    else:
        content = csv_zip(nodes, ties)
    suffix = "zip" if fmt is ExportFormat.CSV else fmt.value
    return Export(content, MEDIA_TYPES[fmt], f"graph.{suffix}")


def export(services: Runtime, fmt: ExportFormat, part: CsvPart | None = None) -> Export:
    nodes, ties = stored_graph(services)
    return render(nodes, ties, fmt, part)


def stored_graph(services: Runtime) -> tuple[list[Node], list[Tie]]:
    """Every stored node and tie, in the order an export writes them."""
    return services.repo.export_graph()
