"""Several networks side by side (issue 13): no query reads or writes across networks.

Every shipped query is checked twice:

- statically: it anchors on the network the way docs/architecture.md says (``MATCH (net:
  Network {name: $network})``, or MERGE for a write that may create the network, then
  ``{network: net.key}``), unless it is listed in :data:`NOT_ANCHORED` with the reason;
- by behaviour: network ``a`` holds the karate club, network ``b`` the same ids with other
  names, ties and phases. Each read answers on ``a`` exactly what it answered when ``a``
  was alone in the store, and something else on ``b``; each write on ``b`` leaves ``a``
  byte-identical on export.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from graph_service.filters import TieFilter
from graph_service.model import SOCIAL_TYPES, NodeIn, NodeLabel, RelType, TieIn
from graph_service.services import exporter, importer, networks
from graph_service.services.steering import privacy
from graph_service.store.cypher import names, query
from tests.conftest import DATASETS, empty_store

pytestmark = pytest.mark.neo4j

#: Queries that do not anchor on a network name, and why.
NOT_ANCHORED = {
    "networks/begin_staging": "creates the (invisible) staging Network node itself",
    "networks/publish_staging": "points the name at a staging's key (the network itself)",
    "networks/retire_network": "hides the Network node itself",
    "erasure/create_filler": "a throw-away node outside every network (log rotation)",
    "erasure/delete_filler": "deletes those throw-away nodes",
    "erasure/overwrite_node": "by element id, read through the anchored person_values",
    "erasure/overwrite_ties": "by element id, read through the anchored person_values",
    "erasure/rotation_size": "a server setting",
    "graph/server_components": "the server's version",
    "graph/delete_ties_batch": "purges a retired key that no network name points to",
    "graph/delete_nodes_batch": "purges a retired key that no network name points to",
    "networks/list_networks": "lists every network",
    "networks/leftovers": "retired keys and stagings of every network",
    "networks/forget_key": "drops the Network node of a purged key",
    "networks/renew_staging": "a staging by its key",
    "networks/abandon_staging": "a staging by its key",
    "networks/adopt_key": "names the key the offline importer wrote (the network itself)",
    "graph/count_store": "counts the whole database: the offline importer needs it empty",
}
ANCHOR = re.compile(r"^(MATCH|MERGE) \(net:Network \{name: \$network\}\)", re.MULTILINE)


def _code(name: str) -> str:
    return "\n".join(line.split("//")[0] for line in query(name).splitlines())


@pytest.mark.parametrize("name", [n for n in names() if not n.startswith("schema/")])
def test_every_query_anchors_on_the_network_or_says_why_not(name: str) -> None:
    if name in NOT_ANCHORED:
        assert "$network" not in _code(name) or name.startswith("networks/"), name
        return
    code = _code(name)
    assert ANCHOR.search(code), f"{name} does not start from its network"
    # every node pattern on an entity label names the key, or is reached from one that does
    assert "{network: net.key" in code, name


# --- two networks with overlapping ids ----------------------------------------------------


def _karate(
    prefix: str, keep: Callable[[int, int], bool], extra_weight: float, member_phase: str
) -> dict[str, Any]:
    """Karate with names that start with ``prefix``: the ties kept, their weights plus
    ``extra_weight``, memberships in ``member_phase`` (the ties' own phase is p1 in every
    network, so tie ids overlap too)."""
    with (DATASETS / "karate_igraphdata_nodes.csv").open() as f:
        rows = list(csv.DictReader(f))
    with (DATASETS / "karate_igraphdata_edges.csv").open() as f:
        edges = [
            (int(r["source"]), int(r["target"]), float(r["weight"])) for r in csv.DictReader(f)
        ]
    nodes = [{"id": r["id"], "label": "Actor", "name": f"{prefix} {r['name']}"} for r in rows]
    nodes += [
        {"id": "g1", "label": "Group", "name": f"{prefix} faction 1"},
        {"id": "g2", "label": "Group", "name": f"{prefix} faction 2"},
        {"id": "s1", "label": "Staff", "name": f"{prefix} staff member"},
    ]
    ties: list[dict[str, Any]] = [
        {
            "type": "MEMBER_OF",
            "source": r["id"],
            "target": f"g{r['Faction']}",
            "phase": member_phase,
        }
        for r in rows
    ]
    ties += [
        {
            "type": "KNOWS",
            "source": str(s),
            "target": str(t),
            "weight": w + extra_weight,
            "phase": "p1",
        }
        for s, t, w in edges
        if keep(s, t)
    ]
    ties.append({"type": "COLLABORATES_WITH", "source": "s1", "target": "1", "phase": "p1"})
    return {"format": "graph-service/v1", "nodes": nodes, "ties": ties}


A = _karate("A", lambda s, t: True, 0.0, "p1")
B = _karate("B", lambda s, t: s <= 12 and t <= 12, 100.0, "p2")
KNOWS_1_2 = TieIn(type=RelType.KNOWS, source="1", target="2", phase="p1").key
KNOWS_1_3 = TieIn(type=RelType.KNOWS, source="1", target="3", phase="p1").key
F = TieFilter().params()
SOCIAL = sorted(t.value for t in SOCIAL_TYPES)
LABELS = [NodeLabel.ACTOR.value, NodeLabel.STAFF.value]


def _names(rows: list[dict[str, Any]]) -> list[str]:
    return sorted(str(r["props"].get("name")) for r in rows)


def _projected(rows: list[dict[str, Any]]) -> list[list[Any]]:
    """The bulk read's nodes (id, name, stored ties) and tie targets, the targets (the
    store's internal ids of their nodes) named by their node ids."""
    ids = {key: i for r in rows for key, i in zip(r["keys"], r["id"], strict=True)}
    return [
        sorted(zip(r["id"], [p.get("name") for p in r["props"]], r["stored"], strict=True))
        + sorted(str([ids[t] for t in targets]) for targets in r["targets"])
        for r in rows
    ]


