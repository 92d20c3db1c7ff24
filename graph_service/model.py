"""The graph model: closed vocabularies and the pydantic schemas that validate every write.

Labels and relationship types reach Cypher only from the enums below (Cypher cannot
take them as parameters), and property names only after matching
:data:`PROPERTY_NAME_PATTERN`. See ``docs/model.md`` for the reasoning.

This module is the one place the vocabulary is spelled out: labels, tie types, their
direction, social versus affiliation, which labels each type may join, and their order.
Everything else derives from it (``tests/unit/foundation/test_vocabulary.py`` checks
that no other module lists them). Adding a tie type changes this module,
``cypher/schema/constraints.cypher`` and the docs, nothing else.
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from graph_service.errors import Invalid

_Date = date  # an alias: Observation has a field named `date`


#: The label every stored node carries besides its own (the global id constraint's).
ENTITY_LABEL = "Entity"


class NodeLabel(StrEnum):
    """What a node is. Every stored node also carries the label ``Entity`` (its id is
    unique within its network)."""

    ACTOR = "Actor"  # organisations and people outside the office
    STAFF = "Staff"  # people of the office
    GROUP = "Group"  # a unit or alliance that draws the bonding boundary
    INITIATIVE = "Initiative"  # projects, initiatives, networks
    GOAL = "Goal"  # strategy goals, nested with PART_OF
    TASK = "Task"  # fields of activity in a task portfolio


class RelType(StrEnum):
    """Every relationship type the store knows: social ties first, then affiliations."""

    # social ties between Actor/Staff: what bonding and bridging are about
    COLLABORATES_WITH = "COLLABORATES_WITH"
    COMMUNICATES_WITH = "COMMUNICATES_WITH"
    ADVISES = "ADVISES"
    KNOWS = "KNOWS"
    FUNDS = "FUNDS"
    # affiliations
    MEMBER_OF = "MEMBER_OF"
    PARTICIPATES_IN = "PARTICIPATES_IN"
    RESPONSIBLE_FOR = "RESPONSIBLE_FOR"
    ADVANCES = "ADVANCES"
    PART_OF = "PART_OF"


SOCIAL_TYPES: frozenset[RelType] = frozenset(
    {
        RelType.COLLABORATES_WITH,
        RelType.COMMUNICATES_WITH,
        RelType.ADVISES,
        RelType.KNOWS,
        RelType.FUNDS,
    }
)
AFFILIATION_TYPES: frozenset[RelType] = frozenset(set(RelType) - SOCIAL_TYPES)
#: The same two sets in the order every output lists them: the enum's order.
SOCIAL_TYPE_ORDER: tuple[RelType, ...] = tuple(t for t in RelType if t in SOCIAL_TYPES)
AFFILIATION_TYPE_ORDER: tuple[RelType, ...] = tuple(t for t in RelType if t in AFFILIATION_TYPES)

#: Which type names a pair of nodes joined by ties of several types (the collapsed
#: analysis graph has one edge per pair): the first of these that the pair has. The
#: more committed tie first. A type missing here ranks after these, by name (see
#: :func:`naming_type`), so a new type never breaks the analysis.
TYPE_PRECEDENCE: tuple[RelType, ...] = (
    RelType.COLLABORATES_WITH,
    RelType.ADVISES,
    RelType.FUNDS,
    RelType.COMMUNICATES_WITH,
    RelType.KNOWS,
)

#: Social ties that show people coordinate their work (parallel structures: two staff
#: members sharing tasks without one of these between them are flagged).
WORKING_TYPES: frozenset[RelType] = frozenset(
    {RelType.COMMUNICATES_WITH, RelType.COLLABORATES_WITH}
)


def naming_type(types: Iterable[str]) -> str:
    """The type that names a pair joined by ties of ``types`` (see :data:`TYPE_PRECEDENCE`).

    >>> naming_type(["KNOWS", "ADVISES"])
    'ADVISES'
    >>> naming_type(["MENTORS", "KNOWS"])  # an unknown type ranks last
    'KNOWS'
    """
    rank = {t.value: i for i, t in enumerate(TYPE_PRECEDENCE)}
    return min(types, key=lambda t: (rank.get(t, len(rank)), t))


#: Direction semantics. A directed tie reads "source <verb> target"; an undirected one is
#: stored with its ends in id order and means the same read both ways.
DIRECTED: dict[RelType, bool] = {
    RelType.COLLABORATES_WITH: False,
    RelType.COMMUNICATES_WITH: False,
    RelType.KNOWS: False,
    RelType.ADVISES: True,  # source gives advice to target
    RelType.FUNDS: True,  # source funds target
    RelType.MEMBER_OF: True,
    RelType.PARTICIPATES_IN: True,
    RelType.RESPONSIBLE_FOR: True,
    RelType.ADVANCES: True,
    RelType.PART_OF: True,
}

DESCRIPTIONS: dict[RelType, str] = {
    RelType.COLLABORATES_WITH: "work together on something concrete (undirected)",
    RelType.COMMUNICATES_WITH: "exchange information regularly (undirected)",
    RelType.KNOWS: "know each other personally (undirected)",
    RelType.ADVISES: "source gives advice to target",
    RelType.FUNDS: "source funds target",
    RelType.MEMBER_OF: "person or organisation belongs to a group",
    RelType.PARTICIPATES_IN: "takes part in an initiative, with a role",
    RelType.RESPONSIBLE_FOR: "staff member is responsible for a task or an initiative",
    RelType.ADVANCES: "initiative or task advances a goal",
    RelType.PART_OF: "nesting: a goal in a goal, a group in a group, …",
}

#: Labels of the nodes social ties join: the nodes of the analysis graph.
SOCIAL_LABELS: tuple[NodeLabel, ...] = (NodeLabel.ACTOR, NodeLabel.STAFF)
_SOCIAL_ENDS = frozenset(SOCIAL_LABELS)

#: The name of each label's collection: its API resource (``/actors``) and plural in text.
LABEL_COLLECTIONS: dict[NodeLabel, str] = {
    NodeLabel.ACTOR: "actors",
    NodeLabel.STAFF: "staff",
    NodeLabel.GROUP: "groups",
    NodeLabel.INITIATIVE: "initiatives",
    NodeLabel.GOAL: "goals",
    NodeLabel.TASK: "tasks",
}

#: How a text for people counts the nodes of each label: (one, many).
LABEL_NOUNS: dict[NodeLabel, tuple[str, str]] = {
    NodeLabel.ACTOR: ("actor", "actors"),
    NodeLabel.STAFF: ("staff member", "staff members"),
    NodeLabel.GROUP: ("group", "groups"),
    NodeLabel.INITIATIVE: ("initiative", "initiatives"),
    NodeLabel.GOAL: ("goal", "goals"),
    NodeLabel.TASK: ("task", "tasks"),
}

#: The affiliation types with a resource of their own in the API, and its name.
AFFILIATION_COLLECTIONS: dict[RelType, str] = {
    RelType.MEMBER_OF: "memberships",
    RelType.PARTICIPATES_IN: "participations",
    RelType.RESPONSIBLE_FOR: "responsibilities",
}

#: Allowed (source labels, target labels) of each type. PART_OF nests like in like.
ENDPOINTS: dict[RelType, tuple[frozenset[NodeLabel], frozenset[NodeLabel]]] = {
    **{t: (_SOCIAL_ENDS, _SOCIAL_ENDS) for t in SOCIAL_TYPES},
    RelType.FUNDS: (
        _SOCIAL_ENDS | {NodeLabel.GROUP},
        _SOCIAL_ENDS | {NodeLabel.INITIATIVE, NodeLabel.GROUP},
    ),
    RelType.MEMBER_OF: (_SOCIAL_ENDS, frozenset({NodeLabel.GROUP})),
    RelType.PARTICIPATES_IN: (
        _SOCIAL_ENDS | {NodeLabel.GROUP},
        frozenset({NodeLabel.INITIATIVE}),
    ),
    RelType.RESPONSIBLE_FOR: (
        frozenset({NodeLabel.STAFF}),
        frozenset({NodeLabel.TASK, NodeLabel.INITIATIVE}),
    ),
    RelType.ADVANCES: (
        frozenset({NodeLabel.INITIATIVE, NodeLabel.TASK}),
        frozenset({NodeLabel.GOAL}),
    ),
    RelType.PART_OF: (
        frozenset({NodeLabel.GROUP, NodeLabel.GOAL, NodeLabel.INITIATIVE, NodeLabel.TASK}),
        frozenset({NodeLabel.GROUP, NodeLabel.GOAL, NodeLabel.INITIATIVE, NodeLabel.TASK}),
    ),
}


def endpoint_error(rel: RelType, source: NodeLabel, target: NodeLabel) -> str | None:
    """Why a tie of type ``rel`` cannot join ``source`` to ``target``, or None if it can."""
    sources, targets = ENDPOINTS[rel]
    if source not in sources:
        allowed = ", ".join(sorted(sources))
        return f"{rel} cannot start at a {source} (allowed: {allowed})"
    if target not in targets:
        allowed = ", ".join(sorted(targets))
        return f"{rel} cannot end at a {target} (allowed: {allowed})"
    if rel is RelType.PART_OF and source is not target:
        return f"PART_OF nests like in like, not a {source} in a {target}"
    return None


class EvidenceMethod(StrEnum):
    INTERVIEW = "interview"
    WORKSHOP = "workshop"
    OBSERVATION = "observation"
    DOCUMENT = "document"
    SURVEY = "survey"


#: Ids: short, printable, safe in URLs and files.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:@\-]{0,127}$"
#: Free attribute names: lower snake case, never one of the reserved names.
PROPERTY_NAME_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
PHASE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$"

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]

#: Network names (docs/networks.md): lower case, digits, '-' and '_', at most 63
#: characters. Names outside it (e.g. a staging import's) can never be asked for.
NETWORK_NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
#: The network of a command or request that names none, and of a store made before
#: networks existed (migrated at schema time).
DEFAULT_NETWORK = "default"
#: The network the demo loads the sample into (and never another).
SAMPLE_NETWORK = "sample"
NetworkName = Annotated[str, StringConstraints(pattern=NETWORK_NAME_PATTERN)]


def new_network_key() -> str:
    """A fresh, opaque network key: what a network's nodes and ties carry (its name is
    on the Network node only, so a network is renamed, replaced or hidden in one step)."""
    return secrets.token_hex(12)


def network_name(value: str) -> str:
    """``value`` if it is a valid network name; else :class:`~graph_service.errors.Invalid`
    naming it and the rule (exit 2 on the command line, 422 in the API)."""
    if not isinstance(value, str) or not re.fullmatch(NETWORK_NAME_PATTERN, value):
        raise Invalid(
            f"network name {value!r} is not valid: lower-case letters, digits, '-' and '_', "
            "starting with a letter or digit, at most 63 characters",
            errors=[{"field": "network", "message": "invalid name"}],
        )
    return value


Phase = Annotated[str, StringConstraints(pattern=PHASE_PATTERN)]


def _at_most(limit: int) -> BeforeValidator:
    """The length limit on the text as sent: stripping surrounding white space comes after
    it, so the OpenAPI document's maxLength is what the API accepts."""

    def check(value: Any) -> Any:
        if isinstance(value, str) and len(value) > limit:
            raise ValueError(f"at most {limit} characters")
        return value

    return BeforeValidator(check)


