from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


def test_queries_load_from_any_working_directory(tmp_path: Path) -> None:
    code = "from graph_service.store.cypher import query; print(len(query('ties/upsert_ties')))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": ""},
    )
    assert int(out.stdout) > 50
