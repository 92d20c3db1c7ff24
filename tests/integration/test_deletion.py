"""Deleting the stored graph on the test server: one transaction when it fits, batches of
counted ties then nodes with progress when not (the million-tie case is in
test_delete_large.py)."""

from __future__ import annotations

import pytest

from graph_service.services import deletion, importer
from graph_service.store.repository import DELETE_BATCH

pytestmark = pytest.mark.neo4j


def _sample(repo) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    report = importer.import_document(repo, importer.sample_network_bytes())
    return report.nodes, report.ties


def test_delete_plan_counts_the_store_and_says_when_not_atomic(empty_graph) -> None:  # type: ignore[no-untyped-def]
    nodes, ties = _sample(empty_graph)
    plan = deletion.plan_delete(empty_graph)
    assert (plan.nodes, plan.ties, plan.batch) == (nodes, ties, DELETE_BATCH)
    assert plan.atomic
    big = deletion.DeletePlan(nodes=20_000, ties=1_000_000)
    assert not big.atomic
    assert big.notice().startswith("deleting 1,000,000 ties and 20,000 nodes in transactions")
    assert "not atomic" in big.notice()


def test_small_delete_is_one_transaction_without_progress(empty_graph) -> None:  # type: ignore[no-untyped-def]
    nodes, ties = _sample(empty_graph)
    calls: list[tuple[int, int]] = []
    assert deletion.delete_graph(empty_graph, lambda d, t: calls.append((d, t))) == (nodes + ties)
    assert calls == []
    assert empty_graph.repo.entity_counts() == (0, 0)


def test_batched_delete_takes_ties_first_and_reports_progress(empty_graph) -> None:  # type: ignore[no-untyped-def]
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


def test_interrupted_batched_delete_finishes_when_run_again(empty_graph) -> None:  # type: ignore[no-untyped-def]
    nodes, ties = _sample(empty_graph)

    class Stop(Exception):
        pass

    def stop_after_first(done: int, total: int) -> None:
        raise Stop

    with pytest.raises(Stop):
        empty_graph.repo.delete_all(stop_after_first, batch=10)
    assert empty_graph.repo.entity_counts() == (nodes, ties - 10)
    assert empty_graph.repo.delete_all(batch=10) == nodes + ties - 10
    assert empty_graph.repo.entity_counts() == (0, 0)


def test_delete_route_empties_the_store(empty_graph) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from graph_service.api.app import create_app

    _sample(empty_graph)
    with TestClient(create_app(empty_graph.settings)) as client:
        assert client.delete("/graph").status_code == 204
    assert empty_graph.repo.entity_counts() == (0, 0)
