"""One truth on every surface (issue 11): the same graph and the same filter give the same
numbers through the command line, the API, the map and the report.

Classic networks are imported the way most analysts have them: plain edge lists, with no
evidence at all (Zachary's karate club grouped by MEMBER_OF ties to its two factions;
Lazega's lawyers grouped by the ``office`` property). Real Neo4j, as every integration test.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from graph_service.api.app import create_app
from graph_service.cli import app
from graph_service.services import importer
from graph_service.services.importer import sample_network_bytes
from tests.conftest import DATASETS

pytestmark = pytest.mark.neo4j
runner = CliRunner()


@dataclass(frozen=True)
class Dataset:
    """A classic network as importable CSV files, and how its groups are drawn."""

    name: str
    nodes: Path
    ties: Path
    group_column: str  # the nodes.csv column `analyze --group` reads
    partition: str  # the stored graph's partition giving the same groups
    memberships: tuple[Path, Path] | None = None  # Group nodes and MEMBER_OF ties
    stored_ties: int = 0


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _write(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _pairs(edges: list[dict[str, str]]) -> list[tuple[str, str, str]]:
    """One row per unordered pair (a plain undirected edge list), first weight kept."""
    seen: dict[frozenset[str], tuple[str, str, str]] = {}
    for e in edges:
        if e["source"] != e["target"]:
            key = frozenset((e["source"], e["target"]))
            seen.setdefault(key, (e["source"], e["target"], e.get("weight") or "1"))
    return list(seen.values())


def karate(tmp: Path) -> Dataset:
    """Zachary's karate club; the factions as Group nodes joined by MEMBER_OF."""
    members = _rows(DATASETS / "karate_igraphdata_nodes.csv")
    pairs = _pairs(_rows(DATASETS / "karate_igraphdata_edges.csv"))
    nodes = _write(
        tmp / "karate_nodes.csv",
        ["id", "label", "name", "faction"],
        [[m["id"], "Actor", m["name"], f"faction-{m['Faction']}"] for m in members],
    )
    ties = _write(
        tmp / "karate_ties.csv",
        ["source", "target", "type", "weight"],
        [[s, t, "KNOWS", w] for s, t, w in pairs],
    )
    factions = sorted({m["Faction"] for m in members})
    groups = _write(
        tmp / "karate_groups.csv",
        ["id", "label", "name"],
        [[f"faction-{f}", "Group", f"Faction {f}"] for f in factions],
    )
    member_of = _write(
        tmp / "karate_members.csv",
        ["source", "target", "type"],
        [[m["id"], f"faction-{m['Faction']}", "MEMBER_OF"] for m in members],
    )
    return Dataset("karate", nodes, ties, "faction", "membership", (groups, member_of), len(pairs))


def lazega(tmp: Path) -> Dataset:
    """Lazega's lawyers (co-work), grouped by the office property."""
    lawyers = _rows(DATASETS / "lazega_cowork_nodes.csv")
    pairs = _pairs(_rows(DATASETS / "lazega_cowork_edges.csv"))
    nodes = _write(
        tmp / "lazega_nodes.csv",
        ["id", "label", "name", "office", "practice", "status"],
        [
            [w["id"], "Actor", f"Lawyer {w['id']}", w["office"], w["practice"], w["status"]]
            for w in lawyers
        ],
    )
    ties = _write(
        tmp / "lazega_ties.csv",
        ["source", "target", "type", "weight"],
        [[s, t, "COLLABORATES_WITH", 1] for s, t, _ in pairs],
    )
    return Dataset("lazega", nodes, ties, "office", "property:office", None, len(pairs))


def _ok(args: list[str]) -> Any:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, (args, result.output)
    return result


def _import(data: Dataset) -> None:
    _ok(["import", str(data.nodes), "--ties", str(data.ties), "--replace", "--yes"])
    if data.memberships:
        _ok(["import", str(data.memberships[0]), "--ties", str(data.memberships[1])])


