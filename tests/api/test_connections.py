"""Who connects to whom, checked against networkx on the sample network and on small
graphs with hand-checked answers."""

from __future__ import annotations

import itertools
from typing import Any

import networkx as nx
import pytest

from tests.api.conftest import is_problem

pytestmark = pytest.mark.neo4j


def _graph(doc: dict[str, Any], types: set[str] | None = None) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(n["id"] for n in doc["nodes"])
    graph.add_edges_from(
        (t["source"], t["target"]) for t in doc["ties"] if types is None or t["type"] in types
    )
    return graph


SOCIAL = {"COLLABORATES_WITH", "COMMUNICATES_WITH", "ADVISES", "KNOWS", "FUNDS"}


@pytest.mark.parametrize(
    ("source", "target"),
    [("st-brammertz", "act-kohlenpott-digital"), ("st-koetterheinrich", "act-dinnendahl")],
)
def test_k_shortest_paths_match_networkx(
    client: Any, sample: dict[str, Any], source: str, target: str
) -> None:
    graph = _graph(sample, SOCIAL)  # paths run over the social ties by default
    answer = client.get(
        "/connections/paths", params={"source": source, "target": target, "k": 5, "max_length": 6}
    )
    assert answer.status_code == 200, answer.text
    paths = answer.json()["paths"]
    expected = []
    for path in nx.shortest_simple_paths(graph, source, target):
        if len(expected) == 5:
            break
        expected.append(len(path) - 1)
    assert [p["length"] for p in paths] == expected
    for p in paths:
        ids = [n["id"] for n in p["nodes"]]
        assert ids[0] == source and ids[-1] == target and len(set(ids)) == len(ids)
        assert [(h["from_id"], h["to_id"]) for h in p["hops"]] == list(itertools.pairwise(ids))
        for hop in p["hops"]:
            for tie in hop["ties"]:
                assert {hop["from_id"], hop["to_id"]} == {tie["source"], tie["target"]}
                assert tie["type"] and "evidence" in tie
    # every tie of a hop is there: as many as the sample has between the two nodes
    first = paths[0]["hops"][0]
    between = {first["from_id"], first["to_id"]}
    assert len(first["ties"]) == sum(
        1 for t in sample["ties"] if {t["source"], t["target"]} == between
    )


def test_path_filters_and_length(client: Any, sample: dict[str, Any]) -> None:
    params = {"source": "st-brammertz", "target": "act-kohlenpott-digital", "k": 10}
    social = client.get("/connections/paths", params={**params, "types": sorted(SOCIAL)}).json()
    for p in social["paths"]:
        assert all(t["type"] in SOCIAL for h in p["hops"] for t in h["ties"])
    short = client.get("/connections/paths", params={**params, "max_length": 2}).json()
    assert short["paths"] and all(p["length"] <= 2 for p in short["paths"])
    strict = client.get("/connections/paths", params={**params, "min_methods": 2}).json()
    for p in strict["paths"]:
        assert all(t["method_count"] >= 2 for h in p["hops"] for t in h["ties"])
    phase = client.get("/connections/paths", params={**params, "phase": "1"}).json()
    for p in phase["paths"]:
        assert all(t["phase"] in (None, "1") for h in p["hops"] for t in h["ties"])


def test_paths_default_to_the_social_ties(client: Any, sample: dict[str, Any]) -> None:
    """Over every type, act-dinnendahl reaches act-heidfeld in 3 steps through groups and
    initiatives; between people the shortest path has 5 ties."""
    labels = {n["id"]: n["label"] for n in sample["nodes"]}
    params = {"source": "act-dinnendahl", "target": "act-heidfeld", "k": 10, "max_length": 6}
    answer = client.get("/connections/paths", params=params).json()
    assert answer["paths"] and answer["shortest_length"] == 5
    assert {p["length"] for p in answer["paths"]} <= {5, 6}
    for p in answer["paths"]:
        assert all(labels[n["id"]] in ("Actor", "Staff") for n in p["nodes"])
        assert all(t["type"] in SOCIAL for h in p["hops"] for t in h["ties"])
    every = client.get("/connections/paths", params={**params, "types": sorted(_types(sample))})
    assert every.json()["shortest_length"] == 3


def _types(doc: dict[str, Any]) -> set[str]:
    return {t["type"] for t in doc["ties"]}