Name = Annotated[
    str,
    _at_most(200),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
]
ShortText = Annotated[str, _at_most(200), StringConstraints(strip_whitespace=True, max_length=200)]
#: What Neo4j stores as an integer: 64 bits, signed.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _within_64_bits(value: Any) -> Any:
    # before the union: a larger int would otherwise become a float, silently rounded
    out_of_range = isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX
    if out_of_range and not isinstance(value, bool):
        raise ValueError("an integer must fit in 64 bits (-2**63 to 2**63-1)")
    return value


Int64 = Annotated[int, Field(ge=INT64_MIN, lt=INT64_MAX + 1)]  # lt: the bound survives a float
Scalar = Annotated[str | Int64 | float | bool, BeforeValidator(_within_64_bits)]

#: Every node and tie carries its network's key in this property (docs/networks.md).
NETWORK_PROPERTY = "network"
RESERVED_NODE_PROPERTIES = frozenset(
    {"id", "label", "name", "kind", "description", "labels", NETWORK_PROPERTY}
)
RESERVED_TIE_PROPERTIES = frozenset(
    {
        NETWORK_PROPERTY,
        "id",
        "type",
        "source",
        "target",
        "weight",
        "valid_from",
        "valid_to",
        "phase",
        "role",
        "evidence",
        "ev_methods",
        "ev_sources",
        "ev_dates",
        "ev_confidences",
        "evidence_count",
        "method_count",
        "source_count",
        "max_confidence",
    }
)