@pytest.fixture(params=["karate", "lazega"])
def classic(request, empty_graph, tmp_path: Path) -> Dataset:  # type: ignore[no-untyped-def]
    data = {"karate": karate, "lazega": lazega}[request.param](tmp_path)
    _import(data)
    return data


@pytest.fixture()
def client(empty_graph) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_app()) as c:
        yield c


def assert_same(a: Any, b: Any, where: str = "") -> None:
    """Equal key by key (floats to 1e-9)."""
    if isinstance(a, dict) and isinstance(b, dict):
        assert set(a) == set(b), (where, set(a) ^ set(b))
        for key in a:
            assert_same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert a is not None and b is not None, (where, a, b)
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (where, a, b)
    else:
        assert a == b, (where, a, b)


def _metrics(*args: str) -> tuple[dict[str, Any], str]:
    result = _ok(["metrics", "--format", "json", *args])
    return json.loads(result.stdout), result.stderr


def _without_scope(report: dict[str, Any]) -> dict[str, Any]:
    """What only a stored graph has: its scope (stored and passing ties) and, in the
    network figures, how many stored ties the analysed pairs hold."""
    out = {k: v for k, v in report.items() if k != "scope"}
    out["network"] = {k: v for k, v in report["network"].items() if k != "stored_ties"}
    # a stored Group has a name ("Faction 1"); a file's group is only its value
    out["groups"] = {
        g: {k: v for k, v in row.items() if k != "name"} for g, row in report["groups"].items()
    }
    return out


# --- the classic networks, imported without evidence -------------------------------------


def test_metrics_equals_analyze_on_the_same_files(classic: Dataset) -> None:
    stored, stderr = _metrics("--partition", classic.partition)
    files = _ok(
        [
            "analyze",
            "--edges",
            str(classic.ties),
            "--nodes",
            str(classic.nodes),
            "--group",
            classic.group_column,
            "--weight",
            "weight",
        ]
    )
    analysed = json.loads(files.stdout)
    assert stored["network"]["ties"] == classic.stored_ties > 0
    assert_same(_without_scope(stored), _without_scope(analysed | {"scope": None}))
    assert stored["scope"]["ties"]["stored"] == stored["scope"]["ties"]["passing"]
    assert f"{classic.stored_ties} stored ties" in stderr


def test_zero_thresholds_are_no_condition(classic: Dataset) -> None:
    plain, _ = _metrics("--partition", classic.partition)
    zero, _ = _metrics(
        "--partition",
        classic.partition,
        "--min-confidence",
        "0",
        "--min-evidence",
        "0",
        "--min-methods",
        "0",
        "--min-sources",
        "0",
    )
    assert_same(_without_scope(plain), _without_scope(zero))


def test_a_threshold_says_how_many_ties_it_removed(classic: Dataset, client: TestClient) -> None:
    report, stderr = _metrics("--partition", classic.partition, "--min-confidence", "0.5")
    n = classic.stored_ties
    assert report["network"]["ties"] == 0
    assert f"{n} stored ties, 0 pass: min-confidence 0.5" in stderr
    assert report["scope"]["ties"] == {
        "stored": n,
        "passing": 0,
        "conditions": ["min-confidence 0.5"],
        "sentence": f"{n} stored ties, 0 pass: min-confidence 0.5",
    }
    api = client.get("/metrics", params={"partition": classic.partition, "min_confidence": 0.5})
    assert api.json()["scope"]["ties"] == report["scope"]["ties"]


def test_api_metrics_equals_the_cli(classic: Dataset, client: TestClient) -> None:
    cli, _ = _metrics("--partition", classic.partition)
    api = client.get("/metrics", params={"partition": classic.partition})
    assert api.status_code == 200
    assert_same(api.json(), cli)


def _map_counts(*args: str, tmp: Path) -> tuple[int, int, str]:
    out = tmp / "map.html"
    result = _ok(["map", "-o", str(out), *args])
    found = re.search(r"(\d+) nodes, (\d+) stored ties", result.stdout)
    assert found, result.stdout
    return int(found[1]), int(found[2]), result.stderr


