"""Request bodies of the API that differ from the model's own schemas.

Per-label resources (``/actors``, …) take a node without its label (the path says it), and
affiliation resources (``/memberships``, …) a tie without its type; both are checked by
the model's own schemas (NodeIn, TieIn) before anything is written.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from graph_service.filters import IsoDate
from graph_service.model import (
    PROPERTY_NAME_PATTERN,
    RESERVED_NODE_PROPERTIES,
    Id,
    Name,
    NodeLabel,
    Observation,
    Phase,
    RelType,
    Scalar,
    ShortText,
    _check_attributes,
    attribute_names_schema,
)

PropertyName = Annotated[str, StringConstraints(pattern=PROPERTY_NAME_PATTERN)]
Description = Annotated[str, StringConstraints(max_length=2000)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class NodeBody(_Body):
    """A node's fields apart from id and label (PUT /<label>/{id})."""

    name: Name
    kind: ShortText | None = None
    description: Description | None = None
    attributes: dict[str, Scalar] = Field(
        default_factory=dict, json_schema_extra=attribute_names_schema(RESERVED_NODE_PROPERTIES)
    )

    @field_validator("attributes")
    @classmethod
    def _attributes(cls, value: dict[str, Any]) -> dict[str, Any]:
        return _check_attributes(value, RESERVED_NODE_PROPERTIES)


class NodeCreate(NodeBody):
    """A node to create under a label given by the path (POST /<label>)."""

    id: Id


class AnyNodeBody(NodeBody):
    """A node's fields apart from its id, label included (PUT /nodes/{id})."""

    label: NodeLabel


class TieBody(_Body):
    """A tie whose type the path gives (POST /memberships, …); checked as a TieIn."""

    id: Id | None = None
    source: Id
    target: Annotated[Id, Field(description="the other end: not the source itself")]
    weight: float = Field(default=1.0, ge=0.0)
    valid_from: IsoDate | None = None
    valid_to: IsoDate | None = None
    phase: Phase | None = None
    role: ShortText | None = None
    evidence: list[Observation] = Field(default_factory=list)


class NodeDeleted(BaseModel):
    id: str
    deleted_ties: int = Field(description="ties deleted with the node")


class TieDeleted(BaseModel):
    id: str
    type: str


class AnyTieBody(TieBody):
    """A tie with its type (POST /ties, PUT /ties/{id}); checked as a TieIn."""

    type: RelType
