from __future__ import annotations

from graph_service.store.cypher import names, query, statements


def test_every_query_has_a_header_comment() -> None:
    assert names(), "no Cypher files shipped"
    for name in names():
        first = query(name).lstrip().splitlines()[0]
        assert first.startswith("//"), f"{name} lacks its header comment"


def test_schema_splits_into_statements() -> None:
    parts = statements("schema/constraints")
    assert len(parts) >= 10
    assert all(p.startswith("CREATE ") and "IF NOT EXISTS" in p for p in parts)
