from __future__ import annotations

import re
from pathlib import Path

from graph_service.config import NEO4J_VERSION
from graph_service.model import GraphDocument

ROOT = Path(__file__).resolve().parents[3]


def test_docker_compose_runs_the_neo4j_version_the_tests_use() -> None:
    compose = (ROOT / "docker-compose.yml").read_text()
    images = re.findall(r"image:\s*neo4j:(\S+)", compose)
    assert images == [f"{NEO4J_VERSION}-community"]


def test_sample_network_is_a_valid_document_of_the_right_size() -> None:
    from graph_service.services.importer import sample_network_bytes

    doc = GraphDocument.model_validate_json(sample_network_bytes())
    assert 60 <= len(doc.nodes) <= 150
    labels = {n.label.value for n in doc.nodes}
    assert labels == {"Actor", "Staff", "Group", "Initiative", "Goal", "Task"}
    phases = {t.phase for t in doc.ties if t.phase}
    assert {"1", "2"} <= phases
    methods = {o.method.value for t in doc.ties for o in t.evidence}
    assert {"interview", "workshop", "observation"} <= methods


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "scripts/demo" in readme and "scripts/test" in readme
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text()
