"""Issue 14 item 4: a large first load through neo4j-admin gives the same store as the
transactional import. Each case imports the same input both ways into an empty store and
compares the exports (JSON and CSV) byte for byte. The offline runs stop and restart the
test server (each case takes about 15 s; before the server stopped without its 10 s
quiet period, about a minute)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from graph_service.cli import app
from graph_service.model import DOCUMENT_FORMAT, EvidenceMethod, NodeLabel, RelType
from graph_service.services.importer import sample_network_bytes
from tests.conftest import DATASETS

pytestmark = pytest.mark.neo4j
runner = CliRunner()

#: Text that CSV and the importer's array splitting must carry through unchanged.
AWKWARD = ['quote " inside', "comma, and; semicolon | pipe", "line\nbreak", "Zoë – ß ✓", "x"]


def generated_document(seed: int = 14) -> dict[str, Any]:
    """Nodes whose attributes change type from node to node (an attribute that is a
    number here and text there), and ties with and without evidence, dates missing at
    every position of the evidence arrays, validity dates, roles and awkward text."""
    rng = random.Random(seed)
    labels = [NodeLabel.ACTOR, NodeLabel.STAFF]
    nodes = []
    for i in range(60):
        attributes: dict[str, Any] = {"rank": i, "share": i / 7, "active": i % 2 == 0}
        attributes["code"] = i if i % 3 else f"c{i}"  # long here, string there
        if i % 5 == 0:
            attributes["note"] = rng.choice(AWKWARD)
        if i % 11 == 0:
            attributes["empty"] = ""
        if i == 7:
            attributes["big"] = 2**62
        node: dict[str, Any] = {
            "id": f"p{i}",
            "label": labels[i % 2].value,
            "name": f"Person {i} {rng.choice(AWKWARD)}",
            "attributes": attributes,
        }
        if i % 4 == 0:
            node["kind"] = "person" if i % 8 else "organisation"
            node["description"] = rng.choice(AWKWARD) + "\nsecond line"
        nodes.append(node)
    ties = []
    social = [RelType.KNOWS, RelType.COLLABORATES_WITH, RelType.ADVISES]
    methods = list(EvidenceMethod)
    taken: set[tuple[int, int, int]] = set()
    for j in range(150):
        a, b = rng.sample(range(60), 2)
        if (min(a, b), max(a, b), j % 6) in taken:  # one tie per type, pair and phase
            continue
        taken.add((min(a, b), max(a, b), j % 6))
        tie: dict[str, Any] = {
            "type": social[j % 3].value,
            "source": f"p{a}",
            "target": f"p{b}",
            "weight": round(rng.uniform(0, 5), 3),
            "phase": str(1 + j % 2),
        }
        if j % 6 == 0:
            tie["valid_from"] = "2023-01-15"
            tie["valid_to"] = "2024-06-30"
        if j % 9 == 0:
            tie["role"] = rng.choice(AWKWARD)
        tie["evidence"] = [
            {
                "method": rng.choice(methods).value,
                "source": f"{rng.choice(AWKWARD)} {k}",
                **({"date": f"2023-0{1 + k}-0{1 + k}"} if rng.random() < 0.5 else {}),
                "confidence": round(rng.random(), 6),
            }
            for k in range(j % 4)
        ]
        ties.append(tie)
    return {"format": DOCUMENT_FORMAT, "nodes": nodes, "ties": ties}


def _exports(tmp_path: Path, name: str) -> tuple[bytes, bytes, bytes]:
    out = tmp_path / name
    done = runner.invoke(app, ["export", "-f", "json", "-o", str(out / "graph.json")])
    assert done.exit_code == 0, done.output
    done = runner.invoke(app, ["export", "-f", "csv", "-o", str(out / "csv")])
    assert done.exit_code == 0, done.output
    return tuple(  # type: ignore[return-value]
        (out / f).read_bytes() for f in ("graph.json", "csv/nodes.csv", "csv/ties.csv")
    )


def _import(args: list[str], engine: str) -> str:
    done = runner.invoke(app, ["import", *args, "--engine", engine])
    assert done.exit_code == 0, done.output
    return done.output


def _both_ways(rt: Any, tmp_path: Path, args: list[str]) -> tuple[bytes, bytes, bytes]:
    """Import ``args`` both ways into the empty store; the transactional exports, after
    checking that the offline ones equal them byte for byte."""
    _import(args, "transactional")
    transactional = _exports(tmp_path, "transactional")
    rt.repo.delete_all()
    said = _import(args, "offline")
    # a process connected through the restart holds bookmarks of the replaced database
    # (a later transaction number than the new one has reached): it reconnects
    rt.store.close()
    assert "stopping the local Neo4j" in said and "then starting it again" in said
    assert "ties (offline importer)" in said
    offline = _exports(tmp_path, "offline")
    for a, b in zip(transactional, offline, strict=True):
        assert a == b
    return transactional


def test_offline_import_of_the_sample_network_equals_the_transactional(
    empty_graph: Any, tmp_path: Path
) -> None:
    sample = tmp_path / "sample.json"
    sample.write_bytes(sample_network_bytes())
    document, _, _ = _both_ways(empty_graph, tmp_path, [str(sample)])
    exported = json.loads(document)
    assert (len(exported["nodes"]), len(exported["ties"])) == (94, 298)
    # the schema came back: an id taken twice is refused by the constraint
    assert {"entity_network_id", "knows_network_id"} <= _constraint_names(empty_graph)


def test_offline_import_of_an_edge_list_equals_the_transactional(
    empty_graph: Any, tmp_path: Path
) -> None:
    args = [
        str(DATASETS / "faux_mesa_high_edges.csv"),
        "--nodes",
        str(DATASETS / "faux_mesa_high_nodes.csv"),
        "--group-by",
        "Grade",
    ]
    document, _, ties_csv = _both_ways(empty_graph, tmp_path, args)
    exported = json.loads(document)
    assert len(exported["nodes"]) == 205 + 6  # students and their grades
    assert ties_csv.count(b"\n") == 1 + 203 + 205  # header, friendships, memberships


def test_offline_import_of_generated_data_with_evidence_equals_the_transactional(
    empty_graph: Any, tmp_path: Path
) -> None:
    path = tmp_path / "generated.json"
    path.write_text(json.dumps(generated_document()), encoding="utf-8")
    document, _, _ = _both_ways(empty_graph, tmp_path, [str(path)])
    exported = json.loads(document)
    dates = [len(t["evidence"]) for t in exported["ties"]]
    assert sum(dates) > 100 and 0 in dates  # evidence of every length, none included
    by_id = {n["id"]: n for n in exported["nodes"]}
    assert by_id["p7"]["attributes"]["big"] == 2**62
    assert by_id["p0"]["attributes"]["empty"] == "" and by_id["p1"]["attributes"]["code"] == 1
    assert by_id["p0"]["attributes"]["code"] == "c0"


def _constraint_names(rt: Any) -> set[str]:
    with rt.store.session() as session:
        return {r["name"] for r in session.run("SHOW CONSTRAINTS YIELD name RETURN name")}


def test_failed_offline_import_leaves_the_store_empty_and_the_server_running(
    empty_graph: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from graph_service.store import local_server, offline_import

    real_args = offline_import.importer_args

    def with_missing_file(*args: Any) -> list[str]:
        return [*real_args(*args), f"--nodes={tmp_path / 'missing.csv'}"]

    monkeypatch.setattr(offline_import, "importer_args", with_missing_file)
    sample = tmp_path / "sample.json"
    sample.write_bytes(sample_network_bytes())
    done = runner.invoke(app, ["import", str(sample), "--engine", "offline"])
    empty_graph.store.close()
    assert done.exit_code == 1, done.output
    assert "error: the offline import failed, nothing was written (the store is empty " in (
        done.output
    )
    assert "missing.csv" in done.output
    assert local_server.status(empty_graph.settings).running
    assert empty_graph.repo.store_counts() == (0, 0)
    assert {"entity_network_id", "knows_network_id"} <= _constraint_names(empty_graph)
    assert list((empty_graph.settings.local_home / "import").iterdir()) == []
    monkeypatch.undo()
    _import([str(sample)], "transactional")  # the server takes the import as before
    assert empty_graph.repo.store_counts() == (95, 298)  # and the network's own node


def test_engine_choice_follows_the_server_the_store_and_the_threshold(
    empty_graph: Any, tmp_path: Path
) -> None:
    from graph_service.errors import Invalid
    from graph_service.services.importing.engine import ImportEngine, choose_engine
    from graph_service.services.runtime import Runtime

    auto, offline = ImportEngine.AUTO, ImportEngine.OFFLINE
    settings = empty_graph.settings.model_copy(update={"import_offline_rows": 1_000})
    with Runtime(settings) as rt:
        assert choose_engine(rt, auto, 999) is ImportEngine.TRANSACTIONAL
        assert choose_engine(rt, auto, 1_000) is offline
        assert choose_engine(rt, offline, 1) is offline
        assert choose_engine(rt, ImportEngine.TRANSACTIONAL, 10**6).value == "transactional"
        _import([str(DATASETS / "krackhardt_kite_edges.csv")], "auto")  # 10 nodes: below
        assert rt.repo.store_counts() == (11, 18)  # and the network's own node
        assert choose_engine(rt, auto, 10**6) is ImportEngine.TRANSACTIONAL
        with pytest.raises(Invalid, match="the store holds 11 nodes and 18 relationships"):
            choose_engine(rt, offline, 10**6)
    remote = settings.model_copy(update={"neo4j_uri": "bolt://127.0.0.1:1"})
    rt = Runtime(remote)  # not entered: entering applies the schema, which connects
    try:  # decided before anything connects
        assert choose_engine(rt, auto, 10**6) is ImportEngine.TRANSACTIONAL
        with pytest.raises(Invalid, match="NEO4J_URI names a server of your own"):
            choose_engine(rt, offline, 10**6)
    finally:
        rt.close()