def test_no_path_within_max_length_says_how_long_the_shortest_is(
    client: Any, sample: dict[str, Any]
) -> None:
    params = {"source": "act-dinnendahl", "target": "act-heidfeld"}  # max_length 4
    answer = client.get("/connections/paths", params=params).json()
    assert answer["paths"] == [] and answer["max_length"] == 4
    assert answer["shortest_length"] == 5
    assert "shortest has 5" in answer["note"] and "max_length=5" in answer["note"]
    # ext-hochschule has no social tie at all: no path at any length
    alone = client.get(
        "/connections/paths", params={"source": "act-dinnendahl", "target": "ext-hochschule"}
    ).json()
    assert alone["paths"] == [] and alone["shortest_length"] is None
    assert "no path joins them" in alone["note"]


def test_paths_problems(client: Any, sample: dict[str, Any]) -> None:
    for source, target, missing in [
        ("st-brammertz", "ghost", "target"),
        ("ghost", "st-brammertz", "source"),
        ("ghost", "phantom", "source"),  # the first of the two
    ]:
        answer = client.get("/connections/paths", params={"source": source, "target": target})
        is_problem(answer, 404)
        assert [e["field"] for e in answer.json()["errors"]] == [missing]
    for route, ends in [
        ("/connections/disjoint-paths", ("source", "target")),
        ("/connections/common-contacts", ("a", "b")),
    ]:
        answer = client.get(route, params={ends[0]: "st-brammertz", ends[1]: "ghost"})
        is_problem(answer, 404)
        assert [e["field"] for e in answer.json()["errors"]] == [ends[1]]
    is_problem(
        client.get(
            "/connections/paths", params={"source": "st-brammertz", "target": "st-brammertz"}
        ),
        422,
    )
    is_problem(
        client.get("/connections/paths", params={"source": "a", "target": "b", "k": 11}), 422
    )


