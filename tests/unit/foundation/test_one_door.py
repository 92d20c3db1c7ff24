"""One door into the store: surfaces (api/, cli/) call use cases in ``services`` with the
service context; only services use the repository; only the repository uses the store."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import graph_service

PACKAGE = Path(graph_service.__file__).parent
SURFACES = sorted((PACKAGE / "api").rglob("*.py")) + sorted((PACKAGE / "cli").rglob("*.py"))
SERVICES = sorted((PACKAGE / "services").rglob("*.py")) + sorted(
    (PACKAGE / "reports").rglob("*.py")
)
#: Starting and stopping the local server process is no door into the data.
PROCESS_CONTROL = "graph_service.store.local_server"


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def _imports(tree: ast.Module) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out |= {f"{node.module}.{alias.name}" for alias in node.names}
    return out


def _attributes(tree: ast.Module, names: set[str]) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in names
    ]


def _name(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


@pytest.mark.parametrize("path", SURFACES, ids=_name)
def test_surfaces_do_not_import_the_store(path: Path) -> None:
    reached = {
        m
        for m in _imports(_tree(path))
        if m.startswith("graph_service.store") and not m.startswith(PROCESS_CONTROL)
    }
    assert not reached, f"{_name(path)} imports {sorted(reached)}: call a service instead"


@pytest.mark.parametrize("path", SURFACES, ids=_name)
def test_surfaces_do_not_reach_into_the_service_context(path: Path) -> None:
    lines = _attributes(_tree(path), {"repo", "store"})
    assert not lines, f"{_name(path)} uses .repo/.store on lines {lines}: call a service"


@pytest.mark.parametrize("path", SERVICES, ids=_name)
def test_only_the_repository_uses_the_store(path: Path) -> None:
    if path.name == "runtime.py":  # the service context opens the store and the repository
        return
    tree = _tree(path)
    assert "graph_service.store.neo4j_store.Neo4jStore" not in _imports(tree), _name(path)
    lines = _attributes(tree, {"store"})
    assert not lines, f"{_name(path)} uses .store on lines {lines}: go through the repository"


def test_the_api_has_one_dependency_for_the_service_context() -> None:
    from graph_service.api import deps

    aliases = {name for name in vars(deps) if name.endswith("Dep")}
    # CallerRoleDep is who calls (api/auth.py), not a way into the store; StoreServicesDep
    # is the same service context before it is bound to the request's network (the
    # routes about the store as a whole: /networks, /cypher), and ServicesDep derives
    # from it
    assert aliases == {"ServicesDep", "StoreServicesDep", "SettingsDep", "CallerRoleDep"}
