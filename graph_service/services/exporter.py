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
- **Positions and colours**: GraphML and GEXF carry where the default map places each node
  and its group's colour (``maps.network_picture``), so Gephi opens the same picture:
  GEXF as ``viz:position``/``viz:color``, GraphML as the node attributes ``x``, ``y``,
  ``r``, ``g``, ``b`` that Gephi's GraphML reader takes (y points up there, so it is
  negated).
- **XLSX** is a workbook with a ``nodes`` and a ``ties`` sheet in the CSV layout; the
  importer reads it back.
- **CSV** is ``nodes.csv`` + ``ties.csv`` in the importer's layout (docs/import.md), one
  ties row per observation. Text cells that a spreadsheet would run as formulas get a
  leading apostrophe (``textfiles.neutralise_cell``, also in XLSX) unless
  ``neutralise=False``; the importer removes it again. Shipped as a zip of both, or one
  part at a time. Text that reads as a number or true/false comes back typed; use JSON
  to keep it as text.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

import networkx as nx

from graph_service import deadline
from graph_service.model import DOCUMENT_FORMAT, GraphDocument, Node, NodeIn, Tie, TieIn
from graph_service.services.importer import NODE_COLUMNS, TIE_COLUMNS
from graph_service.services.runtime import Runtime
from graph_service.textfiles import neutralise_cell


class ExportFormat(StrEnum):
    JSON = "json"
    GRAPHML = "graphml"
    GEXF = "gexf"
    CSV = "csv"
    XLSX = "xlsx"


class CsvPart(StrEnum):
    NODES = "nodes"
    TIES = "ties"


@dataclass(frozen=True)
class Export:
    content: bytes
    media_type: str
    filename: str


_NODE_FIXED = (
    "label",
    "name",
    "node_type",
    "kind",
    "description",
    "person",
    "x",
    "y",
    "r",
    "g",
    "b",
)
Picture = dict[str, tuple[int, int, str | None]]


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


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _place(graph: nx.MultiDiGraph, picture: Picture, gexf: bool) -> None:
    """Positions and colours of the map on the nodes (module docstring)."""
    for node, (x, y, color) in picture.items():
        if node not in graph:
            continue
        data = graph.nodes[node]
        rgb = _rgb(color) if color else None
        if gexf:
            data["viz"] = {"position": {"x": float(x), "y": float(-y), "z": 0.0}}
            if rgb:
                data["viz"]["color"] = dict(zip("rgb", rgb, strict=True)) | {"a": 1.0}
        else:
            data.update(x=float(x), y=float(-y))
            if rgb:
                data.update(zip("rgb", rgb, strict=True))


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


def graphml_bytes(
    nodes: Sequence[Node], ties: Sequence[Tie], picture: Picture | None = None
) -> bytes:
    graph = to_networkx(nodes, ties)
    _place(graph, picture or {}, gexf=False)
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8")
    return buffer.getvalue()


def gexf_bytes(nodes: Sequence[Node], ties: Sequence[Tie], picture: Picture | None = None) -> bytes:
    graph = to_networkx(nodes, ties)
    _place(graph, picture or {}, gexf=True)
    buffer = io.BytesIO()
    nx.write_gexf(graph, buffer, encoding="utf-8", version="1.2draft")
    return buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def node_table(nodes: Sequence[Node]) -> list[list[Any]]:
    """Header and rows of the nodes in the CSV layout (values typed, None when absent)."""
    extra = sorted({k for n in nodes for k in n.attributes})
    rows: list[list[Any]] = [[*NODE_COLUMNS, *extra]]
    for n in nodes:
        rows.append(
            [n.id, n.label.value, n.name, n.kind, n.description]
            + [n.attributes.get(k) for k in extra]
        )
    return rows


def tie_table(ties: Sequence[Tie]) -> list[list[Any]]:
    """Header and rows of the ties in the CSV layout: one row per observation."""
    rows: list[list[Any]] = [list(TIE_COLUMNS)]
    for t in ties:
        base = [
            t.id,
            t.type.value,
            t.source,
            t.target,
            t.weight,
            t.valid_from,
            t.valid_to,
            t.phase,
            t.role,
        ]
        if not t.evidence:
            rows.append([*base, None, None, None, None])
        for o in t.evidence:
            rows.append([*base, o.method.value, o.source, o.date, o.confidence])
    return rows


