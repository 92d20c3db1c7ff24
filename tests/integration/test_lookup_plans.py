"""Queries that look nodes up by id, row after row, seek the (network, id) unique index
whatever the statistics say.

A plan is made once and cached. Made while a network is new (its statistics: no nodes,
the index samples empty), the planner took the index on ``network`` alone and filtered
every node of the network by id, for each row: a 10,000-node, 50,000-tie load of
``benchmarks/bench_api.py`` ran one batch of 10,000 ties for more than nine minutes. The queries
below name the index (``USING INDEX n:Entity(network, id)``); this checks the plans on a
network created a moment before, as an import makes them.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from graph_service.filters import TieFilter
from graph_service.model import NodeIn, NodeLabel, RelType
from graph_service.store import cypher
from graph_service.store.cypher import query
from graph_service.store.repository import filtered_query, typed_query

pytestmark = pytest.mark.neo4j

#: Where a query looks a node up by id (the pattern the planner got wrong).
_LOOKUP = re.compile(r"MATCH .*\(\w+:Entity \{network: net\.key, id: ")


def _lookup_queries() -> list[str]:
    return [name for name in cypher.names() if _LOOKUP.search(query(name))]


def _as_sent(name: str) -> str:
    """The text as the repository sends it (a type, the tie filter, a bound written in)."""
    text = query(name)
    if "/*@rel_type*/" in text:
        return typed_query(name, RelType.KNOWS)
    if "/*@tie_filter*/" in text or "/*@max_hops*/" in text:
        return filtered_query(name, 2 if "/*@max_hops*/" in text else None)
    return text


def _params(text: str) -> dict[str, Any]:
    """Every parameter the text names: null, lists empty, the network ``default``."""
    lists = {"rows", "ids", "pairs", "where", "person_kinds", "labels", "social", "types"}
    names = set(re.findall(r"\$(\w+)", text))
    params: dict[str, Any] = {n: ([] if n in lists else None) for n in names}
    params.update(network="default", offset=0, limit=10, **TieFilter().params(None))
    return params


def _seeks(plan: dict[str, Any]) -> list[str]:
    found = []
    if "Seek" in plan["operatorType"] or "Scan" in plan["operatorType"]:
        found.append(f"{plan['operatorType'].split('@')[0]} {plan['args'].get('Details', '')}")
    for child in plan.get("children", []):
        found += _seeks(child)
    return found


def test_every_lookup_by_id_is_checked() -> None:
    # the batch writes and reads of the bug, and every single lookup since
    assert {"ties/upsert_typed_ties", "nodes/nodes_by_id", "paths/k_shortest_paths"} <= set(
        _lookup_queries()
    )


@pytest.mark.parametrize("name", _lookup_queries())
def test_lookups_by_id_seek_the_unique_index_on_a_new_network(empty_graph: Any, name: str) -> None:
    empty_graph.repo.write_graph(
        [NodeIn(id=f"n{i}", label=NodeLabel.ACTOR, name=f"N {i}") for i in range(3)], []
    )
    text = _as_sent(name)
    with empty_graph.store.session() as session:
        summary = session.run(f"EXPLAIN {text}", _params(text)).consume()
    seeks = [s for s in _seeks(summary.plan) if ":Entity(" in s]
    by_id = [s for s in seeks if "id = " in s or "id IN" in s]
    assert by_id, seeks
    assert all("Entity(network, id)" in s for s in by_id), seeks
