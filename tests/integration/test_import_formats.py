"""Issue 13: the classic datasets, saved in every format analysts have, import in one
command and give the same metrics as ``analyze`` on the original CSV files.

The fixtures are written in the test (tmp_path) from tests.conftest.DATASETS. The stored
graph is measured with the service the API's /metrics calls (``stored_report`` with an
empty TieFilter), which keeps ties without evidence."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph_service.errors import Invalid
from graph_service.filters import TieFilter
from graph_service.metrics.io import read_graph_files
from graph_service.metrics.suite import analyze
from graph_service.services.importing.files import import_file
from graph_service.services.importing.options import ImportOptions
from graph_service.services.metrics import stored_report
from tests.conftest import DATASETS

pytestmark = pytest.mark.neo4j


def _rows(name: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    nodes = list(csv.DictReader((DATASETS / f"{name}_nodes.csv").open(encoding="utf-8")))
    edges = list(csv.DictReader((DATASETS / f"{name}_edges.csv").open(encoding="utf-8")))
    return nodes, edges


def _delimited(rows: list[dict[str, str]], delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _graph(name: str, directed: bool) -> nx.Graph:
    nodes, edges = _rows(name)
    graph: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    for row in nodes:
        graph.add_node(row["id"], **{k: v for k, v in row.items() if k != "id"})
    for row in edges:
        attrs = {"weight": float(row["weight"])} if "weight" in row else {}
        graph.add_edge(row["source"], row["target"], **attrs)
    return graph


def write_fixture(fmt: str, name: str, directed: bool, tmp: Path) -> tuple[Path, Path | None]:
    """The dataset ``name`` saved as ``fmt``: (the file, the node table or None)."""
    nodes, edges = _rows(name)
    if fmt in ("csv", "tsv", "latin1", "bom"):
        delimiter, encoding, suffix = {
            "csv": (",", "utf-8", "csv"),
            "tsv": ("\t", "utf-8", "tsv"),
            "latin1": (";", "latin-1", "csv"),
            "bom": (",", "utf-8-sig", "csv"),
        }[fmt]
        if fmt == "latin1":  # a name only Latin-1 can carry
            nodes = [dict(r, name=f"{r['name']} Müller") for r in nodes]
        e, n = tmp / f"edges.{suffix}", tmp / f"nodes.{suffix}"
        e.write_bytes(_delimited(edges, delimiter).encode(encoding))
        n.write_bytes(_delimited(nodes, delimiter).encode(encoding))
        return e, n
    if fmt == "xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        for title, rows in (("Edges", edges), ("Nodes", nodes)):
            sheet = book.create_sheet(title)
            sheet.append(list(rows[0]))
            for row in rows:  # numbers as numbers, as a spreadsheet keeps them
                sheet.append([int(v) if v.isdigit() else v for v in row.values()])
        del book["Sheet"]
        path = tmp / "network.xlsx"
        book.save(path)
        return path, None
    graph = _graph(name, directed)
    path = tmp / f"network.{fmt}"
    if fmt == "graphml":
        nx.write_graphml(graph, path)
    elif fmt == "gexf":
        nx.write_gexf(graph, path)
    elif fmt == "gml":
        nx.write_gml(graph, path)
    else:
        path = tmp / "network.net"
        nx.write_pajek(graph, path)
    return path, None


def _import(runtime: Any, path: Path, nodes: Path | None, **options: Any) -> Any:
    table = (nodes.read_bytes(), nodes.name) if nodes is not None else None
    return import_file(runtime, path.read_bytes(), path.name, ImportOptions(**options), nodes=table)


NODE_KEYS = ("degree", "bonding", "bridging", "ei", "betweenness", "constraint", "brokerage")


def _approx(value: Any) -> Any:
    return pytest.approx(value) if isinstance(value, float) else value


def _figures(report: dict[str, Any]) -> dict[str, Any]:
    """The key figures: the network's (E-I and its tests, assortativity, modularity,
    brokerage), each group's (by size: the stored groups are named group:<value>), the
    bridges, and each node's (degree, bonding, bridging, E-I, betweenness, constraint,
    brokerage roles)."""
    network = report["network"]
    groups = sorted(report["groups"].values(), key=lambda g: (g["size"], g["ei"]))
    return {
        # what the stored graph adds (stored_ties: how many stored ties the pairs hold)
        "network": {k: _approx(v) for k, v in network.items() if k != "stored_ties"},
        # group names differ by design: "Faction 1" (a stored Group) against "1" (a value)
        "groups": [{k: _approx(v) for k, v in g.items() if k != "name"} for g in groups],
        "bridges": sorted(map(sorted, report["bridges"])),
        "nodes": {
            n: {k: _approx(values.get(k)) for k in NODE_KEYS}
            for n, values in report["nodes"].items()
        },
    }


FORMATS = ["csv", "tsv", "latin1", "bom", "xlsx", "graphml", "gexf", "gml", "pajek"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_import_karate_in_every_format_matches_analyze(
    fmt: str, empty_graph: Any, tmp_path: Path
) -> None:
    path, nodes = write_fixture(fmt, "karate_igraphdata", False, tmp_path)
    report = _import(empty_graph, path, nodes, group_by="Faction")
    assert (report.nodes, report.ties) == (34 + 2, 78 + 34)
    assert report.preview.groups == {"Faction 1": 16, "Faction 2": 18}
    stored = stored_report(empty_graph, TieFilter(), partition="membership")
    graph, partition = read_graph_files(
        DATASETS / "karate_igraphdata_edges.csv",
        DATASETS / "karate_igraphdata_nodes.csv",
        group_attr="Faction",
        weight_column="weight",
    )
    # the store keeps the weights, and the stored report uses them (modularity)
    assert _figures(stored) == _figures(analyze(graph, partition, weight="weight"))
    assert stored["network"]["ei"] == pytest.approx(-0.7435897, abs=1e-6)


@pytest.mark.parametrize("fmt", ["csv", "graphml", "pajek", "xlsx"])
def test_import_lazega_directed_matches_analyze(fmt: str, empty_graph: Any, tmp_path: Path) -> None:
    path, nodes = write_fixture(fmt, "lazega_advice", True, tmp_path)
    report = _import(empty_graph, path, nodes, group_by="office", type="ADVISES")
    assert report.ties == 892 + 71
    stored = stored_report(empty_graph, TieFilter(), partition="membership", directed=True)
    graph, partition = read_graph_files(
        DATASETS / "lazega_advice_edges.csv",
        DATASETS / "lazega_advice_nodes.csv",
        group_attr="office",
        directed=True,
    )
    assert _figures(stored) == _figures(analyze(graph, partition))


@pytest.mark.parametrize("fmt", ["csv", "graphml", "pajek"])
def test_directed_source_into_undirected_type_needs_merge(
    fmt: str, empty_graph: Any, tmp_path: Path
) -> None:
    path, nodes = write_fixture(fmt, "lazega_advice", True, tmp_path)
    with pytest.raises(Invalid, match="--merge-arcs"):
        _import(empty_graph, path, nodes, type="KNOWS")
    assert empty_graph.repo.counts()["ties"] == {}
    report = _import(empty_graph, path, nodes, type="KNOWS", merge_arcs=True)
    assert report.ties == 717  # 892 arcs, 175 pairs both ways
    assert report.preview.arcs_merged == 175
    assert "892 arcs merged into 717" in report.preview.notes[-1]


def test_evidence_phase_and_weight_are_stamped(empty_graph: Any, tmp_path: Path) -> None:
    path, nodes = write_fixture("csv", "karate_igraphdata", False, tmp_path)
    _import(
        empty_graph,
        path,
        nodes,
        weight="weight",
        phase="2",
        evidence_method="survey",
        evidence_date="2024-05-01",
    )
    tie = empty_graph.repo.get_tie("KNOWS:1:2:2")[0]
    assert (tie.weight, tie.phase, tie.evidence_count) == (4.0, "2", 1)
    assert tie.evidence[0].source == "edges.csv"
    assert tie.evidence[0].date.isoformat() == "2024-05-01"
