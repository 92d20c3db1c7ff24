"""How large an import one transaction takes (config.Settings.atomic_import_limit) and
the CLI's progress lines for long deletes."""

from __future__ import annotations

import pytest

from graph_service.config import Settings


@pytest.mark.parametrize(
    ("update", "limit"),
    [
        ({"local_heap": "2g"}, 500_000),  # the default heap
        ({"local_heap": "1g"}, 250_000),
        ({"local_heap": "768m"}, 187_500),
        ({"local_heap": "4g", "import_atomic_rows": 1_000}, 1_000),  # the setting wins
        ({"neo4j_uri": "bolt://db.example:7687"}, 500_000),  # a server of your own
    ],
)
def test_atomic_import_limit_follows_the_heap_or_the_setting(
    update: dict[str, object], limit: int
) -> None:
    base = Settings(NEO4J_URI=None, IMPORT_ATOMIC_ROWS=None)  # type: ignore[call-arg]
    assert base.model_copy(update=update).atomic_import_limit == limit
