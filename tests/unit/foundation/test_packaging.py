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


def _pyproject() -> dict:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _dist_name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_folder_of_the_package_is_listed_so_the_install_is_quiet() -> None:
    """setuptools warns about (and a wheel would drop) any folder not in ``packages``."""
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    roots = {"graph_service": ROOT / "graph_service", "graph_service.cypher": ROOT / "cypher"}
    found = set()
    for name, root in roots.items():
        for folder in [root, *root.rglob("*")]:
            if folder.is_dir() and folder.name != "__pycache__" and any(folder.iterdir()):
                rel = folder.relative_to(root).parts
                found.add(".".join([name, *rel]))
    assert found - listed == set()


def test_the_runtime_install_needs_no_dev_tool() -> None:
    """The demo installs the runtime dependencies only (scripts/bootstrap): no module of
    graph_service imports a package that only the dev extra brings, except the pyvis
    bridge, which imports pyvis when it is called."""
    import ast
    from importlib.metadata import packages_distributions

    project = _pyproject()["project"]
    runtime = {_dist_name(r) for r in project["dependencies"]}
    dev_only = {_dist_name(r) for r in project["optional-dependencies"]["dev"]} - runtime
    dists = packages_distributions()
    offenders = []
    for path in (ROOT / "graph_service").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                tops = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                tops = [node.module.split(".")[0]]
            else:
                continue
            for top in tops:
                names = {d.lower().replace("_", "-") for d in dists.get(top, [])}
                if names & dev_only and not (top == "pyvis" and path.name == "pyvis_bridge.py"):
                    offenders.append(f"{path.relative_to(ROOT)} imports {top}")
    assert offenders == []