#: Actor kinds that denote a person (personal data) rather than an organisation.
PERSON_KINDS = frozenset({"person"})


def attribute_names_schema(reserved: frozenset[str]) -> dict[str, Any]:
    """The JSON Schema of the free attributes' names (what _check_attributes enforces),
    for the OpenAPI document."""
    return {"propertyNames": {"pattern": PROPERTY_NAME_PATTERN, "not": {"enum": sorted(reserved)}}}


def is_person(label: str, kind: str | None) -> bool:
    """Staff are people; actors are people when their kind says so."""
    return label == NodeLabel.STAFF or (label == NodeLabel.ACTOR and kind in PERSON_KINDS)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _check_attributes(value: dict[str, Any], reserved: frozenset[str]) -> dict[str, Any]:
    import re

    for key, item in value.items():
        if not re.match(PROPERTY_NAME_PATTERN, key):
            raise ValueError(
                f"attribute name {key!r} must be lower snake case "
                "(letters, digits, _; starting with a letter; at most 40 characters)"
            )
        if key in reserved:
            raise ValueError(f"attribute name {key!r} is reserved")
        if isinstance(item, float) and not math.isfinite(item):
            raise ValueError(f"attribute {key!r} must be a finite number")
    return value


class NodeIn(_Strict):
    """A node to create or upsert (keyed by ``id``, unique across all labels of a network)."""

    id: Id
    label: NodeLabel
    name: Name
    kind: ShortText | None = None
    description: Annotated[str, _at_most(2000), StringConstraints(max_length=2000)] | None = None
    attributes: dict[str, Scalar] = Field(
        default_factory=dict, json_schema_extra=attribute_names_schema(RESERVED_NODE_PROPERTIES)
    )

    @field_validator("attributes")
    @classmethod
    def _attributes(cls, value: dict[str, Any]) -> dict[str, Any]:
        return _check_attributes(value, RESERVED_NODE_PROPERTIES)