#: A read per query file: what the query answers in a network (repo: its repository).
READS: dict[str, Callable[[Any], Any]] = {
    "analysis/group_names": lambda repo: sorted(
        r["name"] for r in repo.read("analysis/group_names")
    ),
    "analysis/phases": lambda repo: repo.read("analysis/phases"),
    "analysis/project_graph": lambda repo: _projected(
        repo.read_filtered(
            "analysis/project_graph",
            F,
            labels=LABELS,
            social=SOCIAL,
            batch=1000,
            detail=True,
            types=True,
            part=0,
            parts=1,
        )
    ),
    "api/export_nodes": lambda repo: [n.name for n in repo.export_graph()[0]],
    "api/export_ties": lambda repo: [t.id for t in repo.export_graph()[1]],
    "erasure/person_values": lambda repo: _names(
        repo.read("erasure/person_values", id="s1", person_kinds=["person"])
    ),
    "graph/count_entities": lambda repo: repo.entity_counts(),
    "graph/count_graph": lambda repo: repo.counts(),
    "nodes/get_node": lambda repo: repo.get_node("1"),
    "nodes/labels_of_nodes": lambda repo: repo.labels_of(["1", "s1", "only-b"]),
    "nodes/list_nodes": lambda repo: repo.list_nodes(
        label=None, group="g1", name=None, where=[], offset=0, limit=5
    ),
    "nodes/nodes_by_id": lambda repo: repo.nodes_by_id(["1", "2", "g1"]),
    "paths/common_contacts": lambda repo: repo.common_contacts(F, "1", "2"),
    "paths/ego_network": lambda repo: repo.ego_networks(F, ["1"], 1),
    "paths/filtered_edges": lambda repo: sorted(repo.filtered_edges(F)),
    "paths/group_shortest_paths": lambda repo: sorted(
        (a, b, tuple(ns)) for a, b, ns, _ in repo.group_shortest_paths(F, "g1", "g2", 3, 50)
    ),
    "paths/k_shortest_paths": lambda repo: repo.k_shortest_paths(F, "1", "34", 2, 4),
    "steering/affiliations": lambda repo: repo.read(
        "steering/affiliations",
        types=[RelType.MEMBER_OF.value],
        f_phase="p2",
        f_from=None,
        f_to=None,
    ),
    "steering/node_identity": lambda repo: repo.read("steering/node_identity", id="only-b"),
    "steering/nodes_by_label": lambda repo: repo.read(
        "steering/nodes_by_label", labels=[NodeLabel.GROUP.value]
    ),
    "steering/tie_evidence": lambda repo: repo.read_filtered(
        "steering/tie_evidence", F, labels=LABELS
    ),
    "ties/get_tie": lambda repo: repo.get_tie(KNOWS_1_2),
    "ties/list_ties": lambda repo: repo.list_ties(
        F, node="1", source=None, target=None, offset=0, limit=100
    ),
    "ties/tie_filter": lambda repo: repo.read("ties/tie_filter", **F),
}