def _headline(html: str) -> dict[str, str]:
    """The report's headline figures: what -> value."""
    found = re.findall(r'class="value">([^<]*)</div>\s*<div class="what">([^<]*)<', html)
    return {what: value for value, what in found}


def test_map_and_report_show_the_metrics_numbers(classic: Dataset, tmp_path: Path) -> None:
    report, _ = _metrics("--partition", classic.partition)
    nodes, ties, _ = _map_counts("--partition", classic.partition, tmp=tmp_path)
    assert (nodes, ties) == (report["network"]["nodes"], report["network"]["ties"])
    out = tmp_path / "report.html"
    _ok(["report", "-o", str(out)])
    headline = set(_headline(out.read_text(encoding="utf-8")).values())
    # nodes and ties do not depend on the partition (the report draws groups by membership)
    assert headline >= {str(report["network"]["nodes"]), str(report["network"]["ties"])}
    assert f"{classic.stored_ties} stored ties" in out.read_text(encoding="utf-8")


def test_resilience_and_recommend_see_the_ties(classic: Dataset, client: TestClient) -> None:
    cli = json.loads(
        _ok(["resilience", "--partition", classic.partition, "--format", "json"]).stdout
    )
    assert any(d["cost"] > 0 for d in cli["departures"])
    api = client.get("/steering/resilience/ranking", params={"partition": classic.partition})
    assert_same(api.json(), cli)
    rec = json.loads(
        _ok(["recommend", "--partition", classic.partition, "--format", "json"]).stdout
    )
    api_rec = client.get("/steering/recommendations", params={"partition": classic.partition})
    assert_same(api_rec.json(), rec)


# --- the sample network -------------------------------------------------------------------


@pytest.fixture()
def sample(empty_graph):  # type: ignore[no-untyped-def]
    importer.import_document(empty_graph, sample_network_bytes())
    return empty_graph


