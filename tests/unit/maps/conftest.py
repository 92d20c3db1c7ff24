"""Small hand-made graphs for the map tests."""

from __future__ import annotations

import json
import re
from typing import Any

import networkx as nx
import pytest

_DATA = re.compile(r'<script type="application/json" id="map-data">(.*?)</script>', re.S)


def payload(html: str) -> dict[str, Any]:
    """The map data a page carries (what its JavaScript reads)."""
    match = _DATA.search(html)
    assert match, "no map data block"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


@pytest.fixture
def office() -> tuple[nx.MultiDiGraph, dict[str, frozenset[str]], dict[str, str]]:
    """Two groups (alliance A, administration B), a broker, a staff member in both.

    Ties: a1-a2 bonding (A), b1-b2 bonding (B), a2->x ADVISES unclassified (x has
    no group), x-b1 KNOWS unclassified, s-a1 and s-b2 bonding (s is in A and B),
    a1->i PARTICIPATES_IN affiliation, a1-a2 a second tie (parallel, phase 2).
    """
    G = nx.MultiDiGraph()
    nodes = {
        "a1": ("Actor", "Anna"),
        "a2": ("Actor", "Ben"),
        "b1": ("Staff", "Cem"),
        "b2": ("Staff", "Dana"),
        "x": ("Actor", "Xaver"),
        "s": ("Staff", "Sara"),
        "i": ("Initiative", "Zukunftsplan"),
    }
    for key, (label, name) in nodes.items():
        G.add_node(key, label=label, name=name, betweenness=0.1 * len(name))

    def tie(u: str, v: str, t: str, phase: str | None, ev: int, w: float = 1.0) -> None:
        G.add_edge(
            u,
            v,
            type=t,
            directed=t in {"ADVISES", "FUNDS", "PARTICIPATES_IN"},
            weight=w,
            phase=phase,
            evidence_count=ev,
            method_count=min(ev, 2),
            methods=["interview", "workshop"][: min(ev, 2)],
            max_confidence=0.9,
            id=f"{u}-{v}-{t}",
        )

    tie("a1", "a2", "COLLABORATES_WITH", "1", 3, 2.0)
    tie("a1", "a2", "KNOWS", "2", 1)
    tie("b1", "b2", "COMMUNICATES_WITH", "1", 2)
    tie("a2", "x", "ADVISES", "2", 1, 4.0)
    tie("x", "b1", "KNOWS", None, 2)
    tie("s", "a1", "COLLABORATES_WITH", "2", 1)
    tie("s", "b2", "COLLABORATES_WITH", "2", 1)
    tie("a1", "i", "PARTICIPATES_IN", "1", 1)
    partition = {
        "a1": frozenset({"A"}),
        "a2": frozenset({"A"}),
        "b1": frozenset({"B"}),
        "b2": frozenset({"B"}),
        "s": frozenset({"A", "B"}),
    }
    return G, partition, {"A": "Wirtschaftsallianz", "B": "Stadtverwaltung"}
