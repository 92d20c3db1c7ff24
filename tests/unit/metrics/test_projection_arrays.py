"""The stored graph's arrays: ``indexed_ties`` is ``indexed(collapse(...), "weight")`` bit
for bit (node order, tie order, each pair's weights summed in the read order), on any
ties: repeated pairs, both directions, directed and undirected types, self-loops."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_service.errors import Invalid
from graph_service.filters import TieFilter
from graph_service.metrics._core import indexed
from graph_service.model import DIRECTED, SOCIAL_TYPES, RelType
from graph_service.services.analysis_graph import Projection, TieTable, collapse, indexed_ties

TYPES = sorted(t.value for t in SOCIAL_TYPES)
WEIGHTS = [0.1, 0.2, 0.3, 0.7, 1.0, 2.5, 1e-3, 1e16, 0.0]


def tie(n: int, s: int, t: int, rel: str, w: float, phase: str | None) -> dict[str, Any]:
    return {
        "source": f"n{s}",
        "target": f"n{t}",
        "type": rel,
        "id": f"{rel}:n{s}:n{t}:{phase}:{n}",
        "weight": w,
        "phase": phase,
        "evidence_count": n % 3,
        "method_count": n % 2,
        "source_count": 0,
        "max_confidence": None if n % 2 else 0.5,
        "methods": ["interview"] if n % 2 else [],
        "directed": DIRECTED[RelType(rel)],
    }


@st.composite
def projections(draw: st.DrawFn) -> Projection:
    n = draw(st.integers(1, 7))
    rows = draw(
        st.lists(
            st.tuples(
                st.integers(0, n - 1),
                st.integers(0, n - 1),
                st.sampled_from(TYPES),
                st.sampled_from(WEIGHTS),
                st.sampled_from([None, "1", "2"]),
            ),
            max_size=25,
        )
    )
    order = draw(st.permutations(range(n)))  # node order is not id order
    nodes = {f"n{i}": {"name": f"N{i}", "groups": ()} for i in order}
    ties = [tie(k, *row) for k, row in enumerate(rows)]
    return Projection(nodes, ties, {}, TieFilter())


@settings(max_examples=300, deadline=None)
@given(projection=projections(), directed=st.booleans())
def test_indexed_ties_is_indexed_collapse_bit_for_bit(
    projection: Projection, directed: bool
) -> None:
    ours = indexed_ties(projection, directed)
    theirs = indexed(collapse(projection, directed), "weight")
    assert ours.nodes == theirs.nodes and ours.index == theirs.index
    assert ours.directed == theirs.directed == directed
    assert ours.src.tolist() == theirs.src.tolist()
    assert ours.dst.tolist() == theirs.dst.tolist()
    assert ours.w.tobytes() == np.asarray(theirs.w, dtype=np.float64).tobytes()


@given(projection=projections())
def test_tie_table_gives_back_the_tie_dicts(projection: Projection) -> None:
    table = TieTable.of(projection.nodes, projection.ties)
    assert list(table) == list(projection.ties)
    assert len(table) == len(projection.ties) and table.detailed
    if len(table):
        assert table[-1] == projection.ties[-1] and table[:2] == list(projection.ties[:2])


def test_negative_weight_is_refused_naming_the_tie() -> None:
    nodes: dict[str, dict[str, Any]] = {"n0": {}, "n1": {}}
    projection = Projection(nodes, [tie(0, 0, 1, "KNOWS", -1.0, None)], {}, TieFilter())
    with pytest.raises(
        Invalid, match=re.escape("'n0' - 'n1': weight -1.0 must be a finite number")
    ):
        indexed_ties(projection)
