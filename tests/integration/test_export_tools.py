"""Issue 13 item 4 and issue 12 item 7: exports for the tools people use next (xlsx back
into the importer, GraphML/GEXF with the map's positions and colours) and CSV cells that a
spreadsheet would run as formulas written as text."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from typing import Any

import networkx as nx
import pytest

from graph_service.model import NodeIn
from graph_service.services import exporter, importer
from graph_service.services.importing.files import import_file
from graph_service.services.importing.options import ImportOptions
from graph_service.services.maps import map_picture

pytestmark = pytest.mark.neo4j

HOSTILE = {
    "=cmd|' /C calc'!A0": "=cmd|' /C calc'!A0",
    "@SUM(1+1)": "@SUM(1+1)",
    "+1+1": "+1+1",
    "-2+3": "-2+3",
}


@pytest.fixture()
def stored(empty_graph: Any, sample_doc: dict[str, Any]) -> Any:
    importer.import_document(empty_graph, sample_doc)
    for i, text in enumerate(HOSTILE):
        empty_graph.repo.write_graph(
            [NodeIn(id=f"evil{i}", label="Actor", name=text, attributes={"note": text, "n": -3})],
            [],
        )
    return empty_graph


@pytest.fixture(scope="module")
def sample_doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(importer.sample_network_bytes())
    return doc


def test_csv_export_neutralises_formulas(stored: Any) -> None:
    text = exporter.export(stored, exporter.ExportFormat.CSV, exporter.CsvPart.NODES)
    body = text.content.decode()
    for cell in HOSTILE:
        assert f"'{cell}" in body
    assert ",-3" in body  # numbers are not formulas
    raw = exporter.export(
        stored, exporter.ExportFormat.CSV, exporter.CsvPart.NODES, neutralise=False
    ).content.decode()
    assert "'=cmd" not in raw and "\n=cmd" not in raw and ",=cmd" in raw.replace('"', "")


def test_neutralised_csv_imports_back_unchanged(stored: Any) -> None:
    nodes = exporter.export(stored, exporter.ExportFormat.CSV, exporter.CsvPart.NODES)
    ties = exporter.export(stored, exporter.ExportFormat.CSV, exporter.CsvPart.TIES)
    parsed = importer.parse_csv(nodes.content, ties.content)
    names = {n.id: n.name for _, n in parsed.nodes}
    assert [names[f"evil{i}"] for i in range(len(HOSTILE))] == list(HOSTILE)


def test_xlsx_export_imports_back_unchanged(stored: Any) -> None:
    import openpyxl

    before = exporter.export(stored, exporter.ExportFormat.JSON).content
    xlsx = exporter.export(stored, exporter.ExportFormat.XLSX).content
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames == ["nodes", "ties"]
    cell = next(c for c in book["nodes"]["C"] if str(c.value).endswith("calc'!A0"))
    assert cell.data_type == "s" and cell.value.startswith("'=")  # text, not a formula
    stored.repo.delete_all()
    report = import_file(stored, xlsx, "graph.xlsx", ImportOptions())
    assert report.preview.notes == []
    assert exporter.export(stored, exporter.ExportFormat.JSON).content == before


def test_gexf_and_graphml_carry_the_maps_positions_and_colours(stored: Any) -> None:
    picture = map_picture(stored)
    placed = {k: v for k, v in picture.items() if v[2] is not None}
    assert len(placed) > 40
    gexf = exporter.export(stored, exporter.ExportFormat.GEXF).content
    ns = {"g": "http://gexf.net/1.2draft", "viz": "http://gexf.net/1.2draft/viz"}
    root = ET.fromstring(gexf)
    for node in root.iterfind(".//g:node", ns):
        key = node.get("id")
        if key not in placed:
            continue
        x, y, color = placed[key]
        position = node.find("viz:position", ns)
        rgb = node.find("viz:color", ns)
        assert position is not None and rgb is not None
        assert (float(position.get("x")), float(position.get("y"))) == (x, -y)
        assert "#{:02x}{:02x}{:02x}".format(*tuple(int(rgb.get(c)) for c in "rgb")) == color
    graph = nx.read_graphml(
        io.BytesIO(exporter.export(stored, exporter.ExportFormat.GRAPHML).content)
    )
    key, (x, y, color) = next(iter(placed.items()))
    data = graph.nodes[key]
    assert (data["x"], data["y"]) == (x, -y)
    assert "#{:02x}{:02x}{:02x}".format(data["r"], data["g"], data["b"]) == color


@pytest.mark.parametrize("fmt", [exporter.ExportFormat.GRAPHML, exporter.ExportFormat.GEXF])
def test_graph_file_export_imports_back_with_the_same_counts(stored: Any, fmt: Any) -> None:
    # undirected ties ride in a directed file marked directed=false: no --merge-arcs needed
    counts = stored.repo.counts()
    content = exporter.export(stored, fmt).content
    stored.repo.delete_all()
    import_file(stored, content, f"graph.{fmt.value}", ImportOptions())
    assert stored.repo.counts() == counts