def _node(node_id: str, name: str) -> NodeIn:
    return NodeIn(id=node_id, label=NodeLabel.ACTOR, name=name)


#: A write per query file, done in network b (runtime bound to it).
WRITES: dict[str, Callable[[Any], Any]] = {
    "nodes/create_node": lambda rt: rt.repo.create_node(_node("new", "B new")),
    "nodes/upsert_nodes": lambda rt: rt.repo.write_graph([_node("1", "B renamed")], []),
    "nodes/patch_node": lambda rt: rt.repo.patch_node("2", {"name": "B patched"}, []),
    "nodes/delete_node": lambda rt: rt.repo.delete_node("3"),
    "ties/create_tie": lambda rt: rt.repo.create_tie(
        TieIn(type=RelType.ADVISES, source="1", target="2")
    ),
    "ties/upsert_typed_ties": lambda rt: rt.repo.write_graph(
        [], [TieIn(type=RelType.KNOWS, source="1", target="2", phase="p1", weight=9.0)]
    ),
    "ties/upsert_ties": lambda rt: rt.repo.write(
        "ties/upsert_ties",
        rows=[
            {
                "id": "k45",
                "type": "KNOWS",
                "source": "4",
                "target": "5",
                "props": {"id": "k45", "weight": 3.0},
            }
        ],
    ),
    "ties/delete_tie": lambda rt: rt.repo.delete_tie(RelType.KNOWS, KNOWS_1_3),
    "steering/erase_person": lambda rt: privacy.erase_person(rt, "s1"),
    "graph/delete_ties_batch": lambda rt: networks.delete_network(rt),
    "graph/delete_nodes_batch": lambda rt: networks.delete_network(rt),
}


def test_every_query_has_a_behavioural_check() -> None:
    covered = set(READS) | set(WRITES) | {"ties/upsert_typed_ties"}
    housekeeping = {n for n in NOT_ANCHORED if not n.startswith(("graph/delete_", "networks/"))}
    networks_area = {n for n in names() if n.startswith(("networks/", "schema/"))}
    missing = set(names()) - covered - housekeeping - networks_area
    # erasure/overwrite_* run inside steering/erase_person; upserts behind nodes/ and ties/
    assert missing == set(), missing


def _export(runtime: Any) -> bytes:
    nodes, ties = runtime.repo.export_graph()
    return exporter.json_bytes(nodes, ties)


@pytest.fixture(scope="module")
def two_networks(runtime: Any) -> Iterator[dict[str, Any]]:
    """a alone (baseline answers), then b beside it."""
    empty_store(runtime)
    a, b = runtime.on("a"), runtime.on("b")
    importer.import_document(a, A)
    alone = {name: read(a.repo) for name, read in READS.items()}
    importer.import_document(b, B)
    importer.import_document(b, {"format": "graph-service/v1", "nodes": [
        {"id": "only-b", "label": "Actor", "name": "B only", "kind": "person"}]})  # fmt: skip
    yield {"a": a, "b": b, "alone": alone}
    empty_store(runtime)


@pytest.mark.parametrize("name", sorted(READS))
def test_each_read_answers_for_the_network_named(two_networks: dict[str, Any], name: str) -> None:
    a, b, alone = two_networks["a"], two_networks["b"], two_networks["alone"]
    assert READS[name](a.repo) == alone[name]  # b beside it changes nothing
    assert READS[name](b.repo) != alone[name]  # and b answers for b


@pytest.mark.parametrize("name", sorted(WRITES))
def test_each_write_stays_in_its_network(runtime: Any, name: str) -> None:
    a, b = runtime.on("wa"), runtime.on("wb")  # beside the module's a and b
    importer.import_document(a, A)
    importer.import_document(b, B)
    before_a, before_b = _export(a), _export(b)
    WRITES[name](b)
    assert _export(a) == before_a
    assert _export(b) != before_b
    networks.delete_network(a)
    networks.delete_network(b)


