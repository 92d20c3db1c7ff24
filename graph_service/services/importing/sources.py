"""One reader per file format, each giving the same thing: a tie table and an optional
node table (rows of plain values) plus whether the file says its ties are directed.

- **csv / tsv**: :func:`graph_service.textfiles.read_table` (encoding and delimiter found).
- **xlsx**: openpyxl; a tie sheet (``ties``, ``edges``, ``connections``, ``links`` or
  ``arcs``, else the only or first sheet) and a node sheet (``nodes``, ``elements``,
  ``vertices`` or ``actors``), as Kumu and Polinode keep them.
- GML: the labels are the ids when they are unique, else GML's numeric ids are.
- **graphml, gexf, gml, pajek**: networkx's readers; the node keys are the ids, the node
  and edge data the columns. Pajek ``*Arcs`` and directed GraphML/GEXF/GML are directed.

UCINET DL has no maintained Python reader (networkx dropped none in; igraph reads only
edge lists and Pajek); docs/import.md says how to save it as Pajek or CSV from UCINET.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from graph_service.errors import Invalid
from graph_service.textfiles import read_table, restore_cell

if TYPE_CHECKING:  # networkx loads with the graph readers (start-up time of the command)
    import networkx as nx


class SourceFormat(StrEnum):
    CSV = "csv"
    TSV = "tsv"
    XLSX = "xlsx"
    GRAPHML = "graphml"
    GEXF = "gexf"
    GML = "gml"
    PAJEK = "pajek"


SUFFIXES = {
    ".csv": SourceFormat.CSV,
    ".txt": SourceFormat.CSV,
    ".tsv": SourceFormat.TSV,
    ".tab": SourceFormat.TSV,
    ".xlsx": SourceFormat.XLSX,
    ".graphml": SourceFormat.GRAPHML,
    ".gexf": SourceFormat.GEXF,
    ".gml": SourceFormat.GML,
    ".net": SourceFormat.PAJEK,
    ".paj": SourceFormat.PAJEK,
}
GRAPH_FORMATS = frozenset(
    {SourceFormat.GRAPHML, SourceFormat.GEXF, SourceFormat.GML, SourceFormat.PAJEK}
)
TIE_SHEETS = ("ties", "edges", "connections", "links", "arcs")
NODE_SHEETS = ("nodes", "elements", "vertices", "actors")


@dataclass
class Rows:
    """A table: where it came from, its columns in order, its rows as ``(where, row)``."""

    name: str
    columns: list[str]
    rows: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None


@dataclass
class RawSource:
    format: SourceFormat
    ties: Rows
    nodes: Rows | None = None
    #: what the file says about its ties; None when a table cannot say
    directed: bool | None = None


def format_of(name: str, given: SourceFormat | None) -> SourceFormat:
    if given is not None:
        return given
    suffix = PurePath(name).suffix.lower()
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    known = ", ".join(sorted(SUFFIXES))
    raise Invalid(f"{name}: cannot tell the format from the name; give --format ({known})")


def _text_rows(data: bytes, name: str, fmt: SourceFormat, encoding: str | None) -> Rows:
    table = read_table(
        data, name, encoding=encoding, delimiter="\t" if fmt is SourceFormat.TSV else None
    )
    if table.ragged:
        first = table.ragged[0]
        raise Invalid(
            f"{name} line {first}: more cells than the header has columns "
            f"({len(table.ragged)} line(s); the delimiter read is the {table.delimiter_name})"
        )
    rows = [(f"{name} line {line}", row) for line, row in table.rows]
    return Rows(name, table.header, rows, table.encoding, table.delimiter_name)


def _excel_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return restore_cell(value.strip())
    return value


def _sheet_rows(sheet: Any, name: str) -> Rows:
    values = sheet.iter_rows(values_only=True)
    header_cells = next(values, None) or ()
    columns = [str(c).strip() if c is not None else "" for c in header_cells]
    if not any(columns):
        raise Invalid(f"{name}: the first row (the header) names no column")
    rows = []
    for number, cells in enumerate(values, start=2):
        row = {
            col: _excel_value(cell)
            for col, cell in zip(columns, cells, strict=False)
            if col and cell is not None and cell != ""
        }
        if row:
            rows.append((f"{name} row {number}", row))
    return Rows(name, [c for c in columns if c], rows)


def _pick_sheet(names: list[str], wanted: tuple[str, ...]) -> str | None:
    lowered = {n.strip().lower(): n for n in names}
    return next((lowered[w] for w in wanted if w in lowered), None)


def read_xlsx(data: bytes, name: str) -> RawSource:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise Invalid(f"{name} is not an Excel .xlsx workbook ({exc})") from None
    try:
        sheets = list(book.sheetnames)
        tie_sheet = _pick_sheet(sheets, TIE_SHEETS) or sheets[0]
        node_sheet = _pick_sheet(sheets, NODE_SHEETS)
        ties = _sheet_rows(book[tie_sheet], f"{name} sheet {tie_sheet}")
        nodes = _sheet_rows(book[node_sheet], f"{name} sheet {node_sheet}") if node_sheet else None
    finally:
        book.close()
    if not ties.rows:
        raise Invalid(f"{ties.name} is empty")
    return RawSource(SourceFormat.XLSX, ties, nodes)


def _parse_gml(text: str) -> nx.Graph:
    """GML's labels are the ids when they are unique (networkx's convention, and how it
    writes GML); otherwise the numeric ids are, and the labels the names."""
    import networkx as nx

    lines = text.splitlines()
    try:
        return nx.parse_gml(lines, label="label")
    except nx.NetworkXError:
        return nx.parse_gml(lines, label="id")


def _parse_graph(data: bytes, name: str, fmt: SourceFormat, encoding: str | None) -> nx.Graph:
    import networkx as nx

    from graph_service.textfiles import decode_text

    if not data.strip():
        raise Invalid(f"{name} is empty")
    try:
        if fmt is SourceFormat.GRAPHML:
            return nx.read_graphml(io.BytesIO(data), node_type=str)
        if fmt is SourceFormat.GEXF:
            return nx.read_gexf(io.BytesIO(data), node_type=str)
        text, _ = decode_text(data, name, encoding)
        if fmt is SourceFormat.GML:
            return _parse_gml(text)
        return nx.parse_pajek(text.splitlines())
    except Invalid:
        raise
    except Exception as exc:  # every parser has its own exceptions; all mean a bad file
        raise Invalid(f"{name} is not readable as {fmt.value}: {exc}") from None


def read_graph_file(data: bytes, name: str, fmt: SourceFormat, encoding: str | None) -> RawSource:
    graph = _parse_graph(data, name, fmt, encoding)
    node_rows: list[tuple[str, dict[str, Any]]] = []
    node_columns: dict[str, None] = {"id": None}
    for node, attrs in graph.nodes(data=True):
        # the node key is the id; Pajek's vertex number and GML's own id are not columns
        row = {"id": node, **{k: v for k, v in attrs.items() if k != "id"}}
        node_columns.update(dict.fromkeys(row))
        node_rows.append((f"{name} node {node}", row))
    tie_rows: list[tuple[str, dict[str, Any]]] = []
    tie_columns: dict[str, None] = {"source": None, "target": None}
    for i, (u, v, attrs) in enumerate(graph.edges(data=True)):
        row = {**{k: val for k, val in attrs.items() if k not in ("id", "key")}}
        row.update(source=u, target=v)
        tie_columns.update(dict.fromkeys(row))
        tie_rows.append((f"{name} edge {i + 1} ({u}-{v})", row))
    if not node_rows:
        raise Invalid(f"{name} holds no nodes")
    return RawSource(
        fmt,
        Rows(name, list(tie_columns), tie_rows),
        Rows(name, list(node_columns), node_rows),
        directed=graph.is_directed(),
    )


def read_source(
    data: bytes,
    name: str,
    fmt: SourceFormat | None = None,
    *,
    nodes: tuple[bytes, str] | None = None,
    encoding: str | None = None,
) -> RawSource:
    """Read the file ``name`` (and a node table for csv/tsv) in its format."""
    fmt = format_of(name, fmt)
    if fmt in GRAPH_FORMATS or fmt is SourceFormat.XLSX:
        if nodes is not None:
            raise Invalid(f"a {fmt.value} file carries its nodes; a separate node table is for csv")
        if fmt is SourceFormat.XLSX:
            return read_xlsx(data, name)
        return read_graph_file(data, name, fmt, encoding)
    ties = _text_rows(data, name, fmt, encoding)
    node_rows = None
    if nodes is not None:
        node_data, node_name = nodes
        node_fmt = SUFFIXES.get(PurePath(node_name).suffix.lower(), fmt)
        node_rows = _text_rows(node_data, node_name, node_fmt, encoding)
    return RawSource(fmt, ties, node_rows)
