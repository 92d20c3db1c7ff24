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

``read_graph_arrays`` reads the same files straight into the arrays the metrics work on
(no networkx graph: building one costs more than the metrics on small files and about a
second at 100k ties). It accepts exactly what ``read_graph_files`` accepts and gives
exactly the arrays ``indexed(read_graph_files(...))`` would: anything it does not take on
its fast path (a problem, a ragged row, a repeated header) goes through
``read_graph_files``, which names the problem.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Hashable
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from graph_service.errors import Invalid
from graph_service.textfiles import read_table

if TYPE_CHECKING:  # networkx costs ~0.2 s to import; the array path does without it
    import networkx as nx

    from graph_service.metrics._core import IndexedGraph

__all__ = ["GraphArrays", "read_graph_arrays", "read_graph_files"]

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
    import networkx as nx

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


@dataclass
class GraphArrays:
    """The files as :func:`graph_service.metrics.suite.analyze_indexed` takes them."""

    ix: IndexedGraph
    partition: dict[Hashable, frozenset[str]]
    names: list[str | None]
    weighted: bool


class _NotFast(Exception):
    """The fast path does not take this input; ``read_graph_files`` will."""


def read_graph_arrays(
    edges_path: str | Path,
    nodes_path: str | Path,
    *,
    group_attr: str,
    directed: bool = False,
    weight_column: str | None = None,
) -> GraphArrays:
    """:func:`read_graph_files` into arrays: the same input rules, errors and result
    (``ix`` equals ``indexed(G, "weight" if weight_column else None)``), without a
    networkx graph."""
    edges_path, nodes_path = Path(edges_path), Path(nodes_path)
    try:
        return _read_arrays(edges_path, nodes_path, group_attr, directed, weight_column)
    except (_NotFast, OSError, UnicodeDecodeError, csv.Error):
        pass
    from graph_service.metrics._core import indexed

    G, partition = read_graph_files(
        edges_path,
        nodes_path,
        group_attr=group_attr,
        directed=directed,
        weight_column=weight_column,
    )
    names = [None if n is None else str(n) for _, n in G.nodes(data="name")]
    ix = indexed(G, "weight" if weight_column else None)
    return GraphArrays(ix, partition, names, weight_column is not None)


def _table(path: Path, required: list[str]) -> tuple[dict[str, int], list[list[str]]]:
    """Header (name -> column) and rows of a CSV file, as ``csv.DictReader`` sees them;
    only files whose rows all have the header's width and whose header names are distinct
    and include ``required``."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [h.strip() for h in next(reader, [])]
        rows = [row for row in reader if row]  # DictReader skips empty rows too
    columns = {name: c for c, name in enumerate(header)}
    width = len(header)
    if len(columns) != width or any(c not in columns for c in required):
        raise _NotFast
    if any(len(row) != width for row in rows):
        raise _NotFast
    return columns, rows


def _read_arrays(
    edges_path: Path,
    nodes_path: Path,
    group_attr: str,
    directed: bool,
    weight_column: str | None,
) -> GraphArrays:
    from graph_service.metrics._core import IndexedGraph

    columns, rows = _table(nodes_path, ["id", group_attr])
    c_id, c_group = columns["id"], columns[group_attr]
    ids = [row[c_id].strip() for row in rows]
    index: dict[Hashable, int] = dict(zip(ids, range(len(ids)), strict=True))
    if not ids or len(index) != len(ids) or "" in index:
        raise _NotFast
    partition: dict[Hashable, frozenset[str]] = {}
    for node_id, row in zip(ids, rows, strict=True):
        group = row[c_group].strip()
        if group:
            partition[node_id] = frozenset({group})
    c_name = columns.get("name")
    names: list[str | None] = [None] * len(ids) if c_name is None else [row[c_name] for row in rows]
    required = ["source", "target"] + ([weight_column] if weight_column else [])
    columns, rows = _table(edges_path, required)
    ends = [_positions(index, rows, columns[c]) for c in ("source", "target")]
    w = _weights(rows, columns[weight_column]) if weight_column else None
    src, dst, w = _collapsed(len(ids), ends[0], ends[1], w, directed)
    ix = IndexedGraph(list(ids), index, directed, src, dst, w)
    return GraphArrays(ix, partition, names, weight_column is not None)


def _positions(index: dict[Hashable, int], rows: list[list[str]], column: int) -> np.ndarray:
    ends = (row[column].strip() for row in rows)
    out = np.fromiter(map(index.get, ends, repeat(-1)), dtype=np.int64, count=len(rows))
    if (out < 0).any():
        raise _NotFast
    return out


def _weights(rows: list[list[str]], column: int) -> np.ndarray:
    try:
        w = np.fromiter((float(row[column].strip()) for row in rows), np.float64, len(rows))
    except ValueError:
        raise _NotFast from None
    if not (np.isfinite(w) & (w >= 0)).all():
        raise _NotFast
    return w


def _collapsed(
    n: int, p: np.ndarray, q: np.ndarray, w: np.ndarray | None, directed: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One tie per pair (per arc when directed), weight the largest of its rows, self-loops
    dropped, in the order ``indexed`` reads a graph built tie by tie in the order of first
    appearance: by the tie's first node (the lower index when undirected), then by
    first appearance (the order of that node's adjacency in networkx)."""
    a, b = (p, q) if directed else (np.minimum(p, q), np.maximum(p, q))
    if a.size == 0:
        return a, b, np.ones(0)
    key = a * n + b
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    first = order[starts]  # stable sort: the first row of each tie
    weight = np.ones(first.size) if w is None else np.maximum.reduceat(w[order], starts)
    ta, tb = a[first], b[first]
    tie_order = np.lexsort((first, ta))
    ta, tb, weight = ta[tie_order], tb[tie_order], weight[tie_order]
    keep = ta != tb
    return ta[keep], tb[keep], np.asarray(weight[keep], dtype=np.float64)