def test_deleting_one_network_leaves_the_other_byte_identical(runtime: Any) -> None:
    a, b = runtime.on("wa"), runtime.on("wb")
    importer.import_document(a, A)
    importer.import_document(b, B)
    before = _export(a)
    listed = {
        n.name: (n.node_count, n.tie_count)
        for n in networks.list_networks(runtime)
        if n.name.startswith("w")
    }
    assert listed == {"wa": (37, 113), "wb": (37, 57)}
    assert networks.delete_network(b) == 37 + 57
    assert _export(a) == before
    assert "wb" not in [n.name for n in networks.list_networks(runtime)]
    networks.delete_network(a)


# --- the surfaces: each command and route answers for the network it names -----------------


def test_commands_and_routes_answer_for_the_network_named(
    two_networks: dict[str, Any], tmp_path: Any
) -> None:
    import json

    from fastapi.testclient import TestClient

    from graph_service.api.app import create_app
    from graph_service.cli import app

    runner = CliRunner()
    for network, prefix in (("a", "A"), ("b", "B")):
        out = tmp_path / f"{network}.json"
        result = runner.invoke(app, ["export", "-f", "json", "-o", str(out), "--network", network])
        assert result.exit_code == 0, result.output
        doc = json.loads(out.read_bytes())
        assert {n["name"].split()[0] for n in doc["nodes"]} == {prefix}
        metrics = runner.invoke(app, ["metrics", "--network", network, "-o", str(out)])
        assert metrics.exit_code == 0, metrics.output
        assert json.loads(out.read_bytes())["network"]["nodes"] == (35 if network == "a" else 36)
    listed = runner.invoke(app, ["networks", "--json"])
    assert {"a", "b"} <= {n["name"] for n in json.loads(listed.output)}
    bad = runner.invoke(app, ["info", "--network", "No Such"])
    assert bad.exit_code == 2 and "network name 'No Such' is not valid" in bad.output
    settings = two_networks["a"].settings.model_copy(update={"api_keys": None})
    with TestClient(create_app(settings)) as client:
        for network, prefix in (("a", "A"), ("b", "B")):
            node = client.get("/nodes/1", params={"network": network}).json()
            assert node["name"] == f"{prefix} Mr Hi"
            ego = client.get("/connections/ego/1", params={"network": network}).json()
            assert {n["node"]["name"].split()[0] for n in ego["nodes"]} == {prefix}
        assert client.get("/nodes/only-b", params={"network": "a"}).status_code == 404
        assert client.get("/nodes/only-b", params={"network": "b"}).status_code == 200
        assert client.get("/nodes/1").status_code == 404  # default: no such network
        bad_name = client.get("/nodes/1", params={"network": "Bad Name"})
        assert bad_name.status_code == 422 and "network" in bad_name.text
        assert {"a", "b"} <= {n["name"] for n in client.get("/networks").json()}
    params = {p["name"] for p in create_app(settings).openapi()["paths"]["/nodes/{node_id}"]
              ["get"]["parameters"]}  # fmt: skip
    assert "network" in params


def test_delete_command_asks_on_a_terminal_and_refuses_without_one(
    runtime: Any, monkeypatch: Any
) -> None:
    from graph_service.cli import app, common, progress

    runner = CliRunner()
    importer.import_document(runtime.on("doomed"), A)
    refused = runner.invoke(app, ["delete", "--network", "doomed"])
    assert refused.exit_code == 2 and "needs --yes" in refused.output
    monkeypatch.setattr(common, "interactive", lambda: True)
    no = runner.invoke(app, ["delete", "--network", "doomed"], input="n\n")
    assert "Delete network 'doomed' (37 nodes, 113 ties)?" in no.output
    assert no.exit_code == 2 and "not confirmed" in no.output
    assert "doomed" in {n.name for n in networks.list_networks(runtime)}
    monkeypatch.setattr(progress, "PLAIN_AFTER", 0.0)  # the progress lines of a long delete
    yes = runner.invoke(app, ["delete", "--network", "doomed"], input="y\n")
    assert yes.exit_code == 0 and "deleted network 'doomed': 150 nodes and ties" in yes.output
    assert "deleting network 'doomed': done, 150 / 150 nodes and ties" in yes.output
    assert "doomed" not in {n.name for n in networks.list_networks(runtime)}
    missing = runner.invoke(app, ["delete", "--network", "doomed", "--yes"])
    assert missing.exit_code == 2 and "no network named 'doomed'" in missing.output
