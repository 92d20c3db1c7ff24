"""Read an analyst's edge and node files into a graph and a partition.

``read_graph_files`` is the input side of ``graph-service analyze``:

- **nodes file**: CSV with a header; column ``id`` plus any attributes (kept as string
  node attributes). Every node is kept, isolates included. Ids are strings (surrounding
  spaces stripped) and must be unique.
- **edges file**: CSV with a header; columns ``source`` and ``target`` (ids of the nodes
  file) and, when ``weight_column`` is given, that column: a finite number >= 0.
- **group**: the ``group_attr`` column of the nodes file; its value is the node's group
  (``frozenset({value})``); an empty cell leaves the node ungrouped.
- **collapsing**: rows naming the same tie are one tie (undirected: ``a,b`` and ``b,a``
  are the same tie; directed: the same arc). Its ``weight`` is the **largest** weight of
  those rows, so a tie written twice, as symmetric matrix exports do, keeps its weight;
  the edge attribute ``rows`` counts them. Self-loops are kept in the graph and ignored
  by the metrics.

Bad input raises :class:`graph_service.errors.Invalid` whose message names the file, line
and column of the first problem; ``errors`` lists up to 50 problems as
``{"file", "line", "column", "message"}``. Nothing is returned half-read.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import networkx as nx

from graph_service.errors import Invalid
from graph_service.textfiles import read_table

__all__ = ["read_graph_files"]

_MAX_ERRORS = 50


class _Problems:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, path: Path, line: int, column: str | None, message: str) -> None:
        if len(self.items) < _MAX_ERRORS:
            self.items.append(
                {"file": str(path), "line": line, "column": column, "message": message}
            )

    def raise_if_any(self) -> None:
        if not self.items:
            return
        first = self.items[0]
        where = f"{first['file']}, line {first['line']}"
        if first["column"]:
            where += f", column {first['column']!r}"
        more = f" (and {len(self.items) - 1} more)" if len(self.items) > 1 else ""
        raise Invalid(f"{where}: {first['message']}{more}", errors=list(self.items))


def _open_rows(
    path: Path, required: list[str], problems: _Problems
) -> list[tuple[int, dict[str, str]]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Invalid(f"{path}: cannot read the file ({exc.strerror})") from None
    # the encoding and the delimiter as every reader of tables finds them
    table = read_table(data, str(path))
    header = table.header
    missing = [c for c in required if c not in header]
    for column in missing:
        problems.add(path, 1, column, f"missing column {column!r} (header: {header})")
    if missing:
        problems.raise_if_any()
    return table.rows


def read_graph_files(
    edges_path: str | Path,
    nodes_path: str | Path,
    *,
    group_attr: str,
    directed: bool = False,
    weight_column: str | None = None,
) -> tuple[nx.Graph, dict[Hashable, frozenset[str]]]:
    """Read ``source,target[,weight]`` edges and ``id,...`` nodes (see module docstring).

    Returns
    -------
    (G, partition)
        ``nx.DiGraph`` when ``directed`` else ``nx.Graph``, node ids as strings, edge
        attribute ``weight`` (when ``weight_column`` is given) and ``rows``; the partition
        from ``group_attr``.

    Raises
    ------
    graph_service.errors.Invalid
        Missing column, duplicate or empty node id, unknown node id in the edges, missing
        or non-numeric or negative weight; the message names file, line and column.
    """
    edges_path, nodes_path = Path(edges_path), Path(nodes_path)
    problems = _Problems()
    node_rows = _open_rows(nodes_path, ["id", group_attr], problems)
    G: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    partition: dict[Hashable, frozenset[str]] = {}
    for line, row in node_rows:
        node_id = (row.get("id") or "").strip()
        if not node_id:
            problems.add(nodes_path, line, "id", "empty node id")
            continue
        if node_id in G:
            problems.add(nodes_path, line, "id", f"duplicate node id {node_id!r}")
            continue
        attrs = {k: (v if v is not None else "") for k, v in row.items() if k and k != "id"}
        G.add_node(node_id, **attrs)
        group = (row.get(group_attr) or "").strip()
        if group:
            partition[node_id] = frozenset({group})
    required = ["source", "target"] + ([weight_column] if weight_column else [])
    edge_rows = _open_rows(edges_path, required, problems)
    ties: dict[tuple[str, str], tuple[float, int]] = {}
    for line, row in edge_rows:
        ends = []
        for column in ("source", "target"):
            value = (row.get(column) or "").strip()
            if value not in G:
                problems.add(edges_path, line, column, f"unknown node id {value!r}")
            ends.append(value)
        weight = 1.0
        if weight_column:
            text = (row.get(weight_column) or "").strip()
            try:
                weight = float(text)
            except ValueError:
                problems.add(edges_path, line, weight_column, f"weight {text!r} is not a number")
                continue
            if not math.isfinite(weight) or weight < 0:
                problems.add(
                    edges_path, line, weight_column, f"weight {text!r} must be a number >= 0"
                )
                continue
        u, v = ends
        if u not in G or v not in G:
            continue
        key = (u, v) if directed or u <= v else (v, u)
        old = ties.get(key)
        ties[key] = (weight, 1) if old is None else (max(old[0], weight), old[1] + 1)
    problems.raise_if_any()
    for (u, v), (weight, rows) in ties.items():
        if weight_column:
            G.add_edge(u, v, weight=weight, rows=rows)
        else:
            G.add_edge(u, v, rows=rows)
    return G, partition