def _queries_run(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the shipped queries run from now on, in order (the list fills)."""
    from graph_service.store.neo4j_store import Neo4jStore

    ran: list[str] = []
    run = Neo4jStore._run

    def counted(self: Neo4jStore, name: str, *args: Any) -> Any:
        ran.append(name)
        return run(self, name, *args)

    monkeypatch.setattr(Neo4jStore, "_run", counted)
    return ran


def test_a_paths_request_takes_one_query(
    client: Any, sample: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One query answers a paths request, whatever the answer: paths found, none within
    the length (the shortest length comes with it) or an end missing (its label is
    null). Between two random people of a large network the second is the common case;
    it took three queries (the search, the ends, the shortest length)."""
    ran = _queries_run(monkeypatch)
    params = {"source": "st-brammertz", "target": "act-kohlenpott-digital"}
    answer = client.get("/connections/paths", params=params)
    assert answer.status_code == 200 and answer.json()["paths"]
    assert ran == ["paths/k_shortest_paths"]
    ran.clear()
    params = {"source": "act-dinnendahl", "target": "act-heidfeld"}  # none within 4 ties
    assert client.get("/connections/paths", params=params).json()["shortest_length"] == 5
    assert ran == ["paths/k_shortest_paths"]
    ran.clear()
    params = {"source": "act-dinnendahl", "target": "nobody"}
    missing = client.get("/connections/paths", params=params)
    assert missing.status_code == 404 and missing.json()["errors"][0]["field"] == "target"
    assert ran == ["paths/k_shortest_paths"]


def test_concurrent_paths_requests_share_a_query_and_get_their_own_answers(
    sample: dict[str, Any], runtime: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Paths requests that arrive while a search runs go to Neo4j together, one query per
    filter, k and length (api/coalesce.py), and each gets the answer it gets alone: paths
    found, none within the length, an end missing, the same source in several pairs, the
    same pair twice, another filter."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from graph_service.api.coalesce import Reads
    from graph_service.errors import NotFound
    from graph_service.filters import TieFilter
    from graph_service.services import paths

    knows = TieFilter(types=["KNOWS"])
    asked = [
        ("st-brammertz", "act-kohlenpott-digital", TieFilter()),
        ("st-brammertz", "act-dinnendahl", TieFilter()),
        ("act-dinnendahl", "act-heidfeld", TieFilter()),  # none within 4 ties
        ("act-dinnendahl", "nobody", TieFilter()),
        ("st-brammertz", "act-kohlenpott-digital", TieFilter()),
        ("st-koetterheinrich", "st-wellinghoff", knows),
        ("st-brammertz", "act-kohlenpott-digital", knows),
    ]

    def alone(source: str, target: str, filters: TieFilter) -> dict[str, Any] | str:
        try:
            return paths.paths_document(runtime, source, target, filters, 3, 4)
        except NotFound as exc:
            return str(exc)

    expected = [alone(*request) for request in asked]
    ran = _queries_run(monkeypatch)

    async def ask_together() -> list[dict[str, Any] | str]:
        reads = Reads(runtime)

        async def one(source: str, target: str, filters: TieFilter) -> dict[str, Any] | str:
            found = await reads.k_shortest_paths(runtime.network, filters, source, target, 3, 4)
            try:
                return paths.paths_answer(source, target, 4, found)
            except NotFound as exc:
                return str(exc)

        return await asyncio.gather(*(one(*request) for request in asked))

    with ThreadPoolExecutor(1) as pool:  # a loop of its own (see tests/unit/api)
        together = pool.submit(lambda: asyncio.run(ask_together())).result()
    assert together == expected
    assert expected[3] == "no node with id nobody"
    # the first request goes at once; the others wait for it and share queries by filter
    assert ran.count("paths/k_shortest_paths") <= 3, ran


def test_disjoint_paths_match_node_connectivity(client: Any, sample: dict[str, Any]) -> None:
    graph = _graph(sample, SOCIAL)
    for source, target in [
        ("st-brammertz", "act-kohlenpott-digital"),
        ("st-koetterheinrich", "st-wellinghoff"),
    ]:
        answer = client.get(
            "/connections/disjoint-paths",
            params={"source": source, "target": target, "types": sorted(SOCIAL)},
        ).json()
        direct = graph.has_edge(source, target)
        g = graph.copy()
        if direct:
            g.remove_edge(source, target)
        expected = nx.node_connectivity(g, source, target) + int(direct)
        assert answer["node_disjoint_paths"] == expected and answer["direct_tie"] == direct


def test_disjoint_paths_on_a_hand_checked_graph(client: Any, empty_graph: Any) -> None:
    # a - x - b, a - y - b, a - y2 - z - b where y2 also leans on x: 3 disjoint paths
    nodes = [{"id": i, "label": "Actor", "name": i} for i in ("a", "b", "x", "y", "y2", "z")]
    pairs = [
        ("a", "x"),
        ("x", "b"),
        ("a", "y"),
        ("y", "b"),
        ("a", "y2"),
        ("y2", "z"),
        ("z", "b"),
        ("y2", "x"),
    ]
    ties = [{"type": "KNOWS", "source": s, "target": t} for s, t in pairs]
    assert (
        client.post(
            "/import", json={"format": "graph-service/v1", "nodes": nodes, "ties": ties}
        ).status_code
        == 200
    )
    answer = client.get("/connections/disjoint-paths", params={"source": "a", "target": "b"})
    assert answer.json()["node_disjoint_paths"] == 3
    client.post("/ties", json={"type": "COLLABORATES_WITH", "source": "a", "target": "b"})
    answer = client.get("/connections/disjoint-paths", params={"source": "a", "target": "b"})
    assert answer.json()["node_disjoint_paths"] == 4 and answer.json()["direct_tie"]


@pytest.mark.parametrize("radius", [1, 2, 3])
def test_ego_network_matches_networkx(client: Any, sample: dict[str, Any], radius: int) -> None:
    graph = _graph(sample)
    answer = client.get("/connections/ego/st-wellinghoff", params={"radius": radius}).json()
    expected = nx.single_source_shortest_path_length(graph, "st-wellinghoff", cutoff=radius)
    assert {n["node"]["id"]: n["distance"] for n in answer["nodes"]} == expected
    members = set(expected)
    inside = [t for t in sample["ties"] if t["source"] in members and t["target"] in members]
    assert len(answer["ties"]) == len(inside)


def test_ego_network_filters_and_problems(client: Any, sample: dict[str, Any]) -> None:
    graph = _graph(sample, {"KNOWS"})
    answer = client.get("/connections/ego/st-wellinghoff", params={"radius": 3, "types": "KNOWS"})
    expected = nx.single_source_shortest_path_length(graph, "st-wellinghoff", cutoff=3)
    assert {n["node"]["id"] for n in answer.json()["nodes"]} == set(expected)
    is_problem(client.get("/connections/ego/ghost"), 404)
    is_problem(client.get("/connections/ego/st-wellinghoff", params={"radius": 4}), 422)


@pytest.mark.parametrize(
    "params",
    [
        {"radius": 1},
        {"radius": 3},
        {"radius": 2, "types": ["KNOWS", "ADVISES"], "min_confidence": 0.5},
    ],
)
def test_ego_answers_are_the_models_json(
    client: Any, sample: dict[str, Any], params: dict[str, Any]
) -> None:
    """The route writes documents built without the models (services/paths.py
    ego_document): each must fit the schema and be what the models would write."""
    from graph_service.services.paths import EgoNetwork

    for node in sample["nodes"]:
        answer = client.get(f"/connections/ego/{node['id']}", params=params)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/json"
        doc = answer.json()
        assert EgoNetwork.model_validate(doc).model_dump(mode="json") == doc
        assert doc["nodes"][0] == {"node": doc["nodes"][0]["node"], "distance": 0}
        assert doc["nodes"][0]["node"]["id"] == node["id"]


def test_brokers_on_a_hand_checked_graph(client: Any, empty_graph: Any) -> None:
    # group A = {a1, a2}, group B = {b1}. a1 - m - b1 and a2 - m - b1, a2 - n - b1:
    # pair (a1, b1): 1 path through m; pair (a2, b1): 2 paths, m and n one each.
    # share(m) = (1 + 1/2) / 2 = 0.75, share(n) = (0 + 1/2) / 2 = 0.25
    nodes = [
        {"id": "ga", "label": "Group", "name": "A"},
        {"id": "gb", "label": "Group", "name": "B"},
    ]
    nodes += [{"id": i, "label": "Actor", "name": i} for i in ("a1", "a2", "b1", "m", "n")]
    ties = [
        {"type": "MEMBER_OF", "source": s, "target": g}
        for s, g in (("a1", "ga"), ("a2", "ga"), ("b1", "gb"))
    ]
    ties += [
        {"type": "COLLABORATES_WITH", "source": s, "target": t}
        for s, t in (("a1", "m"), ("m", "b1"), ("a2", "m"), ("a2", "n"), ("n", "b1"))
    ]
    assert (
        client.post(
            "/import", json={"format": "graph-service/v1", "nodes": nodes, "ties": ties}
        ).status_code
        == 200
    )
    answer = client.get("/connections/brokers", params={"group_a": "ga", "group_b": "gb"})
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["connected_pairs"] == 2 and result["shortest_paths"] == 3
    ranked = [(b["node"]["id"], b["share"], b["paths"], b["pairs"]) for b in result["brokers"]]
    assert ranked == [("m", 0.75, 2, 2), ("n", 0.25, 1, 1)]
    assert {t["id"] for t in result["brokers"][1]["ties"]} == {
        "COLLABORATES_WITH:a2:n",
        "COLLABORATES_WITH:b1:n",
    }
    is_problem(client.get("/connections/brokers", params={"group_a": "ga", "group_b": "m"}), 404)


def test_brokers_on_the_sample(client: Any, sample: dict[str, Any]) -> None:
    answer = client.get(
        "/connections/brokers", params={"group_a": "grp-wiall", "group_b": "grp-stadt", "limit": 5}
    )
    result = answer.json()
    assert answer.status_code == 200 and result["connected_pairs"] > 0
    shares = [b["share"] for b in result["brokers"]]
    assert shares == sorted(shares, reverse=True) and all(0 < s <= 1 for s in shares)


def test_common_contacts(client: Any, sample: dict[str, Any]) -> None:
    graph = _graph(sample)
    a, b = "st-brammertz", "st-wellinghoff"
    answer = client.get("/connections/common-contacts", params={"a": a, "b": b}).json()
    expected = sorted(set(graph[a]) & set(graph[b]))
    assert [c["node"]["id"] for c in answer["contacts"]] == expected
    for contact in answer["contacts"]:
        assert contact["ties_to_a"] and contact["ties_to_b"]


@pytest.mark.parametrize(
    "params",
    [
        {"k": 10, "max_length": 6},
        {"k": 3, "max_length": 4, "types": ["KNOWS", "MEMBER_OF"]},
        {"k": 2, "max_length": 1},  # mostly no path: the note and the shortest length
    ],
)
def test_path_answers_are_the_models_json(
    client: Any, runtime: Any, sample: dict[str, Any], params: dict[str, Any]
) -> None:
    """The route writes documents built without the models (services/paths.py
    paths_document): each must fit the schema and be what the models would write, and
    the service's models (maps use them) must say the same."""
    from graph_service.filters import TieFilter
    from graph_service.services import paths
    from graph_service.services.paths import PathsResult

    people = [n["id"] for n in sample["nodes"] if n["label"] in ("Actor", "Staff")][:8]
    seen = 0
    for source, target in itertools.combinations(people, 2):
        ends = {"source": source, "target": target}
        answer = client.get("/connections/paths", params={**ends, **params})
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/json"
        doc = answer.json()
        assert PathsResult.model_validate(doc).model_dump(mode="json") == doc
        seen += len(doc["paths"])
    assert seen or params["max_length"] == 1
    source, target = people[0], people[1]
    filters = TieFilter(types=params.get("types"))
    model = paths.k_shortest_paths(
        runtime, source, target, filters, params["k"], params["max_length"]
    )
    served = client.get("/connections/paths", params={"source": source, "target": target, **params})
    assert model.model_dump(mode="json") == served.json()