class NodePatch(_Strict):
    """A partial update: only the fields given change; ``attributes`` merge (null removes)."""

    name: Name | None = None
    kind: ShortText | None = None
    description: Annotated[str, _at_most(2000), StringConstraints(max_length=2000)] | None = None
    attributes: dict[str, Scalar | None] = Field(
        default_factory=dict, json_schema_extra=attribute_names_schema(RESERVED_NODE_PROPERTIES)
    )

    @field_validator("attributes")
    @classmethod
    def _attributes(cls, value: dict[str, Any]) -> dict[str, Any]:
        return _check_attributes(value, RESERVED_NODE_PROPERTIES)


class Node(NodeIn):
    """A stored node as read back."""

    person: bool = False


class Observation(_Strict):
    """One sighting of a tie: by which method, from which source, when, how sure."""

    method: EvidenceMethod
    source: Annotated[
        str, _at_most(200), StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
    ]
    date: _Date | None = None
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)

    def key(self) -> tuple[str, str, str]:
        return (self.method.value, self.source, self.date.isoformat() if self.date else "")


def tie_id(rel: RelType, source: str, target: str, phase: str | None) -> str:
    """The id a tie gets when none is given: type, ends (id order when undirected), phase."""
    a, b = (source, target)
    if not DIRECTED[rel] and b < a:
        a, b = b, a
    base = f"{rel.value}:{a}:{b}"
    return f"{base}:{phase}" if phase else base


class TieIn(_Strict):
    """A relationship to create or upsert (keyed by ``id``).

    Social ties and affiliations share the schema; which ends a type may join is checked
    against the stored (or imported) labels of the ends. Undirected types are stored with
    their ends in id order, so (a, b) and (b, a) are the same tie.
    """

    id: Id | None = None
    type: RelType
    source: Id
    target: Annotated[Id, Field(description="the other end: not the source itself")]
    weight: float = Field(default=1.0, ge=0.0)
    valid_from: date | None = None
    valid_to: date | None = None
    phase: Phase | None = None
    role: ShortText | None = None
    evidence: list[Observation] = Field(default_factory=list)

    @field_validator("weight")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("weight must be a finite number")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> TieIn:
        if self.source == self.target:
            raise ValueError("a tie cannot join a node to itself (source equals target)")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        if not DIRECTED[self.type] and self.target < self.source:
            self.source, self.target = self.target, self.source
        if self.id is None:
            self.id = tie_id(self.type, self.source, self.target, self.phase)
        # the same sighting listed twice is one sighting
        seen: dict[tuple[str, str, str], Observation] = {}
        for obs in self.evidence:
            seen.setdefault(obs.key(), obs)
        self.evidence = list(seen.values())
        return self

    @property
    def key(self) -> str:
        assert self.id is not None  # set by the validator
        return self.id


class Tie(TieIn):
    """A stored tie as read back, with the evidence summary the store keeps."""

    id: Id
    directed: bool = False
    evidence_count: int = 0
    method_count: int = 0
    source_count: int = 0
    max_confidence: float | None = None


#: The import/export document's ``format`` (required: a JSON file without it is refused).
DOCUMENT_FORMAT: Literal["graph-service/v1"] = "graph-service/v1"


class GraphDocument(_Strict):
    """The import/export document: nodes and ties. ``version`` guards the format."""

    format: Literal["graph-service/v1"] = Field(description="required: 'graph-service/v1'")
    nodes: list[NodeIn] = Field(default_factory=list)
    ties: list[TieIn] = Field(default_factory=list)
