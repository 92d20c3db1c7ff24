"""The API's Cypher files: the tie filter goes in whole, every composed query compiles on
the server, and the per-type lookup covers every relationship type."""

from __future__ import annotations

import re
from typing import Any

import pytest

from graph_service.model import RelType
from graph_service.store.cypher import names, query
from graph_service.store.repository import (
    TIE_FILTER_MARK,
    filtered_query,
    tie_filter_predicate,
    typed_union_query,
)

pytestmark = pytest.mark.neo4j

FILTERED = [n for n in names() if TIE_FILTER_MARK in query(n)]


def test_get_tie_has_one_branch_per_type() -> None:
    text = typed_union_query("ties/get_tie")
    assert sorted(re.findall(r"\[r:([A-Z_]+) \{network: net.key, id: \$id\}\]", text)) == sorted(
        RelType
    )
    assert text.count("\nUNION ALL\n") == len(RelType) - 1


def test_get_tie_compiles_on_the_server(runtime: Any) -> None:
    with runtime.store.session() as session:
        session.run("EXPLAIN " + typed_union_query("ties/get_tie"), id="x").consume()


def test_the_filter_predicate_is_the_file_s() -> None:
    predicate = tie_filter_predicate()
    assert predicate.startswith("(") and "$f_min_methods" in predicate and "//" not in predicate
    for name in FILTERED:
        assert TIE_FILTER_MARK not in filtered_query(name)


@pytest.mark.parametrize("max_hops", [0, 9, "3", 2.0, True])
def test_max_hops_must_be_a_small_int(max_hops: Any) -> None:
    with pytest.raises(ValueError):
        filtered_query("paths/ego_network", max_hops)


@pytest.mark.parametrize("name", FILTERED)
def test_filtered_queries_compile(runtime: Any, name: str) -> None:
    assert FILTERED
    hops = 3 if "/*@max_hops*/" in query(name) else None
    with runtime.store.session() as session:
        session.run("EXPLAIN " + filtered_query(name, hops)).consume()


def test_typed_query_takes_only_the_vocabulary() -> None:
    from graph_service.store.repository import typed_query

    assert "[r:FUNDS {network: net.key, id: row.id}]" in typed_query(
        "ties/upsert_typed_ties", RelType.FUNDS
    )
    with pytest.raises(TypeError):
        typed_query("ties/upsert_typed_ties", "KNOWS]->() DETACH DELETE n //")  # type: ignore[arg-type]
