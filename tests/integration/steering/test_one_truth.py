"""One truth on every surface (issue 11, items 3-5 and 7), on the real store.

The same graph with the same filter gives the same bonding, bridging and unclassified
counts in the metrics, the map's legend and the report's headline and embedded map;
texts meant for people name nodes and groups; the report is worded from the data.
"""

from __future__ import annotations

import csv
import html as html_lib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from graph_service.cli import app
from graph_service.filters import TieFilter
from graph_service.maps.encoding import group_palette
from graph_service.reports import page as report_mod
from graph_service.services import importer
from graph_service.services.analysis_graph import analysis_graph
from graph_service.services.maps import MapRequest, render_store_map
from graph_service.services.metrics import stored_report
from tests.conftest import DATASETS
from tests.unit.maps.conftest import payload

pytestmark = pytest.mark.neo4j
runner = CliRunner()
CLASSES = ("bonding", "bridging", "unclassified")


def _embedded_map(report_html: str) -> str:
    srcdoc = re.search(r'srcdoc="([^"]*)"', report_html)
    assert srcdoc
    return html_lib.unescape(srcdoc.group(1))


@pytest.mark.parametrize("partition", ["membership", "property:position"])
def test_metrics_map_and_report_count_the_same_ties(sample, partition: str) -> None:  # type: ignore[no-untyped-def]
    store = sample
    network = stored_report(store, TieFilter(), partition=partition)["network"]
    legend = payload(render_store_map(store, MapRequest(partition=partition)).html)
    counts = legend["meta"]["tieCounts"]
    data = report_mod.collect(store, TieFilter(), partition=partition)
    report_map = payload(_embedded_map(report_mod.render_report(data)))["meta"]["tieCounts"]
    headline = {what: value for value, what, _ in report_mod._headline(data)}
    for c in CLASSES:
        assert counts[c]["pairs"] == network[c] == report_map[c]["pairs"], c
    assert counts["all"]["pairs"] == network["ties"] == int(headline["tied pairs"])
    assert counts["all"]["stored"] == network["stored_ties"] == report_map["all"]["stored"]
    # the steering analyses: evidence counts stored ties, the comparison's groups pairs
    assert len(data.evidence.ties) == network["stored_ties"]
    assert sum(n.bridging for n in data.measures.nodes.values()) == 2 * network["bridging"]
    assert network["stored_ties"] > network["ties"]  # several stored ties join some pairs
    if partition == "property:position":
        # Nodes without a position leave their ties unclassified, not bridging (the old
        # map drew every such tie as bridging)
        assert network["unclassified"] > 0 and legend["meta"]["tieCounts"]["unclassified"]


def test_map_legend_says_what_it_counts(sample) -> None:  # type: ignore[no-untyped-def]
    network = stored_report(sample, TieFilter())["network"]
    html = render_store_map(sample, MapRequest()).html
    assert (
        f"{network['stored_ties']} stored ties (counts above) between {network['ties']} pairs "
        f"({network['bonding']} bonding, {network['bridging']} bridging, "
        f"{network['unclassified']} unclassified)"
    ) in html
    assert "or without one" not in html


@pytest.mark.parametrize(
    ("args", "line", "forbidden"),
    [
        (["compare", "--phase-a", "1", "--phase-b", "2"], "Became brokers", r"\b(act|st|ext)-"),
        (["parallel"], "shared task", r"\bst-"),
        (["goals"], "", r"\[goal-|\(grp-"),
        (["resilience", "--top", "3"], "", r"\b(act|st|ext|grp)-[a-z]"),
        (["recommend", "--top", "3"], "", r"\b(act|st|ext|grp)-[a-z]"),
        (["evidence"], "", r"\b(act|st|ext|grp)-[a-z]"),
    ],
)
def test_cli_texts_name_people_and_groups(sample, args, line, forbidden) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = [x for x in result.output.splitlines() if line in x]
    assert lines, result.output
    for x in lines:
        assert not re.search(forbidden, x), x


