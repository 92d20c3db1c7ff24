from __future__ import annotations

import pytest
from pydantic import ValidationError

from graph_service.model import (
    NodeIn,
    NodeLabel,
    RelType,
    TieIn,
    endpoint_error,
    tie_id,
)


def _tie(**kw):  # type: ignore[no-untyped-def]
    base = {"type": "KNOWS", "source": "a", "target": "b"}
    return TieIn.model_validate({**base, **kw})


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"id": "x", "label": "Dragon", "name": "X"}, "label"),
        ({"label": "Actor", "name": "X"}, "id"),
        ({"id": "bad id with spaces", "label": "Actor", "name": "X"}, "id"),
        ({"id": "x", "label": "Actor", "name": ""}, "name"),
        ({"id": "x", "label": "Actor", "name": "X", "attributes": {"Bad-Name": 1}}, "attributes"),
        ({"id": "x", "label": "Actor", "name": "X", "attributes": {"id": 1}}, "attributes"),
        ({"id": "x", "label": "Actor", "name": "X", "colour": "red"}, "colour"),
    ],
)
def test_node_invalid_input_names_the_field(raw: dict, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        NodeIn.model_validate(raw)
    locs = {str(err["loc"][0]) for err in info.value.errors()}
    assert field in locs


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"type": "LIKES"}, "type"),
        ({"weight": -1}, "weight"),
        ({"weight": float("inf")}, "weight"),
        ({"valid_from": "2023-02-30"}, "valid_from"),
        ({"evidence": [{"method": "interview", "source": "I-1", "confidence": 1.5}]}, "evidence"),
        ({"evidence": [{"method": "telepathy", "source": "I-1"}]}, "evidence"),
        ({"evidence": [{"method": "survey", "source": "S", "date": "yesterday"}]}, "evidence"),
        ({"phase": "phase one"}, "phase"),
    ],
)
def test_tie_invalid_input_names_the_field(extra: dict, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        _tie(**extra)
    locs = {str(err["loc"][0]) for err in info.value.errors()}
    assert field in locs


def test_tie_rejects_self_loop_and_reversed_validity() -> None:
    with pytest.raises(ValidationError, match="itself"):
        _tie(target="a")
    with pytest.raises(ValidationError, match="before"):
        _tie(valid_from="2024-01-01", valid_to="2023-01-01")


def test_undirected_tie_is_stored_in_id_order_and_keyed_by_type_ends_phase() -> None:
    tie = _tie(source="zed", target="amy", phase="2")
    assert (tie.source, tie.target) == ("amy", "zed")
    assert tie.key == "KNOWS:amy:zed:2"
    assert tie.key == _tie(source="amy", target="zed", phase="2").key


def test_directed_tie_keeps_its_direction() -> None:
    tie = _tie(type="ADVISES", source="zed", target="amy")
    assert (tie.source, tie.target) == ("zed", "amy")
    assert tie.key == tie_id(RelType.ADVISES, "zed", "amy", None) == "ADVISES:zed:amy"


def test_repeated_observation_counts_once() -> None:
    obs = {"method": "interview", "source": "I-7", "date": "2023-01-05", "confidence": 0.8}
    tie = _tie(evidence=[obs, obs, {**obs, "method": "workshop"}])
    assert len(tie.evidence) == 2


@pytest.mark.parametrize(
    ("rel", "source", "target", "ok"),
    [
        (RelType.KNOWS, NodeLabel.ACTOR, NodeLabel.STAFF, True),
        (RelType.KNOWS, NodeLabel.ACTOR, NodeLabel.GOAL, False),
        (RelType.MEMBER_OF, NodeLabel.STAFF, NodeLabel.GROUP, True),
        (RelType.MEMBER_OF, NodeLabel.GROUP, NodeLabel.STAFF, False),
        (RelType.RESPONSIBLE_FOR, NodeLabel.STAFF, NodeLabel.TASK, True),
        (RelType.RESPONSIBLE_FOR, NodeLabel.ACTOR, NodeLabel.TASK, False),
        (RelType.ADVANCES, NodeLabel.INITIATIVE, NodeLabel.GOAL, True),
        (RelType.PART_OF, NodeLabel.GOAL, NodeLabel.GOAL, True),
        (RelType.PART_OF, NodeLabel.GOAL, NodeLabel.GROUP, False),
        (RelType.FUNDS, NodeLabel.ACTOR, NodeLabel.INITIATIVE, True),
    ],
)
def test_endpoint_rules(rel: RelType, source: NodeLabel, target: NodeLabel, ok: bool) -> None:
    assert (endpoint_error(rel, source, target) is None) is ok
