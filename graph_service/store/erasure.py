"""Erasure that reaches Neo4j's files, as far as Neo4j lets a client reach them.

Deleting a node marks its records unused; the bytes stay in the store files until the
records are reused, and the transaction logs keep every committed change (the delete
even logs the values it removes) until the log file they are in is pruned. So an erasure
runs in three steps around the delete (services/steering/privacy.py):

1. :func:`overwrite_in_place`: every text (and list) value of the person and its ties is
   overwritten with filler of at least the same size: short values live in the property
   record itself, which the change rewrites in place.
2. the delete itself.
3. :func:`fill_freed_records`: throw-away text, written and deleted, takes the records the
   first two steps freed (Neo4j reuses freed records, so their old bytes are overwritten)
   and fills the current transaction log past ``db.tx_log.rotation.size``, so the next
   transaction starts a new file; the file holding the erased values is then pruned at
   the next checkpoint, when the retention policy
   (``db.tx_log.rotation.retention_policy``) lets it go. The local server is configured
   for that (store/local_server.py: keep_none, 128 KiB files, a checkpoint every 10 s);
   for other servers docs/privacy.md says what to set.

What stays: the id and kind of the person (needed to find and delete it) may linger in
freed records and index pages until reused; backups and exports made earlier keep
everything (docs/privacy.md).
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graph_service.model import NETWORK_PROPERTY
from graph_service.store.neo4j_store import Neo4jStore

#: A character that no compact string encoding of Neo4j takes (3 bytes in UTF-8), so the
#: filler is stored in dynamic records like the long text it overwrites.
FILLER_CHAR = "\u2588"
#: Properties erasure needs to find and delete the node: not overwritten.
KEPT = frozenset({"id", "kind", NETWORK_PROPERTY})
#: Rotation sizes up to this are filled on erasure; past it (Neo4j's default is 256 MiB)
#: the log is left to rotate by itself and the report says so.
MAX_FILL_BYTES = 8 * 1024 * 1024
#: Throw-away text written after the delete: Neo4j hands out freed records again in id
#: order, so this overwrites the erased ones unless the store holds more freed text
#: records than this from earlier deletions (docs/privacy.md).
STORE_FILLER_BYTES = 4 * 1024 * 1024
REUSE_PAUSE_SECONDS = 2.0

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


def overwrite_in_place(
    store: Neo4jStore, network: str, node_id: str, person_kinds: list[str]
) -> bool:
    """Overwrite the person's and its ties' text values in the network ``network`` (its
    key is kept: the erasure finds the person by it); False when there is no such person."""
    rows = store.read(
        "erasure/person_values", network=network, id=node_id, person_kinds=person_kinds
    )
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


def fill_freed_records(store: Neo4jStore, pause: float = REUSE_PAUSE_SECONDS) -> LogRotation:
    """Write and delete throw-away text so that Neo4j reuses the records the erasure freed
    (overwriting their bytes) and rotates the transaction log past the erased values.

    The filler is at least :data:`STORE_FILLER_BYTES`, and larger than the server's
    rotation size when that is at most :data:`MAX_FILL_BYTES`; ``rotated`` says whether the
    log was filled to rotation (the old file is pruned at the next checkpoint)."""
    rows = store.read("erasure/rotation_size")
    size = parse_size(str(rows[0]["value"])) if rows else None
    rotates = size is not None and size <= MAX_FILL_BYTES
    filler_bytes = max(STORE_FILLER_BYTES, (size or 0) + 1024 if rotates else 0)
    # Freed ids become reusable once the deleting transaction is closed and Neo4j's id
    # maintenance has run (about a second, longer on a busy server): two rounds, so that
    # ids that were not reusable yet in the first are taken in the second. Create and
    # delete in separate transactions (in one they cancel out, unlogged). The log rotates
    # once a transaction has taken it past the size; the small pair at the end makes the
    # new file non-empty, since pruning always keeps the newest non-empty file.
    for filler in ("." * filler_bytes, "." * filler_bytes, "."):
        if len(filler) > 1:
            time.sleep(pause)
        store.write("erasure/create_filler", filler=filler)
        store.write("erasure/delete_filler")
    return LogRotation(rotated=rotates, rotation_bytes=size)
