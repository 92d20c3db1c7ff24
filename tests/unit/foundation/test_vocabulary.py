"""One vocabulary: labels and tie types are spelled out in graph_service/model.py (and the
schema's constraints) only; every other module, template and query derives from it, so
adding a tie type changes model.py, cypher/schema/constraints.cypher and the docs alone."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from graph_service.model import (
    DESCRIPTIONS,
    DIRECTED,
    ENDPOINTS,
    LABEL_COLLECTIONS,
    SOCIAL_TYPES,
    TYPE_PRECEDENCE,
    NodeLabel,
    RelType,
)
from graph_service.store.cypher import names, query

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "graph_service"
VOCABULARY = {t.value for t in RelType} | {label.value for label in NodeLabel}

#: Modules that may spell a vocabulary word as a string: none but the model. (Docstrings
#: and doctests are text for people and are not string literals equal to a word.)
ALLOWED: frozenset[str] = frozenset({"model.py"})


def _spelled_out(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if node.value in VOCABULARY
    ]


def test_no_module_spells_out_a_label_or_tie_type() -> None:
    found = [
        hit
        for path in sorted(PACKAGE.rglob("*.py"))
        if str(path.relative_to(PACKAGE)) not in ALLOWED
        for hit in _spelled_out(path)
    ]
    assert found == [], "derive these from graph_service.model:\n" + "\n".join(found)


def test_no_template_or_script_spells_out_a_label_or_tie_type() -> None:
    words = "|".join(sorted(VOCABULARY))
    quoted = re.compile(rf"""["']({words})["']""")
    found = [
        f"{path.relative_to(ROOT)}: {m.group(0)}"
        for path in sorted(PACKAGE.rglob("*"))
        if path.suffix in {".js", ".j2", ".html"}
        for m in quoted.finditer(path.read_text())
    ]
    assert found == []


def test_queries_name_a_type_only_for_its_meaning() -> None:
    """A query may name the one type it is about (MEMBER_OF for membership) and the labels
    it needs, never list the vocabulary: only the schema does (one constraint a type)."""
    for name in names():
        if name == "schema/constraints":
            continue
        code = "\n".join(line.split("//")[0] for line in query(name).splitlines())
        types = {t for t in RelType if re.search(rf"\b{t.value}\b", code)}
        labels = {label for label in NodeLabel if re.search(rf":{label.value}\b", code)}
        assert len(types) <= 1 and len(labels) <= 2, (name, types, labels)


def test_every_type_and_label_is_fully_described() -> None:
    assert set(DIRECTED) == set(DESCRIPTIONS) == set(ENDPOINTS) == set(RelType)
    assert set(LABEL_COLLECTIONS) == set(NodeLabel)
    assert set(TYPE_PRECEDENCE) == set(SOCIAL_TYPES)
    schema = query("schema/constraints")
    for rel in RelType:
        assert f"[r:{rel.value}]-() REQUIRE (r.network, r.id) IS UNIQUE" in schema, rel
    for label in NodeLabel:
        assert f"(n:{label.value}) ON (n.name)" in schema, label


def test_a_pair_joined_by_a_type_outside_the_precedence_is_named() -> None:
    """Forgetting a type in the precedence used to fail with a bare StopIteration."""
    from graph_service.filters import TieFilter
    from graph_service.services.analysis_graph import Projection, collapse

    def tie(tie_id: str, tie_type: str) -> dict[str, object]:
        return {
            "id": tie_id,
            "type": tie_type,
            "source": "a",
            "target": "b",
            "weight": 1.0,
            "phase": None,
            "evidence_count": 0,
            "method_count": 0,
            "methods": [],
            "max_confidence": None,
            "directed": False,
        }

    nodes = {n: {"label": NodeLabel.ACTOR.value, "name": n, "groups": ()} for n in "ab"}
    only_new = collapse(Projection(nodes, [tie("t1", "MENTORS")], {}, TieFilter()))
    assert only_new.edges["a", "b"]["type"] == "MENTORS"
    both = collapse(Projection(nodes, [tie("t1", "MENTORS"), tie("t2", "KNOWS")], {}, TieFilter()))
    assert both.edges["a", "b"]["type"] == RelType.KNOWS.value


_NEW_TYPE = """
    MENTORS = "MENTORS"
"""

_CHECK_NEW_TYPE = textwrap.dedent(
    """
    import networkx as nx

    from graph_service.api.app import create_app
    from graph_service.filters import TieFilter
    from graph_service.maps import render_map
    from graph_service.maps.encoding import DIRECTED_TIE_TYPES, SOCIAL_TIE_TYPES
    from graph_service.metrics.suite import analyze
    from graph_service.model import RelType, TieIn
    from graph_service.services.analysis_graph import Projection, collapse
    from graph_service.store.repository import typed_union_query

    import graph_service

    assert graph_service.__file__.startswith(HERE), graph_service.__file__
    mentors = RelType("MENTORS")
    assert "MENTORS" in SOCIAL_TIE_TYPES and "MENTORS" in DIRECTED_TIE_TYPES
    assert mentors in TieFilter().social_types()
    assert "[r:MENTORS {network: net.key, id: $id}]" in typed_union_query("ties/get_tie")
    assert TieIn(type="MENTORS", source="a", target="b").id == "MENTORS:a:b"
    create_app()
    actor = {"label": "Actor", "name": "n", "groups": ("g",)}
    tie = {"id": "t1", "type": "MENTORS", "source": "a", "target": "b", "weight": 1.0,
           "phase": None, "evidence_count": 0, "method_count": 0, "methods": [],
           "max_confidence": None, "directed": True}
    graph = collapse(Projection({"a": actor, "b": actor}, [tie], {"g": "G"}, TieFilter()))
    assert graph.edges["a", "b"]["type"] == "MENTORS"
    partition = {n: frozenset({"g"}) for n in graph}
    analyze(graph, partition)
    multi = nx.MultiDiGraph()
    multi.add_nodes_from(graph.nodes(data=True))
    multi.add_edge("a", "b", key="t1", **tie)
    html = render_map(multi, partition=partition, group_names={"g": "G"}).html
    assert "MENTORS" in html
    print("ok")
    """
)


def test_adding_a_tie_type_changes_only_the_model(tmp_path: Path) -> None:
    """A copy of the package whose model.py alone gains a directed social type MENTORS:
    the API, the analysis graph, the metrics, the maps and the queries take it in."""
    copy = tmp_path / "graph_service"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "cypher", copy / "cypher", ignore=shutil.ignore_patterns("__pycache__"))
    model = (copy / "model.py").read_text()
    model = model.replace('    FUNDS = "FUNDS"\n', '    FUNDS = "FUNDS"' + _NEW_TYPE, 1)
    model = model.replace(
        "        RelType.FUNDS,\n    }\n)",
        "        RelType.FUNDS,\n        RelType.MENTORS,\n    }\n)",
        1,
    )
    model = model.replace(
        "    RelType.FUNDS: True,  # source funds target\n",
        "    RelType.FUNDS: True,  # source funds target\n    RelType.MENTORS: True,\n",
        1,
    )
    model = model.replace(
        '    RelType.FUNDS: "source funds target",\n',
        '    RelType.FUNDS: "source funds target",\n'
        '    RelType.MENTORS: "source mentors target",\n',
        1,
    )
    model = model.replace("    RelType.KNOWS,\n)", "    RelType.KNOWS,\n    RelType.MENTORS,\n)", 1)
    assert model.count("MENTORS") == 7, "the model's layout changed: update this test"
    (copy / "model.py").write_text(model)
    out = subprocess.run(
        [sys.executable, "-c", f"HERE = {str(tmp_path)!r}\n" + _CHECK_NEW_TYPE],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        timeout=240,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().endswith("ok")
