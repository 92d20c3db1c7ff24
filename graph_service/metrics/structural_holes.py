"""Burt's structural holes: constraint, effective size, efficiency and hierarchy.

Burt (1992), *Structural Holes*, ch. 2, in the whole-network form that networkx and
igraph implement. With ``N(i)`` the neighbours of ``i`` (directed: in- and
out-neighbours) and the mutual weight ``m_ij = a_ij + a_ji`` (an undirected tie of weight
``w`` gives ``2w``, a reciprocated pair of arcs the sum of both):

- proportional tie strength ``p_ij = m_ij / sum_k m_ik``;
- local constraint ``c_ij = (p_ij + sum_{q in N(i), q != j} p_iq p_qj)^2``;
- **constraint** ``C_i = sum_{j in N(i)} c_ij``;
- **effective size** ``sum_{j in N(i)} (1 - sum_{q in N(i), q != j} p_iq m_jq / max_k m_jk)``
  (for unweighted undirected graphs this is Borgatti's ``n - 2t/n``, ``t`` the ties
  among the ``n`` neighbours);
- **efficiency** = effective size / ``|N(i)|``;
- **hierarchy** ``H_i = sum_j r_ij ln r_ij / (|N(i)| ln |N(i)|)`` with
  ``r_ij = c_ij / (C_i / |N(i)|)`` (Burt 1992, p. 71; UCINET's structural holes
  routine): how much of the constraint comes from a single contact.

Only pairs whose ends are both neighbours of ``i`` and tied to each other add indirect
terms, so every measure is a sum over the triangles of the undirected skeleton; the fast
path enumerates them with igraph and sums with numpy (no dense matrix: networkx's
``effective_size`` builds one and cannot run on 100k nodes). Note that networkx's
``effective_size`` on a directed graph is wrong when it computes all nodes at once; the
per-node formula above is what this module implements.

Undefined values are ``None``: every measure of an isolate, the hierarchy of a node with
one contact, and any value of a node whose ties all weigh 0.
"""

from __future__ import annotations

from collections.abc import Hashable
from itertools import permutations
from typing import TYPE_CHECKING

import numpy as np

from graph_service.metrics._core import FloatArray, IndexedGraph, indexed

if TYPE_CHECKING:  # networkx loads only with a graph (0.15 s of start-up)
    import networkx as nx

__all__ = ["constraint", "effective_size", "efficiency", "hierarchy", "structural_holes"]

MEASURES = ("constraint", "effective_size", "efficiency", "hierarchy")


def structural_holes_arrays(ix: IndexedGraph) -> dict[str, FloatArray]:
    """All four measures as float arrays over ``ix.nodes`` (NaN where undefined)."""
    n = ix.n
    a, b, mw = ix.skeleton
    s = a.size
    deg = ix.skeleton_degree.astype(np.float64)
    arc_i = np.concatenate([a, b])
    arc_m = np.concatenate([mw, mw])
    total = np.bincount(arc_i, weights=arc_m, minlength=n)
    biggest = np.zeros(n)
    if arc_i.size:
        np.maximum.at(biggest, arc_i, arc_m)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(total[arc_i] > 0, arc_m / np.where(total[arc_i] > 0, total[arc_i], 1), 0.0)
        m_rel = np.where(
            biggest[arc_i] > 0, arc_m / np.where(biggest[arc_i] > 0, biggest[arc_i], 1), 0.0
        )

    indirect = np.zeros(2 * s)
    redundancy = np.zeros(n)
    tri = ix.triangles
    if tri.size:
        # the tie {tri[:, x], tri[:, y]} is triangle_ties[:, side[x, y]]
        side = {(0, 1): 0, (0, 2): 1, (1, 2): 2}
        ties = ix.triangle_ties

        def arc_position(x: int, y: int) -> np.ndarray:
            """Arc position (see ``arc_i``) of ``tri[:, x] -> tri[:, y]``."""
            k = ties[:, side[(min(x, y), max(x, y))]]
            return np.where(tri[:, x] < tri[:, y], k, k + s)

        for x, y, z in permutations(range(3)):
            i = tri[:, x]
            p_iq = p[arc_position(x, z)]
            # ordered triple (i, j, q): q is a third party between ego i and alter j
            indirect += np.bincount(
                arc_position(x, y), weights=p_iq * p[arc_position(z, y)], minlength=2 * s
            )
            redundancy += np.bincount(i, weights=p_iq * m_rel[arc_position(y, z)], minlength=n)
    local = (p + indirect) ** 2
    cons: FloatArray = np.bincount(arc_i, weights=local, minlength=n).astype(np.float64)
    eff: FloatArray = np.asarray(deg - redundancy, dtype=np.float64)
    isolate = deg == 0
    dead = total == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        effic = eff / deg
        mean_c = cons / deg
        r = local / mean_c[arc_i]
        rlnr = np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)), 0.0)
        hier = np.bincount(arc_i, weights=rlnr, minlength=n) / (deg * np.log(deg))
    cons[isolate | dead] = np.nan
    eff[isolate | dead] = np.nan
    effic[isolate | dead] = np.nan
    hier[isolate | dead | (deg < 2) | ~np.isfinite(hier)] = np.nan
    return {"constraint": cons, "effective_size": eff, "efficiency": effic, "hierarchy": hier}


def _as_dict(ix: IndexedGraph, values: FloatArray) -> dict[Hashable, float | None]:
    return {
        v: (float(x) if np.isfinite(x) else None)
        for v, x in zip(ix.nodes, values.tolist(), strict=True)
    }


def structural_holes(
    G: nx.Graph, weight: str | None = None
) -> dict[str, dict[Hashable, float | None]]:
    """Constraint, effective size, efficiency and hierarchy of every node, in one pass.

    Parameters
    ----------
    G : nx.Graph or nx.DiGraph
    weight : str, optional
        Edge attribute holding tie strength; ``None`` counts every tie as 1.

    Returns
    -------
    dict
        ``{measure: {node: value or None}}`` for the four measures.
    """
    ix = indexed(G, weight)
    arrays = structural_holes_arrays(ix)
    return {name: _as_dict(ix, arrays[name]) for name in MEASURES}


def constraint(G: nx.Graph, weight: str | None = None) -> dict[Hashable, float | None]:
    """Burt's constraint of every node (``None`` for isolates).

    Same values as ``networkx.constraint`` and igraph's ``constraint``.

    Examples
    --------
    >>> G = nx.star_graph(3)
    >>> round(constraint(G)[0], 4), constraint(G)[1]
    (0.3333, 1.0)
    """
    return structural_holes(G, weight)["constraint"]


def effective_size(G: nx.Graph, weight: str | None = None) -> dict[Hashable, float | None]:
    """Burt's effective size of every node's ego network (``None`` for isolates).

    Examples
    --------
    >>> round(effective_size(nx.complete_graph(4))[0], 12)
    1.0
    """
    return structural_holes(G, weight)["effective_size"]


def efficiency(G: nx.Graph, weight: str | None = None) -> dict[Hashable, float | None]:
    """Effective size divided by the number of contacts (``None`` for isolates).

    Examples
    --------
    >>> efficiency(nx.star_graph(3))[0]
    1.0
    """
    return structural_holes(G, weight)["efficiency"]


def hierarchy(G: nx.Graph, weight: str | None = None) -> dict[Hashable, float | None]:
    """Burt's hierarchy: concentration of constraint on one contact.

    ``None`` for isolates and for nodes with a single contact (``0 / 0``).

    Examples
    --------
    >>> hierarchy(nx.star_graph(3))[0]
    0.0
    """
    return structural_holes(G, weight)["hierarchy"]
