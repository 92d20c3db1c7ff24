"""Node positions computed in Python, seeded so that a map looks the same run to run.

The browser's physics simulation (vis-network's Barnes-Hut) needs many seconds
to settle a few thousand nodes, and the result changes with every opening.
igraph's Fruchterman-Reingold (with its grid variant above 1,000 nodes) lays
out 10,000 nodes in about a second on this kind of machine, so the maps always
start from these positions; physics is then either off (large graphs) or only
polishes them.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Hashable, Iterable, Sequence
from typing import TypeVar

import igraph as ig

#: Median tie length in vis-network's canvas units (the page's spring length matches).
TIE_LENGTH = 140.0

# igraph draws random numbers from one process-wide generator; swapping it for a
# seeded one must not interleave with another thread doing the same.
_RNG_LOCK = threading.Lock()

N = TypeVar("N", bound=Hashable)


def seeded_layout(
    nodes: Sequence[N],
    ties: Iterable[tuple[N, N]],
    *,
    seed: int = 42,
    niter: int = 500,
) -> dict[N, tuple[int, int]]:
    """Fruchterman-Reingold positions, in canvas units, rounded to integers.

    Parameters
    ----------
    nodes : the nodes to place (order matters for reproducibility).
    ties : pairs of nodes; direction and parallel ties are ignored.
    seed : seed of igraph's random generator; the same seed, nodes and ties
        give the same positions.
    niter : iterations of Fruchterman-Reingold (Fruchterman & Reingold 1991).

    Returns
    -------
    dict mapping each node to integer ``(x, y)``, scaled so that the median tie
    is :data:`TIE_LENGTH` long (or, without ties, so that nodes sit about that
    far apart), centred on ``(0, 0)``.
    """
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0, 0)}
    index = {v: i for i, v in enumerate(nodes)}
    pairs = {
        (min(index[u], index[v]), max(index[u], index[v]))
        for u, v in ties
        if u in index and v in index and u != v
    }
    graph = ig.Graph(n=n, edges=sorted(pairs), directed=False)
    with _RNG_LOCK:
        ig.set_random_number_generator(random.Random(seed))
        try:
            coords = graph.layout_fruchterman_reingold(niter=niter).coords
        finally:
            ig.set_random_number_generator(random)
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    cx = (max(xs) + min(xs)) / 2
    cy = (max(ys) + min(ys)) / 2
    lengths = sorted(math.dist(coords[a], coords[b]) for a, b in pairs)
    if lengths and lengths[len(lengths) // 2] > 0:
        scale = TIE_LENGTH / lengths[len(lengths) // 2]
    else:
        extent = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
        scale = TIE_LENGTH * math.sqrt(n) / extent
    return {
        v: (round((coords[i][0] - cx) * scale), round((coords[i][1] - cy) * scale))
        for i, v in enumerate(nodes)
    }