def test_sample_cli_and_api_agree(sample, client: TestClient, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli, _ = _metrics("--phase", "2")
    assert_same(client.get("/metrics", params={"phase": "2"}).json(), cli)
    nodes, ties, _ = _map_counts("--phase", "2", tmp=tmp_path)
    assert nodes == cli["network"]["nodes"]
    assert ties == cli["scope"]["ties"]["passing"]
    compare = json.loads(
        _ok(["compare", "--phase-a", "1", "--phase-b", "2", "--format", "json"]).stdout
    )
    api = client.get("/steering/compare", params={"phase_a": "1", "phase_b": "2"})
    assert_same(api.json(), compare)
    ranking = json.loads(_ok(["resilience", "--phase", "1", "--format", "json"]).stdout)
    api = client.get("/steering/resilience/ranking", params={"phase": "1"})
    assert_same(api.json(), ranking)
    departure = json.loads(
        _ok(["resilience", "--remove", "st-koetterheinrich", "--format", "json"]).stdout
    )
    api = client.get("/steering/resilience", params={"remove": "st-koetterheinrich"})
    assert_same(api.json(), departure)


_TYPES = ["COLLABORATES_WITH", "COMMUNICATES_WITH", "ADVISES", "KNOWS", "FUNDS"]
_filters = st.fixed_dictionaries(
    {},
    optional={
        "types": st.lists(st.sampled_from(_TYPES), min_size=1, max_size=3, unique=True),
        "phase": st.sampled_from(["1", "2"]),
        "window": st.sampled_from(
            [("2023-01-01", None), (None, "2024-06-30"), ("2024-01-01", "2024-12-31")]
        ),
        "as_of": st.sampled_from(["2023-06-01", "2025-01-01"]),
        "min_evidence": st.integers(0, 3),
        "min_methods": st.integers(0, 2),
        "min_sources": st.integers(0, 2),
        "min_confidence": st.sampled_from([0, 0.0, 0.5, 0.8, 1.0]),
    },
)


def _cli_args(f: dict[str, Any]) -> list[str]:
    args: list[str] = []
    for t in f.get("types", []):
        args += ["--type", t]
    start, end = f.get("window", (None, None))
    for option, value in (
        ("--phase", f.get("phase")),
        ("--date-from", start),
        ("--date-to", end),
        ("--as-of", None if "window" in f else f.get("as_of")),
        ("--min-evidence", f.get("min_evidence")),
        ("--min-methods", f.get("min_methods")),
        ("--min-sources", f.get("min_sources")),
        ("--min-confidence", f.get("min_confidence")),
    ):
        if value is not None:
            args += [option, str(value)]
    return args


def _api_params(args: list[str]) -> list[tuple[str, str]]:
    names = {"--type": "types", "--method": "methods"}
    return [
        (names.get(o, o.removeprefix("--").replace("-", "_")), v)
        for o, v in zip(args[::2], args[1::2], strict=True)
    ]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(chosen=_filters)
def test_cli_and_api_select_the_same_ties(sample, client: TestClient, chosen) -> None:  # type: ignore[no-untyped-def]
    args = _cli_args(chosen)
    result = runner.invoke(app, ["map", "-o", "/dev/null", *args])
    api = client.get("/metrics", params=_api_params(args))
    assert api.status_code == 200, (args, api.text)
    found = re.search(r"(\d+) nodes, (\d+) stored ties", result.stdout)
    assert result.exit_code == 0 and found, (args, result.output)
    scope = api.json()["scope"]["ties"]
    assert int(found[2]) == scope["passing"], args
    cli = json.loads(_ok(["metrics", "--format", "json", *args]).stdout)
    assert cli["scope"]["ties"] == scope
    assert cli["network"]["ties"] == api.json()["network"]["ties"]
    zero_only = all(chosen.get(k) in (None, 0) for k in ("min_evidence", "min_confidence"))
    if zero_only and not {"types", "phase", "window", "as_of", "min_methods", "min_sources"} & set(
        chosen
    ):
        assert scope["passing"] == scope["stored"]


# --- what looks wrong is said -------------------------------------------------------------


def test_unknown_partition_property_is_refused(classic: Dataset, client: TestClient) -> None:
    bad = runner.invoke(app, ["metrics", "--partition", "property:nonexistent"])
    assert bad.exit_code == 2
    assert "'nonexistent'" in bad.output and "name" in bad.output
    api = client.get("/metrics", params={"partition": "property:nonexistent"})
    assert api.status_code == 422 and "nonexistent" in api.json()["detail"]


def test_unknown_phase_is_refused(sample, client: TestClient, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = runner.invoke(app, ["metrics", "--phase", "9"])
    assert bad.exit_code == 2
    assert "'9'" in bad.output and "1, 2" in bad.output
    compare = runner.invoke(app, ["compare", "--phase-a", "1", "--phase-b", "9"])
    assert compare.exit_code == 2 and "lost" not in compare.output
    api = client.get("/steering/compare", params={"phase_a": "1", "phase_b": "9"})
    assert api.status_code == 422 and "9" in api.json()["detail"]
    out = str(tmp_path / "m.html")
    mapped = runner.invoke(
        app, ["map", "-o", out, "--view", "comparison", "--phase-a", "1", "--phase-b", "9"]
    )
    assert mapped.exit_code == 2


def test_document_without_format_is_refused(
    empty_graph, client: TestClient, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    doc = {"nodes": [{"id": "a-1", "label": "Actor", "name": "A"}], "ties": []}
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    bad = runner.invoke(app, ["import", str(path)])
    assert bad.exit_code == 2 and "format" in bad.output
    api = client.post("/import", json=doc)
    assert api.status_code == 422 and "format" in api.json()["detail"]
    assert empty_graph.repo.counts()["nodes"] == {} or not any(
        empty_graph.repo.counts()["nodes"].values()
    )