def test_compare_json_keeps_ids_and_adds_names(sample) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["compare", "--phase-a", "1", "--phase-b", "2", "--format", "json"])
    body = json.loads(result.stdout)
    assert len(body["became_brokers"]) == len(body["became_brokers_names"]) > 0
    ids = ("act-", "st-", "ext-")
    assert all(i.startswith(ids) for i in body["became_brokers"])
    assert not any(n.startswith(ids) for n in body["became_brokers_names"])


def test_report_names_groups(sample) -> None:  # type: ignore[no-untyped-def]
    page = report_mod.build_report(sample)
    text = page.split("srcdoc=")[0]
    assert not re.search(r"\((grp|act|st|ext)-[a-z]", text)
    assert "Wirtschaftsallianz" in text


def test_metrics_csv_has_a_name_column(sample) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["metrics", "--format", "csv"])
    assert result.exit_code == 0, result.output
    nodes = result.stdout.split("# groups")[0].split("# nodes\n")[1]
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(nodes))}
    assert rows["st-koetterheinrich"]["name"] == "Jens Kötterheinrich"
    groups = result.stdout.split("# groups\n")[1]
    names = {r["group"]: r["name"] for r in csv.DictReader(io.StringIO(groups))}
    assert names["grp-wiall"].startswith("Wirtschaftsallianz")


def test_a_group_has_one_colour_in_every_view_and_the_report(sample) -> None:  # type: ignore[no-untyped-def]
    store = sample
    ag = analysis_graph(store.repo, TieFilter())
    expected = group_palette(ag.partition, ag.group_names)
    views = [
        MapRequest(),
        MapRequest(view="groups"),
        MapRequest(view="ego", center="st-koetterheinrich", radius=2),
        MapRequest(view="comparison", phase_a="1", phase_b="2"),
    ]
    for req in views:
        for g in payload(render_store_map(store, req).html)["groups"]:
            assert g["color"] == expected[g["id"]], (req.view, g)
    page = report_mod.build_report(store)
    for g in payload(_embedded_map(page))["groups"]:
        assert g["color"] == expected[g["id"]]
    charts = page.split("srcdoc=")[0]
    for gid, color in expected.items():
        assert f'fill="{color}"' in charts, ag.group_names.get(gid, gid)


def _karate_document() -> bytes:
    """Zachary's karate club as a plain edge list (no evidence), factions as groups."""
    with open(DATASETS / "karate_igraphdata_nodes.csv", encoding="utf-8") as fh:
        people = list(csv.DictReader(fh))
    with open(DATASETS / "karate_igraphdata_edges.csv", encoding="utf-8") as fh:
        edges = list(csv.DictReader(fh))
    nodes: list[dict[str, Any]] = [
        {"id": f"faction-{f}", "label": "Group", "name": f"Faction {f}", "kind": "faction"}
        for f in sorted({p["Faction"] for p in people})
    ]
    nodes += [{"id": f"k{p['id']}", "label": "Actor", "name": p["name"]} for p in people]
    ties = [
        {"type": "KNOWS", "source": f"k{e['source']}", "target": f"k{e['target']}"} for e in edges
    ]
    ties += [
        {"type": "MEMBER_OF", "source": f"k{p['id']}", "target": f"faction-{p['Faction']}"}
        for p in people
    ]
    return json.dumps({"format": "graph-service/v1", "nodes": nodes, "ties": ties}).encode()


def test_report_about_the_karate_club_is_worded_from_its_data(runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runtime.repo.delete_all()
    try:
        importer.import_document(runtime, _karate_document())
        page = report_mod.build_report(runtime)
    finally:
        runtime.repo.delete_all()
    text = page.split("srcdoc=")[0]
    for word in ("office", "alliance", "administration", "department", "strategy", "Staff"):
        assert word.lower() not in text.lower(), word
    assert "Faction 1" in text and "Faction 2" in text and "kinds: faction" in text
    assert "34 people and organisations" in text and "78 tied pairs" in text
    assert "No stored tie here carries an observation" in text
