"""Deleting one network on the test server: it vanishes in one step (its Network node is
retired), then its entities go by key in batches of counted ties then nodes, with
progress; a purge cut short is finished by the next delete or import (the million-tie
case is in test_delete_large.py)."""

from __future__ import annotations

import pytest

from graph_service.services import deletion, importer, networks

pytestmark = pytest.mark.neo4j


def _sample(runtime) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    report = importer.import_document(runtime, importer.sample_network_bytes())
    return report.nodes, report.ties


def test_delete_plan_counts_the_network(empty_graph) -> None:  # type: ignore[no-untyped-def]
    nodes, ties = _sample(empty_graph)
    _sample(empty_graph.on("other"))
    plan = deletion.plan_delete(empty_graph)
    assert (plan.network, plan.nodes, plan.ties) == ("default", nodes, ties)


def test_delete_takes_ties_first_and_reports_progress(empty_graph) -> None:  # type: ignore[no-untyped-def]
    nodes, ties = _sample(empty_graph)
    calls: list[tuple[int, int]] = []
    done = empty_graph.repo.delete_all(lambda d, t: calls.append((d, t)), batch=10)
    total = nodes + ties
    assert done == total
    assert calls[-1] == (total, total)
    assert [d for d, _ in calls] == sorted({d for d, _ in calls})  # strictly growing
    assert all(t == total for _, t in calls)
    tie_batches = -(-ties // 10)  # ties went in batches of 10 before the first node
    assert calls[tie_batches - 1][0] == ties
    assert empty_graph.repo.entity_counts() == (0, 0)
    assert [n.name for n in networks.list_networks(empty_graph)] == []


def test_interrupted_delete_is_invisible_and_finished_by_the_next(empty_graph) -> None:  # type: ignore[no-untyped-def]
    nodes, ties = _sample(empty_graph)
    other = empty_graph.on("other")
    _sample(other)

    class Stop(Exception):
        pass

    def stop_after_first(done: int, total: int) -> None:
        raise Stop

    with pytest.raises(Stop):
        empty_graph.repo.delete_all(stop_after_first, batch=10)
    # the network is gone at once, though most of its entities are still stored
    assert empty_graph.repo.entity_counts() == (0, 0)
    assert [n.name for n in networks.list_networks(empty_graph)] == ["other"]
    leftovers = empty_graph.repo.leftovers()
    assert len(leftovers) == 1 and leftovers[0]["retired"]
    # the next delete (of another network) finishes the purge first
    assert networks.delete_network(other) == nodes + ties
    assert empty_graph.repo.leftovers() == []


def test_delete_route_empties_one_network(empty_graph) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from graph_service.api.app import create_app

    nodes, ties = _sample(empty_graph)
    _sample(empty_graph.on("kept"))
    with TestClient(create_app(empty_graph.settings)) as client:
        assert client.delete("/graph", params={"network": "kept"}).status_code == 204
        listed = client.get("/networks").json()
    assert [n["name"] for n in listed] == ["default"]
    assert empty_graph.repo.entity_counts() == (nodes, ties)
