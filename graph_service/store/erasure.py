"""Erasure that reaches Neo4j's files, as far as Neo4j lets a client reach them.

Deleting a node marks its records unused; the bytes stay in the store files until the
records are reused, and the transaction logs keep every committed change (the delete
even logs the values it removes) until the log file they are in is pruned. So an erasure
runs in three steps around the delete (services/steering/privacy.py):

1. :func:`overwrite_in_place`: every text (and list) value of the person and its ties is
   overwritten with filler of at least the same size. Neo4j writes a changed value over
   the records of the old one when it fits (its property and dynamic records are reused),
   so the store files no longer hold the old text.
2. the delete itself.
3. :func:`rotate_transaction_log`: a throw-away value fills the current transaction log
   past ``db.tx_log.rotation.size``, so the next transaction starts a new file; the file
   holding the erased values is then pruned at the next checkpoint, when the retention
   policy (``db.tx_log.rotation.retention_policy``) lets it go. The local server is
   configured for that (store/local_server.py: keep_none, 128 KiB files, a checkpoint
   every 10 s); for other servers docs/privacy.md says what to set.

What stays: the id and kind of the person (needed to find and delete it) may linger in
freed records and index pages until reused; backups and exports made earlier keep
everything (docs/privacy.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graph_service.store.neo4j_store import Neo4jStore

#: A character that no compact string encoding of Neo4j takes (3 bytes in UTF-8), so the
#: filler is stored in dynamic records like the long text it overwrites.
FILLER_CHAR = "\u2588"
#: Properties erasure needs to find and delete the node: not overwritten.
KEPT = frozenset({"id", "kind"})
#: Rotation sizes up to this are filled on erasure; past it (Neo4j's default is 256 MiB)
#: the log is left to rotate by itself and the report says so.
MAX_FILL_BYTES = 8 * 1024 * 1024

_UNITS = {"": 1, "B": 1, "KIB": 1024, "MIB": 1024**2, "GIB": 1024**3, "K": 1024, "M": 1024**2}


@dataclass(frozen=True)
class LogRotation:
    rotated: bool
    rotation_bytes: int | None


def filler_for(value: Any) -> Any:
    """A value at least as large as ``value`` that says nothing of it; None to keep it."""
    if isinstance(value, str):
        return FILLER_CHAR * max(1, len(value.encode("utf-8")))
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return [filler_for(v) for v in value]
    return None


def _overwritten(props: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in props.items():
        filler = None if key in KEPT else filler_for(value)
        if filler is not None:
            out[key] = filler
    return out


def overwrite_in_place(store: Neo4jStore, node_id: str, person_kinds: list[str]) -> bool:
    """Overwrite the person's and its ties' text values; False when there is no such person."""
    rows = store.read("erasure/person_values", id=node_id, person_kinds=person_kinds)
    if not rows:
        return False
    node = rows[0]
    props = _overwritten(node["props"])
    store.write("erasure/overwrite_node", element_id=node["node"], props=props)
    ties = [{"element_id": t["tie"], "props": _overwritten(t["props"])} for t in node["ties"]]
    if ties:
        store.write("erasure/overwrite_ties", rows=ties)
    return True


def parse_size(text: str) -> int | None:
    """``"128.00KiB"`` -> 131072; None when the text is not a size."""
    match = re.fullmatch(r"\s*([0-9.]+)\s*([A-Za-z]*)\s*", text or "")
    if not match or match.group(2).upper() not in _UNITS:
        return None
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


def rotate_transaction_log(store: Neo4jStore) -> LogRotation:
    """Fill the current transaction log past its rotation size, so the next transaction
    starts a new file (the old one is pruned at the next checkpoint)."""
    rows = store.read("erasure/rotation_size")
    size = parse_size(str(rows[0]["value"])) if rows else None
    if size is None or size > MAX_FILL_BYTES:
        return LogRotation(rotated=False, rotation_bytes=size)
    # Create and delete in separate transactions (in one they cancel out, unlogged). The
    # log rotates once a transaction has taken it past the size; the small pair after it
    # makes the new file non-empty, since pruning always keeps the newest non-empty file.
    for filler in ("." * (size + 1024), "."):
        store.write("erasure/create_filler", filler=filler)
        store.write("erasure/delete_filler")
    return LogRotation(rotated=True, rotation_bytes=size)
