"""Bring a store made before networks existed into the network ``default``.

Such a store has the global uniqueness constraints ``entity_id`` and ``<type>_id`` and
entities without a ``network`` property. At schema time (``Runtime.ensure_schema``), after
the per-network constraints exist, its entities and their ties get the key of the network
``default`` in batches (``cypher/schema/migrate_entities``), and then the global
constraints are dropped: the last step, so a migration cut short is found and finished
at the next start. A store without them (new, or migrated) costs one ``SHOW
CONSTRAINTS``.
"""

from __future__ import annotations

from typing import LiteralString, cast

from graph_service.model import DEFAULT_NETWORK, RelType, new_network_key
from graph_service.store.cypher import query
from graph_service.store.neo4j_store import Neo4jStore, translate_errors

#: Nodes per transaction of the migration.
MIGRATE_BATCH = 10_000


def global_constraints() -> list[str]:
    """The names of the constraints of a store made before networks."""
    return ["entity_id", *(f"{rel.value.lower()}_id" for rel in RelType)]


def migrate_to_networks(store: Neo4jStore, batch: int = MIGRATE_BATCH) -> bool:
    """Move a store made before networks into ``default``; whether there was one."""
    present = {r["name"] for r in store.read("schema/constraint_names")}
    old = [name for name in global_constraints() if name in present]
    if not old:
        return False
    rows = store.write("schema/default_network", network=DEFAULT_NETWORK, new_key=new_network_key())
    key = rows[0]["key"]
    what = "moving the stored graph into the network default"
    with translate_errors(what), store.session() as session:
        session.run(query("schema/migrate_entities"), key=key, batch=batch).consume()
        for name in old:
            # safe: the name comes from the vocabulary (global_constraints), not input
            session.run(cast(LiteralString, f"DROP CONSTRAINT {name} IF EXISTS")).consume()
    return True
