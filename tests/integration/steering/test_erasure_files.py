"""Erasure reaches Neo4j's files (issue 12): once a person is erased, its text is found
neither in the store files nor in the transaction logs of the local server."""

from __future__ import annotations

import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from graph_service.services.steering import privacy
from graph_service.store import erasure, local_server

pytestmark = pytest.mark.neo4j


def _files_with(marker: str, folder: Path) -> list[str]:
    found = subprocess.run(
        ["grep", "-rlaF", marker, str(folder)], capture_output=True, text=True, check=False
    )
    return sorted(found.stdout.split())


def _wait_for(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(1)
    return bool(condition())


def test_erased_text_is_gone_from_store_files_and_transaction_logs(
    runtime: Any, settings: Any
) -> None:
    store = runtime.store
    data = settings.local_home / "data"
    marker = f"ERASE-ME-{uuid.uuid4().hex}-lives-at-Hauptstrasse-12-and-confided-a-secret"
    person = f"st-erase-{uuid.uuid4().hex[:8]}"
    props = {"id": person, "name": "Erika Mustermann", "description": marker}
    store.write(
        "nodes/create_node",
        network="default",
        new_key=uuid.uuid4().hex,
        id=person,
        label="Staff",
        props=props,
    )
    # let a checkpoint write the text into the store files, so the test shows it leaves them
    seconds = local_server.CHECKPOINT_SECONDS * 4
    stores = data / "databases"
    _wait_for(lambda: any("neostore." in f for f in _files_with(marker, stores)), seconds)

    report = privacy.erase_person(runtime, person)

    assert report.id == person and report.transaction_log_rotated
    gone = _wait_for(lambda: _files_with(marker, data) == [], seconds * 2)
    assert gone, f"still in {_files_with(marker, data)}"
    assert not store.read("steering/node_identity", network="default", id=person)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("abc", "\u2588" * 3),
        ("Müller", "\u2588" * 7),
        (["a", "bc"], ["\u2588", "\u2588" * 2]),
        (42, None),
        ([1, 2], None),
    ],
)
def test_filler_is_at_least_as_large_as_the_value(value: Any, expected: Any) -> None:
    assert erasure.filler_for(value) == expected


@pytest.mark.parametrize(
    ("text", "size"),
    [("128.00KiB", 131072), ("256.00MiB", 268435456), ("1024", 1024), ("lots", None)],
)
def test_rotation_sizes_are_read(text: str, size: int | None) -> None:
    assert erasure.parse_size(text) == size
