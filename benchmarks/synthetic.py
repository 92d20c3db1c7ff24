"""A seeded synthetic network in the service's graph convention.

For tests, benchmarks and screenshots of the maps: groups with dense ties
inside (bonding) and sparse ties across (bridging), staff and actors, a few
initiatives, goals and tasks with affiliations, two project phases and mixed
evidence. Not a model of any real network.
"""

from __future__ import annotations

import random
from collections.abc import Hashable

import networkx as nx

from graph_service.maps.encoding import EVIDENCE_METHODS

SOCIAL_TYPES = ("COLLABORATES_WITH", "COMMUNICATES_WITH", "ADVISES", "KNOWS", "FUNDS")
_TYPE_WEIGHTS = (0.35, 0.3, 0.1, 0.2, 0.05)
_DIRECTED = frozenset({"ADVISES", "FUNDS"})
_FIRST = (
    "Anna",
    "Ben",
    "Cem",
    "Dana",
    "Emil",
    "Fatma",
    "Gero",
    "Hanna",
    "Ilse",
    "Jonas",
    "Kai",
    "Lea",
    "Mehmet",
    "Nina",
    "Olaf",
    "Pia",
    "Rolf",
    "Sara",
    "Timo",
    "Ute",
    "Vera",
    "Wim",
)
_LAST = (
    "Becker",
    "Schmidt",
    "Yilmaz",
    "Wagner",
    "Krause",
    "Hoffmann",
    "Kowalski",
    "Richter",
    "Schulz",
    "Neumann",
    "Wolf",
    "Braun",
    "Zimmermann",
    "Hartmann",
    "Lange",
    "Kaya",
)
GROUP_NAMES = (
    "Wirtschaftsallianz",
    "Amt für Wirtschaftsförderung",
    "Stadtplanung",
    "Klimaschutz-Initiative",
    "IHK",
    "Hochschule",
    "Innenstadt-Händler",
    "Energieversorger",
    "Quartiersmanagement",
    "Kreishandwerkerschaft",
    "Jobcenter",
    "Verkehrsbetriebe",
)


def synthetic_network(
    n_nodes: int,
    *,
    n_groups: int | None = None,
    mean_degree: float = 5.0,
    bridging_share: float = 0.15,
    seed: int = 7,
) -> tuple[nx.MultiGraph, dict[Hashable, frozenset[str]], dict[str, str]]:
    """A seeded network of ``n_nodes`` nodes; returns graph, partition and group names.

    About 5 % of nodes are initiatives, goals and tasks (tied by affiliations);
    the rest are actors and staff in groups (some in two groups, some in none),
    with social ties inside groups and a ``bridging_share`` of ties across.
    """
    rng = random.Random(seed)
    k = n_groups if n_groups is not None else max(3, min(12, n_nodes // 40))
    groups = [f"g{i + 1}" for i in range(k)]
    names = {
        g: (GROUP_NAMES[i] if i < len(GROUP_NAMES) else f"Group {i + 1}")
        for i, g in enumerate(groups)
    }
    G = nx.MultiGraph()
    partition: dict[Hashable, frozenset[str]] = {}
    n_other = max(3, n_nodes // 20) if n_nodes >= 20 else 0
    people = n_nodes - n_other
    by_group: dict[str, list[str]] = {g: [] for g in groups}
    for i in range(people):
        key = f"p{i}"
        label = "Staff" if rng.random() < 0.15 else "Actor"
        name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        G.add_node(
            key,
            label=label,
            name=name,
            kind="person" if label == "Staff" else rng.choice(("person", "organisation")),
        )
        r = rng.random()
        if r < 0.06:
            partition[key] = frozenset()
        else:
            mine = {rng.choice(groups)}
            if r > 0.93:
                mine.add(rng.choice(groups))
            partition[key] = frozenset(mine)
            for g in mine:
                by_group[g].append(key)
    others = []
    for i in range(n_other):
        label = ("Initiative", "Goal", "Task")[i % 3]
        key = f"{label[0].lower()}{i}"
        G.add_node(key, label=label, name=f"{label} {i + 1}", kind=label.lower())
        others.append(key)
    person_keys = [f"p{i}" for i in range(people)]
    n_ties = int(people * mean_degree / 2)
    tie_id = 0

    def add_tie(u: str, v: str, tie_type: str, **extra: object) -> None:
        nonlocal tie_id
        tie_id += 1
        n_methods = rng.choice((1, 1, 1, 2, 2, 3))
        methods = rng.sample(EVIDENCE_METHODS, n_methods)
        G.add_edge(
            u,
            v,
            type=tie_type,
            directed=tie_type in _DIRECTED or tie_type not in SOCIAL_TYPES,
            source=u,
            weight=round(rng.uniform(0.5, 5.0), 2),
            phase=rng.choice(("1", "2", "2", None)),
            evidence_count=n_methods + rng.randint(0, 3),
            method_count=n_methods,
            methods=methods,
            max_confidence=round(rng.uniform(0.4, 1.0), 2),
            id=f"t{tie_id}",
            **extra,
        )

    for _ in range(n_ties):
        u = rng.choice(person_keys)
        if rng.random() < bridging_share or not partition[u]:
            v = rng.choice(person_keys)
        else:
            v = rng.choice(by_group[rng.choice(sorted(partition[u]))])
        if u != v:
            add_tie(u, v, rng.choices(SOCIAL_TYPES, _TYPE_WEIGHTS)[0])
    for key in others:
        label = G.nodes[key]["label"]
        for _ in range(rng.randint(1, 3)):
            p = rng.choice(person_keys)
            if label == "Initiative":
                add_tie(p, key, "PARTICIPATES_IN")
            elif label == "Task":
                add_tie(p, key, "RESPONSIBLE_FOR")
        if label != "Goal":
            goals = [o for o in others if G.nodes[o]["label"] == "Goal"]
            if goals:
                add_tie(key, rng.choice(goals), "ADVANCES")
    return G, partition, names