def _csv(table: list[list[Any]], neutralise: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in table:
        cells = [_cell(v) for v in row]
        writer.writerow([neutralise_cell(c) for c in cells] if neutralise else cells)
    return out.getvalue()


def nodes_csv(nodes: Sequence[Node], neutralise: bool = True) -> str:
    return _csv(node_table(nodes), neutralise)


def ties_csv(ties: Sequence[Tie], neutralise: bool = True) -> str:
    return _csv(tie_table(ties), neutralise)


def xlsx_bytes(nodes: Sequence[Node], ties: Sequence[Tie], neutralise: bool = True) -> bytes:
    """A workbook with a ``nodes`` and a ``ties`` sheet, as the importer reads it."""
    with deadline.shielded():  # an API export stopped inside an import would break it
        import openpyxl
        import openpyxl.cell.cell

    book = openpyxl.Workbook(write_only=True)
    for title, table in (("nodes", node_table(nodes)), ("ties", tie_table(ties))):
        sheet = book.create_sheet(title)
        for row in table:
            sheet.append([_xlsx_cell(sheet, v, neutralise) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet: Any, value: Any, neutralise: bool) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        # XML 1.0, the workbook's format, cannot hold control characters (other than tab
        # and line breaks): each becomes U+FFFD, the replacement character (docs/import.md)
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        # a string cell, never a formula, whatever it begins with
        cell = WriteOnlyCell(sheet, value=neutralise_cell(value) if neutralise else value)
        cell.data_type = "s"
        return cell
    return value.isoformat() if isinstance(value, date) else value


def csv_zip(nodes: Sequence[Node], ties: Sequence[Tie], neutralise: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("nodes.csv", nodes_csv(nodes, neutralise))
        archive.writestr("ties.csv", ties_csv(ties, neutralise))
    return buffer.getvalue()


MEDIA_TYPES = {
    ExportFormat.JSON: "application/json",
    ExportFormat.GRAPHML: "application/graphml+xml",
    ExportFormat.GEXF: "application/gexf+xml",
    ExportFormat.CSV: "application/zip",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def render(
    nodes: Sequence[Node],
    ties: Sequence[Tie],
    fmt: ExportFormat,
    part: CsvPart | None = None,
    *,
    neutralise: bool = True,
    picture: Picture | None = None,
) -> Export:
    """The export of ``nodes`` and ``ties`` in ``fmt`` (``part`` picks one CSV file;
    ``picture`` places and colours the nodes in GraphML and GEXF)."""
    if fmt is ExportFormat.CSV and part is not None:
        table = node_table(nodes) if part is CsvPart.NODES else tie_table(ties)
        text = _csv(table, neutralise)
        return Export(text.encode("utf-8"), "text/csv; charset=utf-8", f"{part.value}.csv")
    if fmt is ExportFormat.JSON:
        content = json_bytes(nodes, ties)
    elif fmt is ExportFormat.GRAPHML:
        content = graphml_bytes(nodes, ties, picture)
    elif fmt is ExportFormat.GEXF:
        content = gexf_bytes(nodes, ties, picture)
    elif fmt is ExportFormat.XLSX:
        content = xlsx_bytes(nodes, ties, neutralise)
    else:
        content = csv_zip(nodes, ties, neutralise)
    suffix = "zip" if fmt is ExportFormat.CSV else fmt.value
    return Export(content, MEDIA_TYPES[fmt], f"graph.{suffix}")


def export(
    services: Runtime,
    fmt: ExportFormat,
    part: CsvPart | None = None,
    *,
    neutralise: bool = True,
) -> Export:
    nodes, ties = stored_graph(services)
    picture = None
    if fmt in (ExportFormat.GRAPHML, ExportFormat.GEXF):
        from graph_service.services.maps import map_picture

        picture = map_picture(services)
    return render(nodes, ties, fmt, part, neutralise=neutralise, picture=picture)


def stored_graph(services: Runtime) -> tuple[list[Node], list[Tie]]:
    """Every stored node and tie, in the order an export writes them."""
    return services.repo.export_graph()
