"""GET /export: xlsx, and CSV with formulas neutralised unless neutralise=false."""

from __future__ import annotations

from typing import Any

import pytest

from graph_service.model import NodeIn

pytestmark = pytest.mark.neo4j


@pytest.fixture()
def stored(sample: Any, runtime: Any) -> Any:
    runtime.repo.write_graph([NodeIn(id="evil", label="Actor", name="=cmd|' /C calc'!A0")], [])
    return runtime


def test_export_xlsx_and_raw_csv(client: Any, stored: Any) -> None:
    xlsx = client.get("/export", params={"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    raw = client.get("/export", params={"format": "csv", "part": "nodes", "neutralise": "false"})
    assert raw.status_code == 200 and "'=cmd" not in raw.text
    safe = client.get("/export", params={"format": "csv", "part": "nodes"})
    assert "'=cmd" in safe.text
