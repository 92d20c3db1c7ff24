"""Records as the store gives them back: the JSON documents the hot reads write out
(``node_doc``, ``tie_doc``) are exactly the JSON of the models, and the models read back
what was written."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from neo4j.time import Date as Neo4jDate
from neo4j.time import DateTime as Neo4jDateTime

from graph_service.model import EvidenceMethod, Node, NodeIn, Observation, RelType, Tie, TieIn
from graph_service.store.repository import (
    node_doc,
    node_from_record,
    node_props,
    tie_doc,
    tie_from_record,
    tie_props,
)


def _as_stored(props: dict[str, Any]) -> dict[str, Any]:
    """What Neo4j gives back for ``props``: dates as neo4j.time.Date."""
    return {
        k: Neo4jDate(v.year, v.month, v.day) if isinstance(v, date) else v for k, v in props.items()
    }


observations = st.builds(
    Observation,
    method=st.sampled_from(list(EvidenceMethod)),
    source=st.text("abcxyz ", min_size=1, max_size=8).filter(str.strip),
    date=st.none() | st.dates(date(1990, 1, 1), date(2040, 1, 1)),
    confidence=st.floats(0, 1),
)


@given(
    rel=st.sampled_from(list(RelType)),
    ends=st.lists(st.sampled_from(["a", "b", "c-1", "d.2"]), min_size=2, max_size=2, unique=True),
    weight=st.floats(0, 1e6),
    valid_from=st.none() | st.dates(date(1990, 1, 1), date(2040, 1, 1)),
    phase=st.none() | st.sampled_from(["1", "phase-2"]),
    role=st.none() | st.sampled_from(["lead", "member"]),
    evidence=st.lists(observations, max_size=4),
)
def test_a_tie_reads_back_as_written_and_its_document_is_the_model_json(
    rel: RelType,
    ends: list[str],
    weight: float,
    valid_from: date | None,
    phase: str | None,
    role: str | None,
    evidence: list[Observation],
) -> None:
    tie = TieIn(
        type=rel,
        source=ends[0],
        target=ends[1],
        weight=weight,
        valid_from=valid_from,
        phase=phase,
        role=role,
        evidence=evidence,
    )
    stored = _as_stored(tie_props(tie))
    doc = tie_doc(rel.value, tie.source, tie.target, stored)
    model = tie_from_record(rel.value, tie.source, tie.target, stored)
    assert model.model_dump(mode="json") == doc
    assert list(doc) == list(Tie.model_fields)
    assert model.model_dump(include=set(TieIn.model_fields)) == tie.model_dump()


def test_a_tie_stored_without_its_summary_still_reads() -> None:
    props = {"id": "t1", "ev_methods": ["interview"], "ev_sources": ["s"], "ev_dates": [""]}
    props["ev_confidences"] = [0.5]
    doc = tie_doc("KNOWS", "a", "b", props)
    assert doc["evidence"] == [
        {"method": "interview", "source": "s", "date": None, "confidence": 0.5}
    ]
    assert doc["evidence_count"] == 1 and doc["weight"] == 1.0 and doc["directed"] is False
    assert tie_from_record("KNOWS", "a", "b", props).model_dump(mode="json") == doc


@pytest.mark.parametrize(
    ("label", "kind", "person"),
    [("Staff", None, True), ("Actor", "person", True), ("Actor", "company", False)],
)
def test_a_node_document_is_the_model_json(label: str, kind: str | None, person: bool) -> None:
    node = NodeIn(
        id="n-1",
        label=label,
        name="Ada",
        kind=kind,
        description="d",
        attributes={"size": 3, "share": 0.5, "town": "Essen", "listed": True},
    )
    stored = {**node_props(node), "aliases": ["x", "y"]}  # a list: not an attribute
    doc = node_doc(label, stored)
    assert doc["person"] is person
    assert list(doc) == list(Node.model_fields)
    assert node_from_record(label, stored).model_dump(mode="json") == doc
    assert Node.model_validate(doc).model_dump(include=set(NodeIn.model_fields)) == (
        node.model_dump()
    )


def test_temporal_attributes_set_outside_the_service_read_as_iso_text() -> None:
    stored = {
        "id": "n",
        "name": "N",
        "founded": Neo4jDate(1990, 5, 17),
        "seen": Neo4jDateTime(2024, 1, 2, 3, 4, 5),
    }
    doc = node_doc("Group", stored)
    assert doc["attributes"]["founded"] == "1990-05-17"
    assert doc["attributes"]["seen"].startswith("2024-01-02T03:04:05")
    assert node_from_record("Group", stored).attributes == doc["attributes"]
